"""Replayed cases kept between requests (``acting.CASES``), on SQLite and PostgreSQL: what
comes out of the cache is the replay of exactly the stored chain — also when another worker
process (another cache) acted on the case meanwhile — acting on a stale version leaves nothing
stale in it, and a tampered row is never taken into a cached case and still fails verify."""

from __future__ import annotations

import random
import threading
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
    # Taken means taken: a second user of the same head does not get it while it is in use
    # (it waits, and after waiting too long replays its own).
    acting.CASES.wait_s = 0.05
    other = acting.checkout(store, info)
    assert other is not cached
    acting.keep(other, info.version, info.head_hash)
    acting.keep(cached, info.version, info.head_hash)
    assert acting.checkout(store, info) is cached


def test_a_stale_version_leaves_nothing_stale_in_the_cache(store: Store) -> None:
    acting.open_case(store, "v", "four-deliberations", Roster.generate(), case_id="k2", at=T0)
    acting.act(store, "k2", _note(0), expected_version=1).keep()
    stale = store.info("k2")
    acting.act(store, "k2", _note(1), expected_version=2).keep()  # another writer moves on
    with pytest.raises(ConcurrencyConflict) as conflict:
        acting.act(store, "k2", _note(2), expected_version=2, info=stale)
    assert conflict.value.actual_version == 3
    now = store.info("k2")
    held = acting.CASES.take("k2")  # what is kept is the replay of the stored chain
    assert held is not None and held[:2] == (3, now.head_hash)
    _same(held[2], acting.load(store, "k2"))
    acting.CASES.give(held[2], held[1])
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
        else:
            cache.release("k3")
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


@contextmanager
def counted_replays(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Every whole-chain replay (``Case.replay``) made in the block, by its length."""
    replays: list[int] = []
    replay = Case.replay.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Case], procedure: object, roster: Roster, records: list[object],
                 **kw: object) -> Case:
        replays.append(len(records))
        return replay(cls, procedure, roster, records, **kw)  # type: ignore[no-any-return]

    with monkeypatch.context() as m:
        m.setattr(Case, "replay", classmethod(counting))
        yield replays


def test_a_second_request_on_a_case_in_use_waits_for_it_instead_of_replaying(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    acting.open_case(store, "v", "four-deliberations", Roster.generate(), case_id="k6", at=T0)
    acting.act(store, "k6", _note(0), expected_version=1).keep()
    info = store.info("k6")
    with counted_replays(monkeypatch) as replays:
        first = acting.checkout(store, info)  # in use by a first request
        got: list[Case] = []
        second = threading.Thread(target=lambda: got.append(acting.checkout(store, info)))
        second.start()
        second.join(0.3)
        assert second.is_alive() and not got  # it waits for the first request
        acting.keep(first, info.version, info.head_hash)
        second.join(10)
        assert got == [first]  # then gets the replay the first one gave back
        acting.keep(got[0], info.version, info.head_hash)
    assert replays == []


def test_a_header_read_before_the_case_moved_in_this_worker_is_read_again(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # A request reads the header at version 2, then waits while another request of the same
    # worker stores version 3 and gives its replay back: the replay is newer than the header.
    acting.open_case(store, "v", "four-deliberations", Roster.generate(), case_id="k7", at=T0)
    acting.act(store, "k7", _note(0), expected_version=1).keep()
    read_before = store.info("k7")
    acting.act(store, "k7", _note(1), expected_version=2).keep()
    with counted_replays(monkeypatch) as replays:
        case, info = acting.checkout_at(store, read_before)
        assert replays == []
        assert (info.version, info.head_hash) == (3, store.info("k7").head_hash)
        assert case.version == 3
        acting.keep(case, info.version, info.head_hash)
        # Acting on the version read first is a conflict found without replaying or
        # appending; the replay stays kept (it is still the stored chain's).
        with pytest.raises(ConcurrencyConflict) as conflict:
            acting.act(store, "k7", _note(2), expected_version=2, info=read_before)
        assert conflict.value.actual_version == 3
        assert replays == []
        assert acting.CASES.version_of("k7") == 3
        # A case that moved on in the database too is caught up from the newer header.
        with worker(monkeypatch, acting.CaseCache()):
            acting.act(store, "k7", _note(3), expected_version=3).keep()
        del replays[:]  # (the other worker's first replay)
        case, info = acting.checkout_at(store, read_before)
        assert replays == []
        assert info.version == case.version == 4
    _same(case, acting.load(store, "k7"))
    acting.keep(case, info.version, info.head_hash)
    assert store.verify("k7").ok
