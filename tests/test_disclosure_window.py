"""The national procedure states no objection window of its own.

``four-deliberations`` used to carry a setting ``objection-window-days`` (7, "local practice")
that its disclosures showed ("objections within 7 day(s)") but nothing enforced. No law behind
the national procedure sets such a window (domain.md §2, §4: only the posting's days, which are
a setting, and the supervision committee's objection, answered within a week, are described);
a province that sets one says so in its pack with the ``comment-period`` rule (Shandong's Art. 16:
5 days). So the setting is gone: the disclosure concludes after its posting days, and a window
is enforced only where a pack states one — tested here at n-1, n and n+1 days for both.
"""

from __future__ import annotations

import pytest
from test_engine_support import FOUR, SIX, advance_to, open_case

from deliberation import Case, Roster, RuleViolation, load_procedure
from deliberation.engine.clock import ManualClock
from deliberation.errors import InvalidAction
from deliberation.rules.comments import CommentPeriod
from deliberation.rules.days import local_date
from deliberation.rules.disclosure import Disclosure

COMMITTEE = "v0002"  # of the villagers' committee on the generated roster


@pytest.mark.parametrize("procedure", [FOUR, SIX], ids=["four", "six"])
def test_the_national_disclosures_state_no_window(procedure: object) -> None:
    case, _clock = open_case(procedure)  # type: ignore[arg-type]
    assert "objection-window-days" not in case.procedure.settings
    for stage in ("resolution-disclosure", "results-disclosure"):
        rules = case.plan.stage(stage).preconditions
        posting = [r for r in rules if isinstance(r, Disclosure)]
        assert posting and all(r.objection_window_days == 0 for r in posting)
        assert not [r for r in rules if isinstance(r, CommentPeriod)]
        for lang in ("en", "zh-Hans", "zh-Hant"):
            shown = posting[0].describe().detail.get(lang)
            assert "objection" not in shown and "异议" not in shown and "異議" not in shown


def test_the_removed_setting_is_refused_by_name() -> None:
    with pytest.raises(InvalidAction, match="objection-window-days"):
        open_case(FOUR, **{"objection-window-days": 7})


@pytest.mark.parametrize(("days", "concluded"), [(6, False), (7, True), (8, True)])
def test_the_resolution_posting_concludes_after_its_days(days: int, concluded: bool) -> None:
    case, clock = open_case(FOUR)
    advance_to(case, clock, "resolution-disclosure")
    case.post_disclosure("notice-board", actor=COMMITTEE)
    clock.advance(days=days)
    if concluded:
        case.conclude_disclosure()
        assert case.state == "results-disclosure"
    else:
        version = case.version
        with pytest.raises(RuleViolation, match="posted for"):
            case.conclude_disclosure()
        assert case.version == version and case.state == "resolution-disclosure"


@pytest.mark.parametrize(("days", "concluded"), [(5, False), (6, True), (7, True)])
def test_shandongs_five_day_window_is_still_enforced(days: int, concluded: bool) -> None:
    # the Art. 16 window runs through the 5th day. Art. 13's 5-day posting, counted under the
    # Civil Code, would itself hold the posting to the 6th day, so the posting is set to 1 day
    # here: what refuses on day 5 is the window, not the posting
    clock = ManualClock()
    case = Case.open(load_procedure("four-deliberations-shandong"), Roster.generate(),
                     matter="修村道", clock=clock, settings={"disclosure-days": 1})
    advance_to(case, clock, "resolution")
    body = case.plan.stage("resolution").body
    everyone = case.roster.select(body.members)
    case.give_notice()
    clock.advance(days=10)
    case.hold_meeting(present=len(everyone), yes=len(everyone), witnesses=1,
                      present_among={"woman-representative": sum(
                          1 for v in everyone if v.sex == "female" and v.representative)})
    assert case.state == "resolution-disclosure"
    case.post_disclosure("notice-board", actor=COMMITTEE)
    (posting,) = [r for r in case.plan.stage(case.state).preconditions
                  if isinstance(r, Disclosure)]
    posted = local_date(clock.now(), case.procedure.zone)
    assert (posting.period.runs_out(posted) - posted).days < 5  # the posting has run by day 5
    clock.advance(days=days)
    if concluded:
        case.conclude_disclosure()
        assert case.state == "results-disclosure"
    else:
        with pytest.raises(RuleViolation) as err:
            case.conclude_disclosure()
        assert err.value.rule == "comment-period"
