"""A plan sent back for revision is a new plan: the meetings announced for the old one are not
announced for it.

The villagers' meeting is notified 10 days ahead (Organic Law 2018 Art. 21; Shandong 村务公开条例
Art. 24: 5 days, in writing and posted). A notice may be given for a later meeting while the
plan is still under review, but a failed vote sends the plan back to 商议 to be revised (domain
reference §5), and the notice announced the meeting on the plan as it then stood. Before engine
format 4 such a notice stood through the revision: the Party assembly rejected the plan, the
revised plan passed, and the villagers' meeting voted on it at once, on the notice given for the
rejected one. Now a route back to an earlier stage withdraws every standing notice and
circulated plan; a case stored under format 3 or earlier replays as it was accepted then
(``tests/legacy/notice-before-revision.*.json`` was made by the engine before this change).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from test_engine_support import FOUR, snapshot, wait_for_notice

from deliberation import Case, Roster
from deliberation.definition.loader import Library
from deliberation.engine.clock import ManualClock
from deliberation.engine.formats import ENGINE_FORMAT, FORMATS
from deliberation.engine.records import Record
from deliberation.errors import RuleViolation

LEGACY = sorted((Path(__file__).parent / "legacy").glob("notice-before-revision.*.json"))


def _roster() -> Roster:
    return Roster.generate(households=12, people=30, adults=24, party_members=6, probationary=0,
                           representatives=5, party_committee=3, villagers_committee=3,
                           supervision_committee=3, township_officials=1)


def _at_review() -> tuple[Case, ManualClock]:
    """Proposal and discussion passed, the plan circulated: the case at the Party review, its
    villagers' meeting to come."""
    clock = ManualClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    case = Case.open(FOUR, _roster(), matter="修村道", clock=clock,
                     settings={"resolution-body": "villagers-meeting"})
    case.hold_meeting(3, 3)
    case.hold_meeting(4, 4)
    case.circulate_plan()
    return case, clock


def _revised(notice_before: bool) -> tuple[Case, ManualClock]:
    """Proposal, discussion, a review that rejects the plan, its revision and a review that
    passes it: the case at the resolution, 10 days after a notice given during the first
    review (``notice_before``) or with no notice yet."""
    case, clock = _at_review()
    if notice_before:
        case.give_notice(for_stage="resolution")
    clock.advance(days=3)
    case.hold_meeting(6, 1, 5, witnesses=1)
    assert case.state == "discussion"
    clock.advance(days=1)
    case.hold_meeting(4, 4)
    case.circulate_plan()
    clock.advance(days=3)
    case.hold_meeting(6, 6, witnesses=1)
    clock.advance(days=3)
    assert case.state == "resolution"
    return case, clock


def test_a_notice_for_the_rejected_plan_does_not_convene_the_meeting_on_the_revised_one(
        ) -> None:
    case, clock = _revised(notice_before=True)
    before = snapshot(case)
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(20, 18, 2, witnesses=1)
    assert err.value.rule == "notice-period"
    assert "not yet" in err.value.message.get("en")
    assert snapshot(case) == before  # nothing changed on the refusal
    # a notice of the meeting on the revised plan, 10 days ahead: 9 is not enough, nor is the
    # tenth day itself (Civil Code Arts. 201, 203); once the period has run, it is
    case.give_notice()
    clock.advance(days=9)
    with pytest.raises(RuleViolation):
        case.hold_meeting(20, 18, 2, witnesses=1)
    clock.advance(days=1)
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(20, 18, 2, witnesses=1)
    assert err.value.numbers == {"count": 10, "needed": 10}
    wait_for_notice(case, clock)
    case.hold_meeting(20, 18, 2, witnesses=1)
    assert case.state == "resolution-disclosure"


def test_a_notice_given_early_still_counts_when_the_plan_is_not_sent_back() -> None:
    case, clock = _at_review()
    case.give_notice(for_stage="resolution")
    clock.advance(days=3)
    case.hold_meeting(6, 6, witnesses=1)
    clock.advance(days=7)
    wait_for_notice(case, clock)  # the ten days counted from that early notice
    case.hold_meeting(20, 18, 2, witnesses=1)
    assert case.state == "resolution-disclosure"


def test_a_failed_quorum_keeps_the_circulated_plan_and_needs_a_new_notice() -> None:
    # not a return for revision: the same plan is put to the meeting again
    case, clock = _revised(notice_before=False)
    case.give_notice()
    wait_for_notice(case, clock)
    case.hold_meeting(5, 5, witnesses=1)
    assert case.state == "resolution"  # no quorum
    case.reconvene()
    wait_for_notice(case, clock)
    case.hold_meeting(20, 18, 2, witnesses=1)
    assert case.state == "resolution-disclosure"


def test_the_formats_say_which_engine_withdrew_notices() -> None:
    assert [FORMATS[n].withdraws_on_return for n in (1, 2, 3)] == [False, False, False]
    assert FORMATS[ENGINE_FORMAT].withdraws_on_return is True
    assert ENGINE_FORMAT == 4


@pytest.mark.parametrize("path", LEGACY, ids=lambda p: p.name)
def test_a_case_stored_before_replays_as_it_was_accepted(path: Path) -> None:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    records = [Record.from_data(r) for r in data["records"]]
    assert records[0].data["engine_format"] == 3
    # stored under four-deliberations 1.0 (elapsed notice days): replayed under that version,
    # kept in procedures/history/
    assert records[0].data["version"] == "1.0"
    kept = Library().load("four-deliberations", "1.0")
    case = Case.replay(kept, Roster.from_records(data["roster"]), records)
    assert case.state == "resolution-disclosure"
    assert case.records == tuple(records)


def test_the_legacy_case_is_there() -> None:
    assert LEGACY, "tests/legacy/notice-before-revision.*.json is missing"


def test_a_step_the_supervision_committee_has_redone_is_announced_anew() -> None:
    """The supervision committee objects at the review and the committees send the case back
    to 商议: the villagers' meeting announced before is announced again for the plan as
    revised."""
    clock = ManualClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    roster = _roster()
    case = Case.open(FOUR, roster, matter="修村道", clock=clock,
                     settings={"resolution-body": "villagers-meeting"})
    case.hold_meeting(3, 3)
    case.hold_meeting(4, 4)
    case.circulate_plan()
    case.give_notice(for_stage="resolution")
    supervisor = roster.select(("supervision-committee",))[0].id
    committee = roster.select(("villagers-committee",))[0].id
    case.raise_objection(supervisor, "商议未公开讨论")
    case.answer_objection(committee, "重新商议", redo="discussion")
    assert case.state == "discussion"
    case.hold_meeting(4, 4)
    case.circulate_plan()
    clock.advance(days=3)
    case.hold_meeting(6, 6, witnesses=1)
    clock.advance(days=7)  # 10 days after the notice given before the redo
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(20, 18, 2, witnesses=1)
    assert err.value.rule == "notice-period"
