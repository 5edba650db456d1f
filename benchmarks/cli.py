"""Start-up time of the ``deliberation`` command, beside ``python -c pass`` in the same run.

Each command runs ``--runs`` times as a fresh process (as a user runs it); the figure is the
median wall time and its ratio to the median of ``python -c pass`` (target: at most 3×).

    python benchmarks/cli.py                  # 9 runs of each
    python benchmarks/cli.py --runs 21
    python benchmarks/cli.py --instructions   # also count instructions (valgrind)

Two *floor* rows show what part of a ratio is not ours: the same interpreter importing only
the libraries the case commands cannot do without — attrs (the data classes), transitions (the
engine's state machine), sqlite3 (the store), json, zoneinfo and fractions (local days, exact
thresholds) — and then those plus PyYAML (a case is replayed under its procedure, which is a
YAML file read and validated on every run). The ``ours`` column is a command's time minus the
second floor, as a multiple of
``python -c pass`` (``--help`` reads no YAML: none there).

Where the rest of a case command goes, counted once (2026-11-29, ``valgrind --tool=callgrind``
on ``case show road``, then ``callgrind_annotate --inclusive=yes``; the parts by counting a
process that imports the same modules, with and without the part; 888M in all, measured
later without two savings tried and left out — ``__eq__``/``__hash__`` shared too, 48M, and a
``.mo`` reader of our own, 16M): 79M make classes (``type_new``: 82 of them ``attrs`` data
classes, each still compiling the ``__init__`` attrs writes for it, most of
``builtins.compile``'s 73M) and 69M read bytecode (``marshal.loads``). The data classes on the
path share one ``__repr__`` (``deliberation/reprs.py``) instead of compiling their own:
``compile`` was 194M of 977M before. The work itself: the case's roster of 848 people read
(75M: ``json.loads`` 16M, the strict row reader 57M) and fingerprinted on replay (37M), its
procedure read and checked (55M), the Chinese catalog read by gettext (26M).

The installed command (and ``python -m deliberation.cli``) runs start-up without the cyclic
garbage collector (``deliberation.cli.run``): counted the same way, the collector had walked
start-up's long-lived objects for 69M of those 888M (``gc_collect_main``, 38M of it in the two
collections at exit); paused until the command runs, with what start-up made frozen
(``gc.freeze``) and everything frozen at exit, ``case show road`` is 847M, of which the
collector 22M (the command's own lazy imports and work, collected as usual). In that 847M,
``builtins.compile`` is 119M (97 classes' generated methods: ours and attrs' own),
``type_new`` 78M, ``marshal.loads`` 63M.

Then (2026-11-30, ``--runs 1 --instructions``, ``bb93f22`` and after in the same hour, each
from an exported copy of its tree on ``PYTHONPATH``):
``case show road`` 851M -> 843M, ``case act`` 858M -> 849M, ``case log`` 765M -> 756M,
``case verify`` 881M -> 872M. The stored roster's row reader (about 53M -> 47M, counted
in-process with the collector on, as the command runs it) keeps each field's values by the
value itself instead of a (field, type, value) tuple made for every cell, and finds a Bad by
its type's hash; ``Roster.to_data`` (fingerprinted on replay) adds the optional keys to a row
instead of unpacking a dict made for every row; six classes that are never compared (the
reader's problem list, the roster's index groups, the procedure builder and stage graph, the
YAML reporter, the library) are made with ``eq=False``, so attrs compiles no ``__eq__`` or
``__hash__`` for them. ``compile`` is still 118M of the 843M, ``type_new`` 78M and
``marshal.loads`` 63M. Tried and not kept: ``_plain_domain`` (the fingerprint's check that a
value is plain JSON) leaving text, flags and nulls out with ``compress``/``map`` in C was
slower (about 35M -> 42M for the roster's fingerprint: three iterators made per row cost more
than the Python steps they save).

Then (2026-11-30, ``python benchmarks/cli.py --runs 1 --instructions``, ``bccfff0`` and the
tree after the round that followed, each in its own venv, in the same hour): ``case show road``
837M -> 820M, ``case act`` 844M -> 826M, ``case log`` 751M -> 734M, ``case verify`` 867M -> 848M,
``--help`` 139M -> 120M. Twelve internal classes that are never compared (engine plan, context,
format and census, the store's queue and migrations, the YAML reader's ``Located``, the
roster's fields, cells and reader results) are made with ``eq=False``. The public records
(``Diagnostic``, the roster's problems, blockers and action hints, the case header, signed
head and verification) keep their value equality: a caller may compare them, and leaving it
out of the last five saved 4.4M of ``case show`` (826.4M -> 822.0M, counted alone).
``typing`` is not imported by ``--help`` (the five modules it loads name their types for the
checker only): 11M of ``--help``. The parsers'
formatter finds the terminal's width itself, so argparse no longer imports ``shutil`` (with bz2
and lzma) for it: about 6M of every command. Two patterns read only by help in another language
and by PostgreSQL's at-once writes are compiled on first use (2M), and the procedure reader joins
a key's path once (1.5M). ``case log`` finds people through the roster's own index instead
of a table of them made for every record (on a case of 41 records, 757M -> 741M, counted
with ``valgrind --tool=callgrind`` alone). Looked at and left: the roster's fingerprint from
the stored bytes (a roster stored by an older engine format is fingerprinted as it is today, so
the bytes are not always what the engine hashes), ``json.dumps`` without ``sort_keys`` (a second
canonical form), argparse's own ``gettext`` look-ups (about 7M with ``locale``, only by patching
argparse).

The runs are interleaved (one of each command, then again), so a load change on a shared
machine reaches every command alike. Python's bytecode cache is on, in a temporary folder
(``PYTHONPYCACHEPREFIX``), and warmed by one untimed run of each command: an installed package
has its ``.pyc`` files, so compiling the sources on every run (``PYTHONDONTWRITEBYTECODE``) is
not what a user waits for. The store for ``case show`` / ``case act`` is a fresh SQLite file in
the same temporary folder. Numbers on a shared machine are indicative only; ``--instructions``
runs each command once more under ``valgrind --tool=callgrind`` and prints the instructions it
executed beside those of ``python -c pass`` — a figure that does not move with the load.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# What every case command needs before it does anything of its own (see the docstring).
FLOOR = "import attrs, transitions, sqlite3, json, zoneinfo, fractions"
FLOOR_YAML = FLOOR + ", yaml"


def _once(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    return time.perf_counter() - start


def _instructions(argv: list[str], env: dict[str, str]) -> int:
    """Instructions the process executed, as callgrind counts them (its "Collected" line)."""
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           *argv], check=True, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, env=env)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from valgrind: {done.stderr[-500:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--instructions", action="store_true",
                        help="also count each command's instructions under valgrind (slow)")
    args = parser.parse_args()
    if args.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions needs valgrind on the PATH")
    py = sys.executable
    cli = [py, "-m", "deliberation.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        db = f"sqlite:///{Path(tmp) / 'bench.db'}"
        subprocess.run([*cli, "case", "new", "--db", db, "--procedure", "four-deliberations",
                        "--matter", "修村道", "--id", "road"], check=True,
                       stdout=subprocess.DEVNULL, env=env)
        floors: list[tuple[str, list[str]]] = [
            ("floor: " + FLOOR.removeprefix("import "), [py, "-c", FLOOR]),
            ("floor: … + yaml", [py, "-c", FLOOR_YAML]),
        ]
        commands: list[tuple[str, list[str]]] = [
            ("python -c pass", [py, "-c", "pass"]),
            *floors,
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
        counts = {name: _instructions(argv, env) for name, argv in commands
                  } if args.instructions else {}
    base = statistics.median(times[commands[0][0]])
    floor = statistics.median(times[floors[-1][0]])
    width = max(len(name) for name, _ in commands)
    head = f"{'command':{width}}  {'median s':>9}  {'× python -c pass':>16}  {'ours':>6}"
    if counts:
        head += f"  {'instructions':>13}  {'× pass':>7}"
    print(head)
    for name, _ in commands:
        t = statistics.median(times[name])
        mine = name.startswith("deliberation ") and name != "deliberation --help"
        ours = f"{(t - floor) / base:5.1f}×" if mine else ""
        line = f"{name:{width}}  {t:9.3f}  {t / base:15.1f}×  {ours:>6}"
        if counts:
            n, n0 = counts[name], counts[commands[0][0]]
            line += f"  {n / 1e6:12.0f}M  {n / n0:6.1f}×"
        print(line)


if __name__ == "__main__":
    main()
