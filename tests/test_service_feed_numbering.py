"""Feed positions are given at COMMIT on PostgreSQL (service schema 6): in commit order, after
every position a database upgraded from schema 5 already holds, and never seen unnumbered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import test_service_support as support

from deliberation.engine.clock import ManualClock
from deliberation.roster import Roster
from deliberation.service import db, feed
from deliberation.store import Store, open_store
from deliberation.store.cases import new_case

VILLAGE = "guzhuang"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    base = str(request.getfixturevalue("postgres_url")) if request.param == "postgresql" else None
    yield from support.database_url(request.param, tmp_path, base)


@pytest.fixture
def pg_url(tmp_path: Path, postgres_url: str) -> Iterator[str]:
    yield from support.database_url("postgresql", tmp_path, postgres_url)


def _open_case(store: Store, case_id: str) -> None:
    new_case(store, "four-deliberations", Roster.generate(), case_id=case_id,
             clock=ManualClock())


def _positions(store: Store) -> list[tuple[int | None, str, int]]:
    rows = store.backend.execute(
        "SELECT position, case_id, seq FROM service_feed ORDER BY position, case_id, seq")
    return [(None if r[0] is None else int(r[0]), str(r[1]), int(r[2])) for r in rows]


def test_an_upgraded_database_keeps_its_feed_and_numbers_new_rows_after_it(url: str) -> None:
    store = open_store(url)
    try:
        db.migrate(store, upto=5)
        assert db.service_schema_version(store) == 5
        for case_id in ("old-1", "old-2"):
            _open_case(store, case_id)
            assert feed.sync_case(store, case_id, VILLAGE) == 1
        before = _positions(store)
        assert [(c, s) for _p, c, s in before] == [("old-1", 1), ("old-2", 1)]

        db.migrate(store)
        assert db.service_schema_version(store) == db.LATEST == 6
        assert _positions(store) == before  # kept as they were
        _open_case(store, "new-1")
        assert feed.sync_case(store, "new-1", VILLAGE) == 1
        assert feed.sync_case(store, "new-1", VILLAGE) == 0  # nothing fed twice
        after = _positions(store)
        assert after[:2] == before
        new_position = after[2][0]
        old_top = before[-1][0]
        assert new_position is not None and old_top is not None and new_position > old_top
        events = feed.village_events(store, VILLAGE, 0)
        assert [(e["case"], e["seq"]) for e in events] == [
            ("old-1", 1), ("old-2", 1), ("new-1", 1)]
        assert feed.village_events(store, VILLAGE, old_top)[0]["case"] == "new-1"
    finally:
        store.close()


def test_feed_rows_are_numbered_in_commit_order_not_insert_order(pg_url: str) -> None:
    # Two appends overlap: the first inserts its feed rows, then the second inserts and
    # commits, then the first commits. Numbered at INSERT (under a lock held to COMMIT, as
    # before schema 6) the second would wait for the first; numbered at COMMIT it does not,
    # and it gets the smaller positions. A reader between the commits sees only the second's
    # rows, each with its position.
    first = db.open_service_store(pg_url)
    second = open_store(pg_url)
    reader = open_store(pg_url)
    # (so that a lock the first append held would fail this test instead of hanging it)
    second.backend.execute("SET lock_timeout = '10s'")
    try:
        _open_case(first, "a")
        _open_case(first, "b")
        with first.backend.write():
            assert feed.sync_locked(first, "a", VILLAGE) == 1
            with second.backend.write():
                assert feed.sync_locked(second, "b", VILLAGE) == 1
            seen = feed.village_events(reader, VILLAGE, 0)
            assert [(e["case"], e["seq"]) for e in seen] == [("b", 1)]
            assert all(isinstance(e["position"], int) for e in seen)
        numbered = _positions(reader)
        assert [(c, s) for _p, c, s in numbered] == [("b", 1), ("a", 1)]
        assert all(p is not None for p, _c, _s in numbered)
        b_position = numbered[0][0]
        assert b_position is not None
        later = feed.village_events(reader, VILLAGE, b_position)
        assert [(e["case"], e["seq"]) for e in later] == [("a", 1)]
    finally:
        for s in (first, second, reader):
            s.close()


def test_a_rolled_back_append_leaves_no_feed_row(pg_url: str) -> None:
    store = db.open_service_store(pg_url)
    try:
        _open_case(store, "a")
        with pytest.raises(RuntimeError), store.backend.write():
            feed.sync_locked(store, "a", VILLAGE)
            raise RuntimeError("the append failed")
        assert _positions(store) == []
        assert feed.sync_case(store, "a", VILLAGE) == 1
        assert [p is not None for p, _c, _s in _positions(store)] == [True]
    finally:
        store.close()
