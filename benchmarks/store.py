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

``--county`` adds the county-scale figures (SQLite, and PostgreSQL when known), each beside
its baseline:

* ``verify --all`` over ``--cases`` cases of 15 records sharing one roster — baseline: reading
  the same rows and sha256-hashing their stored bytes (the least any verify must do); CPU time,
  best of 3, the two measured in turn;
* appends at a store already holding 0, ``--grow``/10 and ``--grow`` records — baseline: the
  append rate into the empty store (flat means a ratio near 1);
* ``case list`` of one page (100) and of everything at ``--cases`` cases;
* loading a case whose village has 20,000 people, first and second time (roster parsed once);
* replaying a consultation of 100 / 1,000 / 10,000 named opinions — baseline: the 100-opinion
  replay scaled linearly (a ratio near 1 means linear).

    python benchmarks/store.py --county --cases 10000 --grow 1000000

``--list N`` adds ``case list`` with filters at N cases (66 villages; one case in ten under
the six-deliberations procedure, so in another state; last actions spread over 60 days): a
page of 100 by village, by state, by village and state, by procedure, by last-action date, and
a page deep in a village — baseline: the unfiltered first page (walking the creation-order
index), so a ratio near 1 means the database found the page through an index, not a scan.

    python benchmarks/store.py --list 66000
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
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


def county(store: Store, cases: int, grow: int) -> dict[str, float]:
    """The county-scale figures (see the module docstring)."""
    out: dict[str, float] = {}
    roster = Roster.generate()
    template = _case(15)
    recs = template.records
    b = store.backend
    ids = [f"k{i:06d}" for i in range(cases)]
    for cid in ids:
        store.create(cid, "four-deliberations", str(template.procedure.version), roster,
                     records=[attrs.evolve(r, case_id=cid) for r in recs])

    def verify_all() -> None:
        for result in store.verify_many(ids):
            assert result.ok

    def read_and_hash() -> None:
        for cid in ids:
            rows = b.execute("SELECT record_json, hash FROM records WHERE case_id = ? "
                             "ORDER BY seq", (cid,))
            for text, _ in rows:
                hashlib.sha256(str(text).encode()).hexdigest()

    # CPU time, best of 3, the two taken in turn: on a shared machine the wall time of either
    # swings by 2x with the other jobs, which hid the ratio.
    runs: dict[str, list[float]] = {"verify": [], "baseline": []}
    for _ in range(3):
        for name, fn in (("verify", verify_all), ("baseline", read_and_hash)):
            start = time.process_time()
            fn()
            runs[name].append(time.process_time() - start)
    out[f"verify --all, {cases} cases × 15 (CPU s)"] = min(runs["verify"])
    out[f"verify --all, {cases} cases × 15 (CPU s) baseline"] = min(runs["baseline"])
    out["case list, one page of 100 (s)"] = _timed(lambda: store.cases(limit=100))
    out[f"case list, all {cases} (s)"] = _timed(store.cases)

    # Appends as the store grows: 200 single-record appends at 0, grow/10 and grow records.
    def append_rate(tag: str) -> float:
        cid = f"grow-{tag}"
        store.create(cid, "four-deliberations", "1", roster)
        moved = [attrs.evolve(r, case_id=cid, seq=i + 1) for i, r in enumerate(_case(201).records)]
        return 200 / _timed(lambda: [store.append(cid, i, [moved[i]]) for i in range(200)])

    base_rate = append_rate("0")
    filled = 0
    for target in (grow // 10, grow):
        filler = [attrs.evolve(r, case_id="", seq=0) for r in _case(100).records]
        while filled < target:
            cid = f"fill-{filled}"
            store.create(cid, "four-deliberations", "1", roster,
                         records=[attrs.evolve(r, case_id=cid, seq=i + 1)
                                  for i, r in enumerate(filler)])
            filled += len(filler)
        out[f"appends/s at {filled:,} records"] = append_rate(str(filled))
        out[f"appends/s at {filled:,} records baseline"] = base_rate

    # A case in a village of 20,000 people: the roster is parsed once per Store.
    big = Roster.generate(households=6000, people=20000, party_members=600,
                          representatives=60)
    case = Case.open("four-deliberations", big, matter="county", case_id="big",
                     clock=ManualClock())
    for i in range(5):
        case.note(f"note {i}")
    save_case(store, case)
    out["load 20,000-person case, first (s)"] = _timed(lambda: load_case(store, "big"))
    out["load 20,000-person case, again (s)"] = _timed(lambda: load_case(store, "big"))
    return out


def _best(fn: Callable[[], object], runs: int = 5) -> float:
    """The best of ``runs`` timings (for quick operations on a shared machine)."""
    return min(_timed(fn) for _ in range(runs))


def listing(store: Store, cases: int) -> dict[str, float]:
    """``case list`` filters at ``cases`` cases (see the module docstring)."""
    out: dict[str, float] = {}
    # A small roster: filling 66,000 cases would otherwise spend its time fingerprinting it.
    roster = Roster.generate(households=10, people=30, party_members=3, representatives=2)
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    templates = {}
    for procedure in ("four-deliberations", "six-deliberations-guzhuang"):
        case = Case.open(procedure, roster, matter="list", case_id="t", clock=ManualClock(start))
        case.note("note")
        templates[procedure] = (str(case.procedure.version), case.records)
    # Filling is not what is measured: commits need not wait for the disk meanwhile.
    b = store.backend
    b.execute("PRAGMA synchronous = OFF" if b.dialect == "sqlite" else
              "SET synchronous_commit = off")
    for i in range(cases):
        procedure = "six-deliberations-guzhuang" if i % 10 == 0 else "four-deliberations"
        version, (opened, note) = templates[procedure]
        cid = f"l{i:06d}"
        last = attrs.evolve(note, case_id=cid, at=start + timedelta(days=i % 60, minutes=i % 600))
        store.create(cid, procedure, version, roster, village=f"v{i % 66:02d}",
                     records=[attrs.evolve(opened, case_id=cid), last])
    b.execute("PRAGMA synchronous = FULL" if b.dialect == "sqlite" else
              "SET synchronous_commit = on")
    assert len(store.cases(state="motion", limit=cases)) == (cases + 9) // 10
    n = f"at {cases} cases"

    out[f"list page {n}: village (s)"] = _best(lambda: store.cases(village="v07", limit=100))
    out[f"list page {n}: state (s)"] = _best(lambda: store.cases(state="motion", limit=100))
    out[f"list page {n}: village+state (s)"] = _best(
        lambda: store.cases(village="v07", state="motion", limit=100))
    out[f"list page {n}: procedure (s)"] = _best(
        lambda: store.cases(procedure="six-deliberations-guzhuang", limit=100))
    out[f"list page {n}: last action on one day (s)"] = _best(
        lambda: store.cases(updated_since="2026-02-01", updated_until="2026-02-01", limit=100))
    middle = store.cases(village="v07", limit=cases // 132)[-1].case_id
    out[f"list page {n}: village, page after the middle (s)"] = _best(
        lambda: store.cases(village="v07", after=middle, limit=100))
    baseline = _best(lambda: store.cases(limit=100))
    for name in list(out):
        out[f"{name} baseline"] = baseline
    return out


def replay_opinions(counts: tuple[int, ...] = (100, 1000, 10000)) -> dict[str, float]:
    """Replaying a 六议两公开 case whose consultation has ``n`` named, signed opinions."""
    out: dict[str, float] = {}
    per_opinion = 0.0
    for n in counts:
        roster = Roster.generate(households=max(8, n // 3), people=n + n // 4 + 20,
                                 adults=n + 10, party_members=5, representatives=4,
                                 party_committee=3, villagers_committee=3,
                                 supervision_committee=2)
        clock = ManualClock()
        case = Case.open("six-deliberations-guzhuang", roster, matter="county", clock=clock)
        while case.state != "consultation":
            sp = case.plan.stage(case.state)
            if sp.kind.value == "motion":
                people = [v.id for v in roster.villagers if v.adult and not v.township]
                case.submit_motion("修建村道", people[-1:])
            else:
                counts_ = case.plan.counts(case.roster, sp.body)
                rules = {r.name for r in sp.preconditions}
                if "notice-period" in rules:
                    case.give_notice()
                    clock.advance(days=10)
                if "advance-circulation" in rules:
                    case.circulate_plan()
                    clock.advance(days=3)
                case.hold_meeting(present=counts_.voters, yes=counts_.voters,
                                  households=counts_.households,
                                  non_voting=counts_.members - counts_.voters, witnesses=1)
        voters = [v.id for v in roster.villagers if v.adult and not v.township][:n]
        for vid in voters:
            case.record_opinion(vid, "agree")
        t = _timed(functools.partial(Case.replay, case.procedure, case.roster, case.records))
        per_opinion = per_opinion or t / n
        out[f"replay, {n:,} opinions (s)"] = t
        out[f"replay, {n:,} opinions (s) baseline"] = per_opinion * n
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actions", type=int, default=300)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--pg", default=os.environ.get("DELIBERATION_TEST_POSTGRES_URL"))
    parser.add_argument("--county", action="store_true", help="add the county-scale figures")
    parser.add_argument("--cases", type=int, default=2000, help="cases for verify/list")
    parser.add_argument("--grow", type=int, default=100_000,
                        help="records the store grows to for the append figures")
    parser.add_argument("--list", type=int, default=0, metavar="N",
                        help="add the case list filter figures at N cases")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        with open_store(f"sqlite:///{Path(tmp) / 'bench.db'}") as store:
            results["sqlite"] = bench(store, args.actions, args.records)
            if args.county:
                results["sqlite"].update(county(store, args.cases, args.grow))
            if args.list:
                results["sqlite"].update(listing(store, args.list))
    if args.pg:
        schema = "bench_" + uuid.uuid4().hex[:8]
        import psycopg

        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        sep = "&" if "?" in args.pg else "?"
        try:
            with open_store(f"{args.pg}{sep}options=-csearch_path%3D{schema}") as store:
                results["postgresql"] = bench(store, args.actions, args.records)
                if args.county:
                    results["postgresql"].update(county(store, args.cases, args.grow))
                if args.list:
                    results["postgresql"].update(listing(store, args.list))
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
        ratio = ""
        if not name.endswith("baseline") and f"{name} baseline" in results[backends[0]]:
            ratio = "  ratio " + "  ".join(
                f"{results[b][name] / results[b][name + ' baseline']:.2f}×" for b in backends)
        print(f"{name:{width}}  {cells}{ratio}")
    if args.county:
        # In memory (the engine's own cost): the same on every backend.
        replays = replay_opinions()
        for name, value in replays.items():
            ratio = ""
            if not name.endswith("baseline"):
                ratio = f"  ratio {value / replays[name + ' baseline']:.2f}×"
            print(f"{name:{width}}  {value:>12.4g}{ratio}")


if __name__ == "__main__":
    main()
