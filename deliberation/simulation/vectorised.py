"""The vectorised path: one chunk of runs, all at once, with NumPy.

Every run of the chunk has a current stage; each sweep takes, stage by stage, the runs standing
there and samples what happens to all of them in one go: attendance is binomial per group of
members alike (voter or not, resident, away or excused), votes are binomial given the stage's
support, consultation rounds draw the villagers reached among those not yet reached, and each
count is compared with the exact ``needed`` integer of the compiled :class:`~.model.Plan` —
the numbers the engine computes with ``Threshold.needed``. Routes then move each run as the
engine would (reconvene, back for revision, on, or to an outcome).

Random streams: chunk ``c`` of seed ``s`` uses ``SeedSequence(s, spawn_key=(c, k))`` (the
children of ``SeedSequence(s).spawn``), ``k = 0`` for the runs' support and a key derived from
the stage id and body for each stage, so two procedures that share a stage draw from the same
stream there (common random numbers as far as the runs reaching the stage allow).

>>> from deliberation import load_procedure
>>> from deliberation.simulation.model import compile_plan
>>> from deliberation.simulation.params import SimParams
>>> plan = compile_plan(load_procedure("four-deliberations"), SimParams())
>>> out = run_chunk(plan, SimParams(), seed=1, chunk=0, runs=1000)
>>> sorted(set(decode(out["outcome"])))[:1], len(out["days"])
(['adopted'], 1000)
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from deliberation.definition.model import ESCALATE, RECONVENE, ActionKind
from deliberation.rules.calendars import LunarSchedule
from deliberation.simulation.model import (
    DAY0,
    DEADLINE,
    DECLINED,
    KEYS,
    MAX_ROUNDS,
    NO_QUORUM,
    OBJECTION,
    PASS,
    REJECTED,
    RETURNED,
    UNRESOLVED,
    Approval,
    Group,
    Plan,
    QuorumAlt,
    StagePlan,
    deadline_passed,
    period_wait,
)
from deliberation.simulation.params import SimParams

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Mask = NDArray[np.bool_]
    Counts = NDArray[np.int64]

# Columns a chunk produces (both paths produce exactly these); the first four are text.
COLUMNS = (
    "outcome", "end_stage", "end_rule", "end_route", "days", "reconvenings", "revisions",
    "consultation_rounds", "meetings",
)
TEXT_COLUMNS = COLUMNS[:4]

# The per-stage table (opt-in): one row per stage visit — every meeting held, consultation,
# disclosure, task… Counts that a kind of stage does not have are -1 (missing in the table).
VISIT_COLUMNS = (
    "run", "step", "stage", "visit", "meeting", "electorate", "present", "yes", "quorum_met",
    "passed", "route", "rule", "rounds", "days", "day",
)


def stream_key(name: str) -> int:
    """A stable stream number for a stage (CRC-32 of its id and body, never 0)."""
    return zlib.crc32(name.encode("utf-8")) | 1


def rng_for(seed: int, chunk: int, key: int) -> np.random.Generator:
    """The generator of stream ``key`` of ``chunk`` (see the module docstring)."""
    import numpy as np

    sequence = np.random.SeedSequence(seed, spawn_key=(chunk, key))
    return np.random.Generator(np.random.PCG64(sequence))


def draw_support(params: SimParams, rng: np.random.Generator, size: int,
                 mean: float | None = None) -> NDArray[np.float64]:
    """Per-run (or per-meeting) support: Beta with the given mean and concentration."""
    import numpy as np

    m = params.support if mean is None else mean
    k = params.support_concentration
    if k is None or m <= 0.0 or m >= 1.0:
        return np.full(size, m, dtype=np.float64)
    return rng.beta(m * k, (1.0 - m) * k, size=size)


def stage_support(params: SimParams, body: str, run_support: NDArray[np.float64],
                  rng: np.random.Generator, committee: bool = False) -> NDArray[np.float64]:
    """A meeting's support: the run's (shifted to the body's mean) mixed with a fresh draw;
    ``committee``: the body is one of the village's committees (``committee_support``)."""
    import numpy as np

    mean = params.support_of(body, committee)
    rho = params.stage_correlation
    shifted = np.clip(run_support + (mean - params.support), 0.0, 1.0)
    fresh = draw_support(params, rng, run_support.size, mean)
    out: NDArray[np.float64] = rho * shifted + (1.0 - rho) * fresh
    return out


def item_supports(params: SimParams, body: str, items: Sequence[str],
                  s: NDArray[np.float64], committee: bool = False
                  ) -> list[NDArray[np.float64]]:
    """Each item's support at a meeting whose support is ``s``: shifted by the item's mean's
    difference from the body's (:meth:`SimParams.item_shift`), within [0, 1]."""
    import numpy as np

    return [np.clip(s + params.item_shift(body, item, committee), 0.0, 1.0) for item in items]


def household_pmf(resident: int, away: int, p: float, q: float) -> list[float]:
    """P(k members of a household with ``resident`` + ``away`` adults attend), k = 0…r+a."""
    a = [math.comb(resident, i) * p**i * (1 - p) ** (resident - i) for i in range(resident + 1)]
    b = [math.comb(away, j) * q**j * (1 - q) ** (away - j) for j in range(away + 1)]
    out = [0.0] * (resident + away + 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] += x * y
    total = sum(out)
    return [x / total for x in out]


def _attend(facts: dict[str, NDArray[np.int64]], g: Group, x: NDArray[np.int64]) -> None:
    """``x`` members of the group ``g`` came: count them in every attendance fact they are in."""
    facts["present_members"] += x
    for sub in g.subsets:
        facts[f"present_members@{sub}"] += x
    for office in g.signs:  # every participant signs the minutes, the office-holders too
        facts[f"signed@{office}"] += x
    if g.voter:
        facts["present"] += x
        if g.representative:  # a villager representative whose yes a legal regime counts
            facts["present_representatives"] += x
    if g.adult:
        facts["present_adults"] += x


class _Chunk:
    """The state of one chunk of runs while it moves through the plan."""

    def __init__(self, plan: Plan, params: SimParams, seed: int, chunk: int, runs: int,
                 visits: bool = False) -> None:
        import numpy as np

        self.np = np
        self.plan, self.params, self.n = plan, params, runs
        s = len(plan.stages)
        self.pos = np.full(runs, plan.index(plan.start), dtype=np.int64)
        self.outcome = np.full(runs, -1, dtype=np.int64)
        self.end_stage = np.full(runs, -1, dtype=np.int64)
        self.end_rule = np.full(runs, -1, dtype=np.int64)
        self.end_route = np.full(runs, PASS, dtype=np.int64)
        self.days = np.zeros(runs, dtype=np.int64)
        self.reconvenings = np.zeros(runs, dtype=np.int64)
        self.revisions = np.zeros(runs, dtype=np.int64)
        self.consultation_rounds = np.zeros(runs, dtype=np.int64)
        self.meetings = np.zeros(runs, dtype=np.int64)
        self.rounds = np.zeros((runs, s), dtype=np.int64)
        self.here = np.zeros(runs, dtype=np.int64)  # reconvenings in the current stage visit
        # The calendar, as the engine path's clock has it: ``days + shift`` days after DAY0.
        # ``days`` count a wait for a lunar day at its mean, while the clock moves to the actual
        # day; a late task moves the clock well past its deadline (``late_shift``). Deadlines
        # count on the calendar, from the day the current stage visit began (``entered``):
        # every move, to the same stage too, begins one, as the engine's ``entered_at``.
        self.shift = np.zeros(runs, dtype=np.int64)
        self.entered = np.zeros(runs, dtype=np.int64)
        self.level = np.zeros(runs, dtype=np.int64)  # escalation level (0: the lowest)
        self.steps = np.zeros(runs, dtype=np.int64)
        self.support = draw_support(params, rng_for(seed, chunk, 0), runs)
        self.rngs = [rng_for(seed, chunk, stream_key(f"{st.id}|{st.body}")) for st in plan.stages]
        self.rules: list[str] = [""]  # rule names by code; 0 = none
        self.outcome_ids = list(plan.outcomes)
        # the per-stage table, when asked for: the visits so far, and the counts of the step
        # being taken (set by meeting and consultation)
        self.record = visits
        self.visit_rows: list[dict[str, NDArray[np.int64]]] = []
        self.visits = np.zeros((runs, s), dtype=np.int64)
        self.counts: dict[str, NDArray[np.int64]] = {}

    def rule_code(self, rule: str) -> int:
        if rule not in self.rules:
            self.rules.append(rule)
        return self.rules.index(rule)

    # -- the main loop ----------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        np = self.np
        while True:
            moved = False
            for st in self.plan.stages:
                ix = np.flatnonzero(self.pos == st.index)
                if ix.size == 0:
                    continue
                moved = True
                before = self.days[ix].copy() if self.record else None
                key, rule = self.step(st, ix)
                if before is not None:
                    self.note(st, ix, key, rule, before)
                self.route(st, ix, key, rule)
            if not moved:
                break
        return self.columns()

    def step(self, st: StagePlan, ix: NDArray[np.int64]
             ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        np = self.np
        m = ix.size
        rng = self.rngs[st.index]
        key = np.full(m, PASS, dtype=np.int64)
        rule = np.zeros(m, dtype=np.int64)
        uncovered: Mask | None = None
        if st.action is ActionKind.MEETING:
            first = self.here[ix] == 0
            since = self.days[ix].copy()
            self.days[ix] += np.where(first, st.gap_days, st.reconvene_days)
            uncovered = self.wait_out(st, ix, since)
        if st.wait_days:
            self.days[ix] += st.wait_days  # waiting for the next scheduled lunar day
            self.to_scheduled_day(st, ix)
        if st.static_failure is not None:
            key[:] = DEADLINE
            rule[:] = self.rule_code(st.static_failure)
            return key, rule
        if st.action is ActionKind.MEETING:
            return self.beyond_calendar(*self.meeting(st, ix, rng), uncovered)
        if st.action is ActionKind.CONSULTATION:
            return self.consultation(st, ix, rng)
        if st.action is ActionKind.TASK:
            return self.task(st, ix, rng)
        if st.action is ActionKind.EVALUATION:
            return self.evaluation(st, ix, rng)
        if st.action is ActionKind.GATE:
            return self.gate(st, ix, rng)
        if st.action is ActionKind.DISCLOSURE:
            since = self.days[ix].copy()
            self.days[ix] += st.min_days
            uncovered = self.wait_out(st, ix, since)
            objected = (rng.random(m) < self.params.objection_rate) & ~uncovered
            key[objected] = OBJECTION
            rule[objected] = self.rule_code("objection")
            self.days[ix[objected]] += st.objection_days
            return self.beyond_calendar(key, rule, uncovered)
        # a motion: raised in writing by enough villagers, or it stalls
        if len(st.proposers) < st.motion_needed:
            key[:] = DEADLINE
            rule[:] = self.rule_code("written-motion")
        return key, rule

    def wait_out(self, st: StagePlan, ix: NDArray[np.int64], since: NDArray[np.int64]) -> Mask:
        """Wait on, past the least days already added, until every period of the stage
        (notice, circulation, posting) started on day ``since`` has run, on the dates the
        engine path meets (:func:`~.model.period_wait`, asked once per distinct day); the runs
        whose dates the holiday tables do not cover, where the engine path stalls."""
        np = self.np
        if not st.waits:
            none: Mask = np.zeros(ix.size, dtype=bool)
            return none
        days, where = np.unique(since, return_inverse=True)
        waits = [period_wait(st.waits, int(d)) for d in days]
        uncovered: Mask = np.array([w is None for w in waits], dtype=bool)[where]
        need = np.array([w or 0 for w in waits], dtype=np.int64)[where]
        self.days[ix] = np.maximum(self.days[ix], since + need)
        return uncovered

    def beyond_calendar(self, key: NDArray[np.int64], rule: NDArray[np.int64],
                        uncovered: Mask | None) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Runs whose period could not be counted stall, as the engine path's do."""
        if uncovered is not None and uncovered.any():
            key[uncovered] = DEADLINE
            rule[uncovered] = self.rule_code("deadline")
        return key, rule

    def note(self, st: StagePlan, ix: NDArray[np.int64], key: NDArray[np.int64],
             rule: NDArray[np.int64], before: NDArray[np.int64]) -> None:
        """One row per run of ``ix`` for the step just taken at ``st`` (the per-stage table)."""
        np = self.np
        m = ix.size
        self.visits[ix[self.here[ix] == 0], st.index] += 1
        none = np.full(m, -1, dtype=np.int64)
        counts, self.counts = self.counts, {}
        meeting = st.action is ActionKind.MEETING and st.static_failure is None
        # a meeting refused (its observers or signers wanting) was not held: no number
        held = counts.get("held", np.ones(m, dtype=np.int64)) == 1
        self.visit_rows.append({
            "run": ix.copy(),
            "step": self.steps[ix] + 1,
            "stage": np.full(m, st.index, dtype=np.int64),
            "visit": self.visits[ix, st.index],
            "meeting": np.where(held, self.rounds[ix, st.index], -1) if meeting else none,
            "electorate": np.where(held, st.expected, -1) if meeting else none,
            "present": counts.get("present", none),
            "yes": counts.get("yes", none),
            "quorum_met": counts.get("quorum_met", none),
            "passed": (key == PASS).astype(np.int64),
            "route": key.copy(),
            "rule": rule.copy(),
            "rounds": counts.get("rounds", none),
            "days": self.days[ix] - before,
            "day": self.days[ix].copy(),
        })

    def meeting(self, st: StagePlan, ix: NDArray[np.int64], rng: np.random.Generator
                ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Draw who comes and how they vote; a meeting refused for want of observers or an
        office-holder's signature is drawn again ``reconvene_days`` later, up to
        ``max_reconvenings`` times (then the case stalls, the refusing rule named)."""
        np = self.np
        facts, votes = self.sample(st, ix, rng)
        held, refused = self.checks(st, facts)
        for _ in range(self.params.max_reconvenings if st.checks else 0):
            again = np.flatnonzero(~held)
            if again.size == 0:
                break
            self.days[ix[again]] += st.reconvene_days
            f2, v2 = self.sample(st, ix[again], rng)
            for k, col in f2.items():
                facts[k][again] = col
            votes[:, again] = v2
            held[again], refused[again] = self.checks(st, f2)
        return self.decide(st, ix, facts, votes, held, refused)

    def sample(self, st: StagePlan, ix: NDArray[np.int64], rng: np.random.Generator
               ) -> tuple[dict[str, NDArray[np.int64]], NDArray[np.int64]]:
        """Attendance (and observers) and the yes votes: one row per item voted by itself,
        else one row for the meeting's vote."""
        np = self.np
        m = ix.size
        facts = {k: np.zeros(m, dtype=np.int64)
                 for k in ("present", "present_members", "present_adults", "present_households",
                           *(f"present_members@{s}" for s in st.subsets),
                           *(f"signed@{o}" for o in st.signers),
                           *(("present_representatives",) if st.representative_yes else ()))}
        a = self.params.strategic_abstention
        if a > 0 and st.quorum:
            return self.strategic_meeting(st, ix, rng, facts, a)
        if st.household_classes:
            p = st.groups[0].p if st.groups else 0.0
            res = next((g.p for g in st.groups if g.resident), p)
            away = next((g.p for g in st.groups if not g.resident), p)
            for r, a, h in st.household_classes:
                pmf = household_pmf(r, a, res, away)
                counts = rng.multinomial(h, pmf, size=m)
                attending = counts @ np.arange(len(pmf))
                facts["present_adults"] += attending
                facts["present_households"] += h - counts[:, 0]
            facts["present"] += facts["present_adults"]
            facts["present_members"] += facts["present_adults"]
        else:
            for g in st.groups:
                _attend(facts, g, rng.binomial(g.n, g.p, size=m))
        self.observe(st, facts, rng, m)
        # The vote (held only where the quorum is met; the draw is made for all, so the streams
        # do not depend on who had a quorum).
        s = stage_support(self.params, st.body, self.support[ix], rng, st.committee)
        if st.items:
            shares = item_supports(self.params, st.body, [it.id for it in st.items], s,
                                   st.committee)
        else:
            shares = [s]
        return facts, self.vote(st, facts, [x * (1.0 - self.params.abstention)
                                            for x in shares], rng)

    def vote(self, st: StagePlan, facts: dict[str, NDArray[np.int64]],
             p_yes: Sequence[NDArray[np.float64]], rng: np.random.Generator
             ) -> NDArray[np.int64]:
        """Each vote's yes votes, each voter present yes with ``p_yes`` (one per vote): a row
        per vote; where the yes votes of villager representatives count apart
        (``representative_yes``), theirs and the others' are drawn apart, their sum the vote's
        row and theirs a row after all of those."""
        np = self.np
        present = facts["present"]
        if not st.representative_yes:
            out: Counts = np.stack([rng.binomial(present, q) for q in p_yes])
            return out
        reps = facts["present_representatives"]
        theirs = [rng.binomial(reps, q) for q in p_yes]
        others = [rng.binomial(present - reps, q) for q in p_yes]
        both: Counts = np.stack([a + b for a, b in zip(theirs, others, strict=True)] + theirs)
        return both

    def observe(self, st: StagePlan, facts: dict[str, NDArray[np.int64]],
                rng: np.random.Generator, m: int) -> None:
        """Those who come to observe: each alike group drawn once, counted for every selector
        that picks it (as the engine counts the observers named)."""
        np = self.np
        for _n, among in st.observer_groups:
            for sel in among:
                facts.setdefault(f"observers@{sel}", np.zeros(m, dtype=np.int64))
        for n, among in st.observer_groups:
            x = rng.binomial(n, self.params.observer_attendance, size=m)
            for sel in among:
                facts[f"observers@{sel}"] += x

    def checks(self, st: StagePlan, facts: dict[str, NDArray[np.int64]]
               ) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
        """Whether the meeting may be held (its observers and signers suffice), and the code of
        the first rule that refuses it (0 where none does)."""
        return self.clauses(st.check_rule_ids, st.checks, facts)

    def clauses(self, rule_ids: Sequence[str], clauses: Sequence[Sequence[QuorumAlt]],
                facts: dict[str, NDArray[np.int64]]
                ) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
        """Where every rule's clause holds (a clause: any of its alternatives reaches its needed
        count), and the code of the first rule whose clause fails (0 where none does): the
        meeting's checks and its quorum alike."""
        np = self.np
        m = facts["present"].size
        held = np.ones(m, dtype=bool)
        rule = np.zeros(m, dtype=np.int64)
        for rule_id, alts in zip(rule_ids, clauses, strict=True):
            ok = np.zeros(m, dtype=bool)
            for alt in alts:
                ok |= facts[alt.count] >= alt.needed
            rule[~ok & held] = self.rule_code(rule_id)
            held &= ok
        return held, rule

    def strategic_meeting(self, st: StagePlan, ix: NDArray[np.int64], rng: np.random.Generator,
                          facts: dict[str, NDArray[np.int64]], a: float
                          ) -> tuple[dict[str, NDArray[np.int64]], NDArray[np.int64]]:
        """A meeting with a participation quorum where a share ``a`` of the opponents stay
        away: a voter comes as a supporter with p·s, as an opponent with p·(1 − s)·(1 − a);
        among those present a voter is a supporter with s / (s + (1 − s)(1 − a)). The
        meeting's support is drawn first (the opponents know where they stand)."""
        np = self.np
        s = stage_support(self.params, st.body, self.support[ix], rng, st.committee)
        come = s + (1.0 - s) * (1.0 - a)
        for g in st.groups:
            _attend(facts, g, rng.binomial(g.n, g.p * come if g.voter else np.full(ix.size, g.p)))
        self.observe(st, facts, rng, ix.size)
        share = np.divide(s, come, out=np.zeros_like(s), where=come > 0)
        return facts, self.vote(st, facts, [share * (1.0 - self.params.abstention)], rng)

    def decide(self, st: StagePlan, ix: NDArray[np.int64], facts: dict[str, NDArray[np.int64]],
               votes: NDArray[np.int64], held: NDArray[np.bool_], refused: NDArray[np.int64]
               ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Quorum, then approval (each item's, where items are voted one by one), against the
        plan's exact needed counts; the route key. A meeting not ``held`` was refused by the
        rule ``refused`` names: the case stalls there (the ``deadline`` route)."""
        np = self.np
        m = ix.size
        quorum_ok, rule = self.clauses(st.quorum_rule_ids, st.quorum, facts)
        present = facts["present"]
        if st.items:
            approval_ok = self.items(st, present, votes, quorum_ok, rule)
        else:
            approval_ok = self.approve(st.approval, present, votes[0], quorum_ok, rule,
                                       votes[1] if st.representative_yes else None)
        key = np.where(~quorum_ok, NO_QUORUM, np.where(approval_ok, PASS, REJECTED))
        key[~held] = DEADLINE
        rule[~held] = refused[~held]
        if self.record:
            # the vote counts only where the quorum was met (elsewhere no vote was held), and
            # only one vote (items have one each); a refused meeting counts nothing
            yes = np.full(m, -1, dtype=np.int64) if st.items else votes[0]
            self.counts = {"present": np.where(held, present, -1),
                           "yes": np.where(quorum_ok & held, yes, -1),
                           "quorum_met": np.where(held, quorum_ok.astype(np.int64), -1),
                           "held": held.astype(np.int64)}
        self.meetings[ix] += held
        self.rounds[ix, st.index] += held
        self._cap_rounds(st, ix, key, (key != PASS) & held)
        return key, rule

    def approve(self, approvals: Sequence[Approval], present: NDArray[np.int64],
                yes: NDArray[np.int64], quorum_ok: NDArray[np.bool_], rule: NDArray[np.int64],
                representative_yes: NDArray[np.int64] | None = None) -> NDArray[np.bool_]:
        """Whether every vote of ``approvals`` holds on ``yes`` (or, for one counting the
        villager representatives' only, on ``representative_yes``); ``rule`` gets the code of
        the first that fails (where the quorum was met and no rule is named yet)."""
        np = self.np
        approval_ok = np.ones(present.size, dtype=bool)
        for ap in approvals:
            if ap.count == "representative_yes":
                # sampled where a vote counts it; a regime's need is one number (the body's)
                assert representative_yes is not None and ap.fixed_needed is not None
                ok = representative_yes >= ap.fixed_needed
            elif ap.fixed_needed is not None:
                ok = yes >= ap.fixed_needed
            else:
                # votes cast = yes + no + abstain = every voter present (nobody leaves blank)
                ok = yes >= np.asarray(ap.table, dtype=np.int64)[present]
            rule[~ok & approval_ok & quorum_ok & (rule == 0)] = self.rule_code(ap.rule_id)
            approval_ok &= ok
        out: Mask = approval_ok
        return out

    def items(self, st: StagePlan, present: NDArray[np.int64], votes: NDArray[np.int64],
              quorum_ok: NDArray[np.bool_], rule: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Each item by its own votes; the stage passes when every item is adopted (``all``)
        or one is (``any``). ``rule``: the first failed vote of the first item not adopted."""
        np = self.np
        adopted = np.zeros((len(st.items), present.size), dtype=bool)
        first = np.zeros(present.size, dtype=np.int64)
        apart = len(st.items) if st.representative_yes else None  # their rows follow
        for i, item in enumerate(st.items):
            mine = np.zeros(present.size, dtype=np.int64)
            adopted[i] = self.approve(item.approval, present, votes[i], quorum_ok, mine,
                                      votes[apart + i] if apart is not None else None)
            first[(first == 0) & ~adopted[i]] = mine[(first == 0) & ~adopted[i]]
        passed: Mask = adopted.all(axis=0) if st.item_policy == "all" \
            else adopted.any(axis=0)
        name = quorum_ok & ~passed & (rule == 0)
        rule[name] = first[name]
        return passed

    def task(self, st: StagePlan, ix: NDArray[np.int64], rng: np.random.Generator
             ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """A handler declines, cannot solve it at this level, misses the deadline, or does it.
        Where the stage's deadline has already passed when the handler would report (the days
        the visit took: revisions, the task itself), nothing can be reported: the lapse is
        recorded and the case takes the deadline route, as the engine has it."""
        np = self.np
        m = ix.size
        pr = self.params
        self.days[ix] += pr.task_days
        u = rng.random((3, m))
        expired = self.expired(st, ix)
        declined = ~expired & (u[0] >= pr.task_accept)
        unresolved = ~expired & ~declined & (u[1] >= pr.task_solve)
        late = ~expired & ~declined & ~unresolved & (u[2] >= pr.task_on_time) & st.has_deadline
        key = np.full(m, PASS, dtype=np.int64)
        rule = np.zeros(m, dtype=np.int64)
        key[declined] = DECLINED
        rule[declined] = self.rule_code("declined")
        key[unresolved] = UNRESOLVED
        rule[unresolved] = self.rule_code("unresolved")
        key[late | expired] = DEADLINE
        rule[late | expired] = self.rule_code("deadline")
        self.days[ix[late]] += st.deadline_days
        self.shift[ix[late]] += late_shift(st)
        failed = declined | unresolved
        self.rounds[ix, st.index] += failed
        self._cap_rounds(st, ix, key, failed)
        return key, rule

    def to_scheduled_day(self, st: StagePlan, ix: NDArray[np.int64]) -> None:
        """The runs of ``ix`` wait for the stage's next scheduled lunar day: ``days`` counted
        the mean wait, the calendar moves to the actual day (each distinct day asked once)."""
        np = self.np
        before = self.days[ix] - st.wait_days + self.shift[ix]
        dates, inverse = np.unique(before, return_inverse=True)
        waits = np.array([lunar_wait(st, int(d)) for d in dates], dtype=np.int64)
        self.shift[ix] += waits[inverse.ravel()] - st.wait_days

    def expired(self, st: StagePlan, ix: NDArray[np.int64]) -> Mask:
        """Which runs of ``ix`` are past a deadline of ``st`` today (each distinct pair of the
        visit's first day and today asked once, through :func:`~.model.deadline_passed`)."""
        np = self.np
        if not st.deadlines:
            out: Mask = np.zeros(ix.size, dtype=bool)
            return out
        today = self.days[ix] + self.shift[ix]
        pairs, inverse = np.unique(np.stack([self.entered[ix], today]), axis=1,
                                   return_inverse=True)
        passed = np.array([deadline_passed(st.deadlines, int(a), int(b)) for a, b in pairs.T],
                          dtype=bool)
        out = passed[inverse.ravel()]
        return out

    def evaluation(self, st: StagePlan, ix: NDArray[np.int64], rng: np.random.Generator
                   ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Signed ratings, each satisfied with the same chance; the rule decides."""
        np = self.np
        m = ix.size
        self.days[ix] += self.params.evaluation_days
        satisfied = rng.binomial(st.ratings, self.params.satisfaction, size=m)
        ok = satisfied >= st.satisfied_needed
        key = np.where(ok, PASS, REJECTED)
        rule = np.where(ok, 0, self.rule_code(st.satisfaction_rule_id))
        self.rounds[ix, st.index] += 1
        self._cap_rounds(st, ix, key, ~ok)
        return key, rule

    def gate(self, st: StagePlan, ix: NDArray[np.int64], rng: np.random.Generator
             ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """An authority asked to approve refuses, else the gate returns the matter, else it
        lets it through; every decision is a round, a return capped by ``max_rounds``."""
        np = self.np
        m = ix.size
        pr = self.params
        self.days[ix] += pr.gate_days
        u = rng.random((2, m))
        refused = (u[0] < pr.authority_refusal) & st.approves
        returned = ~refused & (u[1] < pr.gate_return)
        key = np.full(m, PASS, dtype=np.int64)
        rule = np.zeros(m, dtype=np.int64)
        key[refused] = REJECTED
        rule[refused] = self.rule_code("authority")
        key[returned] = RETURNED
        rule[returned] = self.rule_code("authority" if st.authority else "checks")
        self.rounds[ix, st.index] += 1
        self._cap_rounds(st, ix, key, refused | returned)
        return key, rule

    def _cap_rounds(self, st: StagePlan, ix: NDArray[np.int64], key: NDArray[np.int64],
                    failed: NDArray[np.bool_]) -> None:
        """Runs that failed at ``st`` for the ``max_rounds``-th time end there (``MAX_ROUNDS``)."""
        if st.max_rounds is not None:
            key[failed & (self.rounds[ix, st.index] >= st.max_rounds)] = MAX_ROUNDS

    def consultation(self, st: StagePlan, ix: NDArray[np.int64], rng: np.random.Generator
                     ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        np = self.np
        m = ix.size
        pr = self.params
        p_away = pr.reach_away_proxy if st.proxies else pr.reach_away
        left_r = np.full(m, st.resident_units, dtype=np.int64)
        left_a = np.full(m, st.away_units, dtype=np.int64)
        signed = np.zeros(m, dtype=np.int64)
        used = np.zeros(m, dtype=np.int64)
        done = signed >= st.coverage_needed
        for _ in range(st.rounds_cap):
            going = ~done
            if not going.any():
                break
            used += going
            got_r = rng.binomial(np.where(going, left_r, 0), pr.reach_resident)
            got_a = rng.binomial(np.where(going, left_a, 0), p_away)
            left_r -= got_r
            left_a -= got_a
            signed += rng.binomial(got_r + got_a, 1.0 - pr.refuse_sign)
            done = signed >= st.coverage_needed
        if self.record:
            self.counts = {"rounds": used.copy()}
        self.consultation_rounds[ix] += used
        self.days[ix] += used * pr.consultation_round_days
        fail = MAX_ROUNDS if st.max_rounds is not None else DEADLINE
        key = np.where(done, PASS, fail)
        rule = np.where(done, 0, self.rule_code(st.coverage_rule_id))
        return key, rule

    # -- routes -------------------------------------------------------------------------------
    def route(self, st: StagePlan, ix: NDArray[np.int64], key: NDArray[np.int64],
              rule: NDArray[np.int64]) -> None:
        np = self.np
        self.steps[ix] += 1
        too_long = self.steps[ix] > self.params.max_steps
        key = np.where(too_long, DEADLINE, key)
        for k in np.unique(key):
            sel = key == k
            self.go(st, ix[sel], int(k), rule[sel], st.target(int(k)))

    def go(self, st: StagePlan, ix: NDArray[np.int64], key: int, rule: NDArray[np.int64],
           target: str) -> None:
        if target == ESCALATE:
            # one level up (a fresh visit of escalation.to, not a revision), or from the top
            # level to escalation.top
            up = self.level[ix] + 1 < self.plan.levels
            self.level[ix[up]] += 1
            self.pos[ix[up]] = self.plan.index(self.plan.escalate_to)
            self.here[ix[up]] = 0
            self.entered[ix[up]] = self.days[ix[up]] + self.shift[ix[up]]
            if (~up).any():
                self.go(st, ix[~up], key, rule[~up], self.plan.escalate_top)
            return
        if target == RECONVENE:
            self.here[ix] += 1
            self.reconvenings[ix] += 1
            self.entered[ix] = self.days[ix] + self.shift[ix]
            over = self.here[ix] > self.params.max_reconvenings
            if over.any():
                # The simulator's cap: a stage that keeps failing lets the matter lapse.
                self.here[ix[over]] -= 1
                self.reconvenings[ix[over]] -= 1
                deadline = st.target(DEADLINE)
                self.go(st, ix[over], DEADLINE, rule[over],
                        deadline if deadline != RECONVENE else self._lapsed())
            return
        if target in self.outcome_ids:
            self.pos[ix] = -1
            self.outcome[ix] = self.outcome_ids.index(target)
            self.end_stage[ix] = st.index
            self.end_rule[ix] = rule
            self.end_route[ix] = key
            return
        j = self.plan.index(target)
        # (the revision below is time spent in the new visit)
        self.entered[ix] = self.days[ix] + self.shift[ix]
        if j <= st.index:
            # Back to an earlier stage: a revision round; support moves towards the plan.
            self.revisions[ix] += 1
            self.support[ix] += self.params.revision_gain * (1.0 - self.support[ix])
            self.days[ix] += self.params.revision_days
        self.pos[ix] = j
        self.here[ix] = 0

    def _lapsed(self) -> str:
        for oid, kind in self.plan.outcome_kinds.items():
            if kind == "lapsed":
                return oid
        return next(o for o, k in self.plan.outcome_kinds.items() if k == "failure")

    def columns(self) -> dict[str, Any]:
        """Text columns as (codes, categories) — cheap to ship between processes and to turn
        into pandas categoricals; counts as int64 arrays."""
        stage_ids = tuple(st.id for st in self.plan.stages)
        out = {
            "outcome": (self.outcome, tuple(self.outcome_ids)),
            "end_stage": (self.end_stage, stage_ids),
            "end_rule": (self.end_rule, tuple(self.rules)),
            "end_route": (self.end_route, KEYS),
            "days": self.days,
            "reconvenings": self.reconvenings,
            "revisions": self.revisions,
            "consultation_rounds": self.consultation_rounds,
            "meetings": self.meetings,
        }
        if self.record:
            np = self.np
            rows = self.visit_rows
            cat = {c: np.concatenate([r[c] for r in rows]) if rows
                   else np.zeros(0, dtype=np.int64) for c in VISIT_COLUMNS}
            out["visits"] = {
                **cat,
                "stage": (cat["stage"], stage_ids),
                "route": (cat["route"], KEYS),
                "rule": (cat["rule"], tuple(self.rules)),
            }
        return out


def lunar_wait(st: StagePlan, day: int) -> int:
    """Days from day ``day`` of the simulation to the stage's next scheduled lunar day (0 on
    one): where the engine path's clock moves."""
    on = DAY0 + timedelta(days=day)
    return (LunarSchedule(st.lunar_days, st.lunar_month).next_on_or_after(on) - on).days


def late_shift(st: StagePlan) -> int:
    """How far the engine path's clock runs ahead of ``days`` when a task is late: it waits
    ``2 · deadline_days + 14`` days, so surely past a deadline in working days, while ``days``
    count ``deadline_days``."""
    return st.deadline_days + 14


def encode(values: Sequence[str]) -> tuple[NDArray[np.int64], tuple[str, ...]]:
    """Text values as (codes, categories), categories in order of first appearance."""
    import numpy as np

    cats: dict[str, int] = {}
    codes = np.array([cats.setdefault(v, len(cats)) for v in values], dtype=np.int64)
    return codes, tuple(cats)


def decode(column: Any) -> Any:
    """A column of :func:`run_chunk`'s result as plain values (text columns decoded)."""
    import numpy as np

    if isinstance(column, tuple):
        codes, cats = column
        return np.array(cats, dtype=object)[codes]
    return column


def run_chunk(plan: Plan, params: SimParams, seed: int, chunk: int, runs: int,
              visits: bool = False) -> dict[str, Any]:
    """Simulate ``runs`` cases of chunk ``chunk``; returns the columns of :data:`COLUMNS`
    (and, with ``visits``, the per-stage table's :data:`VISIT_COLUMNS` under ``"visits"``).
    Recording visits draws no random numbers: the runs are the same either way."""
    return _Chunk(plan, params, seed, chunk, runs, visits).run()
