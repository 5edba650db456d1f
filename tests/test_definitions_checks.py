"""Whole-procedure checks and loader behaviour beyond the broken corpus."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation.definition.checks import graph_of, route_keys
from deliberation.definition.dump import to_data
from deliberation.definition.loader import (
    Library,
    builtin_procedures_dir,
    check_text,
    load_procedure,
    load_text,
)
from deliberation.errors import DefinitionError

# Every procedure shipped in the package (the two methods and the seeds' other workflows).
ALL_SHIPPED = sorted(p.stem for p in builtin_procedures_dir().glob("*.yaml"))

BROKEN = Path(__file__).parent / "broken"
BASE = (BROKEN / "d504-skips-disclosure.yaml").read_text(encoding="utf-8")


def codes(text: str, library: Library | None = None) -> list[str]:
    return [d.code for d in check_text(text, "t.yaml", library or Library())[1]]


@pytest.mark.parametrize("name", ALL_SHIPPED)
def test_builtins_are_clean(name: str) -> None:
    path = load_procedure(name).source
    assert path is not None
    assert check_text(Path(path).read_text(encoding="utf-8"), path)[1] == []


def test_graph_of_the_builtin_follows_routes_and_defaults() -> None:
    p = load_procedure("four-deliberations")
    g = graph_of(p)
    assert g.start == ("in", "proposal")
    # discussion may be merged away (一肩挑): entering it can lead straight to review
    assert g.successors(("in", "discussion")) == {("do", "discussion"), ("in", "review")}
    assert route_keys(p, p.stage("resolution-disclosure")) == ("pass", "objection")
    assert "max_rounds" in route_keys(p, p.stage("review"))
    reached = g.reachable(g.start)
    assert ("out", "adopted") in reached
    # without the results disclosure, success cannot be reached
    assert ("out", "adopted") not in g.reachable(g.start, without=("do", "results-disclosure"))


def test_skip_when_on_a_non_disclosure_stage_is_fine() -> None:
    text = BASE.replace("  - id: publish  # <--\n    skip_when: fast-track\n", "  - id: publish\n")
    text = text.replace(
        "    action: meeting\n    body: committee\n",
        "    action: meeting\n    body: committee\n"
        "  - id: second\n    skip_when: fast-track\n"
        "    name: {zh-Hans: 复议, zh-Hant: 複議, en: second}\n"
        "    action: meeting\n    body: committee\n",
    )
    assert codes(text) == []


def test_a_bounded_revision_loop_is_not_a_closed_loop() -> None:
    text = BASE.replace("  - id: publish  # <--\n    skip_when: fast-track\n", "  - id: publish\n")
    revise = text.replace(
        "    action: disclosure\n    body: clerk\n",
        "    action: disclosure\n    body: clerk\n    on: {objection: decide}\n",
    )
    # an objection during the disclosure sends the matter back to the vote: a loop with exits
    assert codes(revise) == []
    closed = text.replace(
        "    action: disclosure\n    body: clerk\n",
        "    action: disclosure\n    body: clerk\n    on: {pass: decide}\n",
    ).replace(
        "    action: meeting\n    body: committee\n",
        "    action: meeting\n    body: committee\n    on: {rejected: publish}\n",
    )
    # decide ↔ publish with every way out leading back in: a loop with no exit
    assert {"D503", "D509"} <= set(codes(closed))
    bounded = closed.replace(
        "    on: {rejected: publish}\n", "    on: {rejected: publish}\n    max_rounds: 3\n"
    )
    # max_rounds gives the loop a way out (to failure); success stays unreachable
    assert codes(bounded) == ["D509"]


def test_meeting_whose_setting_allows_a_body_without_approval() -> None:
    text = (BROKEN / "d508-vote-cannot-fail.yaml").read_text(encoding="utf-8")
    assert "D508" in codes(text)


def test_duplicate_keys_do_not_stop_other_checks() -> None:
    text = (BROKEN / "d104-duplicate-key.yaml").read_text(encoding="utf-8")
    text = text.replace("action: meeting", "action: meting")
    assert codes(text) == ["D104", "D207"]


def test_alias_bomb_is_checked_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 25):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    start = time.perf_counter()
    found = codes("\n".join(lines) + "\n")
    # A correctness bound, not a benchmark: walking 10**24 nodes would never finish.
    assert time.perf_counter() - start < 30
    # Refused where the aliases multiply past what any procedure needs (source.MAX_EXPANDED).
    assert found == ["D101"]


def test_extends_cycle_is_reported_from_either_end(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: cyc-a\nextends: cyc-b\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("id: cyc-b\nextends: cyc-a\n", encoding="utf-8")
    for name in ("cyc-a", "cyc-b"):
        with pytest.raises(DefinitionError) as err:
            Library((tmp_path,)).load(name)
        assert [d.code for d in err.value.diagnostics] == ["D702"]


def test_invalid_base_is_reported_at_extends(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("id: bad-base\nversion: 1\n", encoding="utf-8")
    diags = check_text("id: child\nextends: bad-base\n", "c.yaml", Library((tmp_path,)))[1]
    assert [(d.code, d.line) for d in diags] == [("D704", 2)]
    assert "bad-base" in diags[0].message_in() and "D203" in diags[0].hint_in()


def test_inherited_setting_override_keeps_type_and_checks_default() -> None:
    ok = load_text(
        "id: x\nextends: four-deliberations\n"
        "settings:\n  party-assembly-quorum-ratio: {default: 2/3}\n"
    )
    from fractions import Fraction

    assert ok.settings["party-assembly-quorum-ratio"].default == Fraction(2, 3)
    assert ok.settings["party-assembly-quorum-ratio"].open  # inherited
    bad = (
        "id: x\nextends: four-deliberations\n"
        "settings:\n  party-assembly-quorum-ratio: {default: 0.66}\n"
        "  resolution-body: {choices: [villagers-meeting]}\n"
    )
    assert codes(bad) == ["D403", "D706"]


def test_update_validates_skip_when_and_records() -> None:
    text = (
        "id: x\nextends: four-deliberations\nstages:\n  - update: review\n"
        "    set: {skip_when: no-such-setting, records: [votes, vot]}\n"
    )
    assert sorted(codes(text)) == ["D303", "D305"]


def test_removing_a_stage_that_withdrawal_names() -> None:
    text = "id: x\nextends: four-deliberations\nstages:\n  - remove: resolution\n"
    diags = check_text(text, "t.yaml", Library())[1]
    # The inherited withdrawal.until names the removed stage; no route names it explicitly.
    assert [(d.code, d.line) for d in diags] == [("D310", 2)]  # reported at extends:


JUNK = [
    None,
    0,
    -1,
    1.5,
    True,
    "",
    "x",
    "reconvene",
    [],
    [1],
    ["a", {"b": 1}],
    {},
    {"setting": None},
    {"setting": "disclosure-days"},
    "2/3",
    "1/0",
]


def _paths(data: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_wrong_values_anywhere_give_diagnostics_never_an_exception(data: st.DataObject) -> None:
    doc = to_data(load_procedure("four-deliberations"))
    where = _paths(doc)[1:]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(where))
        node: Any = doc
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = copy.deepcopy(data.draw(st.sampled_from(JUNK)))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    text = yaml.safe_dump(doc, allow_unicode=True)
    procedure, diagnostics = check_text(text, "fuzz.yaml", Library())  # must not raise
    assert (procedure is None) == bool(diagnostics)
