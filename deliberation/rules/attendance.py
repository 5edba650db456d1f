"""Attendance and votes: ``quorum`` (enough of the body there), ``approval`` (enough yes votes)
and ``recusal`` (interested parties do not vote).

A failed quorum or vote is *recorded* — the meeting happened and failed (routes ``no_quorum``
and ``rejected``); recusal is a precondition. Each threshold names its base explicitly, and the
:class:`~deliberation.rules.thresholds.Base` says what it counts.

>>> from deliberation.rules import RULES
>>> q = RULES["quorum"].bind("quorum", {"ratio": "1/2", "compare": ">", "base": "adults",
...     "any_of": [{"ratio": "2/3", "compare": ">=", "base": "households"}]})
>>> v = q.verdict({"adults": 100, "present_adults": 40, "households": 30,
...                "present_households": 20})
>>> v.ok, v.numbers["base"]
(True, 'households')
>>> q.describe().summary.get("en")
'>1/2 of adults present or ≥2/3 of households represented'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from deliberation.frozen import FrozenDict
from deliberation.i18n import Joined, Text, _, _p
from deliberation.rules.actions import ActionKind
from deliberation.rules.base import (
    Description,
    Effect,
    Param,
    Requirement,
    Rule,
    ThresholdView,
    Verdict,
    rule_type,
)
from deliberation.rules.facts import Facts, count_of
from deliberation.rules.thresholds import (
    Base,
    Comparison,
    Threshold,
    format_fraction,
    parse_fraction,
)

QUORUM_BASES: Final = tuple(b.value for b in Base if b.attending is not None)
APPROVAL_BASES: Final = ("present", "expected", "votes_cast", "members", "voters", "households")

THRESHOLD_PARAMS: Final = (
    Param("ratio", "fraction", description="exact fraction, e.g. 1/2 or 2/3"),
    Param("compare", "comparison", choices=(">=", ">"),
          description=">= for 以上, > for 超过/过半数"),
)

# Short names of the bases inside one-line summaries.
_BASE_SHORT: Final[dict[Base, Text]] = {
    Base.MEMBERS: _("members"),
    Base.VOTERS: _("voting members"),
    Base.EXPECTED: _("expected (应到)"),
    Base.PRESENT: _("present"),
    Base.VOTES_CAST: _("votes cast"),
    Base.HOUSEHOLDS: _("households"),
    Base.ADULTS: _("adults"),
}
# between the descriptions of alternative thresholds, and between their short forms on an arrow
_OR: Final = _p("between alternatives", " or ")
_OR_SHORT: Final = _p("between short alternatives", " or ")


def threshold_of(params: Mapping[str, Any]) -> Threshold:
    """The :class:`Threshold` described by ``ratio``, ``compare`` and ``base`` parameters."""
    return Threshold(parse_fraction(params["ratio"]), Comparison(params["compare"]),
                     Base(params["base"]))


def _symbol(t: Threshold) -> str:
    return "≥" if t.compare is Comparison.AT_LEAST else ">"


def _view(t: Threshold, count: str) -> ThresholdView:
    return ThresholdView(t.ratio.numerator, t.ratio.denominator, t.compare.value, t.base.value,
                         count, t.base.fact)


@attrs.frozen
class Quorum(Rule):
    """Enough of the body attends, on one of the allowed bases (``any_of``: alternatives)."""

    alternatives: tuple[Threshold, ...]
    # per alternative, the facts it compares (what is counted, what it is a share of)
    counted: tuple[tuple[str, str], ...] = attrs.field(init=False, eq=False, repr=False,
                                                       default=attrs.Factory(
        lambda q: tuple((t.base.attending or "", t.base.value) for t in q.alternatives),
        takes_self=True))

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> Quorum:
        alts = [threshold_of(params), *(threshold_of(a) for a in params.get("any_of") or ())]
        for t in alts:
            if t.base.attending is None:
                raise ValueError(f"a quorum cannot be counted on {t.base.value!r}")
        return cls(rule_id, tuple(alts), basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset(f for t in self.alternatives for f in (t.base.attending, t.base.value)
                         if f is not None)

    def verdict(self, facts: Facts) -> Verdict:
        rows = []
        chosen: tuple[dict[str, Any], bool] | None = None
        for t, (present, of) in zip(self.alternatives, self.counted, strict=True):
            count, total = count_of(facts, present), count_of(facts, of)
            ok = t.holds(count, total)
            numbers = t.numbers(count, total)
            rows.append((numbers, ok))
            if ok and chosen is None:
                chosen = (numbers, ok)
        numbers, ok = chosen or rows[0]
        if len(rows) > 1:
            numbers = numbers | {"alternatives": tuple(
                FrozenDict(n | {"ok": held}) for n, held in rows)}
        return self._verdict(ok, numbers)

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        t = Threshold(parse_fraction(numbers["ratio"]), Comparison(numbers["compare"]),
                      Base(numbers["base"]))
        n = numbers
        template = (_("quorum met: {count} of {total} present, {threshold} needed, i.e. at least "
                      "{needed}") if ok else
                    _("quorum not met: {count} of {total} present, {threshold} needed, i.e. at "
                      "least {needed}"))
        return template.format(count=n["count"], total=n["total"], needed=n["needed"],
                               threshold=t.wording())

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        lines = []
        for t in self.alternatives:
            frac, sym, base = format_fraction(t.ratio), _symbol(t), _BASE_SHORT[t.base]
            verb_en = "represented" if t.base is Base.HOUSEHOLDS else "present"
            lines.append(_(
                "{sym}{frac} of {base} {verb_en}",
            ).format(sym=sym, base=base, frac=frac, verb_en=verb_en))
        summary = Joined(_OR_SHORT, tuple(lines))
        detail = Joined(_OR, tuple(t.wording() for t in self.alternatives))
        return Description(summary, detail,
                           tuple(_view(t, t.base.attending or "") for t in self.alternatives),
                           on_arrow=True)

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        return tuple(Requirement(t.base.attending or "", t.base.total(facts),
                                 t.needed(t.base.total(facts))) for t in self.alternatives)

    def holds_if_any(self) -> bool:
        return True


@attrs.frozen
class Approval(Rule):
    """The vote passes: yes votes against the stated base."""

    threshold: Threshold

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> Approval:
        t = threshold_of(params)
        if t.base.value not in APPROVAL_BASES:
            raise ValueError(f"a vote cannot be counted against {t.base.value!r}")
        return cls(rule_id, t, basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({"yes", "no", "abstain", self.threshold.base.value}) - {"votes_cast"}

    def verdict(self, facts: Facts) -> Verdict:
        t = self.threshold
        yes = int(facts.get("yes", 0))
        total = t.base.total(facts)
        return self._verdict(t.holds(yes, total), t.numbers(yes, total) | {
            "no": int(facts.get("no", 0)), "abstain": int(facts.get("abstain", 0))})

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        t, n = self.threshold, numbers
        word = _("passed") if ok else _("failed")
        return _("vote {word}: {count} yes of {total}, {threshold} needed, i.e. at least "
                 "{needed}").format(word=word, count=n["count"], total=n["total"],
                                    needed=n["needed"], threshold=t.wording())

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        t = self.threshold
        frac, sym, base = format_fraction(t.ratio), _symbol(t), _BASE_SHORT[t.base]
        summary = _("{sym}{frac} of {base} vote yes").format(sym=sym, base=base, frac=frac)
        detail = t.wording()
        return Description(summary, detail, (_view(t, "yes"),), on_arrow=True)

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        total = self.threshold.base.total(facts)
        return (Requirement("yes", total, self.threshold.needed(total)),)


@attrs.frozen
class Recusal(Rule):
    """Interested parties (利害关系人) do not vote on their own matter."""

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> Recusal:
        return cls(rule_id, basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({"interested_voting"})

    def verdict(self, facts: Facts) -> Verdict:
        n = int(facts.get("interested_voting", 0))
        return self._verdict(n == 0, {"count": n, "needed": 0})

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        if ok:
            return _("interested parties recused")
        n = numbers["count"]
        return _("{n} interested part(y/ies) voted and should have recused").format(n=n)

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        return Description(
            _("interested parties recuse themselves"),
            _("interested parties do not vote"))


rule_type(
    Quorum, name="quorum", label=_("quorum"),
    description="Enough of the body attends: count of those present against a base.",
    params=(*THRESHOLD_PARAMS, Param("base", "base", choices=QUORUM_BASES),
            Param("any_of", "thresholds", required=False, default=(),
                  description="alternative thresholds; the quorum holds if any holds")),
    actions=(ActionKind.MEETING,), effect=Effect.NO_QUORUM)

rule_type(
    Approval, name="approval", label=_("approval"),
    description="The vote passes: yes votes against a base.",
    params=(*THRESHOLD_PARAMS, Param("base", "base", choices=APPROVAL_BASES)),
    actions=(ActionKind.MEETING,), effect=Effect.REJECTED)

rule_type(
    Recusal, name="recusal",
    label=_("recusal of interested parties"),
    description="Optional: interested parties may not vote on the matter.",
    params=(), actions=(ActionKind.MEETING,), effect=Effect.REFUSE)
