"""Roster benchmark: the strict reader next to a bare ``csv.DictReader`` pass over the same file,
and the indexed ``count``/``households_of`` next to a plain pass with the selectors. Prints
numbers; asserts nothing.

    python benchmarks/roster.py            # 20,000 people
    python benchmarks/roster.py --quick    # 2,000 people, for a smoke run
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from deliberation.roster import SELECTORS, Roster

HEADER = "id,household,name,adult,party,representative,committees,resident,township\n"


def best(fn: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def write_roster(path: Path, people: int) -> None:
    roster = Roster.generate(households=max(1, people // 3), people=people,
                             party_members=people // 20, representatives=people // 30)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        for row in roster.to_data():
            f.write(",".join([row["id"], row["household"], row["name"], str(row["adult"]),
                              row["party"], str(row["representative"]),
                              ";".join(row["committees"]), str(row["resident"]),
                              str(row["township"])]) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    people = 2_000 if parser.parse_args().quick else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roster.csv"
        write_roster(path, people)

        def bare() -> list[dict[str, str]]:
            with path.open(encoding="utf-8", newline="") as f:
                return list(csv.DictReader(f))

        strict = best(lambda: Roster.from_csv(path))
        baseline = best(bare)
        print(f"read {people:,} people: Roster.from_csv {strict * 1e3:.0f} ms, "
              f"csv.DictReader {baseline * 1e3:.0f} ms (baseline): {strict / baseline:.1f}x")
        roster = Roster.from_csv(path)

    union = ("villagers-committee", "representative")

    def plain_count() -> int:
        return sum(1 for v in roster.villagers if any(SELECTORS[s](v) for s in union))

    def plain_households() -> int:
        return len({v.household for v in roster.villagers
                    if any(SELECTORS[s](v) for s in union)})

    assert plain_count() == roster.count(*union)
    for name, indexed, plain in (
        ("count", lambda: roster.count(*union), plain_count),
        ("households_of", lambda: roster.households_of(union), plain_households),
    ):
        fast, slow = best(indexed, 20), best(plain, 5)
        print(f"{name}({', '.join(union)}) on {people:,}: {fast * 1e6:.1f} µs indexed, "
              f"{slow * 1e6:.0f} µs plain pass (baseline): {slow / fast:.0f}x faster")


if __name__ == "__main__":
    main()
