"""Compiled plans: a procedure with one set of setting overrides, its rules bound once.

Resolving setting references, filling rule defaults, binding each rule and sorting a stage's
rules by what their failure does (:class:`~deliberation.rules.base.Effect`) is done once per
(procedure, settings) — never per action — so an action only counts facts and asks the rules.

- ``quorum`` — a failure is *recorded*: the meeting happened and failed (route ``no_quorum``);
- ``approval``, ``satisfaction`` — a failure is *recorded* (route ``rejected``);
- ``deadline`` — a lapse is *recorded* by ``Case.check_deadlines()`` (route ``deadline``); once
  one has passed, every other action of the stage but a note is refused;
- every other rule is a *precondition*: a failure refuses the action and nothing is recorded.

>>> from deliberation import load_procedure
>>> plan = plan_for(load_procedure("four-deliberations"), {})
>>> [r.id for r in plan.stage("review").preconditions]
['advance-circulation', 'participant-signatures', 'witness-signatures']
>>> sorted(plan.stage("review").reads)[:3]
['abstain', 'circulated_on', 'expected']
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import attrs

from deliberation.definition.model import (
    ESCALATE,
    ROUTE_KEYS,
    ActionKind,
    Body,
    Procedure,
    SettingType,
    Stage,
)
from deliberation.engine import census
from deliberation.engine.census import BodyCounts, subsets_read
from deliberation.engine.machine import machine_for, route_target
from deliberation.engine.state import CaseState
from deliberation.errors import InvalidAction, WordedValueError
from deliberation.frozen import FrozenDict, freeze
from deliberation.i18n import Text, _, quoted, series
from deliberation.reprs import fields_repr
from deliberation.roster import Roster
from deliberation.rules import RULES, Effect, Rule
from deliberation.rules.channels import CHANNELS
from deliberation.rules.facts import MEETING_COUNTS
from deliberation.rules.law import in_force_from, is_representative
from deliberation.rules.names import RESULTS_UNPUBLISHED
from deliberation.rules.regimes import MatterRegime, notice_days
from deliberation.rules.thresholds import format_fraction, parse_fraction


def counts_places(names: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """Each of the facts ``names`` (some of :data:`MEETING_COUNTS`) with its place in a
    sequence of every meeting count in that order: worked out once per stage, so that a meeting
    only copies its counts into its facts (in a plain loop of its own: no frame made for it;
    ``dict(zip(names, picked))`` costs more, mostly in the pairs it makes).

    >>> counts_places(("members", "yes"))
    (('members', 0), ('yes', 13))
    """
    index = {name: i for i, name in enumerate(MEETING_COUNTS)}
    return tuple((name, index[name]) for name in names)  # (KeyError: not one)


@fields_repr
@attrs.frozen(repr=False, eq=False)  # never compared: no __eq__ to compile (start-up speed)
class StagePlan:
    """One stage, precompiled: its body, its bound rules by effect, where each result leads."""

    stage: Stage
    index: int
    body: Body
    kind: ActionKind
    skip: bool
    quorum: Rule | None
    approval: Rule | None  # approval (meetings) or satisfaction (evaluations)
    preconditions: tuple[Rule, ...]
    deadlines: tuple[Rule, ...]
    targets: Mapping[str, str]  # route key -> state (``reconvene`` resolved)
    escalates: frozenset[str]  # route keys that lead to ``escalate``
    reads: frozenset[str]  # every fact some rule of the stage reads
    # ``matter-regime``: the stricter law for the case's kind, asked beside ``approval``
    regime: MatterRegime | None = None
    # a meeting's items voted one by one: each id with the vote that decides it (its own
    # ``approval``, else the stage's)
    items: tuple[tuple[str, Rule | None], ...] = ()
    # the subsets of the body some rule counts apart (``present_members@woman``…), once
    subsets: tuple[str, ...] = attrs.field(init=False, default=attrs.Factory(
        lambda sp: subsets_read(sp.reads), takes_self=True))
    id: str = attrs.field(init=False, default=attrs.Factory(lambda sp: sp.stage.id,
                                                            takes_self=True))
    # the meeting counts (:data:`~deliberation.rules.facts.MEETING_COUNTS`) some rule of the
    # stage reads: their names, in that order, and each with its place in a tuple of all the
    # counts in that order (:func:`counts_places`: every meeting picks its stage's)
    counts_read: tuple[str, ...] = attrs.field(init=False, default=attrs.Factory(
        lambda sp: tuple(f for f in MEETING_COUNTS if f in sp.reads), takes_self=True))
    counts_at: tuple[tuple[str, int], ...] = attrs.field(
        init=False, eq=False, repr=False, default=attrs.Factory(
            lambda sp: counts_places(sp.counts_read), takes_self=True))
    # those counts' names in that order, each with no value yet: a meeting's facts start as a
    # copy of it (one copy of a table the right size, where adding a dozen keys to an empty
    # dict grew it twice on the way)
    counts_blank: FrozenDict = attrs.field(init=False, eq=False, repr=False, default=attrs.Factory(
        lambda sp: FrozenDict(dict.fromkeys(sp.counts_read)), takes_self=True))
    # the stages before this one: a move to one of them sends the case back (worked out once
    # here, where every move looked up the plan of the stage it led to for its index)
    earlier: frozenset[str] = attrs.field(default=frozenset(), eq=False, repr=False)
    # whether an action at this stage waits for something first: a group to be elected (the
    # procedure elects some) or earlier results to be published (a rule reads whether they
    # are): worked out once here, where every action asked both
    gated: bool = attrs.field(default=False, eq=False, repr=False)
    # the result of an action that leaves the case at this stage (a notice, a posting, an
    # opinion…): one frozen mapping, shared by their records
    stayed: FrozenDict = attrs.field(init=False, default=attrs.Factory(
        lambda sp: FrozenDict(route=None, state=sp.stage.id), takes_self=True))

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule of the stage, deadlines last."""
        decided = tuple(r for r in (self.quorum, self.approval, self.regime) if r is not None)
        return (*self.preconditions, *decided, *self.deadlines)

    def rule(self, name: str) -> Rule | None:
        """The first rule of the stage using the registered rule ``name``."""
        return next((r for r in self.rules if r.name == name), None)


class Plan:
    """Everything precomputed for cases of one procedure with one set of setting overrides."""

    __slots__ = ("__weakref__", "channels", "machine", "meeting_regimes", "next_meeting",
                 "not_in_force", "opened", "procedure", "settings", "settings_data", "skips",
                 "stage_ids", "stages", "triggers", "unopened", "zone")

    def __init__(self, procedure: Procedure, settings: Mapping[str, Any],
                 not_in_force: frozenset[str] = frozenset()) -> None:
        self.procedure = procedure
        self.settings = dict(settings)
        # the stages whose law was not yet in force when the case was opened: skipped
        # (:func:`not_required_on`)
        self.not_in_force = not_in_force
        self.settings_data: FrozenDict = freeze(
            {k: _plain(v) for k, v in sorted(self.settings.items())})
        self.machine = machine_for(procedure)
        # each event's ``trigger``, by event name, in a plain dict: the machine's ``events`` is
        # read through its ``__getattr__`` and is an ordered dict, both slower to read, and every
        # move fires one (the machine is complete once built: no event is added later)
        self.triggers: dict[str, Callable[[Any], bool]] = {
            name: event.trigger for name, event in self.machine.events.items()}
        self.zone = procedure.zone
        # the disclosure channels this procedure knows: the built-ins and its own
        self.channels = frozenset(CHANNELS) | frozenset(procedure.channels)
        self.stages: dict[str, StagePlan] = {
            s.id: _compile_stage(procedure, i, s, self.settings, s.id in not_in_force)
            for i, s in enumerate(procedure.stages)
        }
        self.stage_ids = tuple(self.stages)
        # the result of opening a case: it enters the first stage (shared by every case's
        # ``opened`` record)
        self.opened = FrozenDict(state=self.stage_ids[0])
        # where a case stands before its ``opened`` record is committed (every case starts so)
        self.unopened = CaseState(self.stage_ids[0], 0, datetime.min)
        self.skips = frozenset(sid for sid, sp in self.stages.items() if sp.skip)
        # The meeting a notice or circulation announces by default: the first meeting stage,
        # not merged away, at or after each stage.
        plans = list(self.stages.values())
        self.next_meeting: dict[str, str | None] = {
            sp.id: next((m.id for m in plans[sp.index:]
                         if m.kind is ActionKind.MEETING and not m.skip), None)
            for sp in plans
        }
        # What opening a case checks its matter's kind against: each meeting stage held (not
        # merged away), its ``matter-regime`` rule and whether its body is a representative one.
        self.meeting_regimes: tuple[tuple[MatterRegime | None, bool, int], ...] = tuple(
            (sp.regime, is_representative(sp.body.members), notice_days(sp.preconditions))
            for sp in plans if sp.kind is ActionKind.MEETING and not sp.skip)

    def stage(self, stage_id: str) -> StagePlan:
        return self.stages[stage_id]

    def counts(self, roster: Roster, body: Body) -> BodyCounts:
        """The body's sizes on ``roster``."""
        return census.counts(roster, body)


def _compile_stage(procedure: Procedure, index: int, stage: Stage,
                   settings: Mapping[str, Any], not_in_force: bool = False) -> StagePlan:
    body = procedure.body_of(stage, settings)
    quorum = approval = None
    regime: MatterRegime | None = None
    pre: list[Rule] = []
    deadlines: list[Rule] = []
    for spec in procedure.rules_of(stage, settings):
        rule = RULES[spec.rule].bind(spec.id, procedure.params_of(spec, settings),
                                     spec.basis)
        if isinstance(rule, MatterRegime):
            regime = rule  # asked beside approval: both must hold (the stricter prevails)
        elif rule.effect is Effect.NO_QUORUM:
            quorum = rule
        elif rule.effect is Effect.REJECTED:
            approval = rule
        elif rule.effect is Effect.DEADLINE:
            deadlines.append(rule)
        else:
            pre.append(rule)
    skip = not_in_force or bool(stage.skip_when and procedure.setting_value(stage.skip_when,
                                                                             settings))
    targets = {}
    for key in ROUTE_KEYS:
        t = route_target(procedure, stage.id, key)
        if t is not None:
            targets[key] = t
    if regime is not None:
        # told what it is compared with, and the body holding it (its description says the
        # base the law names there; its verdicts read the body from the facts)
        regime = regime.against(approval).at_body(is_representative(body.members))
    voted = tuple((it.id, approval if it.approval is None else RULES[it.approval.rule].bind(
        it.approval.id, procedure.params_of(it.approval, settings), it.approval.basis))
        for it in stage.items)
    rules = [*pre, *(r for r in (quorum, approval, regime) if r is not None),
             *(r for _unused, r in voted if r is not None)]
    reads = frozenset(f for r in rules for f in r.reads)
    return StagePlan(stage, index, body, stage.action, skip, quorum, approval, tuple(pre),
                     tuple(deadlines), targets,
                     frozenset(k for k, t in targets.items() if t == ESCALATE), reads, regime,
                     voted, frozenset(s.id for s in procedure.stages[:index]),
                     bool(procedure.groups) or RESULTS_UNPUBLISHED in reads)


_PLANS: dict[tuple[int, str, frozenset[str]], tuple[weakref.ref[Procedure], Plan]] = {}


def normalise_settings(procedure: Procedure, settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check setting overrides against the procedure — their types and the same bounds the
    loader enforces on a file — and convert them to their types."""
    out: dict[str, Any] = {}
    for key, value in (settings or {}).items():
        setting = procedure.settings.get(key)
        if setting is None:
            known = ", ".join(sorted(procedure.settings))
            raise InvalidAction(_(
                "unknown setting {key!r} (known: {known})",
            ).format(key=key, known=known))
        try:
            out[key] = _convert(setting.type, value, setting.choices)
        except (TypeError, ValueError) as err:
            why = err.text if isinstance(err, WordedValueError) else str(err)
            raise InvalidAction(_(
                "invalid value for setting {key}: {err}",
            ).format(key=quoted(key), err=why)) from None
    # The overrides must make a plan the loader would accept: bind every rule once.
    try:
        plan_for(procedure, out)
    except (TypeError, ValueError) as err:
        raise InvalidAction(_("the settings make a rule invalid: {err}").format(err=err)) from None
    return out


def _convert(stype: SettingType, value: Any, choices: tuple[str, ...]) -> Any:
    def bad(why: Text, **more: Text) -> WordedValueError:
        return WordedValueError(why.format(value=quoted(value), **more))

    if stype is SettingType.BOOL:
        if not isinstance(value, bool):
            raise bad(_("{value} is not true or false"))
        return value
    if stype is SettingType.INT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad(_("{value} is not a whole number"))
        if value < 0:
            raise bad(_("{value} is negative; a count of days or people is 0 or more"))
        return value
    if stype is SettingType.FRACTION:
        return parse_fraction(value)
    if stype is SettingType.COMPARISON:
        if value not in (">=", ">"):
            raise bad(_("{value} is not {ge} or {gt}"), ge=quoted(">="), gt=quoted(">"))
        return value
    if stype is SettingType.CHOICE:
        if value not in choices:
            raise bad(_("{value} is not one of {choices}"),
                      choices=series(quoted(c) for c in choices))
        return value
    if not isinstance(value, str):
        raise bad(_("{value} is not text"))
    return value


def not_required_on(procedure: Procedure, opened_on: date | None) -> frozenset[str]:
    """The stages of ``procedure`` a case opened on ``opened_on`` (its local date) skips
    because the law version that requires them (``required_from``) was not yet in force then
    (none when no date is given: the law in force today applies).

    >>> from deliberation import load_procedure
    >>> p = load_procedure("one-matter-one-discussion")
    >>> sorted(not_required_on(p, date(2025, 12, 31))), sorted(not_required_on(p, date(2026, 1, 1)))
    (['party-study'], [])
    """
    if opened_on is None or not procedure.dated_stages:
        return frozenset()
    return frozenset(
        s.id for s in procedure.dated_stages
        if s.required_from is not None
        and opened_on < in_force_from(s.required_from.law, s.required_from.version))


def plan_for(procedure: Procedure, settings: Mapping[str, Any],
             opened_on: date | None = None) -> Plan:
    """The plan for (procedure, normalised settings) for a case opened on ``opened_on`` (its
    local date: which stages the law then in force requires), built once while the procedure
    lives."""
    not_in_force = not_required_on(procedure, opened_on)
    key = (id(procedure), repr({k: _plain(v) for k, v in sorted(settings.items())})
           if settings else "{}", not_in_force)
    hit = _PLANS.get(key)
    if hit is not None and hit[0]() is procedure:
        return hit[1]
    plan = Plan(procedure, settings, not_in_force)
    _PLANS[key] = (weakref.ref(procedure), plan)
    weakref.finalize(procedure, _PLANS.pop, key, None)
    return plan


def _plain(value: Any) -> Any:
    if isinstance(value, Fraction):
        return format_fraction(value)
    return value
