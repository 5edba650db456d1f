"""Any meeting arguments — counts, names, exclusions, written votes, online, proxies, of any
shape — are accepted or refused with a library error, and a refusal changes nothing."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_engine_support import FOUR, advance_to, open_case, snapshot

from deliberation import Roster
from deliberation.errors import DeliberationError

ROSTER = Roster.generate(households=10, people=30, adults=24, party_members=8, probationary=2,
                         representatives=4, party_committee=1, villagers_committee=1,
                         supervision_committee=1)
IDS = [v.id for v in ROSTER.villagers] + ["nobody", ""]
REASONS = ["abroad", "detained", "bedridden", "incapacity", "away-untransferred", "on-leave"]

scalars = st.one_of(st.integers(-2, 40), st.booleans(), st.none(), st.sampled_from(IDS),
                    st.floats(allow_nan=True), st.text(max_size=3))
ids = st.lists(st.sampled_from(IDS), max_size=8)
who = st.one_of(st.integers(-1, 40), ids, scalars)
mapping = st.one_of(
    st.dictionaries(st.sampled_from(IDS), st.sampled_from(REASONS + IDS), max_size=4),
    st.dictionaries(st.sampled_from([*REASONS, "yes", "no", "abstain"]),
                    st.one_of(st.integers(-1, 9), ids), max_size=3),
    st.dictionaries(st.sampled_from(IDS), st.sampled_from(IDS), max_size=3),
    scalars, ids)
FULL = [v.id for v in ROSTER.villagers if v.party == "full"]
# near-valid meetings (counts or names of the assembly's members), so that many are accepted
plausible = st.one_of(
    st.fixed_dictionaries({"present": st.integers(0, 6), "yes": st.integers(0, 6),
                           "witnesses": st.just(1)}, optional={
        "excused": st.integers(0, 3), "no": st.integers(0, 3),
        "excluded": st.dictionaries(st.sampled_from(REASONS), st.integers(0, 2), max_size=2),
        "exclusion_approval": st.just("批复"),
        "written": st.dictionaries(st.sampled_from(["yes", "no"]), st.integers(0, 2),
                                   max_size=2)}),
    st.fixed_dictionaries({"present": st.lists(st.sampled_from(FULL), max_size=6,
                                               unique=True),
                           "witnesses": st.just(1)}, optional={
        "yes": st.lists(st.sampled_from(FULL), max_size=6, unique=True),
        "excused": st.lists(st.sampled_from(FULL), max_size=2, unique=True),
        "excluded": st.dictionaries(st.sampled_from(FULL), st.sampled_from(REASONS),
                                    max_size=2),
        "exclusion_approval": st.just("批复"),
        "written": st.dictionaries(st.sampled_from(["yes", "no"]),
                                   st.lists(st.sampled_from(FULL), max_size=2, unique=True),
                                   max_size=2)}))
wild = st.fixed_dictionaries({"present": who}, optional={
    "yes": who, "no": who, "abstain": who, "excused": who, "witnesses": who, "signed": who,
    "excluded": mapping, "exclusion_approval": st.one_of(st.text(max_size=4), scalars),
    "written": mapping, "online": who, "proxies": st.one_of(mapping, st.integers(-1, 5)),
    "proxy_authorisation": st.one_of(st.text(max_size=4), scalars),
    "households": scalars, "non_voting": scalars, "interested_voting": scalars,
    "items": st.one_of(st.dictionaries(st.text(max_size=3), mapping, max_size=2), mapping),
    "observers": who, "place": st.one_of(st.text(max_size=6), scalars)})
kwargs = st.one_of(plausible, wild)


def _case() -> Any:
    case, clock = open_case(FOUR, ROSTER)
    advance_to(case, clock, "review")
    case.circulate_plan()
    clock.advance(days=3)
    return case


REVIEW = _case()


@settings(max_examples=int(os.environ.get("DELIBERATION_FUZZ_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(kwargs)
def test_any_meeting_is_accepted_or_cleanly_refused(args: dict[str, Any]) -> None:
    case = type(REVIEW).replay(REVIEW.procedure, REVIEW.roster, REVIEW.records)
    before = snapshot(case)
    try:
        case.hold_meeting(**args)
    except DeliberationError as err:
        event(f"refused: {type(err).__name__}")
        assert snapshot(case) == before
        return
    event(f"accepted: {case.state}")
    again = type(case).replay(case.procedure, case.roster, case.records)
    assert again.state == case.state
