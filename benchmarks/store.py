"""Event-store throughput: appends per second and replay time, SQLite and PostgreSQL side by side.

Each figure comes with a baseline measured in the same run on the same database:

* appends, one transaction per action — baseline: the same rows as plain INSERTs, one
  transaction each (no version check, no hash chain);
* appends, batched (100 records per action/transaction) — baseline: plain batched INSERTs;
* replay of a 1,000-record case — load from the store (read + parse) + ``Case.replay``;
  baseline: ``Case.replay`` of the same records already in memory. ``verify`` time is shown too.

    python benchmarks/store.py                       # SQLite; PostgreSQL if a URL is known
    python benchmarks/store.py --pg postgresql://user:pw@127.0.0.1/db --records 1000

PostgreSQL comes from ``--pg`` or ``DELIBERATION_TEST_POSTGRES_URL``; without one it is skipped
with a note. Numbers on a shared machine are indicative only.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import attrs

from deliberation import Case, Roster
from deliberation.engine.clock import ManualClock
from deliberation.engine.records import record_to_json
from deliberation.store import Store, open_store
from deliberation.store.cases import load_case, save_case


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _case(n: int) -> Case:
    """A case of ``n`` records: opened + notes (cheap to make, realistic to replay)."""
    case = Case.open("four-deliberations", Roster.generate(), matter="benchmark",
                     case_id="bench-" + uuid.uuid4().hex[:8], clock=ManualClock())
    for i in range(n - 1):
        case.note(f"第 {i} 条备注 / note {i}")
    return case


def bench(store: Store, actions: int, records: int) -> dict[str, float]:
    out: dict[str, float] = {}
    template = _case(records)
    recs = template.records
    b = store.backend

    # One transaction per action (1 record each).
    store.create("a-" + template.id, "four-deliberations", "1.0", template.roster)
    cid = "a-" + template.id
    moved = [attrs.evolve(r, case_id=cid) for r in recs[:actions]]
    t = _timed(lambda: [store.append(cid, i, [moved[i]]) for i in range(actions)])
    out["append/s (1 per txn)"] = actions / t
    b.execute("CREATE TABLE IF NOT EXISTS bench_raw (case_id TEXT, seq INTEGER, body TEXT)")
    texts = [record_to_json(r) for r in moved]

    def raw_single() -> None:
        for i, text in enumerate(texts):
            with b.write():
                b.execute("INSERT INTO bench_raw VALUES (?, ?, ?)", (cid, i, text))

    out["append/s (1 per txn) baseline"] = actions / _timed(raw_single)

    # Batched: 100 records per action.
    cid2 = "b-" + template.id
    store.create(cid2, "four-deliberations", "1.0", template.roster)
    batch = [attrs.evolve(r, case_id=cid2) for r in recs]

    def batched() -> None:
        for start in range(0, len(batch), 100):
            store.append(cid2, start, batch[start:start + 100])

    out["records/s (100 per txn)"] = len(batch) / _timed(batched)
    texts2 = [record_to_json(r) for r in batch]

    def raw_batched() -> None:
        for start in range(0, len(texts2), 100):
            with b.write():
                rows = [(cid2, start + i, t) for i, t in enumerate(texts2[start:start + 100])]
                b.executemany("INSERT INTO bench_raw VALUES (?, ?, ?)", rows)

    out["records/s (100 per txn) baseline"] = len(texts2) / _timed(raw_batched)
    b.execute("DROP TABLE bench_raw")

    # Replay of a whole case.
    save_case(store, template)
    out[f"replay {records} records (s)"] = _timed(lambda: load_case(store, template.id))
    out[f"replay {records} records (s) baseline"] = _timed(
        lambda: Case.replay(template.procedure, template.roster, recs))
    out[f"verify {records} records (s)"] = _timed(lambda: store.verify(template.id))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actions", type=int, default=300)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--pg", default=os.environ.get("DELIBERATION_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        with open_store(f"sqlite:///{Path(tmp) / 'bench.db'}") as store:
            results["sqlite"] = bench(store, args.actions, args.records)
    if args.pg:
        schema = "bench_" + uuid.uuid4().hex[:8]
        import psycopg

        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        sep = "&" if "?" in args.pg else "?"
        try:
            with open_store(f"{args.pg}{sep}options=-csearch_path%3D{schema}") as store:
                results["postgresql"] = bench(store, args.actions, args.records)
        finally:
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    else:
        print("note: PostgreSQL skipped (no --pg and DELIBERATION_TEST_POSTGRES_URL unset)")
    names = list(next(iter(results.values())))
    backends = list(results)
    width = max(len(n) for n in names)
    print(f"{'':{width}}  " + "  ".join(f"{b:>12}" for b in backends))
    for name in names:
        cells = "  ".join(f"{results[b][name]:>12.4g}" for b in backends)
        print(f"{name:{width}}  {cells}")


if __name__ == "__main__":
    main()
