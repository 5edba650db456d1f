"""The engine's shortcuts give what the plain way gives: frozen check entries (remembered per
rule) equal the frozen registered checks, a dict-backed QuickFacts reads like Facts, records
built from frozen parts equal records built by their converters, a remembered meeting verdict
equals a fresh one, and a refusal after an action's first step leaves no trace."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_support import FOUR, SIX, advance_to, open_case, snapshot

from deliberation import Case, Roster, RuleViolation
from deliberation.engine.case import _new_id
from deliberation.engine.plan import QuickFacts, plan_for, quick_facts
from deliberation.engine.records import Record, Signature, _freeze, _trusted_record
from deliberation.rules.registry import Facts

RULES = [
    rule
    for proc, sets in ((FOUR, {}), (FOUR, {"resolution-body": "villagers-meeting"}), (SIX, {}))
    for sp in plan_for(proc, sets).stages.values()
    for rule in (*sp.preconditions, sp.quorum, sp.approval, *sp.deadlines)
    if rule is not None
]

small = st.integers(0, 40)
values = st.fixed_dictionaries({}, optional={
    "members": small, "voters": small, "expected": small, "households": small,
    "adults": small, "present": small, "present_members": small, "present_households": small,
    "yes": small, "no": small, "abstain": small, "participants": small,
    "participants_signed": small, "witnesses_signed": st.integers(0, 2),
    "submitters": st.integers(0, 2), "submitters_signed": st.integers(0, 2),
    "text": st.sampled_from(["", "修村道"]), "population": small, "consulted": small,
    "channels": st.lists(st.sampled_from(["notice-board", "website"]), max_size=2).map(tuple),
    "days_posted": st.integers(0, 9), "open_objections": st.integers(0, 1),
    "notice_days": st.none() | st.integers(0, 9), "days_elapsed": st.integers(0, 60),
    "circulated_days": st.none() | st.integers(0, 4),
})


@settings(max_examples=300, deadline=None)
@given(v=values)
def test_quick_facts_check_like_facts_and_entries_equal_frozen_checks(v: dict[str, Any]) -> None:
    full = Facts(**v)
    quick = quick_facts(dict(v))
    assert isinstance(quick, Facts)
    assert all(getattr(quick, a.name) == getattr(full, a.name) for a in attrs.fields(Facts))
    for rule in RULES:
        c = rule.run(full)
        assert rule.run(quick) == c, rule.id
        for _ in range(2):  # the second call is answered from the rule's memo
            ok, entry = rule.entry(quick)
            assert ok == c.ok
            assert entry == _freeze({"rule": rule.id, "ok": c.ok, "numbers": dict(c.numbers)})


def test_quick_facts_are_read_only() -> None:
    f = quick_facts({"present": 3})
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        f.present = 4  # type: ignore[misc]
    assert type(f) is QuickFacts and f.yes == 0


def test_trusted_record_equals_converted_record() -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    sig = Signature("v0001", "participant", "c/minutes", at)
    data = {"present": ["v0001"], "yes": 1, "nested": {"a": [1, {"b": 2}]}}
    result = {"route": "pass", "checks": [{"rule": "quorum", "ok": True, "numbers": {"n": 1}}]}
    plain = Record(3, "c", "meeting", at, None, "review", data, (sig,), result)
    fast = _trusted_record(3, "c", "meeting", at, None, "review", _freeze(data), (sig,),
                           _freeze(result))
    assert fast == plain and fast.to_data() == plain.to_data() and repr(fast) == repr(plain)


def test_case_ids_look_like_uuid4_prefixes() -> None:
    ids = {_new_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"[0-9a-f]{12}4[0-9a-f]{3}", i) for i in ids)


def test_a_remembered_meeting_verdict_equals_a_fresh_one() -> None:
    roster = Roster.generate(households=20, people=50, adults=40, party_members=9,
                             representatives=8, party_committee=3, villagers_committee=3,
                             supervision_committee=2)

    def run(present: int, yes: int) -> list[dict[str, Any]]:
        case, _ = open_case(FOUR, roster)
        recs = case.hold_meeting(present, yes)
        again = Case.replay(FOUR, roster, case.records)  # replay: from the memo too
        assert [r.result for r in again.records] == [r.result for r in case.records]
        return [r.to_data()["result"] for r in recs]

    memo = plan_for(FOUR, {}).stage("proposal").memo
    for present, yes in ((3, 3), (3, 1), (1, 1), (2, 2)):
        memo.clear()
        fresh = run(present, yes)
        assert memo  # remembered
        assert run(present, yes) == fresh
    assert {r["route"] for r in (run(3, 3)[0], run(3, 1)[0], run(1, 1)[0])} == {
        "pass", "rejected", "no_quorum"}
    # a refused meeting is refused every time (refusals are never remembered)
    case, _ = open_case(FOUR, roster)
    for _ in range(2):
        with pytest.raises(RuleViolation):
            case.hold_meeting(3, 3, signed=2)
        assert case.version == 1 and case.rounds("proposal") == 0


def test_a_refusal_after_the_first_step_leaves_no_trace() -> None:
    """In the consultation the vote first closes the consultation (a stage change, fired on the
    machine); a vote refused after that puts the case back exactly as it was."""
    case, clock = open_case(SIX)
    advance_to(case, clock, "consultation")
    counts = case.plan.counts(case.roster, case.plan.stage("consultation").body)
    case.record_opinions(counts.adults)
    before = snapshot(case), case.entered_at, case.rounds("resolution"), case.state
    with pytest.raises(RuleViolation):  # coverage holds; the minutes are not all signed
        case.hold_meeting(present=10, yes=10, signed=5, witnesses=1)
    assert (snapshot(case), case.entered_at, case.rounds("resolution"), case.state) == before
    recs = case.hold_meeting(present=10, yes=10, witnesses=1)
    assert [r.kind for r in recs] == ["consultation-closed", "meeting"]
    again = Case.replay(SIX, case.roster, case.records)
    assert (again.state, again.entered_at) == (case.state, case.entered_at)
