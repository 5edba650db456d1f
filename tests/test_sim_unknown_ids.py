"""Ids a scenario names (bodies, items, settings) must be the procedure's: a misspelt one is an
error with a did-you-mean on both paths and on the command line, never silently ignored."""

from __future__ import annotations

from typing import Any

import pytest

from deliberation import load_procedure
from deliberation.cli import main
from deliberation.simulation import (
    SimParams,
    SimulationError,
    compare,
    compile_plan,
    simulate,
    sweep,
)


@pytest.mark.parametrize("path", ["vectorised", "engine"])
@pytest.mark.parametrize("field", ["support_by_body", "attendance_by_body"])
def test_a_misspelt_body_fails_with_the_nearest_on_both_paths(path: str, field: str) -> None:
    with pytest.raises(SimulationError) as err:
        simulate("four-deliberations", SimParams(**{field: {"party-asembly": 0.5}}), 10,
                 seed=1, path=path)
    assert err.value.message.get("en") == (
        f"{field}: no body 'party-asembly'; did you mean 'party-assembly'?")


def test_compiling_the_plan_checks_the_ids_too() -> None:
    # every caller of the model (sensitivity, path analysis…) gets the same check
    with pytest.raises(SimulationError, match="did you mean 'villagers-meeting'"):
        compile_plan(load_procedure("four-deliberations"),
                     SimParams(attendance_by_body={"villager-meeting": 0.5}))


def test_a_body_nowhere_near_lists_the_bodies() -> None:
    with pytest.raises(SimulationError) as err:
        simulate("four-deliberations", SimParams(support_by_body={"zzz": 0.5}), 10, seed=1)
    text = err.value.message.get("en")
    assert text.startswith("support_by_body: no body 'zzz'; bodies: branch-committee, ")
    assert "villagers-meeting" in text


def test_a_correct_body_still_works_and_is_applied() -> None:
    # the branch committee decides the first stage: at mean support 0.05 it rejects
    low = SimParams(support_by_body={"branch-committee": 0.05}, support_concentration=None)
    vec = simulate("four-deliberations", low, 400, seed=1)
    eng = simulate("four-deliberations", low, 60, seed=1, path="engine")
    base = simulate("four-deliberations", SimParams(), 400, seed=1)
    # (a revision may still carry a rare run through: 1 in 400 here)
    assert vec["adopted"].mean() < 0.02 and eng["adopted"].mean() < 0.1
    assert base["adopted"].mean() > 0.5
    assert (vec["end_stage"] == "proposal").mean() > 0.9


def test_compare_takes_a_body_only_one_procedure_has_but_not_one_none_has() -> None:
    # 六议 (guzhuang) and 四议 share their bodies but for those 六议 adds; a body of one only
    # applies to that one and is recorded for it alone
    four, six = load_procedure("four-deliberations"), load_procedure("six-deliberations-guzhuang")
    only_six = sorted(set(six.bodies) - set(four.bodies))
    assert only_six, "the two procedures no longer differ in a body"
    body = only_six[0]
    df = compare([four, six], SimParams(attendance_by_body={body: 0.5}), 50, seed=1)
    rows = df.groupby("procedure", observed=True)["attendance_by_body"].first()
    assert rows[six.id] == f"{body}=0.5" and rows[four.id] == ""
    with pytest.raises(SimulationError, match="did you mean 'party-assembly'"):
        compare([four, six], SimParams(attendance_by_body={"party-asembly": 0.5}), 10, seed=1)


def test_a_swept_mapping_is_checked() -> None:
    with pytest.raises(SimulationError, match="did you mean 'party-assembly'"):
        sweep("four-deliberations", grid={"support_by_body": [{"party-asembly": 0.5}]}, runs=10)


@pytest.mark.parametrize("lang,expected", [
    ("en", "deliberation: support_by_body: no body 'party-asembly'; did you mean "
           "'party-assembly'?"),
    ("zh-Hans", "deliberation: support_by_body:没有名为 `party-asembly` 的会议;"
                "是不是 `party-assembly`?"),
    ("zh-Hant", "deliberation: support_by_body:沒有名為 `party-asembly` 的會議;"
                "是不是 `party-assembly`?"),
])
def test_cli_refuses_a_misspelt_body_in_one_line(capsys: pytest.CaptureFixture[str], lang: str,
                                                 expected: str) -> None:
    args: list[Any] = ["simulate", "four-deliberations", "--runs", "10", "--lang", lang,
                       "--set", "support_by_body=party-asembly:0.5"]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == expected and captured.out == ""


@pytest.mark.parametrize("flag", ["--set", "--sweep"])
def test_cli_compare_and_sweep_refuse_a_misspelt_body(capsys: pytest.CaptureFixture[str],
                                                      flag: str) -> None:
    assert main(["compare", "four-deliberations", "six-deliberations-guzhuang", "--runs", "10",
                 "--lang", "en", flag, "attendance_by_body=villager-meeting:0.5"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "deliberation: attendance_by_body: no body 'villager-meeting'; did you mean "
        "'villagers-meeting'?"]
