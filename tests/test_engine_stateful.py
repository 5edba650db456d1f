"""Random action sequences on both procedures (hypothesis): refusals leave no trace, replay
equals the live case after every step, and nothing passes unless every rule held — checked by
an independent oracle written with plain fractions, not with the engine's rule code."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from test_engine_support import FOUR, SIX, snapshot

from deliberation import Case, DeliberationError, Roster
from deliberation.engine.clock import ManualClock

ROSTER = Roster.generate(households=6, people=12, adults=10, party_members=4, probationary=1,
                         representatives=3, party_committee=3, villagers_committee=3,
                         supervision_committee=2)
ADULTS = [v.id for v in ROSTER.villagers if v.adult and not v.township]
PEOPLE = [v.id for v in ROSTER.villagers]


def _holds(count: int, total: int, ratio: Fraction, compare: str) -> bool:
    return count > ratio * total if compare == ">" else count >= ratio * total


class EngineMachine(RuleBasedStateMachine):
    case: Case
    clock: ManualClock

    @initialize(six=st.booleans(), merged=st.booleans(), proxies=st.booleans())
    def open(self, six: bool, merged: bool, proxies: bool) -> None:
        self.clock = ManualClock()
        proc = SIX if six else FOUR
        settings: dict[str, bool] = {"one-person-both-chairs": merged}
        if six:
            settings["consultation-proxies"] = proxies
        self.proxies = six and proxies
        self.case = Case.open(proc, ROSTER, matter="m", clock=self.clock, settings=settings)
        self.signed: set[str] = set()
        self.last_state = self.case.state

    def attempt(self, action: Any, *args: Any, **kwargs: Any) -> tuple[Any, ...] | None:
        before = snapshot(self.case)
        try:
            recs = action(*args, **kwargs)
        except DeliberationError:
            assert snapshot(self.case) == before, "a refused action left a trace"
            return None
        assert self.case.version == before[1] + len(recs)
        if self.case.state != self.last_state and self.case.state == "consultation":
            self.signed = set()
        self.last_state = self.case.state
        return tuple(recs)

    @rule(days=st.integers(0, 11))
    def wait(self, days: int) -> None:
        self.clock.advance(days=days)

    @rule(text=st.sampled_from(["", "修村道"]), n=st.integers(0, 2), signed_all=st.booleans())
    def motion(self, text: str, n: int, signed_all: bool) -> None:
        subs = ADULTS[-n:] if n else []
        recs = self.attempt(self.case.submit_motion, text, subs,
                            signed=None if signed_all else subs[:1])
        if recs:
            assert text.strip() and n >= 1 and (signed_all or n == 1)

    @rule()
    def circulate(self) -> None:
        self.attempt(self.case.circulate_plan)

    @rule()
    def notice(self) -> None:
        self.attempt(self.case.give_notice)

    @rule(present=st.integers(0, 7), yes=st.integers(0, 7), witnesses=st.integers(0, 1),
          short=st.booleans())
    def meeting(self, present: int, yes: int, witnesses: int, short: bool) -> None:
        stage = self.case.stage
        in_consultation = stage == "consultation"
        rounds_before = self.case.rounds("resolution" if in_consultation else stage)
        recs = self.attempt(self.case.hold_meeting, present=present, yes=min(yes, present),
                            witnesses=witnesses,
                            signed=max(present - 1, 0) if short and present else None)
        if not recs:
            return
        if in_consultation:
            self.check_coverage_complete()
        meeting = next(r for r in recs if r.kind == "meeting")
        assert meeting.result["route"] == self.oracle(meeting, rounds_before), meeting.result

    def oracle(self, rec: Any, rounds_before: int) -> str:
        """The route a meeting must take, from the procedure's numbers and plain arithmetic."""
        sp = self.case.plan.stage(rec.stage)
        d = rec.data
        present = d["present"]
        counts = self.case.plan.counts(ROSTER, sp.body)
        # preconditions held (else the engine should have refused)
        assert d.get("signed", present) == present
        if rec.stage in ("review", "resolution"):
            assert d.get("witnesses", 0) >= 1
        q = sp.quorum.params if sp.quorum else None
        a = sp.approval.params if sp.approval else None
        route = "pass"
        totals = {"members": counts.members, "expected": counts.voters, "voters": counts.voters,
                  "present": present}
        if q is not None:
            count = present if q["base"] in ("expected", "voters") \
                else present + d.get("non_voting", 0)
            if not _holds(count, totals[q["base"]], Fraction(q["ratio"]), q["compare"]):
                route = "no_quorum"
        if route == "pass" and a is not None:
            if not _holds(d.get("yes", 0), totals[a["base"]], Fraction(a["ratio"]), a["compare"]):
                route = "rejected"
        cap = sp.stage.max_rounds
        if route != "pass" and cap is not None and rounds_before + 1 >= cap:
            route = "max_rounds"
        return route

    @rule(who=st.integers(0, len(ADULTS) - 1), signed=st.booleans(), proxy=st.booleans())
    def opinion(self, who: int, signed: bool, proxy: bool) -> None:
        vid = ADULTS[who]
        if proxy:
            recs = self.attempt(self.case.record_opinion, vid, method="proxy", proxy=ADULTS[0],
                                authorisation="委托书")
            if recs and self.proxies:  # a proxy with written authorisation counts only if allowed
                self.signed.add(vid)
        else:
            recs = self.attempt(self.case.record_opinion, vid, signed=signed)
            if recs and signed:
                self.signed.add(vid)

    @rule()
    def close(self) -> None:
        if self.attempt(self.case.close_consultation):
            self.check_coverage_complete()

    def check_coverage_complete(self) -> None:
        assert self.signed == set(ADULTS), "the consultation closed short of 100% signed"

    @rule(who=st.sampled_from(PEOPLE), channel=st.sampled_from(["notice-board", "tea-house"]))
    def post(self, who: str, channel: str) -> None:
        self.attempt(self.case.post_disclosure, channel, actor=who)

    @rule()
    def conclude(self) -> None:
        self.attempt(self.case.conclude_disclosure)

    @rule(who=st.sampled_from(PEOPLE), roll=st.integers(0, 3))
    def object(self, who: str, roll: int) -> None:
        if roll == 0:
            self.attempt(self.case.raise_objection, who, "异议")

    @rule(who=st.sampled_from(PEOPLE),
          redo=st.sampled_from([False, True, "proposal", "review", "resolution"]))
    def answer(self, who: str, redo: bool | str) -> None:
        self.attempt(self.case.answer_objection, who, "答复", redo=redo)

    @rule(who=st.sampled_from(PEOPLE), roll=st.integers(0, 9))
    def withdraw(self, who: str, roll: int) -> None:
        if roll == 0:  # rarely, or few cases would get far
            self.attempt(self.case.withdraw, who)

    @rule(step=st.integers(0, 3))
    def progress(self, step: int) -> None:
        """Do what the current stage needs (so that random runs also reach the late stages)."""
        if self.case.closed:
            return
        sp = self.case.plan.stage(self.case.state)
        kind = sp.kind.value
        counts = self.case.plan.counts(ROSTER, sp.body)
        if self.case.suspended:
            self.attempt(self.case.answer_objection, "v0002", "已答复")
        elif kind == "motion":
            self.attempt(self.case.submit_motion, "修村道", [ADULTS[-1]])
        elif kind == "meeting" and step == 0:
            self.attempt(self.case.circulate_plan)
            self.clock.advance(days=3)
        elif kind == "meeting":
            stage = sp.id
            rounds_before = self.case.rounds()
            recs = self.attempt(self.case.hold_meeting, present=counts.voters,
                                yes=counts.voters, witnesses=1,
                                non_voting=counts.members - counts.voters)
            if recs:
                assert recs[0].stage == stage
                assert recs[0].result["route"] == self.oracle(recs[0], rounds_before)
        elif kind == "consultation":
            missing = [a for a in ADULTS if a not in self.signed]
            if missing:
                if self.attempt(self.case.record_opinion, missing[0]):
                    self.signed.add(missing[0])
            elif self.attempt(self.case.close_consultation):
                self.check_coverage_complete()
        elif step < 2:
            self.attempt(self.case.post_disclosure, "notice-board", actor="v0002")
        else:
            self.clock.advance(days=7)
            self.attempt(self.case.conclude_disclosure)

    @invariant()
    def replay_equals_live(self) -> None:
        if not hasattr(self, "case"):
            return
        again = Case.replay(self.case.procedure, ROSTER, self.case.records)
        assert snapshot(again) == snapshot(self.case)

    @invariant()
    def success_needs_every_step(self) -> None:
        if not hasattr(self, "case") or self.case.outcome != "adopted":
            return
        passed = [r.stage for r in self.case.records
                  if r.result.get("route") in ("pass", "skip")]
        stages = [s.id for s in self.case.procedure.stages]
        # the last pass of each stage, in the procedure's order
        last = {s: max(i for i, p in enumerate(passed) if p == s) for s in stages}
        assert [last[s] for s in stages] == sorted(last[s] for s in stages)


EngineMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=60, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestEngineStateful = EngineMachine.TestCase
