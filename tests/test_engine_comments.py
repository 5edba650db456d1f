"""Public comment periods (rule ``comment-period``): villagers' objections, the filing window
and the answer deadline, at n-1, n and n+1 days, in the village's local time, under each way of
counting days; refusals change nothing; late answers are recorded and flagged; replay agrees.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from test_engine_support import snapshot
from test_workflows_scenarios import EXAMPLES, refusals, run, trail

from deliberation import Roster, RuleViolation, load_procedure
from deliberation.cli import main
from deliberation.definition.loader import load_text
from deliberation.definition.model import Procedure
from deliberation.engine.case import Case
from deliberation.engine.clock import ManualClock
from deliberation.engine.scenario import load_scenario, run_scenario
from deliberation.errors import InvalidAction, NotEntitled
from deliberation.simulation import SimParams, simulate
from deliberation.simulation.model import compile_plan

COMMITTEE = "v0002"  # of the villagers' committee on the generated roster
SUPERVISOR = "v0007"  # of the supervision committee
VILLAGERS = ("v0041", "v0042", "v0043")


def procedure(window: int = 5, answer: int = 5, count: str = "elapsed") -> Procedure:
    """A plan decided by the committee, posted for comment, then voted by the representatives."""
    return load_text(f"""
format: 1
id: comment-test
version: "1"
locality: test
name: {{zh-Hans: 公示测试, zh-Hant: 公示測試, en: comment test}}
bodies:
  committee:
    name: {{zh-Hans: 村委会, zh-Hant: 村委會, en: committee}}
    members: [villagers-committee]
    rules:
      - rule: approval
        params: {{ratio: 1/2, compare: ">", base: present}}
  clerk:
    name: {{zh-Hans: 村务公开员, zh-Hant: 村務公開員, en: clerk}}
    members: [villagers-committee]
stages:
  - id: draft
    name: {{zh-Hans: 拟定方案, zh-Hant: 擬定方案, en: draft}}
    action: meeting
    body: committee
  - id: comment
    name: {{zh-Hans: 方案公示, zh-Hant: 方案公示, en: comment period}}
    action: disclosure
    body: clerk
    rules:
      - rule: disclosure
        params: {{min_days: 1}}
      - rule: comment-period
        params: {{window_days: {window}, answer_days: {answer}, count: {count}}}
  - id: vote
    name: {{zh-Hans: 表决, zh-Hant: 表決, en: vote}}
    action: meeting
    body: committee
outcomes:
  adopted: {{kind: success, name: {{zh-Hans: 通过, zh-Hant: 通過, en: adopted}}}}
  rejected: {{kind: failure, name: {{zh-Hans: 否决, zh-Hant: 否決, en: rejected}}}}
""")


def beijing(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """``hour:minute`` on ``day`` in Beijing time, as an aware UTC instant."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def posted(posting: date, hour: int = 10, **kw: object) -> tuple[Case, ManualClock]:
    """A case at the comment period, posted on ``posting`` at ``hour`` Beijing time."""
    clock = ManualClock(beijing(posting - timedelta(days=1)))
    case = Case.open(procedure(**kw), Roster.generate(), matter="村规民约修订", clock=clock)  # type: ignore[arg-type]
    case.hold_meeting(present=5, yes=5)
    clock.set(beijing(posting, hour))
    case.post_disclosure("notice-board", actor=COMMITTEE)
    return case, clock


MARCH_1 = date(2026, 3, 1)


# -- the filing window -------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "taken"), [(5, True), (6, True), (7, False)])
def test_objections_are_taken_through_the_windows_last_day(day: int, taken: bool) -> None:
    # 5 days from 1 March: the window's last day is 6 March (n), 5 March is n-1, 7 March n+1
    case, clock = posted(MARCH_1)
    clock.set(beijing(date(2026, 3, day)))
    if taken:
        (rec,) = case.file_objection(VILLAGERS[0], "方案未经村民小组讨论")
        assert rec.kind == "villager-objection" and rec.result["checks"][0]["ok"]
        return
    before = snapshot(case)
    with pytest.raises(RuleViolation) as err:
        case.file_objection(VILLAGERS[0], "方案未经村民小组讨论")
    assert err.value.rule == "comment-period"
    assert err.value.numbers["closes_on"] == "2026-03-06"
    assert snapshot(case) == before  # a refusal changes nothing


def test_the_window_is_counted_on_beijing_dates_not_utc() -> None:
    # posted at 23:30 on 1 March Beijing time (15:30 UTC, still 1 March in UTC); an objection at
    # 00:30 on 7 March Beijing time is 16:30 UTC on 6 March: in UTC the window would still be
    # open, on the village's calendar it closed at the end of 6 March
    case, clock = posted(MARCH_1, hour=23)
    clock.set(beijing(date(2026, 3, 7), 0, 30))
    assert clock.now().date() == date(2026, 3, 6)
    with pytest.raises(RuleViolation):
        case.file_objection(VILLAGERS[0], "迟到的异议")
    case2, clock2 = posted(MARCH_1, hour=23)
    clock2.set(beijing(date(2026, 3, 6), 23, 50))
    assert case2.file_objection(VILLAGERS[0], "最后一天的异议")


@pytest.mark.parametrize(("count", "posting", "last_day"), [
    # Civil Code: the start day not counted; 6 April 2026 is the Qingming holiday's last day,
    # so the period ends on Tue 7 April (Arts. 201, 203)
    ("civil-code", date(2026, 4, 1), date(2026, 4, 7)),
    # working days: Fri 13 Feb 2026 + 5 working days over the Spring Festival is Fri 27 Feb
    ("working", date(2026, 2, 13), date(2026, 2, 27)),
    ("elapsed", date(2026, 4, 1), date(2026, 4, 6)),
])
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_the_window_under_each_count(count: str, posting: date, last_day: date,
                                     offset: int) -> None:
    case, clock = posted(posting, count=count)
    clock.set(beijing(last_day + timedelta(days=offset)))
    if offset <= 0:
        assert case.file_objection(VILLAGERS[0], "异议")
        with pytest.raises(RuleViolation) as err:  # and the window is still open
            case.conclude_disclosure()
        assert "comment-period" in {v.rule for v in (err.value.violations or (err.value,))}
    else:
        with pytest.raises(RuleViolation):
            case.file_objection(VILLAGERS[0], "异议")
        assert case.conclude_disclosure()[0].result["route"] == "pass"
        assert case.state == "vote"


# -- concluding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "concludes"), [(5, False), (6, False), (7, True)])
def test_the_vote_waits_for_the_window(day: int, concludes: bool) -> None:
    case, clock = posted(MARCH_1)
    clock.set(beijing(date(2026, 3, day)))
    if not concludes:
        before = snapshot(case)
        with pytest.raises(RuleViolation) as err:
            case.conclude_disclosure()
        assert err.value.rule == "comment-period" and not err.value.numbers["window_over"]
        with pytest.raises(InvalidAction):  # and the vote is not open
            case.hold_meeting(present=5, yes=5)
        assert snapshot(case) == before
        return
    case.conclude_disclosure()
    assert case.hold_meeting(present=5, yes=5) and case.outcome == "adopted"


def test_an_unanswered_objection_holds_the_vote_until_answered() -> None:
    case, clock = posted(MARCH_1)
    clock.set(beijing(date(2026, 3, 2)))
    case.file_objection(VILLAGERS[0], "第一条")
    case.file_objection(VILLAGERS[1], "第二条")
    case.file_objection(VILLAGERS[0], "第三条")
    clock.set(beijing(date(2026, 3, 7)))
    case.reply_objection(VILLAGERS[0], COMMITTEE, "已答复第一条")
    case.reply_objection(VILLAGERS[1], COMMITTEE, "已答复第二条")
    with pytest.raises(RuleViolation) as err:
        case.conclude_disclosure()
    assert (err.value.numbers["filed"], err.value.numbers["open"]) == (3, 1)
    (reply,) = case.reply_objection(VILLAGERS[0], COMMITTEE, "已答复第三条")
    assert reply.result["objection"] == 6  # v0041's second (records: opened, draft, posted, 4-6)
    (done,) = case.conclude_disclosure()
    check = next(c for c in done.result["checks"] if c["rule"] == "comment-period")
    assert check["ok"] and (check["numbers"]["filed"], check["numbers"]["open"]) == (3, 0)


# -- answers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("after", "late"), [(4, False), (5, False), (6, True)])
def test_an_answer_after_its_deadline_is_recorded_and_flagged(after: int, late: bool) -> None:
    case, clock = posted(MARCH_1)
    clock.set(beijing(date(2026, 3, 2)))
    case.file_objection(VILLAGERS[0], "补偿标准不清")
    clock.set(beijing(date(2026, 3, 2 + after)))
    (rec,) = case.reply_objection(VILLAGERS[0], COMMITTEE, "标准附后")
    assert rec.result["late"] is late
    check = rec.result["checks"][0]
    assert check["ok"] is not late and check["numbers"]["due"] == "2026-03-07"
    assert check["numbers"]["late_by"] == (1 if late else 0)
    clock.set(beijing(date(2026, 3, 9)))
    (done,) = case.conclude_disclosure()  # a late answer does not hold the stage
    numbers = next(c for c in done.result["checks"] if c["rule"] == "comment-period")["numbers"]
    assert numbers["late"] == (1 if late else 0)


def test_who_may_object_and_who_answers() -> None:
    case, clock = posted(MARCH_1)
    clock.set(beijing(date(2026, 3, 2)))
    before = snapshot(case)
    with pytest.raises(NotEntitled):
        case.file_objection("t01", "乡镇干部不是村民")
    with pytest.raises(InvalidAction):
        case.file_objection("v9999", "不在花名册上")
    with pytest.raises(InvalidAction):
        case.file_objection(VILLAGERS[0], "未签名", signed=False)
    with pytest.raises(InvalidAction):
        case.file_objection(VILLAGERS[0], "   ")
    with pytest.raises(InvalidAction):
        case.reply_objection(VILLAGERS[0], COMMITTEE, "没有待答复的异议")
    assert snapshot(case) == before
    case.file_objection(VILLAGERS[0], "异议")
    before = snapshot(case)
    with pytest.raises(NotEntitled):  # the supervision committee does not answer for them
        case.reply_objection(VILLAGERS[0], SUPERVISOR, "答复")
    with pytest.raises(InvalidAction):
        case.reply_objection(VILLAGERS[0], COMMITTEE, "")
    assert snapshot(case) == before


def test_nothing_to_object_to_before_the_posting_or_outside_a_comment_period() -> None:
    clock = ManualClock()
    case = Case.open(procedure(), Roster.generate(), matter="x", clock=clock)
    with pytest.raises(InvalidAction):  # the draft meeting has no comment period
        case.file_objection(VILLAGERS[0], "异议")
    case.hold_meeting(present=5, yes=5)
    with pytest.raises(RuleViolation) as err:  # in the comment period, but nothing posted
        case.file_objection(VILLAGERS[0], "异议")
    assert err.value.numbers["posted_on"] is None


def test_a_case_with_objections_and_late_answers_replays() -> None:
    case, clock = posted(MARCH_1)
    clock.set(beijing(date(2026, 3, 2)))
    case.file_objection(VILLAGERS[0], "异议一")
    case.file_objection(VILLAGERS[1], "异议二")
    clock.set(beijing(date(2026, 3, 3)))
    case.reply_objection(VILLAGERS[1], COMMITTEE, "答复二")
    clock.set(beijing(date(2026, 3, 9)))
    case.reply_objection(VILLAGERS[0], COMMITTEE, "答复一(逾期)")
    case.conclude_disclosure()
    again = Case.replay(case.procedure, case.roster, case.records)
    assert again.records == case.records and again.state == case.state == "vote"


# -- the Shandong and Chongqing packs -----------------------------------------------------------


def test_shandong_objection_answered_in_time(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("shandong-comment-answered", capsys)
    assert data["outcome"] == "adopted" and refusals(data) == []
    kinds = [a["records"] for a in data["actions"]]
    assert ["villager-objection"] in kinds and ["objection-reply"] in kinds


def test_shandong_comment_period_refusals(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("shandong-comment-refused", capsys)
    # an unsigned objection, concluded with one open, too late (concluding inside the window
    # is a short posting now: Art. 13's 5 days, counted under the Civil Code, outlast it)
    assert refusals(data) == ["InvalidAction", "comment-period", "comment-period"]
    assert data["outcome"] == "adopted"


def test_shandong_late_answer_is_flagged(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("shandong-comment-late-answer", capsys)
    assert refusals(data) == ["NotEntitled", "NotEntitled"]
    flagged = [(a["do"], f["rule"], f["numbers"]["late_by"]) for a in data["actions"]
               for f in a.get("flags", ())]
    assert flagged == [("reply", "comment-period", 1)]  # run's JSON flags it; accepted
    report = run_scenario(load_scenario(EXAMPLES / "shandong-comment-late-answer.yaml"))
    (reply,) = [r for r in report.case.records if r.kind == "objection-reply"]
    assert reply.result["late"] is True
    assert reply.result["checks"][0]["numbers"]["late_by"] == 1
    assert data["outcome"] == "adopted"


def test_chongqing_objections_while_posted_answered_within_three_days(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = run("chongqing-comment-late", capsys)
    assert refusals(data) == ["comment-period"]
    assert {r for _, r, _ in trail(data)} <= {"pass", None}
    report = run_scenario(load_scenario(EXAMPLES / "chongqing-comment-late.yaml"))
    late = [r.result["late"] for r in report.case.records if r.kind == "objection-reply"]
    assert late == [False, True]


def test_shandong_short_posting_is_posted_again_with_an_objection_open() -> None:
    report = run_scenario(load_scenario(EXAMPLES / "shandong-comment-answered.yaml"))
    proc = report.case.procedure
    case = Case.replay(proc, report.case.roster,
                       [r for r in report.case.records if r.seq <= 9])  # posted, objected
    clock = ManualClock(case.records[-1].at)
    case2 = Case.replay(proc, case.roster, case.records, clock=clock)
    clock.advance(days=2)  # taken down after 4 days of 5: posted again (Art. 13)
    (rec,) = case2.conclude_disclosure()
    assert rec.result["route"] == "short" and case2.state == "resolution-disclosure"
    case2.post_disclosure("notice-board", actor="v0002")
    clock.advance(days=6)
    with pytest.raises(RuleViolation) as err:  # the objection stays open across the repost
        case2.conclude_disclosure()
    assert err.value.rule == "comment-period" and err.value.numbers["open"] == 1


# -- the tools describe it ----------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "objections ≤5 days, answered ≤5 days"),
    ("zh-Hans", "异议 5 日内提出、5 日内答复"),
    ("zh-Hant", "異議 5 日內提出、5 日內答覆"),
])
def test_show_diagram_and_page_describe_the_comment_period(
        lang: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram", "four-deliberations-shandong", "--lang", lang]) == 0
    assert words in capsys.readouterr().out
    page = tmp_path / "page.html"
    assert main(["html", "four-deliberations-shandong", "--lang", lang, "-o", str(page)]) == 0
    assert words in page.read_text(encoding="utf-8")
    assert main(["show", "four-deliberations-chongqing", "--lang", lang]) == 0
    assert {"en": "answered within 3 day(s)", "zh-Hans": "3 天内答复",
            "zh-Hant": "3 天內答覆"}[lang] in capsys.readouterr().out


def test_the_walkthrough_takes_villagers_objections_and_answers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "walk.txt"
    script.write_text("\n".join([
        "meeting present=5 yes=5", "meeting present=6 yes=6", "circulate", "wait 3",
        "meeting present=45 yes=45 witnesses=1", "notice", "wait 6",
        "meeting present=25 yes=25 witnesses=1 among.woman-representative=14",
        "post notice-board", "wait 2", "comment v0041 道路占用自留地", "wait 4", "conclude",
        "reply v0041 已调整走向", "explain", "conclude", "help"]) + "\n", encoding="utf-8")
    assert main(["walk", "four-deliberations-shandong", "--lang", "en",
                 "--script", str(script)]) == 0
    out = capsys.readouterr().out
    assert "Recorded (villager's objection)" in out
    assert "1 villagers' objection(s) not yet answered" in out  # day 6: refused, one open
    assert "Recorded (answer to a villager's objection)" in out
    assert "answer a villager's objection" in out  # explain lists who may act
    assert "passed → publish the results" in out
    assert "comment VILLAGER REASON" in out


# -- the simulator ------------------------------------------------------------------------------


@pytest.mark.parametrize(("pack", "days"), [
    # posted 5 days under the Civil Code (its 5th day runs to 24:00), as the 5-day window
    ("four-deliberations-shandong", 6),
    # objections while posted: the posting's 10 days, the 10th to 24:00 (Civil Code)
    ("four-deliberations-chongqing", 11),
])
def test_the_simulator_waits_out_the_comment_period(pack: str, days: int) -> None:
    plan = compile_plan(load_procedure(pack), SimParams())
    assert plan.stage("resolution-disclosure").min_days == days
    # and the engine path, which concludes after those days, is never refused by the rule
    runs = simulate(pack, SimParams(objection_rate=0.0), 40, seed=3, path="engine")
    assert "comment-period" not in set(runs["end_rule"])
    assert (runs["outcome"] == "adopted").any()
