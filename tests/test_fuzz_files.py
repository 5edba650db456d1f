"""Fuzzing the file readers: mutated copies of the shipped procedures and scenarios (whose
rosters are inline), plus hand-made hostile inputs, never raise anything but the located
error, never report the internal-error code D900 or a diagnostic at line 0, and never hang.

A seeded mutator (reproducible: the seed and example number are in every failure). CI runs a
bounded number; more on demand::

    DELIBERATION_FUZZ_EXAMPLES=3000 pytest tests/test_fuzz_files.py -s
"""

from __future__ import annotations

import os
import random
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest

from deliberation.commands.lint import lint_file
from deliberation.definition.loader import default_library, load_file
from deliberation.diagnostics import Diagnostic
from deliberation.engine.scenario import ScenarioError, load_scenario
from deliberation.errors import DeliberationError

ROOT = Path(__file__).resolve().parent.parent
PROCEDURES = sorted((ROOT / "procedures").glob("*.yaml"))
SCENARIOS = sorted((ROOT / "examples" / "scenarios").glob("*.yaml"))
EXAMPLES = int(os.environ.get("DELIBERATION_FUZZ_EXAMPLES", "120"))
SEED = int(os.environ.get("DELIBERATION_FUZZ_SEED", "20261128"))
SECONDS = 30

# Values that broke readers before (see the list), dropped in place of a scalar.
HOSTILE = (
    "!!int 0x_", "2001-13-45", "{en: !!seq x}", ".inf", "-.inf", ".nan", "-1", "0", "''",
    "10**30", "0x" + "f" * 3600, "9" * 5000, "!!python/object:os.system x", "!!binary AAAA",
    "&a [*a]", "*undefined", "+28:00", "0001-01-01", "2026-03-01T25:00:00+08:00", "null",
    "[" * 300 + "]" * 300, "{a: {b: {c: {d: [1, [2, [3]]]}}}}", "/dev/zero", "\"\\x00\"",
    "!!timestamp x", "!!float abc", "true", "[]", "{}", "~",
)
LAUGHS = ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)) + "version: *i\n")


def _mutate(text: str, rng: random.Random) -> bytes:
    lines = text.splitlines(keepends=True) or ["\n"]  # an earlier mutation may empty it
    op = rng.randrange(7)
    i = rng.randrange(len(lines))
    if op == 0:  # replace a scalar value with a hostile one
        line = lines[i]
        if ":" in line:
            key = line.split(":", 1)[0]
            lines[i] = f"{key}: {rng.choice(HOSTILE)}\n"
    elif op == 1:
        del lines[i]
    elif op == 2:
        lines.insert(i, lines[rng.randrange(len(lines))])
    elif op == 3:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == 4:  # indentation damage
        lines[i] = " " * rng.randrange(1, 5) + lines[i].lstrip() if rng.random() < 0.5 \
            else lines[i].lstrip()
    out = "".join(lines).encode("utf-8")
    if op == 5:  # random bytes, not always valid UTF-8
        at = rng.randrange(len(out) + 1)
        out = out[:at] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 6))) + out[at:]
    elif op == 6:  # truncation
        out = out[: rng.randrange(len(out) + 1)]
    return out


def _check_diagnostics(diags: list[Diagnostic], label: str) -> None:
    for d in diags:
        assert d.code != "D900", f"{label}: internal error {d.format()}"
        assert d.line > 0 and d.column > 0, f"{label}: unlocated {d.format()}"


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise TimeoutError(f"no answer within {SECONDS} s")


def _bounded(fn: Callable[[], object]) -> None:
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(SECONDS)
    try:
        fn()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _cases() -> Iterator[tuple[int, str, Path, bytes]]:
    rng = random.Random(SEED)
    sources = [("procedure", p) for p in PROCEDURES] + [("scenario", p) for p in SCENARIOS]
    for n in range(EXAMPLES):
        kind, source = sources[n % len(sources)]
        data = source.read_text(encoding="utf-8")
        mutated = data.encode("utf-8")
        for _ in range(rng.randint(1, 3)):
            mutated = _mutate(mutated.decode("utf-8", "replace"), rng)
        yield n, kind, source, mutated


def _run_one(kind: str, path: Path) -> None:
    label = f"{path.name}"
    if kind == "procedure":
        _check_diagnostics(lint_file(path, default_library()), label)
        try:
            load_file(path, library=default_library())
        except DeliberationError as err:
            _check_diagnostics(list(getattr(err, "diagnostics", [])), label)
    else:
        try:
            load_scenario(path)
        except ScenarioError as err:
            _check_diagnostics(list(err.diagnostics), label)


def test_mutated_files_get_located_errors(tmp_path: Path) -> None:
    counts = {"procedure": 0, "scenario": 0}
    for n, kind, source, mutated in _cases():
        path = tmp_path / f"{n:05d}-{source.name}"
        path.write_bytes(mutated)
        try:
            _bounded(lambda kind=kind, path=path: _run_one(kind, path))
        except AssertionError:
            raise
        except Exception as err:  # anything else is a crash: say how to reproduce it
            raise AssertionError(
                f"example {n} (seed {SEED}, from {source.name}) raised "
                f"{type(err).__name__}: {err}\n--- file ---\n{mutated[:2000]!r}") from err
        counts[kind] += 1
    print(f"fuzzed {counts['procedure']} procedure and {counts['scenario']} scenario files "
          f"(seed {SEED})")
    assert sum(counts.values()) == EXAMPLES


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: v[:24])
def test_hand_made_hostile_values_in_every_field_kind(value: str, tmp_path: Path) -> None:
    base = (ROOT / "procedures" / "four-deliberations.yaml").read_text(encoding="utf-8")
    for key in ("version", "name", "max_rounds", "id"):
        path = tmp_path / f"{key}.yaml"
        path.write_text(f"{key}: {value}\n" + base, encoding="utf-8")
        _bounded(lambda path=path: _run_one("procedure", path))
    scenario = (SCENARIOS[0]).read_text(encoding="utf-8")
    for key in ("start", "matter", "roster", "procedure"):
        path = tmp_path / f"s-{key}.yaml"
        path.write_text(scenario.replace(f"\n{key}:", f"\n{key}: {value}\n_old_{key}:", 1),
                        encoding="utf-8")
        _bounded(lambda path=path: _run_one("scenario", path))


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(LAUGHS, encoding="utf-8")
    assert len(LAUGHS.encode()) < 600
    _bounded(lambda: _run_one("procedure", path))
