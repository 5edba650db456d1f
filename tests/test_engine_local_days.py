"""The engine counts notice and disclosure days on the procedure's local calendar (issue 10, 2).

Records keep UTC instants; 00:00–08:00 Beijing time is still the previous UTC date, so a
notice given then used to count one day too many.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest
from test_engine_support import FOUR, advance_to, open_case, wait_for_notice

from deliberation import Case, Roster, RuleViolation
from deliberation.definition.model import Procedure
from deliberation.engine.clock import ManualClock


def at_resolution(procedure: Procedure) -> tuple[Case, ManualClock, int]:
    case, clock = open_case(procedure, Roster.generate(),
                            **{"resolution-body": "villagers-meeting"})
    advance_to(case, clock, "resolution")
    counts = case.plan.counts(case.roster, case.plan.stage("resolution").body)
    return case, clock, counts.voters


def utc_evening_after(clock: ManualClock, hour: int) -> datetime:
    """``hour`` o'clock UTC on the day after the clock's UTC date."""
    now = clock.now()
    return datetime(now.year, now.month, now.day, hour, tzinfo=UTC) + timedelta(days=1)


def test_a_notice_given_at_2am_beijing_time_counts_from_that_beijing_date() -> None:
    case, clock, voters = at_resolution(FOUR)
    given = utc_evening_after(clock, 18)  # 02:00 Beijing time, next day's date there
    clock.set(given)
    case.give_notice()
    clock.set(given + timedelta(days=9, hours=8))  # 10 UTC dates later, 10:00 Beijing: 9 days
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(present=voters, yes=voters, witnesses=1)
    assert err.value.numbers == {"count": 9, "needed": 10}
    clock.advance(days=1)  # n: 10 local days, the tenth not over yet (Civil Code Art. 203)
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(present=voters, yes=voters, witnesses=1)
    assert err.value.numbers == {"count": 10, "needed": 10}
    clock.advance(days=1)  # n+1: 11 local days (no holiday at the end of this period)
    case.hold_meeting(present=voters, yes=voters, witnesses=1)
    assert case.state == "resolution-disclosure"


def test_the_procedure_s_zone_decides_the_date() -> None:
    # The same instants: 10 Beijing days (refused under the Civil Code), but 11 days in a
    # procedure declared on UTC, where the meeting may be held.
    later = timedelta(days=10, hours=8)
    case, clock, voters = at_resolution(FOUR)
    given = utc_evening_after(clock, 18)
    clock.set(given)
    case.give_notice()
    clock.set(given + later)
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(present=voters, yes=voters, witnesses=1)
    assert err.value.numbers == {"count": 10, "needed": 10}
    case, clock, voters = at_resolution(attrs.evolve(FOUR, timezone="UTC"))
    clock.set(given)
    case.give_notice()
    clock.set(given + later)
    case.hold_meeting(present=voters, yes=voters, witnesses=1)
    assert case.state == "resolution-disclosure"


def test_disclosure_days_are_local_days() -> None:
    case, clock, voters = at_resolution(FOUR)
    case.give_notice()
    wait_for_notice(case, clock)
    case.hold_meeting(present=voters, yes=voters, witnesses=1)
    member = next(v.id for v in case.roster.villagers
                  if case.roster.matches(v, case.plan.stage(case.state).body.members))
    posted = utc_evening_after(clock, 17)  # 01:00 Beijing time
    clock.set(posted)
    case.post_disclosure("notice-board", actor=member)
    clock.set(posted + timedelta(days=6, hours=9))  # 7 UTC dates later, 6 Beijing dates
    with pytest.raises(RuleViolation):
        case.conclude_disclosure()
    clock.advance(days=1)
    case.conclude_disclosure()
    assert case.state != "resolution-disclosure"
