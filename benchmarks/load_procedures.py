"""Loading benchmark: both built-in procedures, cold and warm, next to a plain-YAML baseline.

* **cold** — a fresh interpreter imports ``deliberation`` and loads, validates and composes both
  procedures (``four-deliberations`` and ``six-deliberations-guzhuang``); measured from outside
  with ``subprocess``, several times, median. Baselines in the same run: a bare interpreter
  (``python -c pass``), and a fresh interpreter that imports PyYAML and ``yaml.safe_load``\\ s the
  same two files.
* **warm** — in this process, with a fresh :class:`~deliberation.loader.Library` each time so its
  cache is bypassed: parse, build and check both files again; median of many. Baseline:
  ``yaml.safe_load`` of the same two texts (plain data, no positions, no checks), and the same
  with libyaml's ``CSafeLoader`` when PyYAML has it.

Target: warm under 50 ms for both files together. Prints numbers; asserts nothing.

    python benchmarks/load_procedures.py              # 9 cold runs, 200 warm runs
    python benchmarks/load_procedures.py --quick      # 3 cold runs, 20 warm runs
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import yaml

from deliberation.definition.loader import Library, builtin_procedures_dir

IDS = ("four-deliberations", "six-deliberations-guzhuang")
FILES = tuple(builtin_procedures_dir() / f"{i}.yaml" for i in IDS)
TARGET_WARM_MS = 50.0

COLD_LOAD = (
    "from deliberation.definition.loader import Library\n"
    "lib = Library()\n"
    f"for i in {IDS!r}:\n"
    "    lib.load(i)\n"
)
COLD_YAML = (
    "import yaml\n"
    f"for f in {[str(f) for f in FILES]!r}:\n"
    "    yaml.safe_load(open(f, encoding='utf-8'))\n"
)


def cold(code: str, runs: int) -> float:
    """Median wall time (ms) of a fresh interpreter running ``code``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def warm(step: Callable[[], object], runs: int) -> float:
    """Median time (ms) of ``step`` in this process, after one untimed run."""
    step()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def load_both() -> None:
    lib = Library()  # a fresh library: nothing cached, both files parsed, built and checked
    for i in IDS:
        lib.load(i)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    args = parser.parse_args()
    cold_runs, warm_runs = (3, 20) if args.quick else (9, 200)
    texts = [f.read_text(encoding="utf-8") for f in FILES]

    rows: list[tuple[str, float]] = [
        ("cold: python -c pass (interpreter start)", cold("pass", cold_runs)),
        ("cold: import yaml + yaml.safe_load both files", cold(COLD_YAML, cold_runs)),
        ("cold: import deliberation + load/validate both", cold(COLD_LOAD, cold_runs)),
        ("warm: yaml.safe_load both texts (baseline)",
         warm(lambda: [yaml.safe_load(t) for t in texts], warm_runs)),
    ]
    if getattr(yaml, "CSafeLoader", None) is not None:
        rows.append(("warm: yaml.load(CSafeLoader) both texts (baseline)",
                     warm(lambda: [yaml.load(t, Loader=yaml.CSafeLoader) for t in texts],
                          warm_runs)))
    warm_ms = warm(load_both, warm_runs)
    rows.append(("warm: parse + build + check both (deliberation)", warm_ms))

    print(f"python {sys.version.split()[0]}, PyYAML {yaml.__version__}, "
          f"libyaml {'yes' if yaml.__with_libyaml__ else 'no'}; "
          f"{cold_runs} cold runs, {warm_runs} warm runs (medians)")
    width = max(len(name) for name, _ in rows)
    for name, ms in rows:
        print(f"  {name:<{width}}  {ms:8.2f} ms")
    verdict = "met" if warm_ms < TARGET_WARM_MS else "NOT met"
    print(f"  target: warm < {TARGET_WARM_MS:.0f} ms for both files — {verdict}")


if __name__ == "__main__":
    main()
