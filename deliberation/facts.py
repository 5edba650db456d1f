"""Compiled plans: what the engine precomputes per (procedure, settings), and rosters' counts.

Resolving setting references, filling rule defaults and sorting a stage's rules into the
families the engine treats differently is done once per (procedure, settings) — never per
action — so an action only counts facts and calls the registered checks.

Rule families (this decides what is a refusal and what is a recorded outcome):

- ``quorum`` — a failure is *recorded*: the meeting happened and failed (route ``no_quorum``);
- ``approval`` — a failure is *recorded* (route ``rejected``);
- ``deadline`` — checked only by ``Case.check_deadlines()`` (route ``deadline``);
- every other rule (signatures, notice period, advance circulation, written motion, recusal,
  consultation coverage, disclosure) is a *precondition*: a failure refuses the action and
  nothing is recorded.

>>> from deliberation import load_procedure
>>> plan = plan_for(load_procedure("four-deliberations"), {})
>>> [r.id for r in plan.stage("review").preconditions]
['advance-circulation', 'participant-signatures', 'witness-signatures']
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

import attrs

from deliberation.definition import ActionKind, Body, Procedure, SettingType, Stage
from deliberation.errors import InvalidAction
from deliberation.i18n import T
from deliberation.machine import machine_for, route_target
from deliberation.roster import Roster
from deliberation.rules import RULES, Check, Facts, RuleCheck
from deliberation.thresholds import format_fraction, parse_fraction


@attrs.frozen(slots=True)
class CompiledRule:
    """A rule of a stage with its parameters resolved and defaulted, ready to check."""

    id: str
    rule: str
    params: Mapping[str, Any]
    check: Check
    basis: tuple[str, ...]

    def run(self, facts: Facts) -> RuleCheck:
        return self.check(self.params, facts)


@attrs.frozen(slots=True)
class StagePlan:
    """One stage, precompiled for a (procedure, settings) pair."""

    stage: Stage
    index: int
    body: Body
    kind: ActionKind
    skip: bool
    quorum: CompiledRule | None
    approval: CompiledRule | None
    preconditions: tuple[CompiledRule, ...]
    deadlines: tuple[CompiledRule, ...]
    targets: Mapping[str, str]  # route key -> state (``reconvene`` resolved)

    @property
    def id(self) -> str:
        return self.stage.id

    def rule(self, name: str) -> CompiledRule | None:
        """The first precondition using the registered rule ``name``."""
        for r in self.preconditions:
            if r.rule == name:
                return r
        return None


@attrs.frozen(slots=True)
class BodyCounts:
    """A body's sizes on one roster snapshot."""

    members: int
    voters: int
    households: int
    adults: int


class Plan:
    """Everything precomputed for cases of one procedure with one set of setting overrides."""

    __slots__ = (
        "__weakref__",
        "_counts",
        "machine",
        "procedure",
        "settings",
        "settings_data",
        "stage_ids",
        "stages",
    )

    def __init__(self, procedure: Procedure, settings: Mapping[str, Any]) -> None:
        self.procedure = procedure
        self.settings = dict(settings)
        self.settings_data = {k: _plain(v) for k, v in sorted(self.settings.items())}
        self.machine = machine_for(procedure)
        self.stages: dict[str, StagePlan] = {
            s.id: _compile_stage(procedure, i, s, self.settings)
            for i, s in enumerate(procedure.stages)
        }
        self.stage_ids = tuple(self.stages)
        self._counts: dict[tuple[int, str], tuple[weakref.ref[Roster], BodyCounts]] = {}

    def stage(self, stage_id: str) -> StagePlan:
        return self.stages[stage_id]

    def counts(self, roster: Roster, body: Body) -> BodyCounts:
        """The body's sizes on ``roster`` (cached while the roster lives)."""
        key = (id(roster), body.id)
        hit = self._counts.get(key)
        if hit is not None and hit[0]() is roster:
            return hit[1]
        voters = body.voters or body.members
        members = roster.select(body.members)
        counts = BodyCounts(
            members=len(members),
            voters=roster.count(*voters),
            households=roster.households_of(body.members),
            adults=sum(1 for v in members if v.adult),
        )
        self._counts[key] = (weakref.ref(roster), counts)
        weakref.finalize(roster, self._counts.pop, key, None)
        return counts


def _compile_stage(procedure: Procedure, index: int, stage: Stage,
                   settings: Mapping[str, Any]) -> StagePlan:
    body = procedure.body_of(stage, settings)
    quorum = approval = None
    pre: list[CompiledRule] = []
    deadlines: list[CompiledRule] = []
    for spec in procedure.rules_of(stage, settings):
        rtype = RULES[spec.rule]
        params = rtype.with_defaults(
            {k: procedure.resolve(v, settings) for k, v in spec.params}
        )
        for k, v in list(params.items()):
            if k in ("any_of",) and v:
                params[k] = tuple(x.as_dict() if hasattr(x, "as_dict") else x for x in v)
        compiled = CompiledRule(spec.id, spec.rule, params, rtype.check, spec.basis)
        if spec.rule == "quorum":
            quorum = compiled
        elif spec.rule == "approval":
            approval = compiled
        elif spec.rule == "deadline":
            deadlines.append(compiled)
        else:
            pre.append(compiled)
    skip = bool(stage.skip_when and procedure.setting_value(stage.skip_when, settings))
    targets = {}
    for key in ("pass", "no_quorum", "rejected", "max_rounds", "deadline", "objection"):
        t = route_target(procedure, stage.id, key)
        if t is not None:
            targets[key] = t
    return StagePlan(stage, index, body, stage.action, skip, quorum, approval, tuple(pre),
                     tuple(deadlines), targets)


_PLANS: dict[tuple[int, str], tuple[weakref.ref[Procedure], Plan]] = {}


def normalise_settings(procedure: Procedure, settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check setting overrides against the procedure and convert them to their types."""
    out: dict[str, Any] = {}
    for key, value in (settings or {}).items():
        setting = procedure.settings.get(key)
        if setting is None:
            known = ", ".join(sorted(procedure.settings))
            raise InvalidAction(T(f"未知设置 {key!r}(可用:{known})",
                                  f"未知設定 {key!r}(可用:{known})",
                                  f"unknown setting {key!r} (known: {known})"))
        try:
            out[key] = _convert(setting.type, value, setting.choices)
        except (TypeError, ValueError) as err:
            raise InvalidAction(T(f"设置 {key} 的值无效:{err}", f"設定 {key} 的值無效:{err}",
                                  f"invalid value for setting {key}: {err}")) from None
    return out


def _convert(stype: SettingType, value: Any, choices: tuple[str, ...]) -> Any:
    if stype is SettingType.BOOL:
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not true or false")
        return value
    if stype is SettingType.INT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{value!r} is not a whole number")
        return value
    if stype is SettingType.FRACTION:
        return parse_fraction(value)
    if stype is SettingType.COMPARISON:
        if value not in (">=", ">"):
            raise ValueError(f"{value!r} is not >= or >")
        return value
    if stype is SettingType.CHOICE:
        if value not in choices:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
        return value
    return str(value)


def plan_for(procedure: Procedure, settings: Mapping[str, Any]) -> Plan:
    """The cached plan for (procedure, normalised settings)."""
    data = {k: _plain(v) for k, v in sorted(settings.items())}
    key = (id(procedure), repr(data))
    hit = _PLANS.get(key)
    if hit is not None and hit[0]() is procedure:
        return hit[1]
    plan = Plan(procedure, settings)
    _PLANS[key] = (weakref.ref(procedure), plan)
    weakref.finalize(procedure, _PLANS.pop, key, None)
    return plan


def _plain(value: Any) -> Any:
    from fractions import Fraction

    if isinstance(value, Fraction):
        return format_fraction(value)
    return value
