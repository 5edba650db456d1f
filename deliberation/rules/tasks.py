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

from deliberation.i18n import Text, _, _p
from deliberation.rules.actions import ActionKind, Effect
from deliberation.rules.base import Description, Param, Requirement, Rule, Verdict, rule_type
from deliberation.rules.facts import Facts
from deliberation.rules.params import choice
from deliberation.rules.thresholds import THRESHOLD_PARAMS, Base, Threshold, threshold_of

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
        base = choice(cls, params, "base")
        # the comparison and exact arithmetic of a threshold; the base is the ratings' own
        t = threshold_of(params, Base.VOTES_CAST)
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
        return self._verdict(ok, t.numbers(satisfied, total) | {
            "base": self.base, "ratings": ratings, "min_ratings": self.min_ratings,
            "unsigned": facts.get("ratings_unsigned", 0)})

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        n = numbers
        if n["ratings"] < self.min_ratings:
            return _(
                "{ratings} signed rating(s), at least {min_ratings} needed",
            ).format(ratings=n['ratings'], min_ratings=self.min_ratings)
        of = (_p("rules.tasks", "signed ratings") if self.base == "ratings"
              else _("everyone who may rate"))
        cmp, frac = self.threshold.compare.label, n["ratio"]
        word = _("satisfied") if ok else _("not satisfied")
        return _(
            "evaluation {word}: {count} satisfied of {total}, {cmp} {frac} of {of} needed, i.e. at "
            "least {needed}",
        ).format(
            word=word,
            count=n['count'],
            total=n['total'],
            of=of,
            frac=frac,
            cmp=cmp,
            needed=n['needed'],
        )

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        t = self.threshold
        frac, cmp = t.ratio_text, t.compare.label
        ratings = self.base == "ratings"
        of = (_p("rules.tasks#2", "signed ratings") if ratings
              else _p("rules.tasks", "everyone who may rate"))
        n = self.min_ratings
        detail = _(
            "satisfied: {cmp} {frac} of {of}; at least {n} signed rating(s); unsigned ratings do "
            "not count",
        ).format(of=of, frac=frac, cmp=cmp, n=n)
        view = t.view("satisfied", "ratings" if ratings else "raters", self.base)
        return Description(self.type.label, detail, (view,), on_arrow=True)

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        total = facts.get("ratings", 0) if self.base == "ratings" else facts.get("raters", 0)
        return (self.threshold.requirement("satisfied", total),)


rule_type(
    Satisfaction, name="satisfaction", label=_("satisfaction"),
    description="Signed ratings: satisfied ones against ratings cast or all raters.",
    params=(*THRESHOLD_PARAMS,
            Param("base", "choice", choices=SATISFACTION_BASES,
                  description="ratings: signed ratings cast; raters: everyone in the body"),
            Param("min_ratings", "int", required=False, default=1, minimum=0,
                  description="signed ratings needed before the evaluation may close")),
    actions=(ActionKind.EVALUATION,), effect=Effect.REJECTED)
