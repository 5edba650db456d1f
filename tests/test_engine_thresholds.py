"""Every threshold of domain.md §4 at n−1, n and n+1, through real cases."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from test_engine_support import FOUR, advance_to, open_case, snapshot, wait_for_notice

from deliberation import NotEntitled, Roster, RuleViolation
from deliberation.rules.thresholds import Base, Comparison, Threshold

# representatives' meeting = villagers' committee (5) + representatives: 23 + 5 = 28 members


def rep_roster(members: int) -> Roster:
    return Roster.generate(representatives=members - 5)


@pytest.mark.parametrize(("members", "present", "route"), [
    (28, 18, "no_quorum"), (28, 19, "pass"), (28, 20, "pass"),
    (30, 19, "no_quorum"), (30, 20, "pass"), (30, 21, "pass"),
])
def test_representatives_quorum_two_thirds_inclusive(members: int, present: int,
                                                     route: str) -> None:
    case, clock = open_case(FOUR, rep_roster(members))
    advance_to(case, clock, "resolution")
    assert case.plan.counts(case.roster, case.plan.stage("resolution").body).members == members
    (rec,) = case.hold_meeting(present=present, yes=present, witnesses=1)
    assert rec.result["route"] == route
    quorum = next(c for c in rec.result["checks"] if c["rule"] == "quorum")
    assert quorum["numbers"]["count"] == present
    assert quorum["numbers"]["needed"] == (19 if members == 28 else 20)
    assert case.state == ("resolution" if route == "no_quorum" else "resolution-disclosure")


@pytest.mark.parametrize(("present", "yes", "route"), [
    (19, 9, "rejected"), (19, 10, "pass"), (28, 14, "rejected"), (28, 15, "pass"),
])
def test_representatives_approval_more_than_half_present(present: int, yes: int,
                                                        route: str) -> None:
    case, clock = open_case(FOUR, rep_roster(28))
    advance_to(case, clock, "resolution")
    (rec,) = case.hold_meeting(present=present, yes=yes, no=present - yes, witnesses=1)
    assert rec.result["route"] == route
    assert case.state == ("discussion" if route == "rejected" else "resolution-disclosure")


@pytest.mark.parametrize(("present", "yes", "route"), [
    (22, 22, "no_quorum"),  # quorum: half of 45 expected, inclusive -> 23 (22.5 rounds up)
    (45, 22, "rejected"),  # approval: more than half of 45 expected (应到), not of those present
    (23, 23, "pass"),  # 23 yes passes even if only 23 attended
    (24, 23, "pass"),
    (23, 22, "rejected"),
])
def test_party_assembly(present: int, yes: int, route: str) -> None:
    case, clock = open_case(FOUR, Roster.generate(party_members=45))
    advance_to(case, clock, "review")
    case.circulate_plan()
    clock.advance(days=3)
    (rec,) = case.hold_meeting(present=present, yes=yes, witnesses=1)
    assert rec.result["route"] == route
    expected_state = {"no_quorum": "review", "rejected": "discussion", "pass": "resolution"}
    assert case.state == expected_state[route]


def test_party_assembly_quorum_setting_more_than_half() -> None:
    case, clock = open_case(FOUR, Roster.generate(party_members=44),
                            **{"party-assembly-quorum-compare": ">"})
    advance_to(case, clock, "review")
    case.circulate_plan()
    clock.advance(days=3)
    (rec,) = case.hold_meeting(present=22, yes=22, witnesses=1)  # exactly half of 44: not > 1/2
    assert rec.result["route"] == "no_quorum"
    (rec,) = case.hold_meeting(present=23, yes=23, witnesses=1)
    assert rec.result["route"] == "pass"


def test_probationary_members_cannot_vote_and_do_not_count() -> None:
    roster = Roster.generate(party_members=45, probationary=5)
    case, clock = open_case(FOUR, roster)
    advance_to(case, clock, "review")
    case.circulate_plan()
    clock.advance(days=3)
    full = [v.id for v in roster.villagers if v.party == "full"]
    prob = [v.id for v in roster.villagers if v.party == "probationary"]
    before = snapshot(case)
    with pytest.raises(NotEntitled):
        case.hold_meeting(present=full[:21] + prob, yes=full[:20] + prob[:1], witnesses=1)
    assert snapshot(case) == before
    # 40 voters: quorum 20, approval > 20 -> 21; probationary attendance does not help
    (rec,) = case.hold_meeting(present=full[:19] + prob, yes=full[:19], witnesses=1)
    assert rec.result["route"] == "no_quorum"
    (rec,) = case.hold_meeting(present=full[:21] + prob, yes=full[:21], witnesses=1)
    assert rec.result["route"] == "pass"


def _villagers_meeting_case(roster: Roster):  # type: ignore[no-untyped-def]
    case, clock = open_case(FOUR, roster, **{"resolution-body": "villagers-meeting"})
    advance_to(case, clock, "resolution")
    case.give_notice()
    wait_for_notice(case, clock)
    return case, clock


@pytest.mark.parametrize(("households", "route"), [(199, "no_quorum"), (200, "pass"),
                                                    (201, "pass")])
def test_villagers_meeting_by_households_two_thirds(households: int, route: str) -> None:
    roster = Roster.generate(households=300, people=800)  # 2/3 of 300 households = 200 exactly
    case, _ = _villagers_meeting_case(roster)
    # few adults present (below half of 640 adults), so only the household basis can hold
    (rec,) = case.hold_meeting(present=households, yes=households, households=households,
                               witnesses=1)
    assert rec.result["route"] == route


@pytest.mark.parametrize(("present", "route"), [(339, "no_quorum"), (340, "pass")])
def test_villagers_meeting_more_than_half_of_adults(present: int, route: str) -> None:
    roster = Roster.generate()  # 678 adults: more than half needs 340; 339 is exactly half
    case, _ = _villagers_meeting_case(roster)
    (rec,) = case.hold_meeting(present=present, yes=present, households=0, witnesses=1)
    assert rec.result["route"] == route


def test_villagers_meeting_households_counted_from_named_attendance() -> None:
    roster = Roster.generate(households=6, people=12, adults=12, party_members=3,
                             representatives=2, party_committee=1, villagers_committee=1,
                             supervision_committee=1)
    case, clock = _villagers_meeting_case(roster)
    # one person from each of 4 households (2/3 of 6 = 4): 4 of 12 adults is not > 1/2
    hh: dict[str, str] = {}
    for v in roster.villagers:
        if not v.township:
            hh.setdefault(v.household, v.id)
    ids = list(hh.values())
    (rec,) = case.hold_meeting(present=ids[:3], yes=ids[:3], witnesses=1)
    assert rec.result["route"] == "no_quorum"
    case.give_notice()  # a reconvened villagers' meeting needs a new notice
    wait_for_notice(case, clock)
    (rec,) = case.hold_meeting(present=ids[:4], yes=ids[:4], witnesses=1)
    assert rec.result["route"] == "pass"


def test_villagers_meeting_needs_ten_days_notice() -> None:
    case, clock = open_case(FOUR, Roster.generate(), **{"resolution-body": "villagers-meeting"})
    advance_to(case, clock, "resolution")
    case.give_notice()
    clock.advance(days=9)
    with pytest.raises(Exception) as err:
        case.hold_meeting(present=400, yes=400, witnesses=1)
    assert getattr(err.value, "rule", None) == "notice-period"
    assert err.value.numbers == {"count": 9, "needed": 10}  # type: ignore[attr-defined]
    clock.advance(days=1)  # n: the tenth day, not over until 24:00 (Civil Code Art. 203)
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(present=400, yes=400, witnesses=1)
    assert err.value.numbers == {"count": 10, "needed": 10}
    wait_for_notice(case, clock)  # n+1, or later when the tenth day is a holiday
    (rec,) = case.hold_meeting(present=400, yes=400, witnesses=1)
    assert rec.result["route"] == "pass"


@pytest.mark.parametrize(("committee", "present", "yes", "route"), [
    (5, 2, 2, "no_quorum"), (5, 3, 3, "pass"), (5, 3, 2, "rejected"),
    (4, 1, 1, "no_quorum"), (4, 2, 2, "rejected"), (4, 3, 3, "pass"),
])
def test_branch_committee(committee: int, present: int, yes: int, route: str) -> None:
    # quorum: half of members inclusive; approval: more than half of members
    case, _ = open_case(FOUR, Roster.generate(party_committee=committee))
    (rec,) = case.hold_meeting(present=present, yes=yes)
    assert rec.result["route"] == route
    assert case.state == {"no_quorum": "proposal", "rejected": "rejected",
                          "pass": "discussion"}[route]


@given(num=st.integers(0, 60), den=st.integers(1, 60), total=st.integers(0, 10_000),
       at_least=st.booleans())
def test_needed_is_the_smallest_count_the_exact_comparison_accepts(
        num: int, den: int, total: int, at_least: bool) -> None:
    """``needed`` against the Civil Code's words on exact Fractions: 以上 (>=) takes the number
    itself, 超过 (>) does not; the count one below ``needed`` never holds."""
    assume(num <= den)
    ratio = Fraction(num, den)
    t = Threshold(ratio, Comparison.AT_LEAST if at_least else Comparison.MORE_THAN, Base.MEMBERS)

    def exact(count: int) -> bool:
        return count >= ratio * total if at_least else count > ratio * total

    needed = t.needed(total)
    assert exact(needed) and not exact(needed - 1)
    assert t.holds(needed, total) and not t.holds(needed - 1, total)
    ok, numbers = t.judge(needed - 1, total)
    assert not ok and numbers["needed"] == needed
