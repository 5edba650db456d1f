"""What every rule is: its parameters, the facts it reads, its verdict, its words, its numbers.

A procedure never carries code: it names a registered :class:`RuleType` and gives parameters.
The loader checks them against the type's :class:`Param` specs; :meth:`RuleType.bind` turns them
into a :class:`Rule` — one frozen object per rule of a stage, its parameters parsed once — and
everything else asks that object:

- :meth:`Rule.verdict` — a pure function of the :data:`~deliberation.rules.facts.Facts` it
  :attr:`~Rule.reads`: whether it holds, and the numbers behind it;
- :meth:`Rule.message` — the words, built from those numbers only when someone reads them;
- :meth:`Rule.describe` — what the rule says, for ``show``, walkthroughs, the page and diagrams;
- :meth:`Rule.requirements` — the exact counts it needs on given totals (the simulator's and the
  calculators' numbers).

>>> from deliberation.rules import RULES
>>> quorum = RULES["quorum"].bind("quorum", {"ratio": "2/3", "compare": ">=", "base": "members"})
>>> v = quorum.verdict({"members": 28, "present_members": 18})
>>> v.ok, v.numbers["needed"]
(False, 19)
>>> v.message.get("en")
'quorum not met: 18 of 28 present, at least 2/3 of members needed, i.e. at least 19'
"""

from __future__ import annotations

import abc
import importlib
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from fractions import Fraction
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from deliberation.frozen import FrozenDict, freeze
from deliberation.i18n import Joined, Text, _p
from deliberation.reprs import fields_repr
from deliberation.rules.actions import ActionKind, Effect
from deliberation.rules.facts import Facts


@fields_repr
@attrs.frozen(repr=False)
class Param:
    """One parameter of a registered rule, as a procedure file gives it."""

    name: str
    type: str  # fraction | comparison | base | int | ints | bool | choice | list | thresholds
    required: bool = True
    default: Any = None
    choices: tuple[str, ...] = ()
    description: str = ""
    # bounds of an ``int`` (or each of ``ints``), checked by the loader (D402)
    minimum: int | None = None
    maximum: int | None = None


@fields_repr
@attrs.frozen(repr=False)
class Requirement:
    """One count a rule needs: ``facts[count]`` must reach ``needed`` out of ``total``."""

    count: str  # the fact compared (e.g. ``present_members``, ``yes``, ``consulted``)
    total: int
    needed: int


@fields_repr
@attrs.frozen(repr=False)
class ThresholdView:
    """A numeric threshold of a rule as a calculator shows it: ``count <compare> ratio × total``."""

    num: int
    den: int
    compare: str
    base: str
    count_field: str  # the fact counted
    total_field: str  # the fact (or, for votes cast, the sum) it is a share of

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.num, self.den)

    def to_data(self) -> dict[str, Any]:
        return {"num": self.num, "den": self.den, "compare": self.compare, "base": self.base,
                "count": self.count_field, "total": self.total_field}


@fields_repr
@attrs.frozen(repr=False)
class Description:
    """What a rule says, in words and numbers, without any case: for every view of a procedure.

    ``summary`` is one short line (a diagram's arrow), ``detail`` the rule in full words with its
    boundary word spelled out, ``thresholds`` the numeric thresholds (several: alternatives, any
    one suffices), ``days`` the days the rule makes the case wait (notice, circulation, posting).
    """

    summary: Text
    detail: Text
    thresholds: tuple[ThresholdView, ...] = ()
    days: int = 0
    on_arrow: bool = False  # whether it decides the step's passing (shown on diagrams' arrows)


class Verdict(FrozenDict):
    """One rule's verdict on some facts: whether it held and the numbers; words on demand.

    The verdict is also its own entry in a record's result — the frozen mapping
    ``{"rule": id, "ok": …, "numbers": {…}}`` that a result lists among its checks — so a checked
    rule is recorded as it was judged, without another copy. ``.rule`` is the
    :class:`Rule` itself; ``.ok``, ``.numbers`` and ``.id`` read the entry.

    >>> from deliberation.rules import RULES
    >>> v = RULES["recusal"].bind("recusal", {}).verdict({"interested_voting": 0})
    >>> v.ok, v.id, v.entry() == {"rule": "recusal", "ok": True,
    ...                           "numbers": {"count": 0, "needed": 0}}
    (True, 'recusal', True)
    """

    __slots__ = ("_rule",)

    # Made only by :meth:`Rule._verdict` (or :func:`verdict_of`), which fills the entry and the
    # rule slot as it makes it: ``dict``'s own constructor, no Python ``__init__`` frame — every
    # action asks a few verdicts.

    if TYPE_CHECKING:
        _rule: Rule
        rule: Rule
        ok: bool
        numbers: Mapping[str, Any]
        id: str
    else:  # read-only views of the entry and the rule (getters called from C: every action
        # asks a few verdicts)
        rule = property(attrgetter("_rule"))
        ok = property(itemgetter("ok"))
        numbers = property(itemgetter("numbers"))
        id = property(itemgetter("rule"))

    def __reduce__(self) -> tuple[Any, ...]:
        return (verdict_of, (self.rule, self.ok, self.numbers))

    @property
    def message(self) -> Text:
        """The verdict in words (built now, from the numbers)."""
        return self.rule.message(self.ok, self.numbers)

    def entry(self) -> FrozenDict:
        """``{"rule", "ok", "numbers"}`` as a record's result lists its checks: the verdict."""
        return self


@fields_repr
@attrs.frozen(repr=False)
class Rule(abc.ABC):
    """A rule of a procedure with its parameters parsed: the one code path of its family.

    Subclasses (one family module each) add their parsed parameters as fields and implement
    :meth:`verdict`, :meth:`message`, :meth:`describe` and, for counted rules,
    :meth:`requirements`.
    """

    type: ClassVar[RuleType]
    id: str
    basis: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    # the parameters as given (settings resolved, defaults filled), for display and export
    params: Mapping[str, Any] = attrs.field(factory=FrozenDict, kw_only=True, eq=False)

    @property
    def name(self) -> str:
        """The registered rule's name (``quorum``, ``disclosure``…)."""
        return self.type.name

    @property
    def effect(self) -> Effect:
        return self.type.effect

    @property
    @abc.abstractmethod
    def reads(self) -> frozenset[str]:
        """The facts :meth:`verdict` reads (the engine counts only what some rule reads)."""

    @abc.abstractmethod
    def verdict(self, facts: Facts) -> Verdict:
        """Whether the rule holds on ``facts``, and the numbers behind it (pure)."""

    @abc.abstractmethod
    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        """The verdict in words, from its numbers."""

    @abc.abstractmethod
    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        """The rule in words; ``channels`` names the procedure's disclosure channels."""

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        """The counts this rule needs on the totals in ``facts`` (empty: none counted)."""
        return ()

    def holds_if_any(self) -> bool:
        """Whether one of :meth:`requirements` suffices (alternatives) rather than all."""
        return False

    def at_body(self, representative: bool) -> Rule:
        """This rule as held at a body that is (``True``) or is not a representative one (its
        members include villager representatives), for the views that :meth:`describe` it
        without a case; a case gives the body in its facts instead. Most rules do not depend on
        it and return themselves; ``matter-regime`` does (the law's base at a representatives'
        meeting is its villager representatives)."""
        return self

    def notice_days(self) -> int:
        """The days of notice a meeting is sure to have been called with when this rule holds
        (0: the rule says nothing about notice). A regime needing the assembly called some days
        ahead compares it (:func:`deliberation.rules.regimes.admission`)."""
        return 0

    def clauses(self, facts: Facts) -> tuple[tuple[Requirement, ...], ...]:
        """:meth:`requirements` as clauses: the rule holds when every clause holds, a clause
        when any of its requirements is met (composite rules combine their children's)."""
        reqs = self.requirements(facts)
        if self.holds_if_any():
            return (reqs,) if reqs else ()
        return tuple((r,) for r in reqs)

    def _verdict(self, ok: bool, numbers: dict[str, Any]) -> Verdict:
        # (keywords: the type call takes them as its one mapping, no literal made first)
        v = Verdict(rule=self.id, ok=ok, numbers=FrozenDict(numbers))
        v._rule = self  # (its one setting, as it is made: see Verdict)
        return v


def verdict_of(rule: Rule, ok: bool, numbers: Mapping[str, Any]) -> Verdict:
    """The verdict ``rule`` gives with ``ok`` and ``numbers`` (unpickling one, for instance)."""
    return rule._verdict(ok, dict(numbers))


Build = Callable[[str, Mapping[str, Any], tuple[str, ...]], Rule]


@fields_repr
@attrs.frozen(repr=False)
class RuleType:
    """A registered rule: name, label, parameters, where it applies, what a failure does."""

    name: str
    label: Text
    description: str
    params: tuple[Param, ...]
    actions: tuple[ActionKind, ...]
    effect: Effect
    build: Build = attrs.field(repr=False, eq=False)

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None

    def with_defaults(self, params: Mapping[str, Any]) -> dict[str, Any]:
        out = {p.name: p.default for p in self.params if not p.required}
        out.update(params)
        return out

    def bind(self, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...] = ()
             ) -> Rule:
        """The rule with ``params`` (settings already resolved) parsed, defaults filled."""
        full = self.with_defaults(params)
        return attrs.evolve(self.build(rule_id, full, tuple(basis)), params=freeze(full))

    def check(self, params: Mapping[str, Any], facts: Facts) -> Verdict:
        """Bind and judge in one step (for tests and one-off questions)."""
        return self.bind(self.name, params).verdict(facts)


# The module that defines each built-in rule (the rule stays in that one module; this only says
# where to find it). :data:`RULES` imports a family the first time one of its rules is looked up,
# so a command loads only the families its procedure names: start-up speed. A test checks the
# table against what each family registers.
FAMILIES: Final[Mapping[str, str]] = {
    "quorum": "deliberation.rules.attendance",
    "approval": "deliberation.rules.attendance",
    "recusal": "deliberation.rules.attendance",
    "comment-period": "deliberation.rules.comments",
    "all-of": "deliberation.rules.composite",
    "any-of": "deliberation.rules.composite",
    "consultation-coverage": "deliberation.rules.consultation",
    "disclosure": "deliberation.rules.disclosure",
    "gate-signatures": "deliberation.rules.gates",
    "notice-period": "deliberation.rules.disclosure",
    "advance-circulation": "deliberation.rules.disclosure",
    "written-motion": "deliberation.rules.motion",
    "proposal-support": "deliberation.rules.motion",
    "observers": "deliberation.rules.observers",
    "signed-by": "deliberation.rules.office_signatures",
    "results-published": "deliberation.rules.publication",
    "matter-regime": "deliberation.rules.regimes",
    "deadline": "deliberation.rules.schedules",
    "lunar-schedule": "deliberation.rules.schedules",
    "signatures": "deliberation.rules.signatures",
    "satisfaction": "deliberation.rules.tasks",
    "reply-quorum": "deliberation.rules.written",
    "consent": "deliberation.rules.written",
}


class Registry(MutableMapping[str, "RuleType"]):
    """The rule types by name. A built-in rule's family module (:data:`FAMILIES`) is imported
    when the rule is first looked up; iterating imports every family, so listing all rules
    (the schema, did-you-mean) sees them all.

    >>> "quorum" in Registry(), "quorun" in Registry()
    (True, False)
    """

    def __init__(self) -> None:
        self._rules: dict[str, RuleType] = {}

    def _everything(self) -> dict[str, RuleType]:
        for module in sorted(set(FAMILIES.values())):
            importlib.import_module(module)
        return self._rules

    def __getitem__(self, name: str) -> RuleType:
        if name not in self._rules and name in FAMILIES:
            importlib.import_module(FAMILIES[name])
        return self._rules[name]

    def __contains__(self, name: object) -> bool:
        return name in self._rules or name in FAMILIES

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._everything()))

    def __len__(self) -> int:
        return len(self._everything())

    def __setitem__(self, name: str, rule: RuleType) -> None:
        self._rules[name] = rule

    def __delitem__(self, name: str) -> None:
        del self._rules[name]


RULES: Final = Registry()


def register(rule: RuleType) -> RuleType:
    """Add a rule type to the registry (extensions may register their own names)."""
    if rule.name in RULES._rules:
        raise ValueError(f"a rule named {rule.name!r} is already registered")
    RULES[rule.name] = rule
    return rule


def rule_type(cls: type[Rule], *, name: str, label: Text, description: str,
              params: tuple[Param, ...], actions: tuple[ActionKind, ...],
              effect: Effect = Effect.REFUSE) -> RuleType:
    """Register ``cls`` (a :class:`Rule` subclass with a ``from_params`` constructor) under the
    metadata given, and tie the two together. A failed rule refuses the action unless its
    ``effect`` says otherwise: most rules are preconditions."""
    rtype = RuleType(name, label, description, params, actions, effect,
                     build=cls.from_params)  # type: ignore[attr-defined]
    cls.type = rtype
    return register(rtype)


def join(parts: list[Text]) -> Text:
    """Several messages as one, in each language's way of listing."""
    return Joined(_p("between messages", "; "), tuple(parts))


__all__ = ["FAMILIES", "RULES", "Build", "Description", "Effect", "Param", "Registry",
           "Requirement", "Rule", "RuleType", "ThresholdView", "Verdict", "freeze", "join",
           "register", "rule_type", "verdict_of"]
