"""Replayed cases kept between requests (``acting.CASES``), on SQLite and PostgreSQL: what
comes out of the cache is the replay of exactly the stored chain — also when another worker
process (another cache) acted on the case meanwhile — acting on a stale version leaves nothing
stale in it, and a tampered row is never taken into a cached case and still fails verify."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
import test_service_support as support

from deliberation import load_procedure
from deliberation.engine.case import Case
from deliberation.engine.scenario import Step
from deliberation.errors import ConcurrencyConflict
from deliberation.roster import Roster
from deliberation.service import acting
from deliberation.service.db import open_service_store
from deliberation.store import Store, StoredRecord

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    base = str(request.getfixturevalue("postgres_url")) if request.param == "postgresql" else None
    urls = support.database_url(request.param, tmp_path, base)
    s = open_service_store(next(urls))
    yield s
    s.close()
    for _ in urls:
        pass


@pytest.fixture(autouse=True)
def own_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(acting, "CASES", acting.CaseCache())


@contextmanager
def worker(monkeypatch: pytest.MonkeyPatch, cache: acting.CaseCache) -> Iterator[None]:
    """Run as the worker process whose cache is ``cache``."""
    with monkeypatch.context() as m:
        m.setattr(acting, "CASES", cache)
        yield


def _note(i: int) -> Step:
    at = (T0 + timedelta(hours=i + 1)).isoformat()
    return acting.parse_action(f'{{"do": "note", "text": "n{i}", "at": "{at}"}}',
                               load_procedure("four-deliberations"))


def _same(a: Case, b: Case) -> None:
    assert a.records == b.records
    assert (a.state, a.version) == (b.state, b.version)


def test_cached_cases_are_the_replay_of_the_stored_chain(store: Store) -> None:
    acting.open_case(store, "v", "four-deliberations", Roster.generate(), case_id="k1", at=T0)
    for i in range(6):
        out = acting.act(store, "k1", _note(i), expected_version=i + 1)
        assert out.head == store.info("k1").head_hash
        out.keep()
    info = store.info("k1")
    cached = acting.checkout(store, info)
    fresh = acting.load(store, "k1")
    assert cached is not fresh
    _same(cached, fresh)
    assert cached.version == 7
    # Taken means taken: a second user of the same head replays its own.
    assert acting.checkout(store, info) is not cached
    acting.keep(cached, info.version, info.head_hash)
    assert acting.checkout(store, info) is cached


def test_a_stale_version_leaves_nothing_stale_in_the_cache(store: Store) -> None:
    acting.open_case(store, "v", "four-deliberations", Roster.generate(), case_id="k2", at=T0)
    acting.act(store, "k2", _note(0), expected_version=1).keep()
    stale = store.info("k2")
    acting.act(store, "k2", _note(1), expected_version=2).keep()  # another writer moves on
    with pytest.raises(ConcurrencyConflict):
        acting.act(store, "k2", _note(2), expected_version=2, info=stale)
    assert acting.CASES.take("k2") is None  # the case it replayed for the attempt is dropped
    now = store.info("k2")
    assert acting.checkout(store, now).version == 3


def test_two_workers_acting_in_turn_never_serve_a_stale_case(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = acting.CaseCache(), acting.CaseCache()
    acting.open_case(store, "v", "four-deliberations", Roster.generate(), case_id="k3", at=T0)
    rng = random.Random(3)
    caught_up = 0
    for i in range(24):
        cache = rng.choice((a, b))
        held = cache.take("k3")
        if held is not None:
            cache.give(held[2], held[1])
        info = store.info("k3")
        with worker(monkeypatch, cache):
            case = acting.checkout(store, info)
            caught_up += held is not None and held[0] < info.version and case is held[2]
            _same(case, acting.load(store, "k3"))  # exactly what a replay gives
            acting.keep(case, info.version, info.head_hash)
            out = acting.act(store, "k3", _note(i), expected_version=info.version, info=info)
            assert out.result.accepted and out.case.version == i + 2
            out.keep()
    assert caught_up > 0  # (the path under test was taken, not only full replays)
    # A worker holding an older replay, asked with a header read before the other moved on:
    # its answer is the database's state at that header or a conflict, never its own.
    info = store.info("k3")
    with worker(monkeypatch, a):
        mine = acting.checkout(store, info)
        acting.keep(mine, info.version, info.head_hash)
    with worker(monkeypatch, b):
        acting.act(store, "k3", _note(30), expected_version=info.version).keep()
    with worker(monkeypatch, a), pytest.raises(ConcurrencyConflict):
        acting.act(store, "k3", _note(31), expected_version=info.version, info=info)
    now = store.info("k3")
    with worker(monkeypatch, a):
        _same(acting.checkout(store, now), acting.load(store, "k3"))
    assert store.verify("k3").ok


def _acted_by_a_then_b(store: Store, monkeypatch: pytest.MonkeyPatch,
                       case_id: str) -> tuple[acting.CaseCache, acting.CaseCache]:
    """Two workers' caches, A and B, after a case was opened and each acted on it once (A
    first): A holds a replay one record behind the store."""
    a, b = acting.CaseCache(), acting.CaseCache()
    acting.open_case(store, "v", "four-deliberations", Roster.generate(), case_id=case_id, at=T0)
    with worker(monkeypatch, a):
        acting.act(store, case_id, _note(0), expected_version=1).keep()
    with worker(monkeypatch, b):
        acting.act(store, case_id, _note(1), expected_version=2).keep()
    return a, b


def test_a_tampered_row_is_not_taken_into_a_cached_case_and_fails_verify(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    a, _ = _acted_by_a_then_b(store, monkeypatch, "k4")
    # Change the text of the row worker A has not seen, leaving its chain fields as they were.
    row = acting.stored_after(store, "k4", 2)[0]
    with store.backend.write():
        store.backend.execute("UPDATE records SET record_json = ? WHERE case_id = ? AND seq = ?",
                              (row.record_json.replace('"n1"', '"forged"'), "k4", 3))
    info = store.info("k4")
    held = a.take("k4")
    assert held is not None and held[0] == 2
    assert acting._caught_up(store, held[2], held[1], info) is None
    a.give(held[2], held[1])
    with worker(monkeypatch, a):
        case = acting.checkout(store, info)
    assert case is not held[2]  # replayed from the rows, as without any cache
    assert case.records[-1].data["text"] == "forged"
    problems = store.verify("k4").problems
    assert problems and problems[0].seq == 3


def test_rows_read_with_the_header_catch_a_held_replay_up(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = _acted_by_a_then_b(store, monkeypatch, "k5")
    with worker(monkeypatch, b):
        acting.act(store, "k5", _note(2), expected_version=3).keep()
    with worker(monkeypatch, a):
        query = acting.catch_up_query(store, "k5")
    if store.backend.dialect != "postgresql":
        # in-process SQLite has no round trip to save: no query is added to the header's
        assert query is None
        return
    assert query is not None and query[0] == 2
    info, (rows,) = store.info_and("k5", query[1])
    fetched = acting.fetched(query[0], rows)
    assert [r.seq for r in fetched.rows] == [3, 4] and info.version == 4

    def no_read(*args: object) -> None:
        raise AssertionError("the rows were read with the header")

    held = a.take("k5")
    assert held is not None
    a.give(held[2], held[1])
    with worker(monkeypatch, a), monkeypatch.context() as m:
        m.setattr(acting, "stored_after", no_read)
        case = acting.checkout(store, info, rows=fetched)
    assert case is held[2]  # caught up, not replayed anew
    _same(case, acting.load(store, "k5"))
    # Rows read after a later version than the replay's are not enough: it reads them itself.
    stored = acting.stored_after(store, "k5", 0)
    reads: list[int] = []

    def counted(st: Store, case_id: str, after: int) -> tuple[StoredRecord, ...]:
        reads.append(after)
        return stored_after(st, case_id, after)

    stored_after = acting.stored_after
    monkeypatch.setattr(acting, "stored_after", counted)
    old = Case.replay(case.procedure, case.roster, [r.record for r in stored[:2]])
    late = acting.Fetched(3, fetched.rows[1:])
    again = acting._caught_up(store, old, stored[1].hash, info, late)
    assert again is old and reads == [2]
    _same(again, acting.load(store, "k5"))
    # A changed row among those read with the header is not taken in.
    old = Case.replay(case.procedure, case.roster, [r.record for r in stored[:2]])
    forged = acting.Fetched(2, (attrs.evolve(fetched.rows[0], record_json=fetched.rows[0]
                                             .record_json.replace('"n1"', '"forged"')),
                                fetched.rows[1]))
    assert acting._caught_up(store, old, stored[1].hash, info, forged) is None
