"""Random comment periods (hypothesis): villagers object, the committee answers, the clock runs
at any hour, anyone tries anything with any value. Refusals leave no trace, replay equals the
live case, and what the engine decides matches an independent oracle written with plain local
dates (``elapsed`` count): an objection is taken while the Beijing date is at most
``window`` days after the posting's, the stage concludes only once the date is later than that
and no objection is open, and an answer is late when it comes more than ``answer`` days after
its objection.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from test_engine_comments import procedure
from test_engine_support import snapshot

from deliberation import Case, DeliberationError, Roster
from deliberation.engine.clock import ManualClock

ROSTER = Roster.generate(households=6, people=12, adults=10, party_members=4,
                         representatives=3, party_committee=3, villagers_committee=3,
                         supervision_committee=2)
PEOPLE = [v.id for v in ROSTER.villagers]
COMMITTEE = [v.id for v in ROSTER.select(("villagers-committee",))]
VILLAGERS = [v.id for v in ROSTER.select(("villager",))]
BEIJING = ZoneInfo("Asia/Shanghai")
WINDOW, ANSWER = 3, 2
PLAN = procedure(window=WINDOW, answer=ANSWER)
# hostile values for the free-text and id arguments
ODD = st.one_of(st.sampled_from([*PEOPLE, "", "  ", "v9999", "t01"]), st.none(), st.integers(),
                st.text(max_size=5), st.lists(st.text(max_size=2), max_size=2))


def local(at: datetime) -> date:
    return at.astimezone(BEIJING).date()


class CommentMachine(RuleBasedStateMachine):
    case: Case
    clock: ManualClock

    @initialize()
    def open(self) -> None:
        self.clock = ManualClock()
        self.case = Case.open(PLAN, ROSTER, matter="m", clock=self.clock)
        self.case.hold_meeting(present=len(COMMITTEE), yes=len(COMMITTEE))
        self.posted: date | None = None
        self.open_by: dict[str, list[date]] = {}  # the oracle's open objections, oldest first

    def attempt(self, action: Any, *args: Any, **kwargs: Any) -> tuple[Any, ...] | None:
        before = snapshot(self.case)
        try:
            recs = action(*args, **kwargs)
        except DeliberationError:
            assert snapshot(self.case) == before, "a refused action left a trace"
            return None
        return tuple(recs)

    def today(self) -> date:
        return local(self.clock.now())

    def at_comment(self) -> bool:
        return self.case.state == "comment"

    @rule(hours=st.integers(0, 60))
    def wait(self, hours: int) -> None:
        self.clock.advance(hours=hours)

    @rule(who=st.sampled_from(COMMITTEE))
    def post(self, who: str) -> None:
        was = self.at_comment()
        if self.attempt(self.case.post_disclosure, "notice-board", actor=who) and was:
            self.posted = self.posted or self.today()

    @rule(who=st.sampled_from(PEOPLE), signed=st.booleans())
    def object(self, who: str, signed: bool) -> None:
        expected = (self.at_comment() and self.posted is not None and signed
                    and who in VILLAGERS and self.today() <= self.posted + timedelta(WINDOW))
        got = self.attempt(self.case.file_objection, who, "异议", signed=signed)
        assert bool(got) == expected, (who, signed, self.today(), self.posted)
        if got:
            self.open_by.setdefault(who, []).append(self.today())

    @rule(to=st.sampled_from(PEOPLE), by=st.sampled_from(PEOPLE))
    def reply(self, to: str, by: str) -> None:
        pending = self.open_by.get(to)
        expected = bool(pending) and by in COMMITTEE and not self.case.closed
        got = self.attempt(self.case.reply_objection, to, by, "答复")
        assert bool(got) == expected, (to, by)
        if got:
            assert pending is not None
            filed = pending.pop(0)
            assert got[0].result["late"] is (self.today() > filed + timedelta(ANSWER))

    @rule(by=ODD, text=ODD, to=ODD)
    def hostile(self, by: Any, text: Any, to: Any) -> None:
        """Any value in any argument: refused with a DeliberationError, or taken as valid."""
        if self.attempt(self.case.file_objection, by, text) and by in VILLAGERS:
            self.open_by.setdefault(by, []).append(self.today())
        got = self.attempt(self.case.reply_objection, to, by, text)
        if got and to in self.open_by and self.open_by[to]:
            self.open_by[to].pop(0)

    @rule()
    def conclude(self) -> None:
        was = self.at_comment()
        open_ = sum(len(v) for v in self.open_by.values())
        expected = (was and self.posted is not None and open_ == 0
                    and self.today() > self.posted + timedelta(WINDOW))
        got = self.attempt(self.case.conclude_disclosure)
        assert bool(got) == expected, (self.today(), self.posted, open_)

    @rule()
    def vote(self) -> None:
        if self.attempt(self.case.hold_meeting, present=len(COMMITTEE), yes=len(COMMITTEE)):
            assert self.case.outcome == "adopted"

    @invariant()
    def replay_equals_live(self) -> None:
        if not hasattr(self, "case"):
            return
        again = Case.replay(self.case.procedure, ROSTER, self.case.records)
        assert snapshot(again) == snapshot(self.case)


TestCommentMachine = CommentMachine.TestCase
TestCommentMachine.settings = settings(max_examples=60, stateful_step_count=25, deadline=None,
                                       suppress_health_check=[HealthCheck.too_slow])
