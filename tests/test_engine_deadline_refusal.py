"""An action dated after a stage's deadline is refused: the case has lapsed in law, and only
recording that (``check_deadlines``, the ``lapsed`` record) or a clerk's note goes on. The
refusal names the deadline rule, its dates and numbers, changes nothing, and replay refuses the
same late record.

Boundaries are the village's local calendar days (Asia/Shanghai): the deadline's last day
lasts until 23:59 local time, the next day begins at 00:00 local (16:00 UTC the day before).
"""

from __future__ import annotations

import json
import pathlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from test_engine_support import FOUR, advance_to, open_case, snapshot

from deliberation import Case, ReplayError, Roster, RuleViolation, load_procedure
from deliberation.cli import main
from deliberation.definition.loader import load_text
from deliberation.definition.model import Procedure
from deliberation.engine.clock import ManualClock
from deliberation.engine.formats import ENGINE_FORMAT
from deliberation.engine.scenario import load_scenario, run_scenario

CST = timezone(timedelta(hours=8))
EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples" / "scenarios"
LIJIN = load_procedure("party-member-proposal-lijin")
ROSTER = Roster.generate(households=60, people=150, party_members=10, representatives=6,
                         supervision_committee=3)


def at_joint_action(start: datetime) -> tuple[Case, ManualClock]:
    """党员提案 decided on the day of ``start``: the handlers' 10 working days begin."""
    clock = ManualClock(start)
    case = Case.open(LIJIN, ROSTER, matter="修缮社区活动室", clock=clock)
    case.submit_motion("活动室屋顶漏雨需修缮", ["v0003"])
    case.hold_meeting(present=12, yes=12)
    case.hold_meeting(present=6, yes=6)
    assert case.stage == "joint-action"
    return case, clock


# Decided on Mon 27 Apr 2026: 10 working days (1–5 May off, Sat 9 May a make-up working day)
# end on Wed 13 May; Thu 14 May is the first day after the deadline.
DECIDED = datetime(2026, 4, 27, 9, tzinfo=CST)


@pytest.mark.parametrize("at", [
    datetime(2026, 5, 12, 12, tzinfo=CST),  # n - 1
    datetime(2026, 5, 13, 9, tzinfo=CST),  # n, the last day
    datetime(2026, 5, 13, 23, 59, tzinfo=CST),  # n, its last minute (local)
    datetime(2026, 5, 13, 15, 59, tzinfo=UTC),  # the same minute given in UTC
])
def test_a_task_reported_by_the_deadline_is_accepted(at: datetime) -> None:
    case, clock = at_joint_action(DECIDED)
    clock.set(at)
    (rec,) = case.record_task(actor="v0002")
    assert rec.result["route"] == "pass" and case.stage == "rating"


@pytest.mark.parametrize("at", [
    datetime(2026, 5, 14, 0, 1, tzinfo=CST),  # n + 1, its first minute (local)
    datetime(2026, 5, 13, 16, 1, tzinfo=UTC),  # the same minute in UTC: still the 13th there
    datetime(2026, 5, 14, 9, tzinfo=CST),  # n + 1
    datetime(2026, 6, 1, 9, tzinfo=CST),  # long after
])
def test_a_task_reported_after_the_deadline_is_refused_and_changes_nothing(at: datetime) -> None:
    case, clock = at_joint_action(DECIDED)
    clock.set(at)
    before = snapshot(case)
    with pytest.raises(RuleViolation) as err:
        case.record_task(actor="v0002")
    assert snapshot(case) == before
    v = err.value
    assert (v.rule, v.stage) == ("deadline", "joint-action")
    assert v.numbers["needed"] == 10 and v.numbers["count"] >= 11
    assert v.numbers["since"] == "2026-04-27"
    assert v.numbers["last_day"] == "2026-05-13"
    assert v.numbers["on"] == at.astimezone(CST).date().isoformat()
    assert v.basis == ("working-days-open",)
    # the message says what happened, with the dates, and what to do next, in every language
    en = v.message.en
    assert "2026-04-27" in en and "2026-05-13" in en and "check_deadlines" in en
    assert "check-deadlines" in v.message.zh_hans and "2026-05-13" in v.message.zh_hans
    assert "check-deadlines" in v.message.zh_hant and v.message.zh_hant != v.message.zh_hans
    assert "已逾期" in v.message.zh_hans and "屆滿" in v.message.zh_hant
    assert "逾期失效" in v.message.zh_hans  # where the deadline route takes the case
    # recording the lapse is what goes on; a clerk's note too (it changes no state)
    case.note("办理人未在期限内报结")
    (lapsed,) = case.check_deadlines()
    assert lapsed.kind == "lapsed" and case.outcome == "lapsed"


def test_every_kind_of_action_but_the_lapse_and_a_note_is_refused_late() -> None:
    case, clock = at_joint_action(DECIDED)
    clock.set(datetime(2026, 5, 14, 9, tzinfo=CST))
    before = snapshot(case)
    attempts: list[Any] = [
        lambda: case.record_task("declined", actor="v0002"),
        lambda: case.record_task("unresolved", actor="v0002"),
        lambda: case.withdraw("v0003"),
        lambda: case.raise_objection(case.roster.select(("supervision-committee",))[0].id),
    ]
    for attempt in attempts:
        with pytest.raises(RuleViolation) as err:
            attempt()
        assert err.value.rule == "deadline"
        assert snapshot(case) == before
    (note,) = case.note("逾期")
    assert note.kind == "note" and case.stage == "joint-action"


def with_meeting_deadline(days: int) -> Procedure:
    """四议两公开 with a calendar-day deadline on its review meeting."""
    src = pathlib.Path(FOUR.source or "").read_text(encoding="utf-8")
    src = src.replace("""      - rule: advance-circulation""", f"""      - rule: deadline
        params: {{days: {days}}}
      - rule: advance-circulation""", 1)
    return load_text(src, "deadline.yaml")


def at_review(proc: Procedure, entered: datetime) -> tuple[Case, ManualClock]:
    case, clock = open_case(proc)
    clock.set(entered)
    advance_to(case, clock, "review")
    case.circulate_plan()
    return case, clock


def review_meeting(case: Case) -> Any:
    """The review meeting with everyone present and voting yes."""
    counts = case.plan.counts(case.roster, case.plan.stage("review").body)
    return case.hold_meeting(present=counts.voters, yes=counts.voters, witnesses=1,
                             non_voting=counts.members - counts.voters)


@pytest.mark.parametrize("local_day,local_time,accepted", [
    (14, (12, 0), True),  # n - 1
    (15, (23, 59), True),  # n: 5 days after the 10th, its last minute
    (16, (0, 1), False),  # n + 1: its first minute
])
def test_a_meeting_after_a_calendar_day_deadline_is_refused(
        local_day: int, local_time: tuple[int, int], accepted: bool) -> None:
    proc = with_meeting_deadline(5)
    case, clock = at_review(proc, datetime(2026, 3, 10, 9, tzinfo=CST))
    entered = case.entered_at.astimezone(CST).date()
    at = datetime(2026, 3, local_day, *local_time, tzinfo=CST)
    clock.set(at)
    if accepted:
        (rec,) = review_meeting(case)
        assert rec.result["route"] == "pass"
        return
    before = snapshot(case)
    with pytest.raises(RuleViolation) as err:
        review_meeting(case)
    assert snapshot(case) == before
    assert err.value.numbers == {"count": (at.date() - entered).days, "needed": 5,
                                 "since": entered.isoformat(),
                                 "last_day": (entered + timedelta(days=5)).isoformat(),
                                 "on": at.date().isoformat()}
    (lapsed,) = case.check_deadlines()
    assert lapsed.result["route"] == "deadline" and case.outcome == "lapsed"
    assert Case.replay(proc, case.roster, case.records).outcome == "lapsed"


def test_replay_refuses_a_record_made_after_the_deadline() -> None:
    case, clock = at_joint_action(DECIDED)
    clock.set(datetime(2026, 5, 13, 18, tzinfo=CST))
    case.record_task(actor="v0002")
    records = list(case.records)
    assert Case.replay(LIJIN, ROSTER, records).stage == "rating"
    # the same report dated a day later (as an earlier version of the engine accepted it)
    late = attrs.evolve(records[-1], at=datetime(2026, 5, 14, 9, tzinfo=CST))
    with pytest.raises(ReplayError) as err:
        Case.replay(LIJIN, ROSTER, [*records[:-1], late])
    assert "deadline" in err.value.message.en


def test_a_case_stored_before_the_check_replays_its_late_record() -> None:
    """Engine format 2 (and 1) accepted an action after a deadline: such a stored case still
    replays after the upgrade, as it was accepted then; nothing more is accepted late, and a
    case of today's format holding such a record does not replay (above)."""
    case, clock = at_joint_action(DECIDED)
    clock.set(datetime(2026, 5, 13, 18, tzinfo=CST))
    case.record_task(actor="v0002")
    records = list(case.records)
    assert records[0].data["engine_format"] == ENGINE_FORMAT
    opened = attrs.evolve(records[0], data={**records[0].data, "engine_format": 2})
    late = attrs.evolve(records[-1], at=datetime(2026, 5, 14, 9, tzinfo=CST))
    assert Case.replay(LIJIN, ROSTER, [opened, *records[1:-1], late]).stage == "rating"
    # the same case before its report, replayed under format 2: a report now is refused
    pending = Case.replay(LIJIN, ROSTER, [opened, *records[1:-1]], clock=clock)
    clock.set(datetime(2026, 5, 14, 9, tzinfo=CST))
    with pytest.raises(RuleViolation) as err:
        pending.record_task(actor="v0002")
    assert err.value.rule == "deadline" and pending.stage == "joint-action"


def test_a_stage_without_deadline_rules_is_not_held_to_one() -> None:
    case, clock = open_case(FOUR)
    clock.advance(days=3650)
    (rec,) = case.hold_meeting(present=3, yes=3)
    assert rec.result["route"] == "pass"


# -- scenarios -----------------------------------------------------------------------------


def late_settled(tmp_path: pathlib.Path) -> pathlib.Path:
    """party-proposal-settled.yaml with the task reported 30 days after the decision."""
    text = (EXAMPLES / "party-proposal-settled.yaml").read_text(encoding="utf-8")
    late = text.replace("{do: task, after: 3, actor: v0002}",
                        "{do: task, after: 30, actor: v0002}")
    assert late != text
    path = tmp_path / "late.yaml"
    path.write_text(late, encoding="utf-8")
    return path


def test_scenario_task_after_the_deadline_is_refused_and_the_case_lapses_when_checked(
        tmp_path: pathlib.Path) -> None:
    path = late_settled(tmp_path)
    report = run_scenario(load_scenario(path))
    task = report.actions[3]
    assert task.step.do == "task" and not task.accepted
    assert [v["rule"] for v in task.violations] == ["deadline"]
    assert task.violations[0]["numbers"]["last_day"] == "2026-06-22"  # Dragon Boat off
    assert report.outcome is None and report.state == "joint-action"
    # with the lapse recorded instead, the scenario ends as the procedure says
    text = path.read_text(encoding="utf-8").replace(
        "{do: task, after: 30, actor: v0002}", "{do: check-deadlines, after: 30}")
    path.write_text(text, encoding="utf-8")
    assert run_scenario(load_scenario(path)).outcome == "lapsed"


def test_run_command_reports_the_late_task_refused(tmp_path: pathlib.Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    main(["run", str(late_settled(tmp_path)), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["outcome"] is None and data["state"] == "joint-action"
    task = data["actions"][3]
    assert task["accepted"] is False and task["violations"][0]["rule"] == "deadline"


def test_what_is_missing_names_the_passed_deadline() -> None:
    case, clock = at_joint_action(DECIDED)
    clock.set(datetime(2026, 5, 13, 23, 59, tzinfo=CST))
    assert "deadline" not in [b.rule for b in case.blockers()]
    clock.set(datetime(2026, 5, 14, 0, 1, tzinfo=CST))
    (passed,) = [b for b in case.blockers() if b.rule == "deadline"]
    assert passed.numbers["last_day"] == "2026-05-13" and passed.basis == ("working-days-open",)
    assert "check_deadlines" in case.explain("en")


@pytest.mark.parametrize("reference", ["stage-entered", "case-opened"])
def test_a_deadline_on_the_first_stage_runs_from_the_opening(reference: str) -> None:
    src = pathlib.Path(FOUR.source or "").read_text(encoding="utf-8")
    anchor = """        basis: [local-practice]
    on: {rejected: rejected}
  - id: discussion
"""
    assert src.count(anchor) == 1
    src = src.replace(anchor, f"""        basis: [local-practice]
      - rule: deadline
        params: {{days: 5, from: {reference}}}
    on: {{rejected: rejected}}
  - id: discussion
""")
    proc = load_text(src, "first.yaml")
    clock = ManualClock(datetime(2026, 3, 2, 9, tzinfo=CST))
    case = Case.open(proc, Roster.generate(), matter="修村道", clock=clock)
    assert case.stage == "proposal"
    clock.set(datetime(2026, 3, 8, 0, 1, tzinfo=CST))  # the 6th day after the opening
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(present=5, yes=5)
    assert err.value.numbers["since"] == "2026-03-02"
    case.check_deadlines()
    assert case.outcome == "lapsed"
    assert Case.replay(proc, case.roster, case.records).outcome == "lapsed"
