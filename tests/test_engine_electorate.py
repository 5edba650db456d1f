"""Who should attend (应到): leave does not lower it; only an allowed category, approved, does.

The Party assembly counts its quorum (half, inclusive) and its approval (more than half) on 应到.
With 41 voting members: quorum needs 21 present (20.5 rounds up), approval needs 21 yes.
Leaving 4 out for allowed categories gives 37 expected: quorum 19 (18.5 up), approval 19.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_engine_support import FOUR, advance_to, open_case, snapshot

from deliberation import InvalidAction, NotEntitled, Roster
from deliberation.engine.scenario import parse_action

APPROVAL = "镇党委组织委员批复(2026年3月1日),党员大会表决通过"


def _review(members: int = 41, probationary: int = 0) -> Any:
    roster = Roster.generate(party_members=members, probationary=probationary)
    case, clock = open_case(FOUR, roster)
    advance_to(case, clock, "review")
    case.circulate_plan()
    clock.advance(days=3)
    return case


def _check(rec: Any, rule: str) -> Any:
    return next(c for c in rec.result["checks"] if c["rule"] == rule)


@pytest.mark.parametrize(("present", "route"), [(20, "no_quorum"), (21, "rejected"),
                                                (22, "rejected")])
def test_leave_does_not_lower_the_expected_count(present: int, route: str) -> None:
    """19 on leave: 应到 is still 41, so 21 must attend; the yes votes (none) fail after."""
    case = _review()
    (rec,) = case.hold_meeting(present=present, yes=0, excused=19, witnesses=1)
    quorum = _check(rec, "quorum")["numbers"]
    assert (quorum["total"], quorum["needed"]) == (41, 21)
    assert rec.result["route"] == route
    assert rec.result["electorate"] == {"voters": 41, "expected": 41, "present": present,
                                        "excused": 19}


@pytest.mark.parametrize(("present", "route"), [(18, "no_quorum"), (19, "pass"),
                                                (20, "pass")])
def test_an_approved_exclusion_lowers_the_quorum(present: int, route: str) -> None:
    case = _review()
    (rec,) = case.hold_meeting(present=present, yes=present, witnesses=1,
                               excluded={"abroad": 3, "detained": 1},
                               exclusion_approval=APPROVAL)
    assert _check(rec, "quorum")["numbers"]["total"] == 37
    assert _check(rec, "quorum")["numbers"]["needed"] == 19
    assert rec.result["route"] == route
    assert rec.result["electorate"]["excluded"] == {"abroad": 3, "detained": 1}


@pytest.mark.parametrize(("yes", "route"), [(18, "rejected"), (19, "pass"), (20, "pass")])
def test_an_approved_exclusion_lowers_the_approval(yes: int, route: str) -> None:
    """Approval: more than half of 37 expected, i.e. 19 — counted on 应到, not on the 30
    present."""
    case = _review()
    (rec,) = case.hold_meeting(present=30, yes=yes, no=30 - yes, witnesses=1,
                               excluded={"bedridden": 2, "away-untransferred": 2},
                               exclusion_approval=APPROVAL)
    approval = _check(rec, "approval")["numbers"]
    assert (approval["total"], approval["needed"]) == (37, 19)
    assert rec.result["route"] == route


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"excluded": {"abroad": 2}}, InvalidAction),  # no approval written down
    ({"excluded": {"abroad": 2}, "exclusion_approval": "  "}, InvalidAction),
    ({"excluded": {"on-leave": 2}, "exclusion_approval": APPROVAL}, InvalidAction),
    ({"excluded": {"abroad": 2, "v0001": "detained"}, "exclusion_approval": APPROVAL},
     InvalidAction),  # counts and names mixed
    ({"excluded": {"abroad": -1}, "exclusion_approval": APPROVAL}, InvalidAction),
    ({"excluded": ["abroad"], "exclusion_approval": APPROVAL}, InvalidAction),
    # 30 present + 10 on leave + 2 left out > 41 voters
    ({"excused": 10, "excluded": {"abroad": 2}, "exclusion_approval": APPROVAL}, InvalidAction),
])
def test_a_refused_exclusion_changes_nothing(kwargs: dict[str, Any],
                                             error: type[Exception]) -> None:
    case = _review()
    before = snapshot(case)
    with pytest.raises(error):
        case.hold_meeting(present=30, yes=30, witnesses=1, **kwargs)
    assert snapshot(case) == before


def test_a_body_without_exclusions_refuses_them() -> None:
    """The representatives' meeting lists no categories: nobody may be left out of 应到."""
    case, clock = open_case(FOUR, Roster.generate())
    advance_to(case, clock, "resolution")
    before = snapshot(case)
    with pytest.raises(InvalidAction) as err:
        case.hold_meeting(present=20, yes=20, witnesses=1, excluded={"abroad": 1},
                          exclusion_approval=APPROVAL)
    assert "abroad" in err.value.message.en
    assert snapshot(case) == before


def test_named_exclusions_and_who_was_absent() -> None:
    """Named: the record keeps who should have attended and did not, beside the ids given."""
    case = _review(members=12, probationary=2)
    full = [v.id for v in case.roster.villagers if v.party == "full"]
    prob = [v.id for v in case.roster.villagers if v.party == "probationary"]
    present, excused, left_out = full[:5], full[5:6], full[6:8]
    # 10 full members vote; 2 left out: 8 expected, so 4 present suffice and 5 yes pass (> 4)
    (rec,) = case.hold_meeting(present=present + prob, yes=present,
                               excused=excused, witnesses=1,
                               excluded={left_out[0]: "abroad", left_out[1]: "bedridden"},
                               exclusion_approval=APPROVAL)
    assert rec.result["route"] == "pass"
    assert rec.result["electorate"] == {
        "voters": 10, "expected": 8, "present": 5, "excused": 1,
        "excluded": {"abroad": 1, "bedridden": 1}, "absent": tuple(sorted(full[8:]))}
    assert len(full) == 10 and rec.result["electorate"]["absent"]


@pytest.mark.parametrize("which", ["present", "excused", "probationary", "stranger"])
def test_a_named_exclusion_must_be_a_voter_neither_present_nor_on_leave(which: str) -> None:
    case = _review(members=12, probationary=2)
    full = [v.id for v in case.roster.villagers if v.party == "full"]
    prob = [v.id for v in case.roster.villagers if v.party == "probationary"]
    who = {"present": full[0], "excused": full[8], "probationary": prob[0],
           "stranger": "nobody-here"}[which]
    before = snapshot(case)
    with pytest.raises((InvalidAction, NotEntitled)):
        case.hold_meeting(present=full[:7], yes=full[:7], excused=[full[8]], witnesses=1,
                          excluded={who: "abroad"}, exclusion_approval=APPROVAL)
    assert snapshot(case) == before


def test_exclusions_replay_and_are_written_in_scenarios() -> None:
    case = _review()
    step = parse_action('{"do": "meeting", "present": 19, "yes": 19, "witnesses": 1, '
                        '"excluded": {"abroad": 4}, "exclusion_approval": "批复"}', FOUR)
    case.hold_meeting(**step.params)
    assert case.state == "resolution"
    again = type(case).replay(case.procedure, case.roster, case.records)
    assert again.state == case.state and again.records == case.records


@pytest.mark.parametrize(("yes", "written_yes", "route"), [
    (18, 2, "rejected"), (19, 2, "pass"), (19, 3, "pass")])
def test_written_votes_count_where_the_setting_says_so(yes: int, written_yes: int,
                                                       route: str) -> None:
    """Approval: more than half of 41 expected, i.e. 21 yes, written votes included."""
    roster = Roster.generate(party_members=41)
    case, clock = open_case(FOUR, roster, **{"party-assembly-written-votes": True})
    advance_to(case, clock, "review")
    case.circulate_plan()
    clock.advance(days=3)
    (rec,) = case.hold_meeting(present=30, yes=yes, no=30 - yes, witnesses=1, excused=4,
                               written={"yes": written_yes, "no": 1})
    approval = _check(rec, "approval")["numbers"]
    assert (approval["count"], approval["needed"]) == (yes + written_yes, 21)
    assert approval["written_counted"] == written_yes + 1
    assert rec.result["route"] == route


def test_written_votes_are_recorded_but_not_counted_by_default() -> None:
    case = _review()
    (rec,) = case.hold_meeting(present=30, yes=20, no=10, witnesses=1,
                               written={"yes": 3})
    approval = _check(rec, "approval")
    assert approval["numbers"]["count"] == 20 and approval["numbers"]["written_not_counted"] == 3
    assert rec.result["route"] == "rejected"  # 20 of 41: 21 needed, the 3 written left out
    assert rec.data["written"] == {"yes": 3}
    rule = case.plan.stage("review").approval
    assert rule is not None
    message = rule.message(False, approval["numbers"])
    assert "not counted" in message.en and "未计入" in message.zh_hans


@pytest.mark.parametrize("which", ["present", "also-in-meeting", "probationary", "excluded",
                                   "too-many"])
def test_a_written_vote_must_come_from_an_expected_voter_not_present(which: str) -> None:
    case = _review(members=12, probationary=2)
    full = [v.id for v in case.roster.villagers if v.party == "full"]
    prob = [v.id for v in case.roster.villagers if v.party == "probationary"]
    written: dict[str, Any] = {
        "present": {"yes": [full[0]]}, "also-in-meeting": {"no": [full[1]]},
        "probationary": {"yes": [prob[0]]}, "excluded": {"yes": [full[9]]},
        "too-many": {"yes": 3}}[which]  # 10 voters, 1 left out, 7 present: 2 may write
    before = snapshot(case)
    with pytest.raises((InvalidAction, NotEntitled)):
        case.hold_meeting(present=full[:7], yes=full[:7], witnesses=1, written=written,
                          excluded={full[9]: "abroad"}, exclusion_approval=APPROVAL)
    assert snapshot(case) == before


def test_a_member_on_leave_may_hand_in_a_written_vote() -> None:
    case = _review(members=12, probationary=2)
    full = [v.id for v in case.roster.villagers if v.party == "full"]
    (rec,) = case.hold_meeting(present=full[:7], yes=full[:7], witnesses=1,
                               excused=full[7:8], written={"yes": full[7:9]})
    assert rec.data["written"] == {"yes": tuple(full[7:9])}
    assert _check(rec, "approval")["numbers"]["written_not_counted"] == 2
