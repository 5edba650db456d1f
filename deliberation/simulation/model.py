"""A procedure compiled for simulation: every stage's counts, thresholds and routes, once.

Both simulation paths start here. :func:`compile_plan` walks ``procedure.stages`` generically
(no stage or procedure is named in this module): for each stage it resolves the body and its
rules with the scenario's setting overrides, counts the body on the roster (members and voters,
resident or away), turns every count threshold into the exact integer ``Threshold.needed(total)``
the engine uses, checks the rules that do not depend on sampled counts once (notice periods,
witnesses, channels…) with the registry's own ``check``, and resolves every route with
``Procedure.target`` (skipped stages are passed through, as the engine does).

>>> from deliberation import load_procedure
>>> plan = compile_plan(load_procedure("four-deliberations"), SimParams())
>>> [s.id for s in plan.stages]
['proposal', 'discussion', 'review', 'resolution', 'resolution-disclosure', 'results-disclosure']
>>> review = plan.stage("review")
>>> review.quorum[0][0].needed, review.approval[0].base
(23, 'expected')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Final, TypeVar, cast

import attrs

from deliberation.definition.model import (
    ESCALATE,
    RECONVENE,
    ROUTE_KEYS,
    ActionKind,
    Procedure,
    RuleSpec,
    Stage,
    by_id,
)
from deliberation.diagnostics import closest
from deliberation.engine.census import subsets_read
from deliberation.engine.plan import normalise_settings
from deliberation.errors import DeliberationError
from deliberation.i18n import _, as_written, quoted
from deliberation.roster import Roster
from deliberation.rules import RULES, Effect, Facts, Rule
from deliberation.rules.attendance import Approval as ApprovalRule
from deliberation.rules.attendance import Quorum
from deliberation.rules.calendars import LunarSchedule
from deliberation.rules.composite import Composite
from deliberation.rules.consultation import ConsultationCoverage
from deliberation.rules.days import Period
from deliberation.rules.disclosure import Disclosure
from deliberation.rules.electorate import AWAY_UNTRANSFERRED
from deliberation.rules.gates import GateSignatures
from deliberation.rules.law import REPRESENTATIVE_SELECTORS, is_representative
from deliberation.rules.motion import ProposalSupport, WrittenMotion
from deliberation.rules.observers import OBSERVERS
from deliberation.rules.office_signatures import SIGNED
from deliberation.rules.regimes import (
    REPRESENTATIVES,
    MatterRegime,
    admission,
    missing_approvals,
    notice_days,
    unapproved,
)
from deliberation.rules.schedules import Deadline, LunarScheduleRule
from deliberation.rules.tasks import Satisfaction
from deliberation.rules.thresholds import Threshold
from deliberation.simulation.params import SimParams, committee_body

# Route keys, as small integers for the vectorised path (order = definition.ROUTE_KEYS).
(PASS, NO_QUORUM, REJECTED, MAX_ROUNDS, DEADLINE, OBJECTION, DECLINED, UNRESOLVED, SHORT,
 RETURNED) = range(10)
KEYS: Final = ROUTE_KEYS
assert KEYS[DECLINED] == "declined" and KEYS[UNRESOLVED] == "unresolved" and KEYS[SHORT] == "short"
assert KEYS[RETURNED] == "returned"

# The rules the simulator samples (their verdict depends on sampled counts, or on how it
# schedules); every other rule is asked once per stage on what the schedule guarantees.
SAMPLED: Final = (Quorum, ApprovalRule, ConsultationCoverage, WrittenMotion, Satisfaction,
                  Deadline, LunarScheduleRule, GateSignatures)


_R = TypeVar("_R", bound=Rule)


class SimulationError(DeliberationError):
    """The scenario cannot be simulated (e.g. a rule the simulator cannot sample)."""


@attrs.frozen
class Group:
    """Members of a body alike for sampling: ``n`` people attending with ``p`` each."""

    n: int
    p: float
    voter: bool
    adult: bool
    resident: bool
    excused: bool
    subsets: tuple[str, ...] = ()  # the subsets of the body some quorum counts, it belongs to
    signs: tuple[str, ...] = ()  # the offices it holds whose signature a rule requires
    # villager representatives, where a legal regime counts their yes votes apart (at a
    # representatives' meeting: 农村土地承包法 Art. 19(3), rules/regimes.py)
    representative: bool = False


@attrs.frozen
class QuorumAlt:
    """One quorum alternative: ``count`` (a Facts field) must reach ``needed``."""

    count: str
    needed: int
    total: int


@attrs.frozen
class Approval:
    """An approval rule: yes votes against ``base``; ``needed`` is a table indexed by the
    total when the total is sampled (``present``, ``votes_cast``), else one number."""

    rule_id: str
    base: str
    threshold: Threshold | None  # None: a count derived from the rule's requirements
    fixed_needed: int | None
    table: tuple[int, ...] = ()
    # the yes votes it counts: everyone's, or (a legal regime at a representatives' meeting)
    # the villager representatives' only
    count: str = "yes"

    def needed_for(self, total: int) -> int:
        return self.fixed_needed if self.fixed_needed is not None else self.table[total]


@attrs.frozen
class ItemPlan:
    """An item a meeting votes on by itself: every vote in ``approval`` must hold on its yes
    (its own approval or the stage's, then the legal regime's, as the engine asks them)."""

    id: str
    approval: tuple[Approval, ...]


@attrs.frozen
class StagePlan:
    """One stage, ready to sample."""

    id: str
    index: int
    action: ActionKind
    body: str
    max_rounds: int | None
    targets: tuple[str, ...]  # by route key index: a stage id, an outcome id or RECONVENE
    static_failure: str | None  # a rule that fails whatever is sampled (the case stalls)
    gap_days: int  # days from the previous step to this stage's meeting
    reconvene_days: int
    # the periods that must have run, from the notice (or circulation) to the meeting and from
    # the posting to its conclusion: the engine path waits, on the run's actual local dates,
    # until each has run as its rule counts it (a Civil-Code period whose last day is a
    # holiday runs to the day after the holiday); ``gap_days``/``min_days`` are their least
    waits: tuple[Period, ...] = ()
    # meetings
    groups: tuple[Group, ...] = ()
    members: int = 0
    voters: int = 0
    expected: int = 0
    households: int = 0
    adults: int = 0
    excused: int = 0
    quorum: tuple[tuple[QuorumAlt, ...], ...] = ()  # every rule holds; within one, any alt
    quorum_rule_ids: tuple[str, ...] = ()
    approval: tuple[Approval, ...] = ()
    household_classes: tuple[tuple[int, int, int], ...] = ()  # (resident, away, count)
    subsets: tuple[str, ...] = ()  # subsets of the body a quorum counts (``woman``…)
    # whether the yes votes of villager representatives are sampled apart (a legal regime
    # counts only theirs: each vote's row of them follows the rows of all yes votes)
    representative_yes: bool = False
    # preconditions counted on who comes (observers, office-holders' signatures): every clause
    # must hold, a clause when one of its counts (``observers@<selector>``, ``signed@<office>``)
    # reaches its need; else the meeting is refused and held again later
    checks: tuple[tuple[QuorumAlt, ...], ...] = ()
    check_rule_ids: tuple[str, ...] = ()
    # those who may come to observe, alike: (how many, the selectors of the checks they are in)
    observer_groups: tuple[tuple[int, tuple[str, ...]], ...] = ()
    signers: tuple[str, ...] = ()  # offices whose holders must sign (``signed@<office>``)
    # items voted one by one, and how they decide the stage (``all`` or ``any`` adopted)
    items: tuple[ItemPlan, ...] = ()
    item_policy: str = "all"
    committee: bool = False  # the body is a village committee (``committee_support``)
    # motions
    motion_needed: int = 0
    proposers: tuple[str, ...] = ()  # who raises the motion (:func:`simulated_proposers`)
    # consultations
    unit: str = "villager"
    population: int = 0
    resident_units: int = 0
    away_units: int = 0
    coverage_needed: int = 0
    coverage_rule_id: str = "consultation-coverage"
    proxies: bool = False
    rounds_cap: int = 0
    # disclosures
    min_days: int = 0
    objection_days: int = 0
    # a lunar schedule: the days waited for the next scheduled day, and the schedule itself
    wait_days: int = 0
    lunar_days: tuple[int, ...] = ()
    lunar_month: int | None = None
    # tasks: whether a deadline applies (a late task takes the deadline route), and the
    # stage's deadline rules themselves (a task reported after one has passed is refused by
    # the engine: the case takes the deadline route instead, see :func:`deadline_passed`)
    has_deadline: bool = False
    deadline_days: int = 0
    deadlines: tuple[Deadline, ...] = ()
    # evaluations: ratings sampled, satisfied needed, the satisfaction rule's id
    ratings: int = 0
    satisfied_needed: int = 0
    satisfaction_rule_id: str = "satisfaction"
    # gates: the signatures a body's decision needs (signed by its first members), or the
    # authority deciding it and whether it is asked to approve (it may then refuse)
    gate_signers: int = 0
    gate_checks: tuple[str, ...] = ()
    authority: str = ""
    approves: bool = False

    def target(self, key: int) -> str:
        return self.targets[key]


@attrs.frozen
class Plan:
    """A procedure compiled against one scenario."""

    procedure_id: str
    stages: tuple[StagePlan, ...]
    start: str  # the first stage that is not skipped
    outcomes: tuple[str, ...]
    outcome_kinds: Mapping[str, str]
    success: str
    overrides: Mapping[str, Any]
    # the escalation ladder: its number of levels, where a case resumes and where the top goes
    levels: int = 0
    escalate_to: str = ""
    escalate_top: str = ""

    def stage(self, stage_id: str) -> StagePlan:
        return by_id(self.stages, stage_id)

    def index(self, stage_id: str) -> int:
        return self.stage(stage_id).index


def _bound(procedure: Procedure, spec: RuleSpec, overrides: Mapping[str, Any]) -> Rule:
    rtype = RULES.get(spec.rule)
    if rtype is None:
        raise SimulationError(_(
            "rule {rule!r} is not registered, so it cannot be simulated",
        ).format(rule=spec.rule))
    return rtype.bind(spec.id, procedure.params_of(spec, overrides), spec.basis)


def _skipped(procedure: Procedure, stage: Stage, overrides: Mapping[str, Any]) -> bool:
    return bool(stage.skip_when and procedure.setting_value(stage.skip_when, overrides))


def _through_skips(procedure: Procedure, target: str, overrides: Mapping[str, Any]) -> str:
    """Where a route really leads: a skipped stage passes straight on (as the engine does)."""
    seen = set()
    while target in {s.id for s in procedure.stages}:
        stage = procedure.stage(target)
        if not _skipped(procedure, stage, overrides) or target in seen:
            return target
        seen.add(target)
        target = procedure.pass_target(stage)
    return target


# The day simulated cases are opened (the engine path's clock starts there too).
DAY0: Final = date(2026, 1, 5)
_DAY0: Final = DAY0


def deadline_passed(deadlines: Iterable[Deadline], entered: int, on: int) -> bool:
    """Whether a stage visit entered on day ``entered`` of the simulation (days after
    :data:`DAY0`) is past one of its ``deadlines`` on day ``on``: each rule's own verdict on
    those local dates, as the engine asks it (a date its holiday tables do not cover counts as
    past: the engine path cannot act there either).

    >>> from deliberation.rules import RULES
    >>> five = RULES["deadline"].bind("deadline", {"days": 5})
    >>> deadline_passed([five], 2, 7), deadline_passed([five], 2, 8)
    (False, True)
    """
    for rule in deadlines:
        since = DAY0 + timedelta(days=0 if rule.reference == "case-opened" else entered)
        try:
            if not rule.verdict({"since": since, "on": DAY0 + timedelta(days=on)}).ok:
                return True
        except DeliberationError:  # beyond the calendar's years
            return True
    return False


def period_wait(waits: Iterable[Period], since: int) -> int | None:
    """Days from day ``since`` of the simulation (days after :data:`DAY0`) until every period
    of ``waits`` started that day has run, as its rule counts it on those local dates (a
    Civil-Code period whose last day is a holiday runs to the day after the holiday); ``None``
    for a date the holiday tables do not cover (the engine cannot decide there either).

    >>> from deliberation.rules.days import DayCount
    >>> civil = Period(10, DayCount.CIVIL_CODE)
    >>> period_wait([civil], 0), period_wait([civil], 37)  # 5 Jan; 11 Feb: Spring Festival
    (11, 14)
    """
    day = DAY0 + timedelta(days=since)
    try:
        return max(((p.runs_out(day) - day).days for p in waits), default=0)
    except DeliberationError:  # beyond the calendar's years
        return None


def simulated_proposers(rules: Sequence[Rule], roster: Roster, params: SimParams
                        ) -> tuple[str, ...]:
    """Who raises a simulated motion (both paths submit these): the first
    ``motion_submitters`` adults of the roster when that is set; else a lawful group the
    stage's rules themselves describe — the villagers' committee's members where a
    ``proposal-support`` rule admits the committee's proposal, else as many adults as its
    villagers' share needs (its ``requirements``) — topped up with the next adults to what a
    ``written-motion`` needs. The rules still decide the motion (:func:`compile_plan` asks
    them): this only chooses who stands behind it.

    >>> from deliberation import load_procedure
    >>> p = load_procedure("one-matter-one-discussion")
    >>> rules = [_bound(p, spec, {}) for spec in p.rules_of(p.stages[0], {})]
    >>> roster = SimParams().roster()
    >>> who = simulated_proposers(rules, roster, SimParams())
    >>> set(who) == {v.id for v in roster.select(("villagers-committee",))}
    True
    >>> len(simulated_proposers(rules, roster, SimParams(motion_submitters=2)))
    2
    """
    adults = [v.id for v in roster.select(("adult",))]
    if params.motion_submitters is not None:
        return tuple(adults[:params.motion_submitters])
    needed = max((req.needed for r in rules if isinstance(r, WrittenMotion)
                  for req in r.requirements({})), default=1)
    chosen: list[str] = []
    sizes: Facts = {"adults": len(adults), "representatives": roster.count("representative")}
    for rule in rules:
        if not isinstance(rule, ProposalSupport):
            continue
        committee = [v.id for v in roster.select(("villagers-committee",)) if v.adult]
        if rule.committee and committee:
            chosen = committee
        else:
            needed = max([needed, *(req.needed for req in rule.requirements(sizes)
                                    if req.count == "submitters_signed")])
    taken = set(chosen)
    rest = [a for a in adults if a not in taken]
    return (*chosen, *rest[:max(0, needed - len(chosen))])


def _static_facts(roster: Roster, channels: Sequence[str], submitters: Sequence[str]) -> Facts:
    """The facts the simulator guarantees by how it schedules: notice and circulation periods
    are observed (the meeting is held long after them), everyone signs the minutes, the
    township's witnesses attend, the disclosure stays up long enough on the channels it posts
    on. A motion is submitted by ``submitters`` (:func:`simulated_proposers`, as the engine
    path does), which decides a ``proposal-support`` rule."""
    reps = {v.id for v in roster.select(("representative",))}
    committee = {v.id for v in roster.select(("villagers-committee",))}
    later = _DAY0 + timedelta(days=3650)
    return Facts(
        adults=roster.count("adult"),
        representatives=len(reps),
        submitters_representatives=sum(1 for v in submitters if v in reps),
        submitters_committee=sum(1 for v in submitters if v in committee),
        notice_on=_DAY0,
        circulated_on=_DAY0,
        on=later,
        participants=1,
        participants_signed=1,
        witnesses_signed=roster.count("township-official"),
        posted_on=dict.fromkeys(channels, _DAY0),
        submitters=len(submitters),
        submitters_signed=len(submitters),
        text="matter",
    )


def posting_channels(rule: Disclosure) -> tuple[str, ...]:
    """Where the simulator posts a disclosure: each required channel, or the first allowed."""
    return rule.channels if rule.require_all else rule.channels[:1]


def unknown_setting(key: str, known: Iterable[str]) -> SimulationError:
    """The error for a setting no procedure of the scenario has, with a did-you-mean hint."""
    choices = sorted(set(known))
    near = closest(key, choices)
    listed = ", ".join(choices) or "-"
    if near is not None:
        return SimulationError(_(
            "unknown setting {key!r}; did you mean {near!r}?",
        ).format(key=key, near=near))
    return SimulationError(_(
        "unknown setting {key!r}; known: {listed}",
    ).format(key=key, listed=listed))


# The parameters keyed by ids of the procedure, with what they name: each key must be one.
ID_KEYED: Final = ("attendance_by_body", "support_by_body", "support_by_item")


def _known_ids(procedures: Sequence[Procedure]) -> dict[str, set[str]]:
    bodies = {b for p in procedures for b in p.bodies}
    items = {it.id for p in procedures for st in p.stages for it in st.items}
    return {"attendance_by_body": bodies, "support_by_body": bodies, "support_by_item": items}


def check_ids(procedures: Sequence[Procedure], params: SimParams) -> None:
    """Refuse an id in ``params`` that none of ``procedures`` has — a setting, a body of
    ``attendance_by_body``/``support_by_body``, an item of ``support_by_item`` — with a
    did-you-mean: a misspelt id would otherwise silently leave the default in force.

    >>> from deliberation import load_procedure
    >>> try:
    ...     check_ids([load_procedure("four-deliberations")],
    ...               SimParams(support_by_body={"party-asembly": 0.5}))
    ... except SimulationError as err:
    ...     print(err.message.get("en"))
    support_by_body: no body 'party-asembly'; did you mean 'party-assembly'?
    """
    known_settings = {s for p in procedures for s in p.settings}
    for key, _unused in params.settings:
        if key not in known_settings:
            raise unknown_setting(key, known_settings)
    known = _known_ids(procedures)
    for field in ID_KEYED:
        choices = sorted(known[field])
        for key, _unused in getattr(params, field):
            if key in known[field]:
                continue
            near = closest(key, choices)
            listed = ", ".join(choices) or "-"
            if field == "support_by_item":
                raise SimulationError(_(
                    "support_by_item: no meeting votes on an item {key!r}; did you mean {near!r}?",
                ).format(key=key, near=near) if near is not None else _(
                    "support_by_item: no meeting votes on an item {key!r}; items: {items}",
                ).format(key=key, items=listed))
            raise SimulationError(_(
                "{field}: no body {key!r}; did you mean {near!r}?",
            ).format(field=field, key=key, near=near) if near is not None else _(
                "{field}: no body {key!r}; bodies: {bodies}",
            ).format(field=field, key=key, bodies=listed))


def own_params(procedure: Procedure, params: SimParams) -> SimParams:
    """``params`` keeping only the ids ``procedure`` has (settings, bodies, items): a
    comparison may name what only one of its procedures knows (:func:`check_ids` has checked
    that some procedure does).

    >>> from deliberation import load_procedure
    >>> p = SimParams(support_by_body={"party-assembly": 0.5, "villagers": 0.6})
    >>> own_params(load_procedure("four-deliberations"), p).support_by_body
    (('party-assembly', 0.5),)
    """
    known = _known_ids([procedure])
    kept: dict[str, Any] = {
        field: {k: v for k, v in getattr(params, field) if k in known[field]}
        for field in ID_KEYED}
    kept["settings"] = {k: v for k, v in params.settings if k in procedure.settings}
    return params.with_(**kept)


def setting_overrides(procedure: Procedure, settings: Mapping[str, Any]) -> dict[str, Any]:
    """``settings`` checked and typed as the engine types them (one checker:
    :func:`deliberation.engine.plan.normalise_settings`), after a did-you-mean for any id the
    procedure does not have.

    >>> from deliberation import load_procedure
    >>> setting_overrides(load_procedure("four-deliberations"),
    ...                   {"party-assembly-quorum-ratio": "2/3"})
    {'party-assembly-quorum-ratio': Fraction(2, 3)}
    """
    for key in settings:
        if key not in procedure.settings:
            raise unknown_setting(key, procedure.settings)
    try:
        return normalise_settings(procedure, settings)
    except DeliberationError as err:
        raise SimulationError(err.message) from None


def simulated_groups(procedure: Procedure, roster: Roster) -> dict[str, tuple[str, ...]]:
    """Who a simulated case elects to each group a meeting creates (``groups:``): the smallest
    group the definition allows, its ``min`` eligible villagers first in roster order — the
    same in both paths, so a body made of the group has the same members in each.

    >>> from deliberation import load_procedure
    >>> from deliberation.roster import Roster
    >>> simulated_groups(load_procedure("land-contracting-plan-working-group"), Roster.generate())
    {'working-group': ('v0001', 'v0002', 'v0003')}
    """
    out: dict[str, tuple[str, ...]] = {}
    for gid, group in procedure.groups.items():
        chosen = tuple(v.id for v in roster.select(group.eligible))[:group.min_members]
        if len(chosen) < group.min_members:
            raise SimulationError(_(
                "group {group}: the roster has {n} villagers who may be elected, fewer than the "
                "{min} it needs",
            ).format(group=quoted(gid), n=len(chosen), min=group.min_members))
        out[gid] = chosen
    return out


def compile_plan(procedure: Procedure, params: SimParams, roster: Roster | None = None) -> Plan:
    """Compile ``procedure`` for ``params`` (roster: ``params.roster()`` unless given)."""
    roster = params.roster() if roster is None else roster
    if procedure.groups:  # bodies made of a group count its simulated members
        roster = roster.with_groups(simulated_groups(procedure, roster))
    check_ids((procedure,), params)  # as simulate/compare check them, for every caller
    overrides = setting_overrides(procedure, dict(params.settings))
    if params.proxies is not None and "consultation-proxies" in procedure.settings:
        overrides.setdefault("consultation-proxies", params.proxies)
    live = [s for s in procedure.stages if not _skipped(procedure, s, overrides)]
    if not live:
        raise SimulationError(_("every stage is skipped: nothing to simulate"))
    _admit(procedure, live, params, overrides)
    stages = tuple(
        _compile_stage(procedure, s, i, params, roster, overrides) for i, s in enumerate(live)
    )
    esc = procedure.escalation
    return Plan(
        procedure_id=procedure.id,
        stages=stages,
        start=live[0].id,
        outcomes=tuple(procedure.outcomes),
        outcome_kinds={k: o.kind.value for k, o in procedure.outcomes.items()},
        success=procedure.success_outcome().id,
        overrides=overrides,
        levels=len(esc.levels) if esc else 0,
        escalate_to=_through_skips(procedure, esc.to, overrides) if esc else "",
        escalate_top=_through_skips(procedure, esc.top, overrides) if esc else "",
    )


def _admit(procedure: Procedure, live: Sequence[Stage], params: SimParams,
           overrides: Mapping[str, Any]) -> None:
    """Refuse, as the engine refuses to open the case, a kind the procedure cannot decide."""
    pairs: list[tuple[MatterRegime | None, bool, int]] = []
    for s in live:
        if s.action is not ActionKind.MEETING:
            continue
        rules = [_bound(procedure, spec, overrides) for spec in procedure.rules_of(s, overrides)]
        regime = next((r for r in rules if isinstance(r, MatterRegime)), None)
        pairs.append((regime, is_representative(procedure.body_of(s, overrides).members),
                      notice_days(rules)))
    refused = admission(params.kind, DAY0, pairs)
    if refused is not None:
        raise SimulationError(refused)
    # the engine refuses to adopt a kind before the approvals above the village its article
    # requires are recorded: with no gate of such an authority, no case of it is ever adopted
    gates = {(s.authority.id, s.authority.asks) for s in live if s.authority is not None}
    missing = missing_approvals(params.kind, DAY0, gates)
    if missing:
        raise SimulationError(unapproved(params.kind, DAY0, missing))


def _compile_stage(procedure: Procedure, stage: Stage, index: int, params: SimParams,
                   roster: Roster, overrides: Mapping[str, Any]) -> StagePlan:
    body = procedure.body_of(stage, overrides)
    rules = [_bound(procedure, spec, overrides) for spec in procedure.rules_of(stage, overrides)]
    # by route key; ``escalate`` (one level up) is resolved per run by the case's level
    targets = tuple(_through_skips(procedure, procedure.target(stage, k), overrides) for k in KEYS)

    # Days the rules make the case wait: notice and circulation before a meeting, posting.
    # A rule with a period says how few days it can take (a Civil-Code period needs one day
    # more than its number: its last day runs to 24:00); the engine path waits for the actual
    # dates (``waits``).
    timed = [r for r in rules if {"notice_on", "circulated_on"} & r.reads]
    need_days = max(map(_least_days, timed), default=0)
    gap = max(params.meeting_interval_days, need_days)
    reconvene = max(params.reconvene_days, need_days)
    disclosures = [r for r in rules if isinstance(r, Disclosure)]
    # every rule counting from the posting makes it wait (a disclosure, a comment period)
    posted = [r for r in rules if "posted_on" in r.reads]
    min_days = max(map(_least_days, posted), default=0)
    waits = tuple(p for r in (*timed, *posted) if (p := _period(r)) is not None)
    channels = [c for r in disclosures for c in posting_channels(r)]
    proposers = (simulated_proposers(rules, roster, params)
                 if stage.action is ActionKind.MOTION else ())
    facts = _static_facts(roster, channels, proposers)
    static_failure = None
    for rule in rules:
        if isinstance(rule, SAMPLED) or rule.effect is not Effect.REFUSE or (
                stage.action is ActionKind.MEETING and counted(rule)):
            # counts are sampled (a meeting's observers and signers too); deadlines are the
            # simulator's caps (or sampled, at tasks); recusal holds when nobody interested
            # votes; a lunar schedule is met by waiting
            continue
        if not rule.verdict(facts).ok:
            static_failure = rule.id
            break

    common: dict[str, Any] = {
        "id": stage.id, "index": index, "action": stage.action, "body": body.id,
        "max_rounds": stage.max_rounds, "targets": targets, "static_failure": static_failure,
        "gap_days": gap, "reconvene_days": reconvene, "waits": waits,
    }
    for rule in rules:
        if isinstance(rule, LunarScheduleRule):
            sched = rule.schedule
            common |= {"lunar_days": sched.days, "lunar_month": sched.month,
                       "wait_days": _mean_wait(sched)}
    deadlines = tuple(r for r in rules if isinstance(r, Deadline))
    if stage.action is ActionKind.TASK:
        return StagePlan(**common, has_deadline=bool(deadlines),
                         deadline_days=min((r.period.days for r in deadlines), default=0),
                         deadlines=deadlines)
    if stage.action is ActionKind.EVALUATION:
        return _evaluation(common, stage, body.members, rules, params, roster)
    if stage.action is ActionKind.GATE:
        return _gate(common, stage, body.members, rules, roster)
    if stage.action is ActionKind.MOTION:
        needed = max((req.needed for r in rules if isinstance(r, WrittenMotion)
                      for req in r.requirements({})), default=1)
        return StagePlan(**common, motion_needed=needed, proposers=proposers)
    if stage.action is ActionKind.DISCLOSURE:
        days = procedure.supervision.answer_within_days if procedure.supervision else 7
        return StagePlan(**common, min_days=min_days, objection_days=days)
    if stage.action is ActionKind.CONSULTATION:
        return _consultation(common, stage, body.members, rules, params, roster)
    items = tuple((it.id, None if it.approval is None else _bound(procedure, it.approval,
                                                                    overrides))
                  for it in stage.items)
    return _meeting(common, body.id, body.members, body.voters, rules, params, roster,
                    AWAY_UNTRANSFERRED in body.exclusions, items, stage.item_policy)


def _period(rule: Rule) -> Period | None:
    """The minimum period a notice, circulation or posting rule holds the case for."""
    period = getattr(rule, "period", None)  # DaysBefore and Disclosure keep theirs here
    return period if isinstance(period, Period) else None


def _least_days(rule: Rule) -> int:
    """The fewest days ``rule`` makes the case wait: its period's least (:attr:`Period.least_days`
    counts the Civil Code's last day to 24:00), else the days its description states."""
    period = _period(rule)
    return period.least_days if period is not None else rule.describe().days


def counted(rule: Rule) -> bool:
    """Whether a precondition of a meeting is decided by counts of who comes, as the rule
    declares them (its :meth:`~deliberation.rules.base.Rule.requirements`: observers present,
    office-holders who signed…): the simulator samples those; it asks any other once."""
    if rule.effect is not Effect.REFUSE or isinstance(rule, SAMPLED):
        return False
    if isinstance(rule, Composite):
        # sampled as clauses only if every child is; a mix would drop the others' conditions
        kinds = {counted(c) for c in rule.children}
        if len(kinds) > 1:
            raise SimulationError(_(
                "rule {rule!r} combines who must come with other conditions, which the "
                "simulator cannot sample together").format(rule=rule.id))
        return kinds.pop()
    return bool(rule.requirements({}))


def _mean_wait(schedule: LunarSchedule) -> int:
    """Half the mean gap between scheduled lunar days over a year: the expected wait."""
    hits = schedule.occurrences(date(2026, 1, 1), date(2027, 12, 31))
    per_year = max(1, len(hits)) / 2
    return round(365 / per_year / 2)


def _rule_of(rules: list[Rule], kind: type[_R], stage: Stage, name: str) -> _R:
    """The stage's first rule of ``kind`` (the one a run samples), or an error naming it."""
    found = next((r for r in rules if isinstance(r, kind)), None)
    if found is None:
        raise SimulationError(_("{action} stage {stage!r} has no {rule} rule").format(
            action=as_written(stage.action.value), stage=stage.id, rule=as_written(name)))
    return found


def _evaluation(common: dict[str, Any], stage: Stage, selectors: Sequence[str],
                rules: list[Rule], params: SimParams, roster: Roster) -> StagePlan:
    rule = _rule_of(rules, Satisfaction, stage, "satisfaction")
    raters = len(roster.select(selectors))
    n = min(params.ratings, raters)
    needed = rule.requirements({"ratings": n, "raters": raters})[0].needed
    static = common["static_failure"]
    if static is None and not rule.enough_ratings({"ratings": n}):
        static = rule.id  # too few ratings to close the evaluation: the case stalls
    return StagePlan(**{**common, "static_failure": static}, ratings=n,
                     satisfied_needed=needed, satisfaction_rule_id=rule.id)


def _gate(common: dict[str, Any], stage: Stage, selectors: Sequence[str], rules: list[Rule],
          roster: Roster) -> StagePlan:
    auth = stage.authority
    if auth is not None:
        return StagePlan(**common, authority=auth.id, approves=auth.asks == "approval")
    rule = _rule_of(rules, GateSignatures, stage, "gate-signatures")
    members = len(roster.select(selectors))
    needed = rule.requirements({"members": members})[0].needed
    static = common["static_failure"]
    if static is None and needed > members:
        static = rule.id  # too few members to sign any decision: the case stalls
    return StagePlan(**{**common, "static_failure": static}, gate_signers=needed,
                     gate_checks=tuple(c.id for c in stage.checks))


def _consultation(common: dict[str, Any], stage: Stage, selectors: Sequence[str],
                  rules: list[Rule], params: SimParams, roster: Roster) -> StagePlan:
    rule = _rule_of(rules, ConsultationCoverage, stage, "consultation-coverage")
    unit = rule.unit
    # The consultation reaches adult villagers of the body (as the engine's opinions do).
    people = [v for v in roster.select(selectors) if v.adult and not v.township]
    if unit == "household":
        by_household: dict[str, bool] = {}
        for v in people:
            by_household[v.household] = by_household.get(v.household, False) or v.resident
        resident = sum(1 for r in by_household.values() if r)
        away = len(by_household) - resident
    else:
        resident = sum(1 for v in people if v.resident)
        away = len(people) - resident
    population = resident + away
    cap = stage.max_rounds or params.max_consultation_rounds
    return StagePlan(
        **common, unit=unit, population=population, resident_units=resident, away_units=away,
        coverage_needed=rule.requirements({"population": population})[0].needed,
        coverage_rule_id=rule.id, proxies=rule.proxies, rounds_cap=cap,
    )


def _people_checks(rules: Sequence[Rule]) -> tuple[list[Rule], list[str], list[str]]:
    """The meeting's preconditions counted on who comes, and the observer selectors and
    signer offices their requirements count (``observers@<selector>``, ``signed@<office>``)."""
    checks = [r for r in rules if counted(r)]
    observed: list[str] = []
    signers: list[str] = []
    for rule in checks:
        for req in rule.requirements({}):
            family, _sep, selector = req.count.partition("@")
            if family == OBSERVERS:
                observed.append(selector)
            elif family == SIGNED:
                signers.append(selector)
            else:
                raise SimulationError(_(
                    "rule {rule!r} needs {count!r}, which the simulator does not sample at a "
                    "meeting").format(rule=rule.id, count=req.count))
    return checks, list(dict.fromkeys(observed)), list(dict.fromkeys(signers))


def _observer_groups(roster: Roster, selectors: Sequence[str]
                     ) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Those any of ``selectors`` picks, grouped by which of them pick them: one binomial per
    group then counts each selector's observers exactly as the engine counts named ones."""
    if not selectors:
        return ()
    picked = {s: {v.id for v in roster.select((s,))} for s in selectors}
    tally: Counter[tuple[str, ...]] = Counter()
    for v in roster.villagers:
        among = tuple(s for s in selectors if v.id in picked[s])
        if among:
            tally[among] += 1
    return tuple(sorted((n, among) for among, n in tally.items()))


def _votes(rule: Rule, sizes: Facts, n_voters: int) -> list[Approval]:
    """A vote rule as the simulator samples it: the yes votes it needs (a table by the total
    where the total is sampled)."""
    if isinstance(rule, Composite):
        raise SimulationError(_("the vote {rule!r} combines rules, which the simulator cannot "
                                "sample").format(rule=rule.id))
    if isinstance(rule, ApprovalRule):
        t = rule.threshold
        if t.base.value in ("present", "votes_cast"):
            # Sampled total: the exact needed count for every possible total.
            table = tuple(t.needed(n) for n in range(n_voters + 1))
            return [Approval(rule.id, t.base.value, t, None, table)]
        return [Approval(rule.id, t.base.value, t, rule.requirements(sizes)[0].needed)]
    # Any other vote rule (e.g. a legal regime's 2/3 of all members): the yes votes it needs on
    # the body's fixed totals, as its requirements state them.
    out = []
    for req in rule.requirements(sizes):
        if req.count not in _YES_COUNTS:
            raise SimulationError(_(
                "rule {rule!r} needs {count!r}, which the simulator does not sample at a "
                "vote").format(rule=rule.id, count=req.count))
        out.append(Approval(rule.id, "requirement", None, req.needed, count=req.count))
    return out


# the yes votes a vote may count: everyone's, or the villager representatives' (a legal regime
# at a representatives' meeting)
_YES_COUNTS: Final = ("yes", "representative_yes")
_REPRESENTATIVES: Final = tuple(sorted(REPRESENTATIVE_SELECTORS))


def _meeting(common: dict[str, Any], body_id: str, member_sel: Sequence[str],
             voter_sel: Sequence[str], rules: list[Rule],
             params: SimParams, roster: Roster, away_excludable: bool,
             items: Sequence[tuple[str, Rule | None]] = (), item_policy: str = "all"
             ) -> StagePlan:
    members = roster.select(member_sel)
    voter_ids = {v.id for v in (roster.select(voter_sel) if voter_sel else members)}
    p_res = params.attendance_of(body_id)
    # the subsets of the body some quorum counts apart (a quorum among the women members…)
    quorums = [r for r in rules if r.effect is Effect.NO_QUORUM]
    subsets = subsets_read(frozenset(f for r in quorums for f in r.reads))
    in_subset = {s: {v.id for v in roster.select((s,))} for s in subsets}
    # who must come besides: observers (from the roster) and office-holders who sign
    checks, observed, signers = _people_checks(rules)
    holds = {o: {v.id for v in roster.select((o,))} for o in signers}
    # at a representatives' meeting a legal regime counts the villager representatives apart:
    # their number is its base, their yes votes its count (as the engine counts them)
    reps = {v.id for v in roster.select(_REPRESENTATIVES)}
    matter: Facts = {"matter_kind": params.kind, "opened_on": DAY0,
                     "representative_body": is_representative(member_sel)}
    if matter["representative_body"]:
        matter |= {"regime_base": REPRESENTATIVES,
                   "representative_members": sum(1 for v in members if v.id in reps)}
    regime = next((r for r in rules if isinstance(r, MatterRegime)), None)
    apart = regime is not None and regime.among_representatives(matter)
    tally: Counter[tuple[bool, bool, bool, bool, tuple[str, ...], tuple[str, ...], bool]] = \
        Counter()
    for v in members:
        voter = v.id in voter_ids
        excused = voter and not v.resident and params.away_excused and away_excludable
        tally[(voter, v.adult, v.resident, excused,
               tuple(s for s in subsets if v.id in in_subset[s]),
               tuple(o for o in signers if v.id in holds[o]), apart and v.id in reps)] += 1
    groups = tuple(
        Group(n=n, p=0.0 if excused else params.office_signs if signs
              else (p_res if resident else params.away_attendance),
              voter=voter, adult=adult, resident=resident, excused=excused, subsets=among,
              signs=signs, representative=representative)
        for (voter, adult, resident, excused, among, signs, representative), n
        in sorted(tally.items(), reverse=True)
    )
    n_voters = len(voter_ids)
    excused_n = sum(g.n for g in groups if g.excused)
    households = len({v.household for v in members})
    adults = sum(1 for v in members if v.adult)
    totals = {
        "members": len(members), "voters": n_voters, "expected": n_voters - excused_n,
        "households": households, "adults": adults,
    }
    quorum: list[tuple[QuorumAlt, ...]] = []
    quorum_ids: list[str] = []
    approvals: list[Approval] = []
    needs_households = False
    sizes: Facts = {"members": len(members), "voters": n_voters, "expected": totals["expected"],
                    "households": households, "adults": adults, **matter}
    sizes.update(cast(Facts, {f"members@{s}": sum(g.n for g in groups if s in g.subsets)
                              for s in subsets}))
    sizes.update(cast(Facts, {f"members@{o}": sum(g.n for g in groups if o in g.signs)
                              for o in signers}))
    sizes.update(cast(Facts, {f"roster@{s}": roster.count(s) for s in observed}))
    for rule in rules:
        if rule.effect is Effect.NO_QUORUM:
            # every clause must hold, a clause when one of its counts reaches its need (a
            # quorum's alternatives; a composite's children, all-of or any-of)
            for clause in rule.clauses(sizes):
                built = tuple(QuorumAlt(req.count, req.needed, req.total) for req in clause)
                needs_households |= any(a.count == "present_households" for a in built)
                quorum.append(built)
                quorum_ids.append(rule.id)
        elif rule.effect is Effect.REJECTED:
            try:
                approvals.extend(_votes(rule, sizes, n_voters))
            except SimulationError as err:
                raise SimulationError(_("body {body!r}: {problem}").format(
                    body=body_id, problem=err.message)) from None
    check_clauses = [(r.id, tuple(QuorumAlt(q.count, q.needed, q.total) for q in clause))
                     for r in checks for clause in r.clauses(sizes)]
    item_plans = _items(items, rules, sizes, n_voters, body_id, params)
    classes: tuple[tuple[int, int, int], ...] = ()
    if needs_households and params.strategic_abstention > 0:
        raise SimulationError(_(
            "{body}: strategic abstention is not simulated with a household quorum",
        ).format(body=body_id))
    if needs_households:
        if any(not g.voter or not g.adult or g.excused or g.subsets or g.signs for g in groups):
            raise SimulationError(_(
                "body {body!r}: a household quorum is simulated only when every member is an "
                "adult voter (as in the villagers' meeting)").format(body=body_id))
        per_household: dict[str, list[int]] = {}
        for v in members:
            counts = per_household.setdefault(v.household, [0, 0])
            counts[0 if v.resident else 1] += 1
        hist = Counter((r, a) for r, a in per_household.values())
        classes = tuple((r, a, n) for (r, a), n in sorted(hist.items()))
    return StagePlan(
        **common, groups=groups, members=len(members), voters=n_voters,
        expected=totals["expected"], households=households, adults=adults, excused=excused_n,
        quorum=tuple(quorum), quorum_rule_ids=tuple(quorum_ids), approval=tuple(approvals),
        household_classes=classes, subsets=subsets, representative_yes=apart,
        checks=tuple(c for _id, c in check_clauses),
        check_rule_ids=tuple(i for i, _c in check_clauses),
        observer_groups=_observer_groups(roster, observed), signers=tuple(signers),
        items=item_plans, item_policy=item_policy, committee=committee_body(member_sel),
    )


def _items(items: Sequence[tuple[str, Rule | None]], rules: Sequence[Rule], sizes: Facts,
           n_voters: int, body_id: str, params: SimParams) -> tuple[ItemPlan, ...]:
    """Each item's votes, as the engine asks them: its own approval, else the stage's vote,
    and then the legal regime's (the stricter prevails for every item alike)."""
    if not items:
        return ()
    if params.strategic_abstention > 0:
        raise SimulationError(_(
            "{body}: strategic abstention is not simulated at a meeting voting on items one by "
            "one").format(body=body_id))
    stage_vote = [r for r in rules if r.effect is Effect.REJECTED
                  and not isinstance(r, MatterRegime)][-1:]
    regime = [r for r in rules if isinstance(r, MatterRegime)]
    out = []
    for item_id, own in items:
        asked = [*(stage_vote if own is None else [own]), *regime]
        try:
            votes = tuple(a for r in asked for a in _votes(r, sizes, n_voters))
        except SimulationError as err:
            raise SimulationError(_("item {item!r}: {problem}").format(
                item=item_id, problem=err.message)) from None
        out.append(ItemPlan(item_id, votes))
    return tuple(out)


__all__ = [
    "DEADLINE", "DECLINED", "ESCALATE", "KEYS", "MAX_ROUNDS", "NO_QUORUM", "OBJECTION", "PASS",
    "RECONVENE", "REJECTED", "RETURNED", "UNRESOLVED",
    "Approval", "Group", "ItemPlan", "Plan", "QuorumAlt", "SimulationError", "StagePlan",
    "check_ids", "compile_plan", "counted", "deadline_passed", "period_wait",
]
