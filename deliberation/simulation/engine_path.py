"""The engine path: real cases driven through the state machine with sampled people.

Each run opens a :class:`deliberation.case.Case` on the scenario's roster with a
:class:`~deliberation.clock.ManualClock` and acts as the village would: notice and plan
circulation before every meeting, then ``hold_meeting`` with attendance drawn person by person
(every member of the body, resident, away or excused) and votes drawn voter by voter; the
consultation records each round's signed, proxy-signed and unsigned opinions and tries to close;
disclosures are posted, left up for their days and concluded (or objected to and answered).
What happens next — the route, reconvening, revision, the outcome — is the engine's decision,
read back from its records. Only the simulator's own caps (reconvenings, consultation rounds,
steps) end a run from outside, by the stage's ``deadline`` route, exactly as in the vectorised
path. A run never acts after a stage's deadline (the engine would refuse it): when its clock
has passed one, it records the lapse (``check_deadlines``) and follows the ``deadline`` route.

It is some thousand times slower than the vectorised path and samples independently of it
(people rather than binomial counts), which is what makes their agreement a test of both.

>>> from deliberation import load_procedure
>>> from deliberation.simulation.model import compile_plan
>>> p, prm = load_procedure("four-deliberations"), SimParams()
>>> roster = prm.roster()
>>> out = run_chunk_engine(compile_plan(p, prm, roster), p, prm, roster, 1, 0, 5)
>>> len(out["days"])
5
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Final

from deliberation.definition.model import RECONVENE, ActionKind, Procedure
from deliberation.engine.case import Case
from deliberation.engine.clock import ManualClock
from deliberation.errors import DeliberationError, RuleViolation
from deliberation.roster import Roster
from deliberation.rules.days import local_date
from deliberation.rules.disclosure import Disclosure
from deliberation.rules.electorate import AWAY_UNTRANSFERRED
from deliberation.rules.law import REPRESENTATIVE_SELECTORS
from deliberation.simulation.model import (
    DEADLINE,
    KEYS,
    MAX_ROUNDS,
    PASS,
    Plan,
    StagePlan,
    posting_channels,
    simulated_groups,
)
from deliberation.simulation.params import SimParams
from deliberation.simulation.vectorised import (
    COLUMNS,
    TEXT_COLUMNS,
    VISIT_COLUMNS,
    draw_support,
    encode,
    item_supports,
    late_shift,
    rng_for,
    stage_support,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# The engine path's own random stream within a chunk (the vectorised path never uses it).
ENGINE_STREAM: Final = 0x5EED
# what a simulated meeting writes down for leaving away members out of 应到
_SIM_APPROVAL: Final = "simulated: upper-level approval and assembly vote"


class _People:
    """A stage's people as arrays, sampled one by one."""

    def __init__(self, plan: StagePlan, procedure: Procedure, params: SimParams,
                 roster: Roster) -> None:
        import numpy as np

        body = procedure.bodies[plan.body]
        members = roster.select(body.members)
        voters = {v.id for v in (roster.select(body.voters) if body.voters else members)}
        self.voter = np.array([v.id in voters for v in members], dtype=bool)
        self.resident = np.array([v.resident for v in members], dtype=bool)
        # away voters left out of 应到, where the body allows that category (electorate.py)
        self.excused = self.voter & ~self.resident & (
            params.away_excused and AWAY_UNTRANSFERRED in body.exclusions)
        p_res = params.attendance_of(plan.body)
        # the holders of an office whose signature a rule requires come with their own chance
        signs = np.array([bool(v.offices & set(plan.signers)) for v in members], dtype=bool)
        self.p = np.where(self.excused, 0.0, np.where(
            signs, params.office_signs, np.where(self.resident, p_res, params.away_attendance)))
        codes: dict[str, int] = {}
        self.household = np.array([codes.setdefault(v.household, len(codes)) for v in members],
                                  dtype=np.int64)
        self.ids = [v.id for v in members]
        # those who may come to observe (whoever a stage's observers rules pick on the roster)
        watched = {v.id for _n, among in plan.observer_groups for v in roster.select(among)}
        self.observers = [v.id for v in roster.villagers if v.id in watched]
        # who of them is in each subset a quorum counts apart (the engine is told the counts)
        self.subsets = {s: np.array([v.id in chosen for v in members], dtype=bool)
                        for s in plan.subsets
                        for chosen in ({v.id for v in roster.select((s,))},)}
        # the villager representatives, where a legal regime counts their yes votes apart (the
        # engine is told how many of the yes votes are theirs)
        reps = {v.id for v in roster.select(tuple(sorted(REPRESENTATIVE_SELECTORS)))}
        self.representative = (np.array([v.id in reps for v in members], dtype=bool)
                               if plan.representative_yes else None)
        # the consultation's units: adult villagers, or households
        adults = [v for v in members if v.adult and not v.township]
        if plan.unit == "household":
            res: dict[str, bool] = {}
            for v in adults:
                res[v.household] = res.get(v.household, False) or v.resident
            self.unit_resident = np.array(list(res.values()), dtype=bool)
        else:
            self.unit_resident = np.array([v.resident for v in adults], dtype=bool)


def run_chunk_engine(plan: Plan, procedure: Procedure, params: SimParams, roster: Roster,
                     seed: int, chunk: int, runs: int, visits: bool = False) -> dict[str, Any]:
    """Simulate ``runs`` real cases; returns the same columns as the vectorised path (and the
    same per-stage table with ``visits``)."""
    import numpy as np

    rng = rng_for(seed, chunk, ENGINE_STREAM)
    # the people of a body made of a group a meeting creates: those the meeting elects
    elected = simulated_groups(procedure, roster)
    people_roster = roster.with_groups(elected) if elected else roster
    people = {st.id: _People(st, procedure, params, people_roster) for st in plan.stages}
    support = draw_support(params, rng, runs)
    runners = [_Run(plan, procedure, params, roster, people, rng, float(s)) for s in support]
    rows = [r.drive() for r in runners]
    out: dict[str, Any] = {c: encode([str(r[i]) for r in rows]) if c in TEXT_COLUMNS
                           else np.array([r[i] for r in rows], dtype=np.int64)
                           for i, c in enumerate(COLUMNS)}
    if visits:
        table = [(i, *v) for i, r in enumerate(runners) for v in r.visits]
        cols = {c: [t[j] for t in table] for j, c in enumerate(VISIT_COLUMNS)}
        stage_ids = tuple(st.id for st in plan.stages)
        rules = tuple(dict.fromkeys(["", *(str(x) for x in cols["rule"])]))
        out["visits"] = {
            **{c: np.asarray(v, dtype=np.int64) for c, v in cols.items()
               if c not in ("stage", "route", "rule")},
            "stage": (np.asarray([stage_ids.index(x) for x in cols["stage"]], dtype=np.int64),
                      stage_ids),
            "route": (np.asarray(cols["route"], dtype=np.int64), KEYS),
            "rule": (np.asarray([rules.index(str(x)) for x in cols["rule"]], dtype=np.int64),
                     rules),
        }
    return out


class _Run:
    """One simulated case, driven stage by stage through the engine, and what it counted."""

    def __init__(self, plan: Plan, procedure: Procedure, params: SimParams, roster: Roster,
                 people: dict[str, _People], rng: np.random.Generator, support: float) -> None:
        import numpy as np

        self.plan, self.procedure, self.params, self.roster = plan, procedure, params, roster
        self.people, self.rng = people, rng
        self.clock = ManualClock()
        self.case = Case.open(procedure, roster, matter="simulated",
                              settings=dict(plan.overrides), clock=self.clock, kind=params.kind)
        self.township = roster.count("township-official")
        sup = procedure.supervision
        self.objector = roster.select(procedure.bodies[sup.body].members)[0].id if sup else None
        self.answerer = roster.select(("party-committee", "villagers-committee"))[0].id
        found = roster.select(("villagers-committee",))
        self.publisher = found[0].id if found else self.answerer
        self.days = self.reconvenings = self.revisions = self.consultation_rounds = 0
        self.meetings = self.steps = 0
        self.here = 0  # times in a row the current stage has reconvened
        self.s_run = np.array([support])
        self.last = plan.stages[0]
        self.outcome: str | None = None
        self.end_rule, self.end_key = "", PASS
        # the per-stage table: a row per step (as VISIT_COLUMNS, without the run)
        self.visits: list[tuple[Any, ...]] = []
        self.stage_visits: dict[str, int] = {}
        self.held: dict[str, int] = {}
        self.counts: tuple[int, int, int] | None = None  # present, yes, quorum met

    def drive(self) -> tuple[Any, ...]:
        """Step until the case closes or stalls; the row of columns for this run."""
        while not self.case.closed:
            if self.step(self.plan.stage(str(self.case.state))):
                break
        outcome = self.outcome if self.outcome is not None else str(self.case.outcome)
        if self.plan.outcome_kinds[outcome] == "success":
            self.end_rule, self.end_key = "", PASS
        return (outcome, self.last.id, self.end_rule, KEYS[self.end_key], self.days,
                self.reconvenings, self.revisions, self.consultation_rounds, self.meetings)

    def step(self, st: StagePlan) -> bool:
        """Do stage ``st`` once and follow where the engine sends the case; True if it ends."""
        self.last = st
        self.steps += 1
        before = self.case.state
        if self.here == 0:
            self.stage_visits[st.id] = self.stage_visits.get(st.id, 0) + 1
        days, rounds = self.days, self.consultation_rounds
        self.counts = None
        try:
            key, rule = self.act(st)
        except RuleViolation as err:
            lapsed = self.lapse(st, err)
            if lapsed is None:
                # The engine refused: the step cannot be done as the village stands; it stalls.
                self.note(st, DEADLINE, err.rule, days, rounds)
                return self.end(self.stall(st), err.rule, DEADLINE)
            key, rule = lapsed
        except DeliberationError:
            # e.g. a working-day deadline checked beyond the years the holiday tables cover
            self.note(st, DEADLINE, "deadline", days, rounds)
            return self.end(self.stall(st), "deadline", DEADLINE)
        except _Stall as s:
            self.note(st, s.key, s.rule, days, rounds)
            target = st.target(s.key) if s.key != DEADLINE else self.stall(st)
            if target in self.plan.outcome_kinds:
                return self.end(target, s.rule, s.key)
            raise
        self.note(st, key, rule, days, rounds)
        if self.case.closed:
            self.end_rule, self.end_key = rule, key
            return True
        now = str(self.case.state)
        if st.target(key) == RECONVENE and now == before:
            # reconvened (no quorum, or a disclosure to post again); a revision that comes
            # back to this stage through a skipped one is not a reconvening
            return self.reconvene(st, rule)
        self.here = 0
        if self.case.records[-1].result.get("escalated") is not None:
            return False  # one level up: a fresh visit, not a revision
        if self.plan.index(now) <= st.index:
            self.revise()
        return False

    def lapse(self, st: StagePlan, err: RuleViolation) -> tuple[int, str] | None:
        """Where the engine refused an action because a deadline of the stage had passed: the
        lapse recorded instead (the engine's ``deadline`` route), or None for any other
        refusal. (Tasks check their deadline before reporting; this covers any other stage a
        procedure gives a deadline.)"""
        if err.rule not in {r.id for r in self.case.plan.stage(st.id).deadlines}:
            return None
        records = self.case.check_deadlines()
        if not records:
            return None
        return KEYS.index(_route(records, "lapsed")), "deadline"

    def note(self, st: StagePlan, key: int, rule: str, days: int, rounds: int) -> None:
        """The row of the per-stage table for the step just taken (as the vectorised path)."""
        meeting = st.action is ActionKind.MEETING and self.counts is not None
        present, yes, quorum = self.counts if self.counts is not None else (-1, -1, -1)
        consulted = st.action is ActionKind.CONSULTATION and st.static_failure is None
        self.visits.append((
            self.steps, st.id, self.stage_visits[st.id],
            self.held.get(st.id, 0) if meeting else -1, st.expected if meeting else -1,
            present, yes if quorum == 1 else -1, quorum, int(key == PASS), key, rule,
            self.consultation_rounds - rounds if consulted else -1, self.days - days, self.days,
        ))

    def end(self, outcome: str, rule: str, key: int) -> bool:
        self.outcome, self.end_rule, self.end_key = outcome, rule, key
        return True

    def stall(self, st: StagePlan) -> str:
        """Where the simulator's caps send a stalled case: the stage's ``deadline`` route."""
        target = st.target(DEADLINE)
        return target if target != RECONVENE else _lapsed(self.plan)

    def reconvene(self, st: StagePlan, rule: str) -> bool:
        """Count a reconvening; past the cap the case stalls (True)."""
        self.here += 1
        self.reconvenings += 1
        if self.here > self.params.max_reconvenings:
            self.reconvenings -= 1
            return self.end(self.stall(st), rule, DEADLINE)
        return False

    def revise(self) -> None:
        """Sent back to an earlier stage: the plan is revised, which takes time and wins support."""
        self.revisions += 1
        self.s_run += self.params.revision_gain * (1.0 - self.s_run)
        self.days += self.params.revision_days
        self.clock.advance(days=self.params.revision_days)

    def act(self, st: StagePlan) -> tuple[int, str]:
        """The stage's action, as the village would do it: (route key, failed rule or "")."""
        if self.steps > self.params.max_steps:
            raise _Stall("")
        for stage in self.case.results_due:  # per-stage disclosure: published the same day
            self.case.publish_result(stage, "notice-board", actor=self.publisher)
        if st.wait_days:
            # wait for the next scheduled lunar day (the days count its mean wait, as the
            # vectorised path does; the clock moves to the actual day)
            self.days += st.wait_days
            if st.action is not ActionKind.MEETING:  # a meeting waits after its notice
                _to_lunar_day(self.clock, st)
        if st.action is ActionKind.TASK:
            route, rule, spent = _task(self.case, st, self.procedure, self.params, self.roster,
                                       self.rng, self.clock)
            self.days += spent
        elif st.action is ActionKind.EVALUATION:
            route, rule = self.evaluate(st)
        elif st.action is ActionKind.GATE:
            route, rule = self.gate(st)
        elif st.action is ActionKind.MOTION:
            route, rule = self.move(st), ""
        elif st.action is ActionKind.MEETING:
            route, rule = self.meet(st)
        elif st.action is ActionKind.CONSULTATION:
            route, rule = self.consult(st), ""
        else:
            route, rule = self.disclose(st)
        return KEYS.index(route), rule

    def evaluate(self, st: StagePlan) -> tuple[str, str]:
        self.days += self.params.evaluation_days
        self.clock.advance(days=self.params.evaluation_days)
        sat = int(self.rng.binomial(st.ratings, self.params.satisfaction))
        self.case.record_ratings(sat, unsatisfied=st.ratings - sat)
        route = _route(self.case.close_evaluation(), "evaluation-closed")
        return route, "" if route == "pass" else st.satisfaction_rule_id

    def gate(self, st: StagePlan) -> tuple[str, str]:
        """The gate's decision, drawn as the vectorised path draws it: refused (an authority
        asked to approve), returned, or let through."""
        self.days += self.params.gate_days
        self.clock.advance(days=self.params.gate_days)
        u = self.rng.random(2)
        refused = st.approves and u[0] < self.params.authority_refusal
        returned = not refused and u[1] < self.params.gate_return
        members = self.roster.select(self.procedure.bodies[st.body].members)
        if st.authority:
            decision = ("refused" if refused else "returned" if returned
                        else "approved" if st.approves else "filed")
            today = local_date(self.clock.now(), self.procedure.zone).isoformat()
            records = self.case.record_authority_decision(
                decision, issuer="simulated", number="simulated", issued_on=today,
                reason="simulated" if refused or returned else "", actor=members[0].id)
            route = _route(records, "authority-decision")
            return route, "" if route == "pass" else "authority"
        checks = list(st.gate_checks)
        records = self.case.examine(
            met=checks[1:] if returned else checks,
            not_met={checks[0]: "simulated"} if returned else None,
            signed=[v.id for v in members[:st.gate_signers]])
        route = _route(records, "examination")
        return route, "" if route == "pass" else "checks"

    def _today(self) -> date:
        return local_date(self.clock.now(), self.procedure.zone)

    def _wait_out(self, st: StagePlan, since: date) -> None:
        """Wait on, past the least days already waited, until every period of the stage
        (notice, circulation, posting) that started on the local date ``since`` has run as its
        rule counts it: on the run's actual dates, so a Civil-Code period whose last day is a
        statutory holiday runs to the day after the holiday (which the vectorised path, drawing
        no dates, cannot model)."""
        if not st.waits:
            return
        today = self._today()
        extra = (max(p.runs_out(since) for p in st.waits) - today).days  # may raise: a stall
        if extra > 0:
            self.clock.advance(days=extra)
            self.days += extra

    def move(self, st: StagePlan) -> str:
        """A written motion by the plan's proposers (as the vectorised path counts them)."""
        return _route(self.case.submit_motion("matter", st.proposers), "motion")

    def meet(self, st: StagePlan) -> tuple[str, str]:
        """Notice and circulation, the wait before the meeting, then the meeting itself."""
        gap = st.gap_days if self.here == 0 else st.reconvene_days
        noticed = self._today()
        self.case.give_notice(for_stage=st.id)
        self.case.circulate_plan(for_stage=st.id)
        self.clock.advance(days=gap)
        self.days += gap
        self._wait_out(st, noticed)
        if st.wait_days:
            _to_lunar_day(self.clock, st)
        for tries in range(self.params.max_reconvenings + 1):
            try:
                route, rule, self.counts = _meeting(self.case, st, self.people[st.id],
                                                    self.params, self.rng, self.s_run,
                                                    self.township)
                break
            except RuleViolation as err:
                # refused for want of observers or an office-holder's signature: held again
                # later, everyone drawn afresh (as the vectorised path does), or the case stalls
                if err.rule not in st.check_rule_ids or tries == self.params.max_reconvenings:
                    raise
                self.clock.advance(days=st.reconvene_days)
                self.days += st.reconvene_days
        self.meetings += 1
        self.held[st.id] = self.held.get(st.id, 0) + 1
        return route, rule

    def consult(self, st: StagePlan) -> str:
        """Consultation rounds; if it cannot close within the cap the case stalls."""
        used, done = _consult(self.case, st, self.people[st.id], self.params, self.rng,
                              self.clock)
        self.consultation_rounds += used
        self.days += used * self.params.consultation_round_days
        if not done:
            raise _Stall(st.coverage_rule_id, MAX_ROUNDS if st.max_rounds is not None else DEADLINE)
        return "pass"

    def disclose(self, st: StagePlan) -> tuple[str, str]:
        """Post on every channel, leave it up; maybe an objection, answered by redoing it."""
        member = self.roster.select(self.procedure.bodies[st.body].members)[0].id
        posted = self._today()
        for channel in _channels(self.case, st):
            self.case.post_disclosure(channel, actor=member)
        self.clock.advance(days=st.min_days)
        self.days += st.min_days
        self._wait_out(st, posted)
        if self.rng.random() < self.params.objection_rate and self.objector is not None:
            self.case.raise_objection(self.objector, "simulated objection")
            self.clock.advance(days=st.objection_days)
            self.days += st.objection_days
            answered = self.case.answer_objection(self.answerer, "answered", redo=True)
            return _route(answered, "answer"), "objection"
        return _route(self.case.conclude_disclosure(), "disclosure-concluded"), ""


def _to_lunar_day(clock: Any, st: StagePlan) -> None:
    from datetime import datetime, time

    from deliberation.rules.calendars import LunarSchedule

    now = clock.now()
    day = LunarSchedule(st.lunar_days, st.lunar_month).next_on_or_after(now.date())
    if day > now.date():
        clock.set(datetime.combine(day, time(9), now.tzinfo))


def _task(case: Any, st: StagePlan, procedure: Procedure, params: SimParams, roster: Roster,
          rng: np.random.Generator, clock: Any) -> tuple[str, str, int]:
    """One task: declined, unresolved, late (the deadline passes) or done, drawn as the
    vectorised path draws them. Returns (route, rule, days spent)."""
    member = roster.select(procedure.bodies[st.body].members)[0].id
    u = rng.random(3)
    spent = params.task_days
    clock.advance(days=params.task_days)
    if st.has_deadline:
        # the deadline passed while the visit went on (a revision, the task itself): the
        # engine takes no report now, so the lapse is recorded instead
        records = case.check_deadlines()
        if records:
            return _route(records, "lapsed"), "deadline", spent
    if u[0] >= params.task_accept:
        return _route(case.record_task("declined", actor=member), "task"), "declined", spent
    if u[1] >= params.task_solve:
        return _route(case.record_task("unresolved", actor=member), "task"), "unresolved", spent
    if st.has_deadline and u[2] >= params.task_on_time:
        # late: let the deadline pass (working days: well past it in calendar days; the days
        # count ``deadline_days``, the vectorised path's calendar runs ahead by ``late_shift``)
        clock.advance(days=st.deadline_days + late_shift(st))
        records = case.check_deadlines()
        if records:
            return _route(records, "lapsed"), "deadline", spent + st.deadline_days
    return _route(case.record_task("done", actor=member), "task"), "", spent


class _Stall(Exception):
    def __init__(self, rule: str, key: int = DEADLINE) -> None:
        super().__init__(rule)
        self.rule, self.key = rule, key


def _route(records: Any, kind: str) -> str:
    """The route the engine took for the action's own record (skipped stages come after)."""
    return str(next(r.result["route"] for r in records if r.kind == kind))


def _lapsed(plan: Plan) -> str:
    for oid, kind in plan.outcome_kinds.items():
        if kind == "lapsed":
            return oid
    return next(o for o, k in plan.outcome_kinds.items() if k == "failure")


def _channels(case: Any, st: StagePlan) -> list[str]:
    """Where the stage's disclosure rules have it posted (as the vectorised path assumes)."""
    rules = case.plan.stage(st.id).preconditions
    return [c for r in rules if isinstance(r, Disclosure) for c in posting_channels(r)] \
        or ["notice-board"]


def _meeting(case: Any, st: StagePlan, people: _People, params: SimParams,
             rng: np.random.Generator, s_run: NDArray[np.float64], township: int
             ) -> tuple[str, str, tuple[int, int, int]]:
    """Hold the meeting: (route, first failed rule, (present, yes, quorum met))."""
    import numpy as np

    a = params.strategic_abstention
    if a > 0 and st.quorum:
        # strategic abstention: each voter is a supporter or an opponent of this meeting's
        # plan; a share ``a`` of the opponents who would have come stay away instead
        s = float(stage_support(params, st.body, s_run, rng, st.committee)[0])
        attend = rng.random(people.p.size) < people.p
        opponent = rng.random(people.p.size) >= s
        attend &= ~(people.voter & opponent & (rng.random(people.p.size) < a))
        voting = attend & people.voter
        present = int(voting.sum())
        supporting = voting & ~opponent
        supporters = int(supporting.sum())
        voted_yes = rng.random(supporters) < 1.0 - params.abstention
        yes = int(voted_yes.sum())
        abstain = supporters - yes
        no = present - supporters
        votes: dict[str, Any] = {"yes": yes, "no": no, "abstain": abstain}
        if people.representative is not None:
            votes["yes_among"] = _theirs(voted_yes, people.representative[supporting])
    else:
        attend = rng.random(people.p.size) < people.p
        voting = attend & people.voter
        present = int(voting.sum())
        # which of the voters present are villager representatives (in the order they vote)
        reps = people.representative[voting] if people.representative is not None else None
        s = float(stage_support(params, st.body, s_run, rng, st.committee)[0])
        if st.items:
            shares = item_supports(params, st.body, [it.id for it in st.items],
                                   np.array([s]), st.committee)
            by_item = {it.id: _vote(rng, present, float(x[0]), params.abstention, reps)
                       for it, x in zip(st.items, shares, strict=True)}
            votes = {"items": by_item}
            yes = -1  # no single vote: each item has its own
        else:
            votes = _vote(rng, present, s, params.abstention, reps)
            yes = votes["yes"]
    non_voting = int((attend & ~people.voter).sum())
    households = int(np.unique(people.household[attend]).size)
    left_out = int(people.excused.sum())
    among = {s: int((attend & chosen).sum()) for s, chosen in people.subsets.items()}
    # those who come to observe, named, each drawn once (the rules count them per selector)
    came = rng.random(len(people.observers)) < params.observer_attendance
    observers = [vid for vid, c in zip(people.observers, came, strict=True) if c]
    # where a rule needs an office-holder's signature, the minutes name their signers: every
    # participant, as the simulator assumes everyone present signs
    signed = {"signed": [vid for vid, c in zip(people.ids, attend, strict=True) if c]} \
        if st.signers else {}
    records = case.hold_meeting(
        present=present, households=households,
        excluded={AWAY_UNTRANSFERRED: left_out} if left_out else None,
        exclusion_approval=_SIM_APPROVAL if left_out else None,
        non_voting=non_voting, witnesses=township, present_among=among or None,
        observers=observers,
        elected=_elected(case, st) or None, **votes, **signed,
    )
    result = next(r.result for r in records if r.kind == "meeting")
    checks = result.get("checks", ())
    failed = [c["rule"] for c in checks if not c["ok"]]
    if result["route"] != "pass":  # items: the first failed vote of the first not adopted
        failed += [c["rule"] for it in result.get("items", ()) if not it["adopted"]
                   for c in it["checks"] if not c["ok"]]
    quorum = all(c["ok"] for c in checks if c["rule"] in st.quorum_rule_ids)
    return str(result["route"]), (failed[0] if failed else ""), (present, yes, int(quorum))


def _vote(rng: np.random.Generator, present: int, s: float, abstention: float,
          reps: NDArray[np.bool_] | None = None) -> dict[str, Any]:
    """Each voter present votes yes with s·(1 − abstention), else abstains or votes no;
    ``reps``: which of them are villager representatives, where a legal regime counts their
    yes votes apart (``yes_among``)."""
    p_yes = s * (1.0 - abstention)
    u = rng.random(present)
    voted_yes = u < p_yes
    yes = int(voted_yes.sum())
    abstain = int(((u >= p_yes) & (u < p_yes + abstention * (1.0 - p_yes))).sum()) \
        if abstention > 0 else 0
    out: dict[str, Any] = {"yes": yes, "no": present - yes - abstain, "abstain": abstain}
    if reps is not None:
        out["yes_among"] = _theirs(voted_yes, reps)
    return out


def _theirs(voted_yes: NDArray[np.bool_], reps: NDArray[np.bool_]) -> dict[str, int]:
    """How many of the yes votes came from villager representatives, as the clerk gives it."""
    return {"representative": int((voted_yes & reps).sum())}


def _elected(case: Any, st: StagePlan) -> dict[str, tuple[str, ...]]:
    """The groups the meeting of ``st`` elects, with the members a simulated case elects."""
    procedure = case.procedure
    electing = procedure.groups_elected_at(st.id)
    if not electing:
        return {}
    chosen = simulated_groups(procedure, case.roster)
    return {g.id: chosen[g.id] for g in electing}


def _consult(case: Any, st: StagePlan, people: _People, params: SimParams,
             rng: np.random.Generator, clock: Any) -> tuple[int, bool]:
    """Consultation rounds until the engine lets it close, or the cap: (rounds, closed)."""
    import numpy as np

    resident = people.unit_resident
    reached = np.zeros(resident.size, dtype=bool)
    p = np.where(resident, params.reach_resident,
                 params.reach_away_proxy if st.proxies else params.reach_away)
    signed = 0
    used = 0
    while True:
        if signed >= st.coverage_needed:
            try:
                case.close_consultation()
                return used, True
            except RuleViolation:
                pass
        if used >= st.rounds_cap:
            return used, False
        used += 1
        new = ~reached & (rng.random(resident.size) < p)
        reached |= new
        signs = new & (rng.random(resident.size) >= params.refuse_sign)
        own = int((signs & (resident | (not st.proxies))).sum())
        by_proxy = int((signs & ~resident).sum()) if st.proxies else 0
        unsigned = int((new & ~signs).sum())
        case.record_opinions(own, unsigned=unsigned, proxies=by_proxy)
        signed += own + by_proxy
        clock.advance(days=params.consultation_round_days)
