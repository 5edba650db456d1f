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

import operator
import weakref
from collections.abc import Callable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final

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
from deliberation.engine.machine import machine_for, route_target
from deliberation.engine.records import _freeze
from deliberation.errors import InvalidAction
from deliberation.i18n import T
from deliberation.roster import Roster
from deliberation.rules.registry import RULES, Check, Facts, RuleCheck
from deliberation.rules.thresholds import format_fraction, parse_fraction

Fast = Callable[[Facts], tuple[bool, dict[str, Any]]]
Entry = Mapping[str, Any]  # a frozen ``{"rule", "ok", "numbers"}`` as a record's result holds it

_FACT_DEFAULTS: Final = {a.name: a.default for a in attrs.fields(Facts)}


class QuickFacts(Facts):
    """:class:`Facts` built in one step from a dict (the engine's hot path).

    ``Facts`` is a frozen class of 30 slots, and its ``__init__`` sets every one of them; an
    action knows a handful. A ``QuickFacts`` keeps the given values in its ``__dict__`` and
    reads the rest from class-level defaults (the same as ``Facts``'), so the rule checks read
    it exactly like a ``Facts`` of the same values, and it stays read-only like one.

    >>> f = quick_facts({"present": 9, "expected": 12})
    >>> f.present, f.yes, isinstance(f, Facts)
    (9, 0, True)
    """

    def __init__(self, **values: Any) -> None:
        object.__setattr__(self, "__dict__", values)


for _name, _default in _FACT_DEFAULTS.items():
    setattr(QuickFacts, _name, _default)

_new_object = object.__new__
_set_object_attr = object.__setattr__


def quick_facts(values: dict[str, Any]) -> Facts:
    """A :class:`QuickFacts` holding ``values`` (the dict becomes its own; do not reuse it)."""
    f = _new_object(QuickFacts)
    _set_object_attr(f, "__dict__", values)
    return f


# Memoised entries per rule: a verdict is a pure function of the few facts the rule reads,
# and the frozen entry is immutable, so records may share it. The cap bounds the memory a
# long-running process spends on it (a village has few distinct counts).
_MEMO_CAP: Final = 2048


@attrs.frozen(slots=True)
class CompiledRule:
    """A rule of a stage with its parameters resolved and defaulted, ready to check.

    ``fast`` (for the common rules) gives the same verdict and numbers as the registered check
    without composing its three-language message; the engine calls the registered check for
    the message only when the rule fails. ``tests/test_engine_fast.py`` holds them equal.
    ``reads`` names the facts the quick verdict depends on (empty: not memoised).
    """

    id: str
    rule: str
    params: Mapping[str, Any]
    check: Check
    basis: tuple[str, ...]
    fast: Fast | None = None
    reads: tuple[str, ...] = ()
    _key: Callable[[Facts], Any] | None = attrs.field(default=None, eq=False, repr=False)
    _memo: dict[Any, tuple[bool, Entry]] = attrs.field(factory=dict, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.fast is not None and self.reads:
            object.__setattr__(self, "_key", operator.attrgetter(*self.reads))

    def run(self, facts: Facts) -> RuleCheck:
        return self.check(self.params, facts)

    def verdict(self, facts: Facts) -> tuple[bool, dict[str, Any]]:
        """``(ok, numbers)`` — the registered check's, computed the quick way when possible."""
        if self.fast is not None:
            return self.fast(facts)
        c = self.check(self.params, facts)
        return c.ok, dict(c.numbers)

    def entry(self, facts: Facts) -> tuple[bool, Entry]:
        """``(ok, {"rule", "ok", "numbers"})`` frozen, as a record's result lists its checks.

        Equal to freezing :meth:`verdict`'s answer; remembered per value of the facts the rule
        reads, so a repeated count costs one lookup.
        """
        key_of = self._key
        if key_of is None:
            ok, numbers = self.verdict(facts)
            return ok, MappingProxyType({"rule": self.id, "ok": ok, "numbers": _freeze(numbers)})
        key = key_of(facts)
        memo = self._memo
        hit = memo.get(key)
        if hit is not None:
            return hit
        ok, numbers = self.fast(facts)  # type: ignore[misc]  # _key is set only with fast
        hit = ok, MappingProxyType({"rule": self.id, "ok": ok, "numbers": _freeze(numbers)})
        if len(memo) >= _MEMO_CAP:
            memo.clear()
        memo[key] = hit
        return hit


def _needed(num: int, den: int, at_least: bool, total: int) -> int:
    q, r = divmod(num * total, den)
    return q if at_least and r == 0 else q + 1


_QUORUM_FIELDS: Final = {
    "members": ("present_members", "members"), "voters": ("present", "voters"),
    "expected": ("present", "expected"), "households": ("present_households", "households"),
    "adults": ("present_adults", "adults"),
}
_APPROVAL_FIELDS: Final = {"present": "present", "expected": "expected", "members": "members",
                           "voters": "voters", "households": "households"}


def _threshold(params: Mapping[str, Any]) -> tuple[int, int, bool, str, str, str]:
    ratio = params["ratio"] if isinstance(params["ratio"], Fraction) else Fraction(params["ratio"])
    return (ratio.numerator, ratio.denominator, params["compare"] == ">=",
            format_fraction(ratio), str(params["compare"]), str(params["base"]))


def _fast_quorum(params: Mapping[str, Any]) -> Fast:
    alts = [_threshold(params)] + [_threshold(a) for a in params.get("any_of") or ()]
    fields = [_QUORUM_FIELDS[a[5]] for a in alts]

    def fast(f: Facts) -> tuple[bool, dict[str, Any]]:
        rows = []
        best = None
        for (num, den, at_least, ratio, compare, base), (cf, tf) in zip(alts, fields,
                                                                        strict=True):
            count, total = getattr(f, cf), getattr(f, tf)
            ok = count * den >= num * total if at_least else count * den > num * total
            nums = {"count": count, "total": total,
                    "needed": _needed(num, den, at_least, total), "ratio": ratio,
                    "compare": compare, "base": base}
            rows.append((nums, ok))
            if ok and best is None:
                best = (nums, ok)
        chosen = best or rows[0]
        out = dict(chosen[0])
        if len(rows) > 1:
            out["alternatives"] = [n | {"ok": ok} for n, ok in rows]
        return chosen[1], out

    return fast


def _fast_approval(params: Mapping[str, Any]) -> Fast | None:
    num, den, at_least, ratio, compare, base = _threshold(params)
    field = _APPROVAL_FIELDS.get(base)
    if field is None:
        return None

    def fast(f: Facts) -> tuple[bool, dict[str, Any]]:
        total = getattr(f, field)
        ok = f.yes * den >= num * total if at_least else f.yes * den > num * total
        return ok, {"count": f.yes, "total": total,
                    "needed": _needed(num, den, at_least, total), "ratio": ratio,
                    "compare": compare, "base": base, "no": f.no, "abstain": f.abstain}

    return fast


def _fast_signatures(params: Mapping[str, Any]) -> Fast:
    of = params["of"]
    need_min = int(params.get("min") or 0)

    def fast(f: Facts) -> tuple[bool, dict[str, Any]]:
        if of == "participants":
            return (f.participants_signed >= f.participants,
                    {"count": f.participants_signed, "needed": f.participants})
        if of == "township-witnesses":
            return f.witnesses_signed >= need_min, {"count": f.witnesses_signed,
                                                    "needed": need_min}
        return (f.submitters_signed >= f.submitters > 0,
                {"count": f.submitters_signed, "needed": max(1, f.submitters)})

    return fast


def _fast_days(field: str, params: Mapping[str, Any]) -> Fast:
    need = int(params["days"])

    def fast(f: Facts) -> tuple[bool, dict[str, Any]]:
        got = getattr(f, field)
        return got is not None and got >= need, {"count": got, "needed": need}

    return fast


def _fast_disclosure(params: Mapping[str, Any]) -> Fast:
    allowed = frozenset(params["channels"])
    min_days = int(params["min_days"])

    def fast(f: Facts) -> tuple[bool, dict[str, Any]]:
        ok = (any(c in allowed for c in f.channels) and f.days_posted >= min_days
              and not f.open_objections)
        return ok, {"count": f.days_posted, "needed": min_days, "channels": list(f.channels),
                    "open_objections": f.open_objections}

    return fast


def _reads(rule: str, params: Mapping[str, Any]) -> tuple[str, ...]:
    """The facts the quick verdict of ``rule`` reads (its memo key)."""
    if rule == "quorum":
        alts = [params, *(params.get("any_of") or ())]
        return tuple(dict.fromkeys(f for a in alts for f in _QUORUM_FIELDS[_threshold(a)[5]]))
    if rule == "approval":
        return ("yes", _APPROVAL_FIELDS[_threshold(params)[5]], "no", "abstain")
    if rule == "signatures":
        of = params["of"]
        if of == "participants":
            return ("participants_signed", "participants")
        if of == "township-witnesses":
            return ("witnesses_signed",)
        return ("submitters_signed", "submitters")
    if rule == "notice-period":
        return ("notice_days",)
    if rule == "advance-circulation":
        return ("circulated_days",)
    if rule == "disclosure":
        return ("channels", "days_posted", "open_objections")
    return ()


def _fast_for(rule: str, params: Mapping[str, Any]) -> Fast | None:
    if rule == "quorum":
        return _fast_quorum(params)
    if rule == "approval":
        return _fast_approval(params)
    if rule == "signatures":
        return _fast_signatures(params)
    if rule == "notice-period":
        return _fast_days("notice_days", params)
    if rule == "advance-circulation":
        return _fast_days("circulated_days", params)
    if rule == "disclosure":
        return _fast_disclosure(params)
    return None


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
    reads_notice: bool = False  # a rule reads the notice period
    reads_circulation: bool = False  # a rule reads the advance circulation
    reads_date: bool = False  # a rule reads the day the action takes place (lunar schedules)
    escalates: frozenset[str] = frozenset()  # route keys that lead to ``escalate``
    # The engine's remembered verdicts of meetings given as counts (see case._ev_meeting).
    memo: dict[Any, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def id(self) -> str:
        return self.stage.id

    def rule(self, name: str) -> CompiledRule | None:
        """The first precondition using the registered rule ``name``."""
        for r in self.preconditions:
            if r.rule == name:
                return r
        return None


@attrs.frozen(slots=True, cache_hash=True)  # part of the engine's memo keys
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
        "_members",
        "machine",
        "next_meeting",
        "procedure",
        "settings",
        "settings_data",
        "settings_frozen",
        "skips",
        "stage_ids",
        "stages",
    )

    def __init__(self, procedure: Procedure, settings: Mapping[str, Any]) -> None:
        self.procedure = procedure
        self.settings = dict(settings)
        self.settings_data = {k: _plain(v) for k, v in sorted(self.settings.items())}
        self.settings_frozen = _freeze(self.settings_data)
        self.machine = machine_for(procedure)
        self.stages: dict[str, StagePlan] = {
            s.id: _compile_stage(procedure, i, s, self.settings)
            for i, s in enumerate(procedure.stages)
        }
        self.stage_ids = tuple(self.stages)
        self.skips = frozenset(sid for sid, sp in self.stages.items() if sp.skip)
        # The meeting a notice or circulation announces by default: the first meeting stage,
        # not merged away, at or after each stage.
        plans = list(self.stages.values())
        self.next_meeting: dict[str, str | None] = {
            sp.id: next((m.id for m in plans[sp.index:]
                         if m.kind is ActionKind.MEETING and not m.skip), None)
            for sp in plans
        }
        self._counts: dict[tuple[int, str], tuple[weakref.ref[Roster], BodyCounts]] = {}
        self._members: dict[tuple[int, tuple[str, ...]],
                            tuple[weakref.ref[Roster], frozenset[str]]] = {}

    def stage(self, stage_id: str) -> StagePlan:
        return self.stages[stage_id]

    def member_ids(self, roster: Roster, selectors: tuple[str, ...]) -> frozenset[str]:
        """Ids of the villagers ``selectors`` select on ``roster`` (cached while it lives: a
        roster never changes)."""
        key = (id(roster), selectors)
        hit = self._members.get(key)
        if hit is not None and hit[0]() is roster:
            return hit[1]
        ids = frozenset(v.id for v in roster.villagers if roster.matches(v, selectors))
        self._members[key] = (weakref.ref(roster), ids)
        weakref.finalize(roster, self._members.pop, key, None)
        return ids

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
        fast = _fast_for(spec.rule, params) if rtype is _REGISTERED.get(spec.rule) else None
        compiled = CompiledRule(spec.id, spec.rule, params, rtype.check, spec.basis, fast,
                                _reads(spec.rule, params) if fast is not None else ())
        if spec.rule == "quorum":
            quorum = compiled
        elif spec.rule in ("approval", "satisfaction"):
            # what decides a meeting's vote or an evaluation's ratings (recorded, not refused)
            approval = compiled
        elif spec.rule == "deadline":
            deadlines.append(compiled)
        else:
            pre.append(compiled)
    skip = bool(stage.skip_when and procedure.setting_value(stage.skip_when, settings))
    targets = {}
    for key in ROUTE_KEYS:
        t = route_target(procedure, stage.id, key)
        if t is not None:
            targets[key] = t
    names = {r.rule for r in pre}
    return StagePlan(stage, index, body, stage.action, skip, quorum, approval, tuple(pre),
                     tuple(deadlines), targets, "notice-period" in names,
                     "advance-circulation" in names, "lunar-schedule" in names,
                     frozenset(k for k, t in targets.items() if t == ESCALATE))


# The built-in rule types the fast paths mirror; a rule re-registered by an extension under
# another object falls back to its own check.
_REGISTERED: Final = {name: RULES[name] for name in ("quorum", "approval", "signatures",
                                                    "notice-period", "advance-circulation",
                                                    "disclosure")}

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
    key = (id(procedure), repr({k: _plain(v) for k, v in sorted(settings.items())})
           if settings else "{}")
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
