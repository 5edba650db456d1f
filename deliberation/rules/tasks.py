"""Tasks and ratings: ``satisfaction`` — enough signed ratings are satisfied, against the
ratings cast or everyone who may rate. A failure is *recorded* (route ``rejected``); too few
signed ratings to decide anything refuses closing the evaluation.

>>> from deliberation.rules import RULES
>>> r = RULES["satisfaction"].bind("satisfaction", {"ratio": "2/3", "compare": ">=",
...                                                  "base": "ratings"})
>>> r.verdict({"ratings": 9, "satisfied": 6, "raters": 40}).ok
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from deliberation.i18n import T, Text
from deliberation.rules.actions import ActionKind
from deliberation.rules.attendance import THRESHOLD_PARAMS
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
from deliberation.rules.facts import Facts
from deliberation.rules.thresholds import (
    Base,
    Comparison,
    Threshold,
    format_fraction,
    parse_fraction,
)

SATISFACTION_BASES: Final = ("ratings", "raters")


@attrs.frozen
class Satisfaction(Rule):
    """Signed ratings: satisfied ones against ratings cast (``ratings``) or all raters."""

    threshold: Threshold
    base: str
    min_ratings: int

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> Satisfaction:
        base = str(params["base"])
        if base not in SATISFACTION_BASES:
            raise ValueError(f"base {base!r}: choose ratings or raters")
        # the comparison and exact arithmetic of a threshold; the base is the ratings' own
        t = Threshold(parse_fraction(params["ratio"]), Comparison(params["compare"]),
                      Base.VOTES_CAST)
        return cls(rule_id, t, base, int(params["min_ratings"]), basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({"ratings", "satisfied", "raters", "ratings_unsigned"})

    def enough_ratings(self, facts: Facts) -> bool:
        """Whether there are enough signed ratings to decide at all (else closing is refused)."""
        return facts.get("ratings", 0) >= self.min_ratings

    def verdict(self, facts: Facts) -> Verdict:
        ratings, satisfied = facts.get("ratings", 0), facts.get("satisfied", 0)
        total = ratings if self.base == "ratings" else facts.get("raters", 0)
        t = self.threshold
        ok = t.holds(satisfied, total) and ratings >= self.min_ratings
        return self._verdict(ok, {
            "count": satisfied, "total": total, "needed": t.needed(total),
            "ratio": t.ratio_text, "compare": t.compare.value, "base": self.base,
            "ratings": ratings, "min_ratings": self.min_ratings,
            "unsigned": facts.get("ratings_unsigned", 0)})

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        n = numbers
        if n["ratings"] < self.min_ratings:
            return T(f"已签字评价 {n['ratings']} 份,至少须 {self.min_ratings} 份",
                     f"已簽字評價 {n['ratings']} 份,至少須 {self.min_ratings} 份",
                     f"{n['ratings']} signed rating(s), at least {self.min_ratings} needed")
        of = (T("已签字评价数", "已簽字評價數", "signed ratings") if self.base == "ratings"
              else T("评价人总数", "評價人總數", "everyone who may rate"))
        cmp, frac = self.threshold.compare.label, n["ratio"]
        word = T("满意", "滿意", "satisfied") if ok else T("未达满意", "未達滿意", "not satisfied")
        return T(f"评价{word.zh_hans}:满意 {n['count']}/{n['total']},"
                 f"须{of.zh_hans}的{frac}{cmp.zh_hans},即至少 {n['needed']}",
                 f"評價{word.zh_hant}:滿意 {n['count']}/{n['total']},"
                 f"須{of.zh_hant}的{frac}{cmp.zh_hant},即至少 {n['needed']}",
                 f"evaluation {word.en}: {n['count']} satisfied of {n['total']}, "
                 f"{cmp.en} {frac} of {of.en} needed, i.e. at least {n['needed']}")

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        t = self.threshold
        frac, cmp = format_fraction(t.ratio), t.compare.label
        ratings = self.base == "ratings"
        of = (T("已签字评价", "已簽字評價", "signed ratings") if ratings
              else T("全部评价人", "全部評價人", "everyone who may rate"))
        n = self.min_ratings
        detail = T(f"满意须达{of.zh_hans}的 {frac}{cmp.zh_hans};至少 {n} 份签字评价;未签字不计",
                   f"滿意須達{of.zh_hant}的 {frac}{cmp.zh_hant};至少 {n} 份簽字評價;未簽字不計",
                   f"satisfied: {cmp.en} {frac} of {of.en}; at least {n} signed rating(s); "
                   "unsigned ratings do not count")
        view = ThresholdView(t.ratio.numerator, t.ratio.denominator, t.compare.value,
                             self.base, "satisfied", "ratings" if ratings else "raters")
        return Description(self.type.label, detail, (view,), on_arrow=True)

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        total = facts.get("ratings", 0) if self.base == "ratings" else facts.get("raters", 0)
        return (Requirement("satisfied", total, self.threshold.needed(total)),)


rule_type(
    Satisfaction, name="satisfaction", label=T("群众满意", "群眾滿意", "satisfaction"),
    description="Signed ratings: satisfied ones against ratings cast or all raters.",
    params=(*THRESHOLD_PARAMS,
            Param("base", "choice", choices=SATISFACTION_BASES,
                  description="ratings: signed ratings cast; raters: everyone in the body"),
            Param("min_ratings", "int", required=False, default=1, minimum=0,
                  description="signed ratings needed before the evaluation may close")),
    actions=(ActionKind.EVALUATION,), effect=Effect.REJECTED)
