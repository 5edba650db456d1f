"""Simulation throughput: vectorised vs engine path, one core vs two workers.

    python benchmarks/simulation.py            # ~1 minute
    python benchmarks/simulation.py --quick    # a few seconds, for a smoke run

Prints, for 六议两公开 in a 固庄-sized village (365 households, 847 people, 45 Party members, 28
representatives; default behaviour):

* runs per second of the vectorised path (one process) and of the engine path, and their
  ratio (target: at least 100x apart);
* the count model's absolute rate, sampling only (target: at least 200,000 runs/s on one
  core), and the vectorised path's rate including the one-row-per-run table;
* the speed-up of a local process pool with 2 workers over 1 (target: at least 1.6x), with
  both measured in this run on the same runs and seed (the tables are checked to be equal).

Numbers from a shared machine are provisional: run it on a quiet one to quote them.
"""

from __future__ import annotations

import argparse
import os
import time

from deliberation import load_procedure
from deliberation.simulation import SimParams, simulate


def _rate(runs: int, **options: object) -> tuple[float, object]:
    procedure = load_procedure("six-deliberations-guzhuang")
    start = time.perf_counter()
    df = simulate(procedure, SimParams(), runs=runs, seed=2026, **options)  # type: ignore[arg-type]
    return runs / (time.perf_counter() - start), df


def _sampling_rate(runs: int, chunk: int) -> float:
    """The count model alone: chunks sampled, no table built."""
    from deliberation.simulation.model import compile_plan
    from deliberation.simulation.vectorised import run_chunk

    params = SimParams()
    plan = compile_plan(load_procedure("six-deliberations-guzhuang"), params)
    start = time.perf_counter()
    for c in range(runs // chunk):
        run_chunk(plan, params, 2026, c, chunk)
    return (runs // chunk * chunk) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    vec_runs = 200_000 if args.quick else 2_000_000
    eng_runs = 100 if args.quick else 600
    chunk = 50_000

    _rate(20_000)  # warm-up: imports, roster, first allocations
    sampling = _sampling_rate(vec_runs, chunk)
    vec, serial_df = _rate(vec_runs, chunk_size=chunk)
    eng, _ = _rate(eng_runs, path="engine")
    pool, pool_df = _rate(vec_runs, chunk_size=chunk, backend="process", workers=2)
    same = serial_df.equals(pool_df)  # type: ignore[attr-defined]

    print(f"machine: {os.cpu_count()} CPU(s) visible; numbers are provisional on a shared one")
    print(f"procedure: six-deliberations-guzhuang, 固庄 defaults; chunk size {chunk:,}")
    print(f"{'measure':<44}{'runs':>12}{'runs/s':>14}   target")
    print(f"{'count model sampling only, 1 process':<44}{vec_runs:>12,}{sampling:>14,.0f}"
          "   >= 200,000")
    print(f"{'vectorised path, 1 process (with table)':<44}{vec_runs:>12,}{vec:>14,.0f}")
    print(f"{'engine path, 1 process':<44}{eng_runs:>12,}{eng:>14,.0f}")
    print(f"{'  vectorised / engine':<44}{'':>12}{vec / eng:>13,.0f}x   >= 100x")
    print(f"{'vectorised path, process pool, 2 workers':<44}{vec_runs:>12,}{pool:>14,.0f}")
    print(f"{'  speed-up 2 workers / 1':<44}{'':>12}{pool / vec:>13.2f}x   >= 1.6x")
    print(f"{'  same table serial and pooled':<44}{'':>12}{same!s:>14}")


if __name__ == "__main__":
    main()
