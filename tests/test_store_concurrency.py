"""Several processes on one case, and writers killed mid-write: on both backends.

No timing is asserted: the tests check what is stored (no gaps, no duplicates, every action
complete, the chain verifies), however the processes happened to interleave.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import random
import signal
import time
from collections import Counter
from typing import Any

import pytest
import test_store_support as support
from test_store_support import make_records, small_roster

from deliberation.errors import ConcurrencyConflict
from deliberation.store import open_store

store_url = support.store_url  # both backends (see test_store_support)

PROCESSES = 4
APPENDS = 25
KILLS = 50

# fork: children start in milliseconds and inherit the imports (Linux, as CI runs).
CTX = mp.get_context("fork")


def _writer(url: str, case_id: str, writer: int, barrier: Any, out: Any) -> None:
    rng = random.Random(writer)
    wins = conflicts = 0
    with open_store(url) as store:
        barrier.wait()
        for i in range(APPENDS):
            size = rng.randint(1, 2)
            while True:
                info = store.info(case_id)
                version = info.version
                try:
                    # Odd writers pass the head read with the version, as the service does
                    # (on PostgreSQL the update then fails the transaction itself if the case
                    # moved, which commits without waiting); even ones let append read it.
                    store.append(case_id, version,
                                 make_records(case_id, version + 1, size, writer=writer, i=i),
                                 head=info.head_hash if writer % 2 else None)
                except ConcurrencyConflict:
                    conflicts += 1
                    continue
                wins += 1
                break
    out.put((writer, wins, conflicts))


def test_racing_processes_lose_nothing_and_double_nothing(store_url: str) -> None:
    with open_store(store_url) as store:
        store.create("race", "four-deliberations", "1", small_roster(),
                     records=make_records("race", 1, 1))
    barrier = CTX.Barrier(PROCESSES)
    out = CTX.Queue()
    procs = [CTX.Process(target=_writer, args=(store_url, "race", w, barrier, out))
             for w in range(PROCESSES)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sorted(r[1] for r in results) == [APPENDS] * PROCESSES
    conflicts = sum(r[2] for r in results)
    with open_store(store_url) as store:
        stored = store.stored("race")
        records = store.records("race")
        result = store.verify("race")
        version = store.info("race").version
    assert result.ok, result.problems
    assert [r.seq for r in records] == list(range(1, len(records) + 1))
    # Every action of every writer is there exactly once, with all its records.
    actions = Counter((s.record.data["writer"], s.record.data["i"]) for s in stored[1:]
                      if s.action_index == 0)
    assert set(actions) == {(w, i) for w in range(PROCESSES) for i in range(APPENDS)}
    assert set(actions.values()) == {1}
    # One winner per version: each action id occupies one contiguous run of seqs.
    runs = Counter(s.action_id for s in stored)
    assert all(runs[s.action_id] == s.action_size for s in stored)
    assert version == len(records)
    print(f"\n{store_url.split(':')[0]}: {PROCESSES}×{APPENDS} actions, {len(records)} records, "
          f"{conflicts} conflicts retried")


def test_an_append_from_a_stale_head_stores_nothing_of_its_transaction(
        store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    with open_store(store_url) as store:
        store.create("stale", "four-deliberations", "1", small_roster(),
                     records=make_records("stale", 1, 1))
        seen = store.info("stale")
        store.append("stale", 1, make_records("stale", 2, 1), head=seen.head_hash)
        def mark(rows: object) -> None:  # writes in the append's transaction, as the service
            # (on PostgreSQL the guard's failure may reach us before this runs, or after)
            store.backend.send("INSERT INTO rosters (fingerprint, roster_json) VALUES (?, ?)",
                               ("marker", "[]"))

        # (long records: on PostgreSQL the guard's failure then often reaches the driver while
        # statements are still being sent, inside the transaction block)
        for version, head in ((1, seen.head_hash), (2, seen.head_hash)) * 5:
            try:
                store.append("stale", version,
                             make_records("stale", version + 1, 20, pad="村" * 2000),
                             head=head, then=mark)
            except ConcurrencyConflict as err:
                assert err.actual_version == 2
            else:
                raise AssertionError(f"appended at {version} from a stale head")
        assert not store.backend.execute("SELECT 1 FROM rosters WHERE fingerprint = 'marker'")
        # a lost race is a conflict, not a warning in the log
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert store.info("stale").version == 2 and len(store.records("stale")) == 2
        assert store.verify("stale").ok
        # and the case goes on from its real head
        now = store.info("stale")
        assert store.append("stale", 2, make_records("stale", 3, 1), head=now.head_hash) == 3


def _crasher(url: str, case_id: str, seed: int, started: Any, inside: Any) -> None:
    rng = random.Random(seed)
    with open_store(url) as store:
        while True:
            version = store.info(case_id).version
            size = rng.randint(1, 4)
            inside.value = 1
            # Long text makes each write take long enough to be killed inside it, often.
            try:
                store.append(case_id, version,
                             make_records(case_id, version + 1, size, pad="村" * 2000))
            except ConcurrencyConflict:
                # The writer killed before this one may have sent its COMMIT just before it
                # died: PostgreSQL still carries it out, after this writer read the version.
                # A writer that loses a race reloads and tries again, as any client should.
                inside.value = 0
                continue
            inside.value = 0
            started.set()


def test_killed_writers_leave_a_consistent_store(store_url: str) -> None:
    with open_store(store_url) as store:
        store.create("crash", "four-deliberations", "1", small_roster(),
                     records=make_records("crash", 1, 1))
    rng = random.Random(7)
    last = 1
    killed_inside = 0
    for trial in range(KILLS):
        # lock=False: the writer is killed at random, maybe while it holds a lock the
        # parent would then wait for forever (a plain shared int needs none)
        started, inside = CTX.Event(), CTX.Value("i", 0, lock=False)
        p = CTX.Process(target=_crasher, args=(store_url, "crash", trial, started, inside))
        p.start()
        # Kill at a random moment after the writer has committed at least one action, so every
        # trial kills a writer that is busy writing (not one still starting up).
        assert started.wait(timeout=120)
        time.sleep(rng.uniform(0.0, 0.03))
        assert p.pid is not None
        os.kill(p.pid, signal.SIGKILL)
        killed_inside += inside.value
        p.join()
        with open_store(store_url) as store:
            result = store.verify("crash")
            assert result.ok, (trial, result.problems)
            stored = store.stored("crash")
            assert store.info("crash").version == len(stored)
        # All-or-nothing: every action present has all its records (verify checks it too).
        sizes = Counter(s.action_id for s in stored)
        assert all(sizes[s.action_id] == s.action_size for s in stored)
        assert len(stored) > last  # each writer committed before it was killed
        last = len(stored)
    print(f"\n{store_url.split(':')[0]}: {KILLS} kills, {killed_inside} inside an append, "
          f"{last} records")
