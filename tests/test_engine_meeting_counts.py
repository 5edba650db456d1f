"""A meeting's counts reach the rules under their own names.

The engine counts (and checks) everything a meeting establishes, then hands a stage's rules
only the counts they read, picked from one positional tuple by the names in
``rules.facts.MEETING_COUNTS`` (``engine.counting.meeting_facts``). The tuple and the names are
written in two modules; a count put in the wrong place would be read by a rule under another
name. Here every count of a meeting is asked for, each given a value no other count has.
"""

from __future__ import annotations

from datetime import UTC, datetime

import attrs

from deliberation import Case, Roster, load_procedure
from deliberation.engine.clock import ManualClock
from deliberation.engine.context import Draft
from deliberation.engine.counting import meeting_facts
from deliberation.frozen import freeze
from deliberation.rules.facts import MEETING_COUNTS, Facts


def test_every_meeting_count_is_a_fact_a_rule_can_read() -> None:
    assert set(MEETING_COUNTS) <= Facts.__optional_keys__


def test_each_count_of_a_meeting_is_handed_over_under_its_own_name() -> None:
    roster = Roster.generate(households=40, people=100, adults=80, party_members=9,
                             representatives=30, party_committee=3, villagers_committee=3,
                             supervision_committee=2)
    case = Case.open(load_procedure("four-deliberations"), roster, clock=ManualClock())
    ctx, state = case._ctx, case._state  # the engine's own inputs to meeting_facts
    plan = ctx.plan.stages["resolution"]  # the representatives' meeting
    asked = attrs.evolve(plan, reads=plan.reads | set(MEETING_COUNTS))
    assert asked.counts_read == MEETING_COUNTS
    data = freeze({"present": 23, "yes": 13, "no": 6, "abstain": 4,
                   "witnesses": 1, "households": 17,
                   "written": {"yes": 3, "no": 2, "abstain": 1}})
    at = datetime(2026, 3, 2, 1, tzinfo=UTC)
    draft: Draft = (2, "meeting", at, None, "resolution", data, ())
    facts, _electorate = meeting_facts(ctx, state, asked, draft)
    got = {name: facts[name] for name in MEETING_COUNTS}  # type: ignore[literal-required]
    body = (33, 33)  # members and voters: 30 representatives and the 3 of the villagers' committee
    assert (got["members"], got["voters"]) == body
    assert got["expected"] == 33 and got["excused"] == 0 and got["excluded"] == 0
    assert (got["present"], got["present_members"], got["participants"]) == (23, 23, 23)
    assert (got["yes"], got["no"], got["abstain"]) == (13, 6, 4)
    assert (got["online"], got["by_proxy"]) == (0, 0)
    assert got["present_households"] == 17
    assert got["witnesses_signed"] == 1
    assert got["participants_signed"] == 23
    assert (got["written_yes"], got["written_no"], got["written_abstain"]) == (3, 2, 1)
    assert got["interested_voting"] == 0
    assert got["notice_on"] is None and got["circulated_on"] is None
    assert isinstance(got["households"], int) and isinstance(got["adults"], int)
    assert isinstance(got["present_adults"], int)
