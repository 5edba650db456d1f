"""Costs that must not grow with a case: each opinion of a large consultation, and ``blockers()``
as the records pile up. Prints each figure beside its baseline from the same run, as a ratio;
asserts nothing.

    python benchmarks/engine_growth.py            # 20,000 adults (about a minute)
    python benchmarks/engine_growth.py --quick    # 2,000 adults
"""

from __future__ import annotations

import argparse
import gc
import time

from deliberation import Case, Roster, load_procedure
from deliberation.engine.clock import ManualClock

SIX = load_procedure("six-deliberations-guzhuang")


def consultation_case(adults: int) -> tuple[Case, list[str]]:
    """A 六议两公开 case at its consultation, in a village of ``adults`` adults."""
    people = adults + adults // 4
    roster = Roster.generate(households=max(1, people // 3), people=people, adults=adults)
    clock = ManualClock()
    case = Case.open(SIX, roster, matter="修村道", clock=clock)
    adult_ids = [v.id for v in roster.villagers if v.adult and not v.township]
    case.submit_motion("修建村东水泥路", adult_ids[:1])
    for stage in ("proposal", "discussion"):
        sp = case.plan.stage(stage)
        n = case.plan.counts(roster, sp.body).voters
        case.hold_meeting(n, n)
    case.circulate_plan()
    clock.advance(days=3)
    n = case.plan.counts(roster, case.plan.stage("review").body).voters
    case.hold_meeting(n, n, witnesses=1)
    assert case.state == "consultation", case.state
    return case, adult_ids


def per_opinion(adults: int, collect: bool = True) -> tuple[float, float]:
    """Mean µs per individually recorded opinion in the first and the last tenth.

    ``collect=False`` keeps Python's cyclic garbage collector off during the loop: its full
    collections walk every live object, so their cost grows with any program's heap, not with
    anything the engine does per opinion.
    """
    case, ids = consultation_case(adults)
    if not collect:
        gc.disable()
    tenth = max(1, len(ids) // 10)
    times = []
    for vid in ids:
        start = time.perf_counter()
        case.record_opinion(vid)
        times.append(time.perf_counter() - start)
    first = sum(times[:tenth]) / tenth * 1e6
    last = sum(times[-tenth:]) / tenth * 1e6
    gc.enable()
    case.close_consultation()  # every adult signed: the consultation closes
    return first, last


def blockers_cost(records: int, repeat: int = 200) -> float:
    """µs per ``blockers()`` call on a case with about ``records`` records (opinions)."""
    case, ids = consultation_case(max(records, 50) + 10)
    for vid in ids[: max(0, records - case.version)]:
        case.record_opinion(vid)
    case.blockers()
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeat):
            case.blockers()
        best = min(best, (time.perf_counter() - start) / repeat * 1e6)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    adults = 2_000 if args.quick else 20_000
    first, last = per_opinion(adults)
    print(f"consultation of {adults} adults, one opinion at a time (µs per opinion)")
    print(f"  first tenth {first:8.1f}   last tenth {last:8.1f}   ratio last/first "
          f"{last / first:5.2f}   (target ≈ 1)")
    first, last = per_opinion(adults, collect=False)
    print(f"  the same with the garbage collector off: first {first:8.1f}   last {last:8.1f}   "
          f"ratio {last / first:5.2f}")
    small, large = blockers_cost(100), blockers_cost(10_000 if not args.quick else 2_000)
    n = 10_000 if not args.quick else 2_000
    print(f"blockers() at 100 records {small:8.1f} µs, at {n} records {large:8.1f} µs, "
          f"ratio {large / small:5.2f}   (target ≤ 2)")


if __name__ == "__main__":
    main()
