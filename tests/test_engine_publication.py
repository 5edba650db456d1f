"""Per-stage disclosure (rule ``results-published``): a step opens only once the results of
the named earlier steps are published; refusals change nothing; a step passed again must be
published again; replay, explanations, lint and the simulator agree."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_engine_support import snapshot
from test_workflows_scenarios import refusals, run

from deliberation import Roster, RuleViolation, load_procedure
from deliberation.cli import main
from deliberation.engine.case import Case
from deliberation.engine.clock import ManualClock
from deliberation.errors import InvalidAction, NotEntitled
from deliberation.simulation import SimParams, simulate

STEP = load_procedure("four-deliberations-step-by-step")
ROSTER = Roster.generate(households=120, people=300, party_members=20, representatives=16)


def proposed() -> tuple[Case, ManualClock]:
    clock = ManualClock()
    case = Case.open(STEP, ROSTER, matter="村文化广场建设", clock=clock)
    case.hold_meeting(present=5, yes=5)
    return case, clock


def test_the_next_step_is_closed_until_the_result_is_published() -> None:
    case, _clock = proposed()
    assert case.state == "discussion" and case.results_due == ("proposal",)
    before = snapshot(case)
    for act in (lambda: case.hold_meeting(present=6, yes=6), case.circulate_plan,
                case.give_notice):
        with pytest.raises(RuleViolation) as err:
            act()
        assert err.value.rule == "results-published"
        assert err.value.numbers["missing"] == ("proposal",)
    assert snapshot(case) == before  # refusals change nothing
    (rec,) = case.publish_result("proposal", "notice-board", actor="v0002")
    assert rec.kind == "result-published" and rec.result["stage"] == "proposal"
    assert case.results_due == ()
    assert case.hold_meeting(present=6, yes=6) and case.state == "review"
    again = Case.replay(STEP, ROSTER, case.records)
    assert snapshot(again) == snapshot(case)


def test_only_a_due_result_on_a_known_channel_by_an_entitled_villager() -> None:
    case, _clock = proposed()
    before = snapshot(case)
    with pytest.raises(InvalidAction):  # not passed
        case.publish_result("review", "notice-board", actor="v0002")
    with pytest.raises(InvalidAction):  # not a stage
        case.publish_result("proposals", "notice-board", actor="v0002")
    with pytest.raises(InvalidAction):
        case.publish_result("proposal", "notice-bord", actor="v0002")
    with pytest.raises(NotEntitled):
        case.publish_result("proposal", "notice-board", actor="v0041")
    assert snapshot(case) == before
    case.publish_result("proposal", "notice-board", actor="v0001")  # the branch committee
    with pytest.raises(InvalidAction):  # already published
        case.publish_result("proposal", "notice-board", actor="v0002")


def test_explain_names_what_is_to_be_published_and_who_may() -> None:
    case, _clock = proposed()
    assert case.blockers()[0].rule == "results-published"  # before the meeting's own
    assert case.available_actions()[0].action == "publish_result"
    assert "publish an earlier step's result first" in case.explain("en")
    case.publish_result("proposal", "notice-board", actor="v0002")
    assert "publish_result" not in [a.action for a in case.available_actions()]


def test_published_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("step-by-step-published", capsys)
    assert data["outcome"] == "adopted" and refusals(data) == []
    assert [a["do"] for a in data["actions"]].count("publish-result") == 3


def test_unpublished_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("step-by-step-unpublished", capsys)
    assert refusals(data) == ["results-published", "results-published", "InvalidAction",
                              "InvalidAction"]
    assert data["outcome"] == "adopted"


def test_a_step_passed_again_is_published_again(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("step-by-step-republished", capsys)
    assert refusals(data) == ["InvalidAction", "NotEntitled", "results-published"]
    assert [a["route"] for a in data["actions"]].count("rejected") == 1
    assert data["outcome"] == "adopted"


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
def test_the_tools_describe_it(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "four-deliberations-step-by-step", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert "`proposal`" in out and {"en": "published", "zh-Hans": "公开",
                                    "zh-Hant": "公開"}[lang] in out
    assert main(["lint", "four-deliberations-step-by-step"]) == 0


def test_the_walkthrough_publishes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "walk.txt"
    script.write_text("meeting present=5 yes=5\nmeeting present=6 yes=6\npublish proposal\n"
                      "meeting present=6 yes=6\n", encoding="utf-8")
    assert main(["walk", "four-deliberations-step-by-step", "--lang", "en",
                 "--script", str(script)]) == 0
    out = capsys.readouterr().out
    assert "publish the result of `proposal` before this step opens" in out
    assert "Recorded (a step's result published)" in out
    assert "passed → review" in out


def test_the_engine_path_publishes_and_agrees_with_the_vectorised_one() -> None:
    eng = simulate("four-deliberations-step-by-step", SimParams(), 200, seed=5, path="engine")
    assert "results-published" not in set(eng["end_rule"])
    vec = simulate("four-deliberations-step-by-step", SimParams(), 20_000, seed=5)
    # the same procedure without the rule: publishing costs no days and changes no outcome
    assert abs((eng["outcome"] == "adopted").mean() - (vec["outcome"] == "adopted").mean()) \
        < 4 * (0.25 / 200) ** 0.5
