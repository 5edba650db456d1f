"""Composite rules: ``all-of`` and ``any-of`` over other rules of the same kind.

A law sometimes joins two conditions: Shandong's 村务公开条例 Art. 24 holds a representatives'
meeting only when at least 2/3 of its members **and** at least 2/3 of its women
representatives are present. A composite binds its child rules once, reads what they read,
and judges by their verdicts: ``all-of`` holds when every child holds, ``any-of`` when one
does. Its verdict keeps every child's numbers and says which child decided; its children
must all have the same effect (all quorums, all votes, or all preconditions), which is then
the composite's effect.

>>> from deliberation.rules import RULES
>>> both = RULES["all-of"].bind("quorum", {"rules": (
...     {"rule": "quorum", "id": "members",
...      "params": {"ratio": "2/3", "compare": ">=", "base": "members"}},
...     {"rule": "quorum", "id": "women",
...      "params": {"ratio": "2/3", "compare": ">=", "base": "members", "among": "woman"}})})
>>> v = both.verdict({"members": 30, "present_members": 20,
...                   "members@woman": 12, "present_members@woman": 7})
>>> v.ok, v.numbers["failed"], v.numbers["needed"]
(False, 'women', 8)
>>> both.effect.value
'no_quorum'
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any, ClassVar, Final

import attrs

from deliberation.frozen import FrozenDict
from deliberation.i18n import Text, Triple, _, _p
from deliberation.rules.actions import ActionKind, Effect
from deliberation.rules.base import RULES, Description, Param, Requirement, Rule, Verdict, rule_type
from deliberation.rules.facts import Facts

# The composite rules' names, and what each asks of its children.
MODES: Final = {"all-of": all, "any-of": any}
# A composite is at most this deep in a procedure file (a composite of composites…): enough
# for any statute, and a bound on what a definition can make the engine do.
MAX_DEPTH: Final = 4


def child_effect(rules: tuple[Rule, ...]) -> Effect:
    """The one effect ``rules`` share; ``ValueError`` when they differ or there are none."""
    effects = {r.effect for r in rules}
    if len(effects) != 1:
        raise ValueError("the rules of a composite must all decide the same way "
                         f"(all quorums, all votes…), not {sorted(e.value for e in effects)}")
    return effects.pop()


def _bind_child(spec: Mapping[str, Any]) -> Rule:
    name = str(spec["rule"])
    return RULES[name].bind(str(spec.get("id") or name), dict(spec.get("params") or {}),
                            tuple(spec.get("basis") or ()))


@attrs.frozen
class Composite(Rule):
    """Every child holds (:class:`AllOf`) or one does (:class:`AnyOf`)."""

    mode: ClassVar[str]
    children: tuple[Rule, ...]
    _effect: Effect = attrs.field(init=False, eq=False, repr=False, default=attrs.Factory(
        lambda c: child_effect(c.children), takes_self=True))

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> Composite:
        children = tuple(_bind_child(spec) for spec in params["rules"])
        if not children:
            raise ValueError(f"{cls.mode} needs at least one rule")
        return cls(rule_id, children, basis=basis)

    @property
    def effect(self) -> Effect:
        return self._effect

    @property
    def reads(self) -> frozenset[str]:
        return frozenset().union(*(c.reads for c in self.children))

    def verdict(self, facts: Facts) -> Verdict:
        verdicts = [c.verdict(facts) for c in self.children]
        ok = MODES[self.mode](v.ok for v in verdicts)
        # the child that decided: the first that failed (all-of) or held (any-of)
        decided = next((v for v in verdicts if v.ok is (self.mode == "any-of")), None)
        shown = decided or verdicts[0]
        numbers = dict(shown.numbers) | {
            "of": self.mode,
            "failed": "" if ok else (decided.id if decided is not None else verdicts[0].id),
            "children": tuple(FrozenDict(rule=v.id, ok=v.ok, numbers=v.numbers)
                              for v in verdicts)}
        return self._verdict(ok, numbers)

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        parts = []
        for child, entry in zip(self.children, numbers["children"], strict=True):
            word = _HELD if entry["ok"] else _FAILED
            parts.append(_("{id} ({word}): {msg}").format(
                              id=child.id, word=word,
                              msg=child.message(entry["ok"], entry["numbers"])))
        body = Triple(";".join(p.zh_hans for p in parts), ";".join(p.zh_hant for p in parts),
                    "; ".join(p.en for p in parts))
        if ok:
            head = _ALL_HELD if self.mode == "all-of" else _ONE_HELD
            return _("{head}. {body}").format(
                        head=head, body=body)
        head = _("{failed} not met").format(
                    failed=numbers["failed"]) if self.mode == "all-of" else _NONE_HELD
        return _("{head}. {body}").format(head=head,
                    body=body)

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        described = [c.describe(channels) for c in self.children]
        joiner = _AND if self.mode == "all-of" else _OR

        def joined(attr: str) -> Text:
            texts = [getattr(d, attr) for d in described]
            return Triple(*(joiner.get(lang).join(t.get(lang) for t in texts)
                          for lang in ("zh-Hans", "zh-Hant", "en")))

        return Description(joined("summary"), joined("detail"),
                           tuple(t for d in described for t in d.thresholds),
                           days=max(d.days for d in described),
                           on_arrow=any(d.on_arrow for d in described))

    def at_body(self, representative: bool) -> Composite:
        return attrs.evolve(self, children=tuple(c.at_body(representative)
                                                 for c in self.children))

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        return tuple(r for c in self.children for r in c.requirements(facts))

    def notice_days(self) -> int:
        """Every child of an ``all-of`` holds, so its longest notice is given; an ``any-of`` is
        met by its weakest branch, so it guarantees only its shortest."""
        given = [c.notice_days() for c in self.children]
        return max(given) if self.mode == "all-of" else min(given)

    def holds_if_any(self) -> bool:
        return self.mode == "any-of" and all(len(c.clauses({})) <= 1 for c in self.children)

    def clauses(self, facts: Facts) -> tuple[tuple[Requirement, ...], ...]:
        """All-of: every child's clauses. Any-of: one child's clauses suffice, which as
        clauses is one requirement picked from a clause of each child, in every way."""
        per_child = [c.clauses(facts) for c in self.children]
        if self.mode == "all-of":
            return tuple(cl for cls in per_child for cl in cls)
        if any(not cls for cls in per_child):
            return ()  # a child that needs nothing holds: so does the any-of
        return tuple(tuple(r for cl in combo for r in cl)
                     for combo in itertools.product(*per_child))


_HELD: Final = _p("rules.composite", "met")
_FAILED: Final = _p("rules.composite", "not met")
_ALL_HELD: Final = _("every condition is met")
_ONE_HELD: Final = _("one of the conditions is met")
_NONE_HELD: Final = _("none of the conditions is met")
_AND: Final = _("; and ")
_OR: Final = _("; or ")


@attrs.frozen
class AllOf(Composite):
    """Every one of the rules holds."""

    mode: ClassVar[str] = "all-of"


@attrs.frozen
class AnyOf(Composite):
    """One of the rules holds."""

    mode: ClassVar[str] = "any-of"


_PARAMS: Final = (Param("rules", "rules", description="the rules combined: each a rule as a "
                        "stage lists it (rule, id, params, basis)"),)

rule_type(AllOf, name="all-of", label=_("all of"),
          description="Every one of the rules listed holds (e.g. a quorum of the members and "
          "one of the women members).", params=_PARAMS, actions=tuple(ActionKind))
rule_type(AnyOf, name="any-of", label=_("any of"),
          description="One of the rules listed holds.", params=_PARAMS,
          actions=tuple(ActionKind))
