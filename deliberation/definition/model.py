"""The procedure definition model: what a YAML procedure file says, as frozen ``attrs`` records.

A :class:`Procedure` is fully resolved: ``extends:`` has been applied, so its ``stages`` are the
concrete steps in order. Build one with :func:`deliberation.loader.load_procedure`; this module
holds only the data and the small lookups every other module needs.

>>> from deliberation import load_procedure
>>> p = load_procedure("four-deliberations")
>>> [s.id for s in p.stages][:2]
['proposal', 'discussion']
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any, Final, Protocol, TypeVar, Union
from zoneinfo import ZoneInfo

import attrs

from deliberation.i18n import Text
from deliberation.reprs import fields_repr
from deliberation.rules.actions import ActionKind as ActionKind
from deliberation.zone import DEFAULT_TIMEZONE as DEFAULT_TIMEZONE


class OutcomeKind(enum.Enum):
    """How a case can end."""

    SUCCESS = "success"
    FAILURE = "failure"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"


class SettingType(enum.Enum):
    BOOL = "bool"
    INT = "int"
    FRACTION = "fraction"
    COMPARISON = "comparison"
    CHOICE = "choice"
    STRING = "string"


# Where a stage's outcome may lead besides a stage or an outcome id: the same stage, again.
RECONVENE: Final = "reconvene"

# DEFAULT_TIMEZONE (imported from deliberation.zone, where the store and `case list` read it
# without loading a procedure): the zone a procedure counts its days in unless it names another.

# Where a route may lead besides a stage, an outcome or ``reconvene``: one level up the
# procedure's escalation ladder (to ``escalation.to``; from the top level to ``escalation.top``).
ESCALATE: Final = "escalate"

# The outcomes a stage can produce, each the key of a route in ``Stage.on``. ``declined`` (a
# task's handler declines it) and ``unresolved`` (it cannot be solved at this level) happen at
# task stages; an evaluation whose ratings fall short takes ``rejected``; ``short`` is a
# disclosure concluded before its period (a ``disclosure`` rule with ``when_short: repost``);
# ``returned`` is a gate that sends the matter back (its checks not met, or an authority
# returning it for completion), to the stage the gate names.
ROUTE_KEYS: Final = ("pass", "no_quorum", "rejected", "max_rounds", "deadline", "objection",
                     "declined", "unresolved", "short", "returned")


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


_I = TypeVar("_I", bound=_Identified)
_V = TypeVar("_V")
_D = TypeVar("_D")


def by_id(items: Iterable[_I], key: str) -> _I:
    """The item of ``items`` (a procedure's stages, a view's steps…) whose ``id`` is ``key``.

    >>> from deliberation import load_procedure
    >>> by_id(load_procedure("four-deliberations").stages, "review").id
    'review'
    """
    for item in items:
        if item.id == key:
            return item
    raise KeyError(key)


def pair_value(pairs: Iterable[tuple[str, _V]], key: str, default: _D) -> _V | _D:
    """The value of ``key`` in ``pairs`` (the frozen form of a small mapping), else ``default``.

    >>> pair_value((("pass", "next"), ("rejected", "end")), "rejected", None)
    'end'
    """
    for k, v in pairs:
        if k == key:
            return v
    return default


@fields_repr
@attrs.frozen(repr=False)
class SettingRef:
    """A rule parameter (or a stage's body) that takes its value from a named setting."""

    setting: str


ParamValue = Union[
    bool, int, str, Fraction, SettingRef, tuple["ParamValue", ...], "FrozenMap"
]


@fields_repr
@attrs.frozen(repr=False)
class FrozenMap:
    """An immutable mapping used for nested parameter values (e.g. ``any_of`` alternatives)."""

    items: tuple[tuple[str, ParamValue], ...]

    def get(self, key: str, default: ParamValue | None = None) -> ParamValue | None:
        return pair_value(self.items, key, default)

    def as_dict(self) -> dict[str, ParamValue]:
        return dict(self.items)


@fields_repr
@attrs.frozen(repr=False)
class Basis:
    """A legal or documentary source that a rule or threshold rests on."""

    id: str
    title: Text
    tag: str = "law"  # law | seed | local | open — as in domain.md
    article: str = ""
    url: str = ""
    law: str = ""  # a law of rules/law.yaml: the article is cited by the version in force


@fields_repr
@attrs.frozen(repr=False)
class Setting:
    """A documented choice a locality can change, e.g. an [open] interpretation."""

    id: str
    type: SettingType
    default: ParamValue
    description: Text
    choices: tuple[str, ...] = ()
    open: bool = False  # marks an interpretation the statute leaves open ([open] in domain.md)
    basis: tuple[str, ...] = ()


@fields_repr
@attrs.frozen(repr=False)
class RuleSpec:
    """A registered rule, by name, with its parameters (never code)."""

    id: str
    rule: str
    params: tuple[tuple[str, ParamValue], ...] = ()
    basis: tuple[str, ...] = ()
    note: Text | None = None

    def param(self, name: str, default: ParamValue | None = None) -> ParamValue | None:
        return pair_value(self.params, name, default)


@fields_repr
@attrs.frozen(repr=False)
class Body:
    """Who acts: a body whose membership and electorate derive from the village roster.

    ``members`` and ``voters`` are roster selectors (see :mod:`deliberation.roster`), combined
    as a union. ``rules`` are the body's statutory rules (quorum, approval) that apply wherever
    the body meets; a stage can add more or replace one by giving the same rule id.
    ``exclusions`` are the categories of voters a meeting may leave out of 应到 (with an
    approval; see :mod:`deliberation.rules.electorate`): none unless the body lists them.
    ``online`` and ``proxy`` say how else a member may attend its meetings: online (通过即时
    通讯工具在线参加), and by the written proxy of an adult of the same household
    (``proxy="same-household"``); by default only in person.
    """

    id: str
    name: Text
    members: tuple[str, ...]
    voters: tuple[str, ...] = ()  # empty: every member votes
    unit: str = "person"  # person | household
    rules: tuple[RuleSpec, ...] = ()
    basis: tuple[str, ...] = ()
    description: Text | None = None
    exclusions: tuple[str, ...] = ()
    online: bool = False
    proxy: str = "none"  # none | same-household


@fields_repr
@attrs.frozen(repr=False)
class Group:
    """A group a meeting creates (e.g. the working group, 工作小组, the villagers' meeting
    elects to draft a plan): a roster selector whose members are not a roster column but the
    villagers the meeting of ``elected_at`` elected, by name.

    A body names the group among its ``members`` like any selector; its meetings, quorums,
    signatures and observers then count the elected members. Each elected member must be on the
    roster and selected by ``eligible`` (a union of roster selectors); the group has between
    ``min_members`` and ``max_members`` members (no upper limit when ``None``). A new election
    at the same stage (the case came back to it) replaces the group.
    """

    id: str
    name: Text
    elected_at: str
    eligible: tuple[str, ...] = ("villager",)
    min_members: int = 1
    max_members: int | None = None
    basis: tuple[str, ...] = ()
    description: Text | None = None


@fields_repr
@attrs.frozen(repr=False)
class Outcome:
    """A final state of a case."""

    id: str
    name: Text
    kind: OutcomeKind


# How a meeting's items voted one by one decide its stage (``item_policy``): ``all`` — the stage
# passes only if every item is adopted; ``any`` — it passes with the items adopted, rejected
# only if none is.
ITEM_POLICIES: Final = ("all", "any")


@fields_repr
@attrs.frozen(repr=False)
class MeetingItem:
    """One item of a meeting voted on by itself (逐项表决): its own result under the stage's
    approval rule, or under its own ``approval`` (a rule spec with the ``rejected`` effect)."""

    id: str
    name: Text
    approval: RuleSpec | None = None


@fields_repr
@attrs.frozen(repr=False)
class GateCheck:
    """One named check a gate examines the matter against (e.g. legality, completeness)."""

    id: str
    name: Text


@fields_repr
@attrs.frozen(repr=False)
class GateAuthority:
    """The authority above the village that decides a gate, and what it is asked for:
    ``approval`` (审批: approved, refused or returned) or ``filing`` (备案: filed or returned).
    """

    id: str
    asks: str = "approval"


@fields_repr
@attrs.frozen(repr=False)
class LawVersionRef:
    """A version of a law of ``rules/law.yaml`` (``organic-law`` ``2025``): a stage it
    requires applies to cases opened, in local time, on or after the day it came into force."""

    law: str
    version: str


@fields_repr
@attrs.frozen(repr=False)
class Stage:
    """One step of a procedure.

    ``on`` maps what happened (``pass``, ``no_quorum``, ``rejected``, ``max_rounds``,
    ``deadline``, ``objection``) to where the case goes: a stage id, an outcome id or
    ``reconvene``. ``pass`` defaults to the next stage (or the success outcome after the last).
    """

    id: str
    name: Text
    action: ActionKind
    body: str | SettingRef
    rules: tuple[RuleSpec, ...] = ()
    records: tuple[str, ...] = ()
    on: tuple[tuple[str, str], ...] = ()
    max_rounds: int | None = None
    skip_when: str | None = None  # a bool setting; when true the stage is merged away
    description: Text | None = None
    basis: tuple[str, ...] = ()
    # a meeting's items voted one by one, and how they decide the stage (ITEM_POLICIES)
    items: tuple[MeetingItem, ...] = ()
    item_policy: str = "all"
    # a gate: the checks its body examines; or the authority above the village deciding it
    checks: tuple[GateCheck, ...] = ()
    authority: GateAuthority | None = None
    # the law version that requires the stage: a case opened (local date) before it came into
    # force skips it, as a stage merged away (e.g. the Party organisation's study that the 2025
    # amendment of the Organic Law requires from 2026-01-01)
    required_from: LawVersionRef | None = None

    @property
    def skippable(self) -> bool:
        """Whether a case may pass the stage by without doing it: merged away by a setting,
        or not yet required by the law in force when the case was opened."""
        return self.skip_when is not None or self.required_from is not None

    def route(self, key: str) -> str | None:
        return pair_value(self.on, key, None)


@fields_repr
@attrs.frozen(repr=False)
class Supervision:
    """The supervision committee's power to suspend a case by an objection until answered."""

    body: str
    answer_within_days: int = 7
    basis: tuple[str, ...] = ()


@fields_repr
@attrs.frozen(repr=False)
class Level:
    """One rung of an escalation ladder (village, town, district…)."""

    id: str
    name: Text


@fields_repr
@attrs.frozen(repr=False)
class Escalation:
    """An escalation ladder: a route leading to ``escalate`` raises the case one level.

    The case starts at the first level; escalating from level *i* (not the last) moves it to
    level *i + 1* and to the stage ``to``; escalating from the last level goes to ``top`` (an
    outcome or a stage id).
    """

    levels: tuple[Level, ...]
    to: str
    top: str
    basis: tuple[str, ...] = ()

    def level(self, index: int) -> Level:
        return self.levels[min(index, len(self.levels) - 1)]


@fields_repr
@attrs.frozen(repr=False)
class Withdrawal:
    """Who may withdraw a matter, and until which stage (exclusive)."""

    by: tuple[str, ...] = ("submitters", "proposers")
    until: str | None = None  # a stage id; withdrawal allowed before that stage completes
    outcome: str = "withdrawn"


@fields_repr
@attrs.frozen(repr=False)
class Procedure:
    """A complete, resolved procedure definition.

    ``timezone`` is the IANA name of the zone whose calendar dates every day count, deadline,
    notice period and lunar date of the procedure uses (:mod:`deliberation.rules.days`);
    records keep their instants, and :attr:`zone` gives the zone to read their local dates in.
    """

    id: str
    version: str
    name: Text
    locality: str
    description: Text | None
    basis: Mapping[str, Basis]
    settings: Mapping[str, Setting]
    bodies: Mapping[str, Body]
    stages: tuple[Stage, ...]
    outcomes: Mapping[str, Outcome]
    supervision: Supervision | None = None
    withdrawal: Withdrawal | None = None
    extends: str | None = None
    escalation: Escalation | None = None
    timezone: str = DEFAULT_TIMEZONE
    # disclosure channels this procedure names besides the built-in ones
    # (:data:`deliberation.rules.channels.CHANNELS`), with their names
    channels: Mapping[str, Text] = attrs.field(factory=dict)
    # groups a meeting creates (:class:`Group`), by id: selectors whose members a case records
    groups: Mapping[str, Group] = attrs.field(factory=dict)
    # authorities above the village this procedure names besides the built-in ones
    # (:data:`deliberation.rules.authorities.AUTHORITIES`), with their names
    authorities: Mapping[str, Text] = attrs.field(factory=dict)
    source: str | None = attrs.field(default=None, eq=False)
    # the version that replaced this one, when this is an earlier version kept for replay
    # (``history/`` beside the current file; :meth:`~deliberation.definition.loader.Library.load`
    # sets it): cases under it are read, verified and exported, never acted on
    superseded_by: str | None = attrs.field(default=None, eq=False)
    # the stages that a version of a law requires (``required_from``), found once: what opening
    # a case asks about the day it is opened (most procedures have none, and skip the asking)
    dated_stages: tuple[Stage, ...] = attrs.field(init=False, eq=False, repr=False, default=(
        attrs.Factory(lambda p: tuple(s for s in p.stages if s.required_from is not None),
                      takes_self=True)))

    @property
    def zone(self) -> ZoneInfo:
        """The procedure's time zone (``ZoneInfo`` caches one object per name).

        >>> from deliberation import load_procedure
        >>> load_procedure("four-deliberations").zone
        zoneinfo.ZoneInfo(key='Asia/Shanghai')
        """
        return ZoneInfo(self.timezone)

    # -- lookups used everywhere -------------------------------------------------------------
    def stage(self, stage_id: str) -> Stage:
        return by_id(self.stages, stage_id)

    def groups_elected_at(self, stage_id: str) -> tuple[Group, ...]:
        """The groups the meeting of ``stage_id`` elects."""
        return tuple(g for g in self.groups.values() if g.elected_at == stage_id)

    def stage_index(self, stage_id: str) -> int:
        for i, s in enumerate(self.stages):
            if s.id == stage_id:
                return i
        raise KeyError(stage_id)

    def setting_value(self, setting_id: str, overrides: Mapping[str, Any] | None = None) -> Any:
        if overrides and setting_id in overrides:
            return overrides[setting_id]
        return self.settings[setting_id].default

    def resolve(self, value: Any, overrides: Mapping[str, Any] | None = None) -> Any:
        """Replace :class:`SettingRef` values (also nested) by the setting's value."""
        if isinstance(value, SettingRef):
            return self.setting_value(value.setting, overrides)
        if isinstance(value, tuple):
            return tuple(self.resolve(v, overrides) for v in value)
        if isinstance(value, FrozenMap):
            return FrozenMap(tuple((k, self.resolve(v, overrides)) for k, v in value.items))
        return value

    def params_of(self, spec: RuleSpec, overrides: Mapping[str, Any] | None = None
                  ) -> dict[str, Any]:
        """A rule's parameters as given, settings resolved and nested mappings (``any_of``
        alternatives) as plain dicts: what :meth:`RuleType.bind` takes."""
        return {k: _plain(self.resolve(v, overrides)) for k, v in spec.params}

    def body_of(self, stage: Stage, overrides: Mapping[str, Any] | None = None) -> Body:
        body_id = self.resolve(stage.body, overrides)
        return self.bodies[str(body_id)]

    def rules_of(
        self, stage: Stage, overrides: Mapping[str, Any] | None = None
    ) -> tuple[RuleSpec, ...]:
        """The body's rules, then the stage's; a stage rule with a body rule's id replaces it."""
        stage_ids = {r.id for r in stage.rules}
        body = self.body_of(stage, overrides)
        inherited = tuple(r for r in body.rules if r.id not in stage_ids)
        return inherited + stage.rules

    def pass_target(self, stage: Stage) -> str:
        explicit = stage.route("pass")
        if explicit is not None:
            return explicit
        i = self.stage_index(stage.id)
        if i + 1 < len(self.stages):
            return self.stages[i + 1].id
        return self.success_outcome().id

    def success_outcome(self) -> Outcome:
        for o in self.outcomes.values():
            if o.kind is OutcomeKind.SUCCESS:
                return o
        raise LookupError(f"procedure {self.id!r} has no success outcome")

    def outcome_of_kind(self, kind: OutcomeKind) -> Outcome | None:
        for o in self.outcomes.values():
            if o.kind is kind:
                return o
        return None

    def target(self, stage: Stage, key: str) -> str:
        """Where ``key`` (``pass``, ``no_quorum``…) leads from ``stage``, defaults applied."""
        if key == "pass":
            return self.pass_target(stage)
        explicit = stage.route(key)
        if explicit is not None:
            return explicit
        return _default_target(self, key)


def _default_target(procedure: Procedure, key: str) -> str:
    if key == "no_quorum":
        return RECONVENE
    if key == "objection":
        return RECONVENE
    if key == "declined":  # the same task again, for another handler (reassignment)
        return RECONVENE
    if key == "short":  # a posting taken down too early is posted again (counted anew)
        return RECONVENE
    if key == "returned":  # a gate names where a return goes (D482); unnamed: the gate again
        return RECONVENE
    if key == "unresolved" and procedure.escalation is not None:
        return ESCALATE
    if key == "deadline":
        lapsed = procedure.outcome_of_kind(OutcomeKind.LAPSED)
        if lapsed is not None:
            return lapsed.id
    failure = procedure.outcome_of_kind(OutcomeKind.FAILURE)
    if failure is not None:
        return failure.id
    raise LookupError(f"procedure {procedure.id!r} has no failure outcome for {key!r}")


def _plain(value: Any) -> Any:
    if isinstance(value, FrozenMap):
        return {k: _plain(v) for k, v in value.items}
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value
