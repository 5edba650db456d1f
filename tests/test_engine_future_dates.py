"""An action cannot be dated after it happened: with the machine's clock, ``at`` later than now
is refused by the library itself, as the command line and the service already refuse it.

A record dated ahead meets every period at once (a 3-day circulation met in a second, a 7-day
posting concluded the day it went up), the mirror image of a back-dated one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deliberation import Case, InvalidAction, Roster, load_procedure
from deliberation.engine.clock import FUTURE_SKEW, ManualClock

FOUR = load_procedure("four-deliberations")


def _at_review() -> tuple[Case, datetime]:
    """A 四议两公开 case on the machine's clock, the plan circulated just now."""
    case = Case.open(FOUR, Roster.generate(), matter="修村道")
    case.hold_meeting(present=5, yes=5)
    case.hold_meeting(present=6, yes=6)
    case.circulate_plan()
    return case, case.records[-1].at


def test_a_meeting_dated_days_ahead_is_refused_and_changes_nothing() -> None:
    case, circulated = _at_review()
    version = case.version
    ahead = datetime.now(UTC) + timedelta(days=3, hours=1)
    with pytest.raises(InvalidAction) as err:
        case.hold_meeting(present=40, yes=38, no=2, witnesses=1, at=ahead)
    assert "in the future" in err.value.message.en
    assert ahead.isoformat() in err.value.message.en
    assert case.version == version and case.state == "review"
    assert case.records[-1].at == circulated


@pytest.mark.parametrize("lead", [timedelta(0), FUTURE_SKEW - timedelta(seconds=5)])
def test_now_and_a_clock_skew_ahead_are_accepted(lead: timedelta) -> None:
    case = Case.open(FOUR, Roster.generate(), matter="修村道")
    case.hold_meeting(present=5, yes=5, at=datetime.now(UTC) + lead)
    assert case.state == "discussion"


def test_just_past_the_skew_is_refused() -> None:
    case = Case.open(FOUR, Roster.generate(), matter="修村道")
    with pytest.raises(InvalidAction, match="in the future"):
        case.hold_meeting(present=5, yes=5, at=datetime.now(UTC) + FUTURE_SKEW
                          + timedelta(seconds=30))
    assert case.version == 1


def test_a_past_time_is_still_accepted_for_paper_records_entered_later() -> None:
    case = Case.open(FOUR, Roster.generate(), matter="修村道")
    opened = case.records[0].at
    case.hold_meeting(present=5, yes=5, at=opened)
    assert case.state == "discussion"


def test_a_manual_clock_is_the_caller_s_time_and_is_not_checked() -> None:
    """Scenarios, trainers and simulations set their own time (the future of the machine's)."""
    clock = ManualClock(datetime(2099, 3, 2, 1, tzinfo=UTC))
    case = Case.open(FOUR, Roster.generate(), matter="修村道", clock=clock)
    case.hold_meeting(present=5, yes=5, at=datetime(2099, 3, 9, 1, tzinfo=UTC))
    assert case.state == "discussion"


def test_replay_of_records_made_on_a_faster_clock_is_not_refused() -> None:
    """Replay checks order, not the machine's time: a store may be read on another machine."""
    clock = ManualClock(datetime(2099, 3, 2, 1, tzinfo=UTC))
    case = Case.open(FOUR, Roster.generate(), matter="修村道", clock=clock)
    case.hold_meeting(present=5, yes=5)
    again = Case.replay(FOUR, case.roster, case.records)
    assert again.state == case.state
