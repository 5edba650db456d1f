"""Start-up time of the ``deliberation`` command, beside ``python -c pass`` in the same run.

Each command runs ``--runs`` times as a fresh process (as a user runs it); the figure is the
median wall time and its ratio to the median of ``python -c pass`` (target: at most 3×).

    python benchmarks/cli.py            # 9 runs of each
    python benchmarks/cli.py --runs 15

The runs are interleaved (one of each command, then again), so a load change on a shared
machine reaches every command alike. Python's bytecode cache is on, in a temporary folder
(``PYTHONPYCACHEPREFIX``), and warmed by one untimed run of each command: an installed package
has its ``.pyc`` files, so compiling the sources on every run (``PYTHONDONTWRITEBYTECODE``) is
not what a user waits for. The store for ``case show`` / ``case act`` is a fresh SQLite file in
the same temporary folder. Numbers on a shared machine are indicative only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _once(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    py = sys.executable
    cli = [py, "-m", "deliberation.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        db = f"sqlite:///{Path(tmp) / 'bench.db'}"
        subprocess.run([*cli, "case", "new", "--db", db, "--procedure", "four-deliberations",
                        "--matter", "修村道", "--id", "road"], check=True,
                       stdout=subprocess.DEVNULL, env=env)
        commands: list[tuple[str, list[str]]] = [
            ("python -c pass", [py, "-c", "pass"]),
            ("deliberation --help", [*cli, "--help"]),
            ("deliberation case show road", [*cli, "case", "show", "road", "--db", db]),
            ("deliberation case act road note", [*cli, "case", "act", "road", "note",
                                                 "--text", "备注", "--db", db]),
            ("deliberation case log road", [*cli, "case", "log", "road", "--db", db]),
            ("deliberation case verify road", [*cli, "case", "verify", "road", "--db", db]),
            ("deliberation show four-deliberations", [*cli, "show", "four-deliberations"]),
            ("deliberation lint four-deliberations", [*cli, "lint", "four-deliberations"]),
        ]
        for _, argv in commands:  # warm the bytecode cache
            _once(argv, env)
        times: dict[str, list[float]] = {name: [] for name, _ in commands}
        for _ in range(args.runs):
            for name, argv in commands:
                times[name].append(_once(argv, env))
        base = statistics.median(times[commands[0][0]])
        width = max(len(name) for name, _ in commands)
        print(f"{'command':{width}}  {'median s':>9}  {'× python -c pass':>16}")
        for name, _ in commands:
            t = statistics.median(times[name])
            print(f"{name:{width}}  {t:9.3f}  {t / base:15.1f}×")


if __name__ == "__main__":
    main()
