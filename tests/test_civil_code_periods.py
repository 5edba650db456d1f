"""Statutory periods are counted as the Civil Code counts them (民法典 Arts. 201, 203, 204).

The starting day is not counted, the last day runs to 24:00, and a last day on a statutory
holiday moves to the first working day after it — all on the village's local calendar
(Asia/Shanghai). Counted as elapsed local dates, a notice at 23:59 on 1 March for a meeting at
00:01 on 11 March (9 days and 2 minutes) passed as "10 days"; these tests hold the shipped
procedures to the statute's period at n-1, n and n+1, and over a holiday: the Organic Law's
ten days' notice of a villagers' meeting (Art. 21), and the provinces' periods — Shandong's
5-day posting (村务公开条例 Art. 13) and 5 days' notice of the representatives' meeting (Art.
24), Chongqing's 3 days' notice (实施办法 Art. 12) and 10-day posting (Art. 30). Shandong's
5-day objection window (Art. 16) is a window, not a minimum period, and keeps its count.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from test_engine_support import FOUR, advance_to, open_case

from deliberation import Case, Roster, RuleViolation, load_procedure
from deliberation.definition.loader import Library
from deliberation.definition.model import Procedure
from deliberation.engine.clock import ManualClock
from deliberation.errors import DeliberationError
from deliberation.rules.days import DayCount, Period
from deliberation.rules.disclosure import Disclosure, NoticePeriod

BEIJING = ZoneInfo("Asia/Shanghai")


def local(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """An instant of 2026 in Beijing time."""
    return datetime(2026, month, day, hour, minute, tzinfo=BEIJING)


def at_resolution(procedure: Procedure, **settings: str) -> tuple[Case, ManualClock, int]:
    case, clock = open_case(procedure, Roster.generate(), **settings)
    advance_to(case, clock, "resolution")
    counts = case.plan.counts(case.roster, case.plan.stage("resolution").body)
    return case, clock, counts.voters


def hold(case: Case, voters: int) -> None:
    """Everyone who votes comes and votes yes."""
    case.hold_meeting(present=voters, yes=voters, witnesses=1)


def notice_at(procedure: Procedure, notice: datetime, **settings: str
              ) -> tuple[Case, ManualClock, int]:
    case, clock, voters = at_resolution(procedure, **settings)
    clock.set(notice)
    case.give_notice()
    return case, clock, voters


def refused_at(case: Case, clock: ManualClock, voters: int, when: datetime) -> RuleViolation:
    clock.set(when)
    with pytest.raises(RuleViolation) as err:
        hold(case, voters)
    assert err.value.rule == "notice-period"
    assert case.state == "resolution"
    return err.value


# -- Organic Law Art. 21: ten days' notice of a villagers' meeting --------------------------------

VILLAGERS = {"resolution-body": "villagers-meeting"}


def test_nine_days_and_two_minutes_is_not_ten_days_notice() -> None:
    case, clock, voters = notice_at(FOUR, local(3, 1, 23, 59), **VILLAGERS)
    err = refused_at(case, clock, voters, local(3, 11, 0, 1))
    # the refusal says why the tenth day is not enough
    text = err.message.get("en")
    assert "Civil Code Arts. 201 and 203" in text and "starting day is not counted" in text
    assert err.numbers == {"count": 10, "needed": 10}


@pytest.mark.parametrize(("day", "held"), [(10, False), (11, False), (12, True)])
def test_notice_on_the_first_boundary(day: int, held: bool) -> None:
    # notice on 1 March: day 11 is the tenth day (n), it runs out at 24:00; 12 March is n+1
    case, clock, voters = notice_at(FOUR, local(3, 1, 9), **VILLAGERS)
    if not held:
        refused_at(case, clock, voters, local(3, day, 23, 59))
        return
    clock.set(local(3, day, 0, 1))
    hold(case, voters)
    assert case.state == "resolution-disclosure"


def test_a_last_day_on_national_day_runs_to_the_day_after_the_holiday() -> None:
    # notice on 21 September: the tenth day is 1 October, a National Day holiday; the period
    # runs to the first working day after the holiday, and is over only the day after that
    rule = next(r for r in FOUR.bodies["villagers-meeting"].rules if r.rule == "notice-period")
    assert rule.param("count") == "civil-code"
    case, clock, voters = notice_at(FOUR, local(9, 21, 10), **VILLAGERS)
    refused_at(case, clock, voters, local(10, 1, 10))
    period = next(r for r in case.plan.stage("resolution").preconditions
                  if isinstance(r, NoticePeriod)).period
    last = period.last_day(local(9, 21).date())
    assert last > local(10, 7).date()  # past the holiday week
    refused_at(case, clock, voters, datetime.combine(last, local(1, 1, 23, 59).timetz()))
    clock.set(datetime.combine(period.runs_out(local(9, 21).date()), local(1, 1, 0, 1).timetz()))
    hold(case, voters)
    assert case.state == "resolution-disclosure"


def test_the_representatives_meeting_keeps_no_statutory_notice() -> None:
    # the Organic Law sets no notice for the representatives' meeting: nothing to count there
    assert not any(r.rule == "notice-period"
                   for r in FOUR.bodies["representatives-meeting"].rules)


# -- the version the change made ------------------------------------------------------------------


def test_the_elapsed_count_is_kept_only_in_the_replaced_versions() -> None:
    library = Library()
    old = library.load("four-deliberations", "1.0")
    assert old.superseded_by == FOUR.version == "1.1"
    old_rule = next(r for r in old.bodies["villagers-meeting"].rules if r.rule == "notice-period")
    assert old_rule.param("count") is None  # elapsed, as it was decided
    for child, before in [("four-deliberations-chongqing", "1.0"),
                          ("four-deliberations-shandong", "1.1"),
                          ("land-contracting-plan", "1.0"), ("land-plot-adjustment", "1.0")]:
        kept = library.load(child, before)
        assert kept.superseded_by == load_procedure(child).version
        # the kept child still has its parent's elapsed notice (pinned to the old parent)
        spec = next(r for r in kept.bodies["villagers-meeting"].rules
                    if r.rule == "notice-period")
        assert spec.param("count") is None
        current = load_procedure(child)
        spec = next(r for r in current.bodies["villagers-meeting"].rules
                    if r.rule == "notice-period")
        assert spec.param("count") == "civil-code"


def test_a_year_without_holidays_is_refused_and_shown_as_a_blocker() -> None:
    """A notice of 24 December 2026 runs into 2027, whose holidays the shipped tables do not yet
    hold: the meeting is refused saying what to add (nothing recorded), and ``blockers()`` —
    what ``case show`` and the service's explanation read — lists it instead of failing."""
    case, clock, voters = notice_at(FOUR, datetime(2026, 12, 24, 9, tzinfo=BEIJING),
                                    **{"resolution-body": "villagers-meeting"})
    before = list(case.records)
    clock.set(datetime(2027, 1, 6, 9, tzinfo=BEIJING))
    with pytest.raises(DeliberationError, match="DELIBERATION_HOLIDAYS"):
        hold(case, voters)
    assert list(case.records) == before and case.state == "resolution"
    (blocker,) = [b for b in case.blockers() if b.rule == "notice-period"]
    assert "DELIBERATION_HOLIDAYS" in blocker.message.get("en")
    assert "国务院办公厅" in blocker.message.get("zh-Hans")


# -- the provinces: Shandong Arts. 13, 24 and Chongqing Arts. 12, 30 ------------------------------

SHANDONG = load_procedure("four-deliberations-shandong")
CHONGQING = load_procedure("four-deliberations-chongqing")


def hold_all(case: Case) -> None:
    """Every member of the resolution's body comes and votes yes (Shandong's Art. 24 also asks
    for the women representatives present, so they are counted there)."""
    everyone = case.roster.select(case.plan.stage("resolution").body.members)
    among = ({"woman-representative": sum(1 for v in everyone
                                          if v.sex == "female" and v.representative)}
             if case.procedure.id == SHANDONG.id else None)
    case.hold_meeting(present=len(everyone), yes=len(everyone), witnesses=1,
                      present_among=among)


def meeting_refused(procedure: Procedure, notice: datetime, when: datetime) -> bool:
    case, clock, _ = notice_at(procedure, notice)
    clock.set(when)
    try:
        hold_all(case)
    except RuleViolation as err:
        assert err.rule == "notice-period" and case.state == "resolution"
        return True
    assert case.state == "resolution-disclosure"
    return False


def conclude_route(procedure: Procedure, notice: datetime, meeting: datetime, post: datetime,
                   when: datetime) -> str:
    """The route of concluding, at ``when``, the resolution posted at ``post``."""
    case, clock, _ = notice_at(procedure, notice)
    clock.set(meeting)
    hold_all(case)
    clock.set(post)
    case.post_disclosure("notice-board", actor="v0002")
    clock.set(when)
    (record,) = case.conclude_disclosure()
    route: str = record.result["route"]
    return route


def rule_period(procedure: Procedure, stage: str, kind: type) -> Period:
    case, _clock = open_case(procedure)
    (rule,) = [r for r in case.plan.stage(stage).preconditions if isinstance(r, kind)]
    assert rule.period.count is DayCount.CIVIL_CODE
    period: Period = rule.period
    return period


@pytest.mark.parametrize(("procedure", "day", "refused"), [
    # Shandong Art. 24, 5 days: notice on Sun 1 March, the 5th day (Fri 6 March) runs to 24:00
    (SHANDONG, local(3, 5, 23, 59), True), (SHANDONG, local(3, 6, 23, 59), True),
    (SHANDONG, local(3, 7, 0, 1), False),
    # Chongqing Art. 12, 3 days: the 3rd day is Wed 4 March
    (CHONGQING, local(3, 3, 23, 59), True), (CHONGQING, local(3, 4, 23, 59), True),
    (CHONGQING, local(3, 5, 0, 1), False),
], ids=["shandong-n-1", "shandong-n", "shandong-n+1", "chongqing-n-1", "chongqing-n",
        "chongqing-n+1"])
def test_the_provinces_meeting_notice_boundary(procedure: Procedure, day: datetime,
                                               refused: bool) -> None:
    assert meeting_refused(procedure, local(3, 1, 9), day) is refused


@pytest.mark.parametrize(("procedure", "notice"), [(SHANDONG, local(9, 26, 10)),
                                                   (CHONGQING, local(9, 28, 10))],
                         ids=["shandong", "chongqing"])
def test_the_provinces_meeting_notice_over_national_day(procedure: Procedure,
                                                        notice: datetime) -> None:
    # the last day (1 October) is a holiday: the notice runs to the first working day after it
    period = rule_period(procedure, "resolution", NoticePeriod)
    last = period.last_day(notice.date())
    assert last > local(10, 7).date()
    assert meeting_refused(procedure, notice, local(10, 1, 10))
    assert meeting_refused(procedure, notice, datetime.combine(last, local(1, 1, 23, 59).timetz()))
    assert not meeting_refused(
        procedure, notice,
        datetime.combine(period.runs_out(notice.date()), local(1, 1, 0, 1).timetz()))


@pytest.mark.parametrize(("procedure", "dates", "when", "route"), [
    # Shandong Art. 13, 5 days: posted Wed 11 March, the 5th day is Mon 16 March
    (SHANDONG, (local(3, 1, 9), local(3, 7, 9), local(3, 11, 9)), local(3, 15, 23, 59), "short"),
    (SHANDONG, (local(3, 1, 9), local(3, 7, 9), local(3, 11, 9)), local(3, 16, 23, 59), "short"),
    (SHANDONG, (local(3, 1, 9), local(3, 7, 9), local(3, 11, 9)), local(3, 17, 0, 1), "pass"),
    # Chongqing Art. 30, 10 days: posted Mon 2 March, the 10th day is Thu 12 March
    (CHONGQING, (local(2, 24, 9), local(3, 1, 9), local(3, 2, 9)), local(3, 11, 23, 59), "short"),
    (CHONGQING, (local(2, 24, 9), local(3, 1, 9), local(3, 2, 9)), local(3, 12, 23, 59), "short"),
    (CHONGQING, (local(2, 24, 9), local(3, 1, 9), local(3, 2, 9)), local(3, 13, 0, 1), "pass"),
], ids=["shandong-n-1", "shandong-n", "shandong-n+1", "chongqing-n-1", "chongqing-n",
        "chongqing-n+1"])
def test_the_provinces_posting_boundary(procedure: Procedure,
                                        dates: tuple[datetime, datetime, datetime],
                                        when: datetime, route: str) -> None:
    assert conclude_route(procedure, *dates, when) == route


@pytest.mark.parametrize(("procedure", "dates"), [
    (SHANDONG, (local(9, 15, 9), local(9, 25, 9), local(9, 26, 9))),  # 5th day: 1 October
    (CHONGQING, (local(9, 14, 9), local(9, 18, 9), local(9, 21, 9))),  # 10th day: 1 October
], ids=["shandong", "chongqing"])
def test_the_provinces_posting_over_national_day(
        procedure: Procedure, dates: tuple[datetime, datetime, datetime]) -> None:
    period = rule_period(procedure, "resolution-disclosure", Disclosure)
    posted = dates[2].date()
    last = period.last_day(posted)
    assert last > local(10, 7).date()
    assert conclude_route(procedure, *dates, local(10, 2, 10)) == "short"
    assert conclude_route(procedure, *dates,
                          datetime.combine(last, local(1, 1, 23, 59).timetz())) == "short"
    assert conclude_route(procedure, *dates, datetime.combine(
        period.runs_out(posted), local(1, 1, 0, 1).timetz())) == "pass"
