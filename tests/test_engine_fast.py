"""The engine's quick verdicts give exactly the registered rule checks' verdicts and numbers."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_support import FOUR, SIX

from deliberation.engine.plan import plan_for
from deliberation.rules.registry import Facts

COMPILED = [
    rule
    for proc, sets in ((FOUR, {}), (FOUR, {"resolution-body": "villagers-meeting"}), (SIX, {}))
    for sp in plan_for(proc, sets).stages.values()
    for rule in (*sp.preconditions, sp.quorum, sp.approval)
    if rule is not None and rule.fast is not None
]

small = st.integers(0, 60)
facts = st.builds(
    Facts,
    members=small, voters=small, expected=small, households=small, adults=small,
    present=small, present_members=small, present_households=small, present_adults=small,
    yes=small, no=small, abstain=small, participants=small, participants_signed=small,
    witnesses_signed=st.integers(0, 3), submitters=st.integers(0, 3),
    submitters_signed=st.integers(0, 3),
    channels=st.lists(st.sampled_from(["notice-board", "tea-house", "website"]),
                      max_size=2).map(tuple),
    days_posted=st.integers(0, 12), open_objections=st.integers(0, 1),
    notice_days=st.none() | st.integers(0, 12), circulated_days=st.none() | st.integers(0, 5),
)


def test_every_common_rule_has_a_quick_verdict() -> None:
    names = {r.rule for r in COMPILED}
    assert {"quorum", "approval", "signatures", "notice-period", "advance-circulation",
            "disclosure"} <= names


@settings(max_examples=400, deadline=None)
@given(f=facts)
def test_fast_equals_registered(f: Facts) -> None:
    for rule in COMPILED:
        ok, numbers = rule.verdict(f)
        c = rule.run(f)
        assert (ok, _plain(numbers)) == (c.ok, _plain(c.numbers)), rule.id


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v
