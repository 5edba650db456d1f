"""六议两公开: the written motion, the 100% signed consultation; refusals change nothing."""

from __future__ import annotations

import attrs
import pytest
from test_engine_support import (
    FOUR,
    SIX,
    advance_to,
    open_case,
    pass_stage,
    snapshot,
    wait_for_notice,
)

from deliberation import Case, InvalidAction, NotEntitled, ReplayError, Roster, RuleViolation
from deliberation.engine.records import record_from_json, record_to_json
from deliberation.rules import RULES


def small_roster() -> Roster:
    return Roster.generate(households=8, people=16, adults=12, party_members=4,
                           representatives=3, party_committee=3, villagers_committee=3,
                           supervision_committee=2)


def adults(roster: Roster) -> list[str]:
    return [v.id for v in roster.villagers if v.adult and not v.township]


def at_consultation() -> tuple[Case, list[str]]:
    roster = small_roster()
    case, clock = open_case(SIX, roster)
    advance_to(case, clock, "consultation")
    return case, adults(roster)


def test_vote_refused_while_one_signed_opinion_is_missing_then_accepted() -> None:
    case, people = at_consultation()
    for vid in people[:-1]:
        case.record_opinion(vid, "agree")
    before = snapshot(case)
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(present=6, yes=6, witnesses=1)
    assert err.value.rule == "consultation-coverage"
    assert err.value.numbers["count"] == len(people) - 1
    assert err.value.numbers["needed"] == len(people)
    assert err.value.numbers["missing"] == 1
    assert [v.rule for v in err.value.violations] == ["consultation-coverage"]
    assert all(err.value.explain(lang) for lang in ("zh-Hans", "zh-Hant", "en"))
    assert snapshot(case) == before
    case.record_opinion(people[-1], "disagree")
    closed, meeting = case.hold_meeting(present=6, yes=6, witnesses=1)
    assert closed.kind == "consultation-closed" and closed.result["state"] == "resolution"
    assert meeting.kind == "meeting" and meeting.stage == "resolution"
    assert case.state == "resolution-disclosure"


def test_unsigned_opinion_does_not_count() -> None:
    case, people = at_consultation()
    for vid in people[:-1]:
        case.record_opinion(vid)
    case.record_opinion(people[-1], signed=False)
    with pytest.raises(RuleViolation) as err:
        case.close_consultation()
    assert err.value.numbers["count"] == len(people) - 1
    assert err.value.numbers["unsigned"] == 1
    case.record_opinion(people[-1])  # signs later
    case.close_consultation()
    assert case.state == "resolution"


def test_proxy_counts_only_when_allowed_and_authorised() -> None:
    with pytest.raises(InvalidAction):  # a proxy without written authorisation is refused
        at_consultation()[0].record_opinion("v0001", method="proxy", proxy="v0002")
    for allowed in (False, True):
        roster = small_roster()
        case, clock = open_case(SIX, roster, **{"consultation-proxies": allowed})
        advance_to(case, clock, "consultation")
        people = adults(roster)
        for vid in people[:-1]:
            case.record_opinion(vid)
        case.record_opinion(people[-1], method="proxy", proxy=people[0], authorisation="委托书-1")
        if allowed:
            case.close_consultation()
            assert case.state == "resolution"
        else:
            with pytest.raises(RuleViolation):
                case.close_consultation()


def test_household_unit() -> None:
    roster = small_roster()
    case, clock = open_case(SIX, roster, **{"consultation-unit": "household"})
    advance_to(case, clock, "consultation")
    first_of: dict[str, str] = {}
    for v in roster.villagers:
        if v.adult and not v.township:
            first_of.setdefault(v.household, v.id)
    ids = list(first_of.values())
    for vid in ids[:-1]:
        case.record_opinion(vid)
    with pytest.raises(RuleViolation) as err:
        case.close_consultation()
    assert (err.value.numbers["count"], err.value.numbers["needed"]) == (len(ids) - 1, len(ids))
    case.record_opinion(ids[-1])
    case.close_consultation()


@pytest.mark.parametrize(("text", "submitters"), [("", ["v0010"]), ("修村道", []),
                                                  ("   ", [])])
def test_motion_without_text_or_submitter_is_refused(text: str, submitters: list[str]) -> None:
    case, _ = open_case(SIX, small_roster())
    before = snapshot(case)
    with pytest.raises(RuleViolation) as err:
        case.submit_motion(text, submitters)
    assert err.value.rule == "written-motion"
    assert snapshot(case) == before


def test_motion_unsigned_refused_and_non_villager_not_entitled() -> None:
    case, _ = open_case(SIX, small_roster())
    with pytest.raises(RuleViolation):
        case.submit_motion("修村道", ["v0010"], signed=[])
    with pytest.raises(NotEntitled):
        case.submit_motion("修村道", ["t01"])  # a township official is not a villager
    with pytest.raises(NotEntitled):
        case.submit_motion("修村道", ["v0016"])  # a child
    case.submit_motion("修村道", ["v0010"])
    assert case.state == "proposal"


def test_several_failures_are_all_reported() -> None:
    case, clock = open_case(FOUR)
    advance_to(case, clock, "review")
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(present=40, yes=40, signed=39)
    assert {v.rule for v in err.value.violations} == {
        "advance-circulation", "participant-signatures", "witness-signatures"}
    numbers = {v.rule: v.numbers for v in err.value.violations}
    assert numbers["participant-signatures"] == {"count": 39, "needed": 40}


def test_not_entitled_and_wrong_stage_leave_no_trace() -> None:
    roster = Roster.generate()
    case, clock = open_case(FOUR, roster)
    before = snapshot(case)
    with pytest.raises(NotEntitled):
        case.hold_meeting(present=["v0001", "v0002", "v0400"], yes=["v0001"])  # v0400 no seat
    with pytest.raises(InvalidAction):
        case.post_disclosure("notice-board", actor="v0002")
    with pytest.raises(InvalidAction):
        case.hold_meeting(present=5, yes=6)
    assert snapshot(case) == before
    advance_to(case, clock, "resolution-disclosure")
    with pytest.raises(NotEntitled):
        case.post_disclosure("notice-board", actor="v0400")  # not on the villagers' committee
    case.post_disclosure("notice-board", actor="v0002")
    clock.advance(days=6)
    with pytest.raises(RuleViolation) as err:
        case.conclude_disclosure()
    assert err.value.numbers["count"] == 6 and err.value.numbers["needed"] == 7
    clock.advance(days=1)
    case.conclude_disclosure()
    assert case.state == "results-disclosure"


def test_objection_suspends_and_sends_back() -> None:
    case, clock = open_case(FOUR)
    advance_to(case, clock, "review")
    with pytest.raises(NotEntitled):
        case.raise_objection("v0002", "not on the supervision committee")
    case.raise_objection("v0007", "商议未公开讨论")
    assert case.suspended
    before = snapshot(case)
    with pytest.raises(InvalidAction):
        case.circulate_plan()
    with pytest.raises(NotEntitled):
        case.answer_objection("v0007", "self-answer")
    assert snapshot(case) == before
    case.answer_objection("v0002", "重新商议", redo="discussion")
    assert (case.state, case.suspended) == ("discussion", False)
    case.raise_objection("v0008")
    case.answer_objection("v0001", "已说明")
    assert (case.state, case.suspended) == ("discussion", False)


def test_withdrawal_and_skip_and_max_rounds() -> None:
    roster = Roster.generate()
    case, clock = open_case(SIX, roster)
    case.submit_motion("修村道", ["v0300"])
    with pytest.raises(NotEntitled):
        case.withdraw("v0301")
    case.withdraw("v0300", "撤回")
    assert case.outcome == "withdrawn" and case.closed
    with pytest.raises(InvalidAction):
        case.hold_meeting(present=5, yes=5)
    # 一肩挑: discussion merged away with a stage-skipped record
    case, clock = open_case(FOUR, roster, **{"one-person-both-chairs": True})
    recs = case.hold_meeting(present=5, yes=5)
    assert [r.kind for r in recs] == ["meeting", "stage-skipped"]
    assert case.state == "review"
    # review: max_rounds 3 -> the third failed meeting routes max_rounds (-> rejected)
    for n in range(3):
        case.circulate_plan()
        clock.advance(days=3)
        (rec,) = case.hold_meeting(present=10, yes=10, witnesses=1)
        assert rec.result["round"] == n + 1
    assert rec.result["route"] == "max_rounds" and case.outcome == "rejected"


def test_deadline_lapses_when_checked() -> None:
    import pathlib

    from deliberation.definition.loader import load_text

    src = pathlib.Path(FOUR.source or "").read_text(encoding="utf-8")
    src = src.replace("""      - rule: advance-circulation""", """      - rule: deadline
        params: {days: 30}
      - rule: advance-circulation""", 1)
    proc = load_text(src, "deadline.yaml")
    case, clock = open_case(proc)
    advance_to(case, clock, "review")
    clock.advance(days=30)
    assert case.check_deadlines() == ()
    clock.advance(days=1)
    (rec,) = case.check_deadlines()
    assert rec.kind == "lapsed" and case.outcome == "lapsed"
    assert Case.replay(proc, case.roster, case.records).outcome == "lapsed"


def test_replay_through_json_and_tamper_detected() -> None:
    case, clock = open_case(SIX, small_roster())
    while not case.closed:
        pass_stage(case, clock)
    assert case.outcome == "adopted"
    back = [record_from_json(record_to_json(r)) for r in case.records]
    again = Case.replay(SIX, case.roster, back)
    assert (again.state, again.version, again.records) == (case.state, case.version, case.records)
    meeting = next(i for i, r in enumerate(back) if r.kind == "meeting")
    forged = list(back)
    forged[meeting] = attrs.evolve(back[meeting], data={**back[meeting].data, "yes": 0})
    with pytest.raises(ReplayError):
        Case.replay(SIX, case.roster, forged)
    with pytest.raises(ReplayError):
        Case.replay(SIX, Roster.generate(), back)  # not the roster the case was opened with
    with pytest.raises(ReplayError):
        Case.replay(FOUR, case.roster, back)


def test_explain_in_three_languages() -> None:
    case, people = at_consultation()
    case.record_opinion(people[0])
    for lang in ("zh-Hans", "zh-Hant", "en"):
        text = case.explain(lang)  # the rule by its label in the reader's language
        assert f"[{RULES['consultation-coverage'].label.get(lang)}]" in text
    (blocker,) = case.blockers()
    assert blocker.numbers["count"] == 1 and blocker.numbers["needed"] == len(people)
    assert "record_opinion" in {a.action for a in case.available_actions()}


def test_reconvene_after_no_quorum_needs_the_notice_again() -> None:
    case, clock = open_case(FOUR, Roster.generate(), **{"resolution-body": "villagers-meeting"})
    advance_to(case, clock, "resolution")
    with pytest.raises(InvalidAction):
        case.reconvene()  # nothing to reconvene yet
    case.give_notice()
    wait_for_notice(case, clock)
    (rec,) = case.hold_meeting(present=100, yes=100, witnesses=1)
    assert rec.result["route"] == "no_quorum" and case.state == "resolution"
    assert "reconvene" in {a.action for a in case.available_actions()}
    case.reconvene()
    clock.advance(days=5)
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(present=400, yes=400, witnesses=1)
    assert err.value.numbers == {"count": 5, "needed": 10}
    wait_for_notice(case, clock)  # the rest of the ten days, counted under the Civil Code
    case.hold_meeting(present=400, yes=400, witnesses=1)
    assert case.state == "resolution-disclosure" and case.matter == "修村道"
    assert Case.replay(FOUR, case.roster, case.records).state == case.state


def test_replay_rejects_malformed_and_unknown_records() -> None:
    case, _ = open_case(FOUR)
    case.hold_meeting(present=5, yes=5)
    recs = list(case.records)
    broken = attrs.evolve(recs[1], data={"yes": 5})  # no attendance
    with pytest.raises(ReplayError):
        Case.replay(FOUR, case.roster, [recs[0], broken])
    with pytest.raises(ReplayError):
        Case.replay(FOUR, case.roster, [recs[0], attrs.evolve(recs[1], kind="teleport")])
    with pytest.raises(ReplayError):
        Case.replay(FOUR, case.roster, [recs[0], attrs.evolve(recs[1], seq=3)])


def test_children_are_not_consulted() -> None:
    case, _ = at_consultation()
    with pytest.raises(NotEntitled):
        case.record_opinion("v0016")
