"""No input makes the roster reader raise anything but RosterFileError, or print a traceback.

Mutations of the example rosters (bytes inserted, deleted, replaced; lines repeated, dropped,
swapped), random plain rows, and scenarios whose inline roster is mutated. Each test draws
150 examples; more on demand:

    DELIBERATION_ROSTER_FUZZ_EXAMPLES=2000 pytest tests/test_roster_fuzz.py
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberation.cli import main
from deliberation.engine.scenario import parse_scenario
from deliberation.errors import DeliberationError
from deliberation.i18n import LANGS
from deliberation.roster import Roster, RosterFileError
from deliberation.roster.files import Read, read_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "rosters"
SEEDS = {p.name: p.read_bytes() for p in sorted(EXAMPLES.glob("*")) if p.suffix in (
    ".csv", ".yaml")}
CODE = re.compile(r"R\d{3}")
FUZZ = settings(max_examples=int(os.environ.get("DELIBERATION_ROSTER_FUZZ_EXAMPLES", "150")),
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Bytes that matter to CSV, YAML and UTF-8 decoding, and a few that should never be in a roster.
SPECIAL = st.sampled_from([b",", b";", b'"', b"\n", b"\r", b":", b"-", b"{", b"}", b"[", b"]",
                           b"&a", b"*a", b"!!", b"#", b"\t", b" ", b"\x00", b"\xff", b"\xe5",
                           b"\xef\xbb\xbf", b"true", b"adult", b"id", b"committee", b"~"])


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "lines"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "insert":
            data[at:at] = draw(st.one_of(SPECIAL, st.binary(min_size=1, max_size=4)))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 20))]
        elif op == "replace" and data:
            data[at] = draw(st.integers(0, 255))
        else:
            lines = bytes(data).split(b"\n")
            i, j = (draw(st.integers(0, len(lines) - 1)) for _ in range(2))
            action = draw(st.sampled_from(["repeat", "drop", "swap"]))
            if action == "repeat":
                lines.insert(i, lines[j])
            elif action == "drop" and len(lines) > 1:
                del lines[i]
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
    return name, bytes(data)


def check(read: Read, file: str) -> None:
    """A read is either a roster or problems, each coded, located in the file, translated."""
    assert (read.villagers is None) == bool(read.problems)
    for p in read.problems:
        assert CODE.fullmatch(p.code) and p.file == file and p.line >= 0 and p.column >= 0
        assert all(p.message.get(lang) for lang in LANGS)
    if read.villagers is not None:
        roster = Roster(read.villagers)
        assert Roster.from_records(roster.to_data()) == roster


@FUZZ
@given(mutated())
def test_mutated_rosters_never_raise(case: tuple[str, bytes]) -> None:
    name, data = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        check(read_file(path), str(path))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["roster", "check", str(path), "--lang", "zh-Hant"])
        assert code in (0, 1, 2)
        assert "Traceback" not in out.getvalue() + err.getvalue()


VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
                   st.lists(st.text(max_size=8), max_size=3), st.dictionaries(
                       st.text(max_size=3), st.integers(), max_size=2),
                   st.sampled_from(["full", "none", "yes", "party-committee", "是",
                                    "party-secretary", "accountant;cashier", "acountant"]),
                   st.lists(st.sampled_from(["committee-chair", "group-leader", "chair"]),
                            max_size=3))
KEYS = st.one_of(st.sampled_from(["id", "household", "name", "adult", "party", "representative",
                                  "committees", "resident", "township", "is_adult",
                                  "committee", "offices", "office", "collective_member",
                                  "collective-member"]), st.text(max_size=6))


@FUZZ
@given(st.one_of(st.lists(st.one_of(st.dictionaries(KEYS, VALUES, max_size=9), VALUES),
                          max_size=6), VALUES))
def test_random_rows_raise_only_roster_file_errors(rows: Any) -> None:
    try:
        roster = Roster.from_records(rows)
    except RosterFileError as err:
        assert err.problems and str(err).startswith("the roster has")
    else:
        assert Roster.from_records(roster.to_data()) == roster


@FUZZ
@given(mutated().filter(lambda case: case[0].endswith(".yaml")))
def test_mutated_inline_roster_in_a_scenario(case: tuple[str, bytes]) -> None:
    _, data = case
    body = data.decode("utf-8", "replace")
    text = "procedure: four-deliberations\nroster:\n" + "".join(
        f"  {line}\n" for line in body.splitlines()) + "actions: []\n"
    try:
        parse_scenario(text, "s.yaml")
    except DeliberationError:
        pass
