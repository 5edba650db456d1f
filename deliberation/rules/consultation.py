"""The consultation (民议): opinions solicited from a share — by default all — of the adult
villagers (or households); only signed opinions count, proxies only where allowed.

>>> from deliberation.rules import RULES
>>> r = RULES["consultation-coverage"].bind("consultation-coverage", {})
>>> v = r.verdict({"population": 678, "consulted": 677})
>>> v.ok, v.numbers["missing"]
(False, 1)
>>> v.message.get("en")
'signed opinions from 677 of 678 villagers, 100% needed (at least 678)'
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Final

import attrs

from deliberation.i18n import Joined, Text, Triple, _, _p
from deliberation.rules.actions import ActionKind
from deliberation.rules.base import Description, Param, Requirement, Rule, Verdict, rule_type
from deliberation.rules.facts import Facts
from deliberation.rules.params import choice
from deliberation.rules.thresholds import Base, Comparison, Threshold, threshold_of

UNITS: Final = ("villager", "household")


@attrs.frozen
class ConsultationCoverage(Rule):
    """Opinions from enough of the villagers (or households); signed ones count."""

    threshold: Threshold
    signed_only: bool
    proxies: bool

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> ConsultationCoverage:
        unit = choice(cls, params, "unit")
        base = Base.ADULTS if unit == "villager" else Base.HOUSEHOLDS
        t = threshold_of(params, base)
        return cls(rule_id, t, bool(params["signed_only"]), bool(params["proxies"]),
                   basis=basis)

    @property
    def unit(self) -> str:
        return "villager" if self.threshold.base is Base.ADULTS else "household"

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({"population", "consulted", "consulted_unsigned", "consulted_by_proxy"})

    def verdict(self, facts: Facts) -> Verdict:
        t = self.threshold
        consulted, population = facts.get("consulted", 0), facts.get("population", 0)
        numbers = t.numbers(consulted, population)
        return self._verdict(t.holds(consulted, population), numbers | {
            "unit": self.unit, "unsigned": facts.get("consulted_unsigned", 0),
            "proxy": facts.get("consulted_by_proxy", 0),
            "missing": max(0, numbers["needed"] - consulted)})

    def _share(self) -> str:
        # A share reads better as "100%" than as the ratio "1" (the seed's words: 达到100%).
        return "100%" if self.threshold.ratio == 1 else self.threshold.ratio_text

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        n = numbers
        unit = (_("villagers") if self.unit == "villager"
                else _p("rules.consultation", "households"))
        share = self._share()
        u = n["unsigned"]
        unsigned = (_("; {u} unsigned opinion(s) do not count").format(u=u) if u
                    else Triple.same(""))
        return _(
            "signed opinions from {count} of {total} {unit}, {share} needed (at least "
            "{needed}){unsigned}",
        ).format(
            count=n['count'],
            total=n['total'],
            unit=unit,
            share=share,
            needed=n['needed'],
            unsigned=unsigned,
        )

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        t = self.threshold
        share = self._share()
        sym = ("" if share == "100%" and t.compare is Comparison.AT_LEAST
               else t.symbol)
        household = self.unit == "household"
        summary = (_(
            "signed opinions from {sym}{share} of households",
        ).format(sym=sym, share=share) if household
                   else _(
                       "signed opinions from {sym}{share} of villagers",
                   ).format(sym=sym, share=share))
        pct = t.ratio * 100
        pshare = f"{pct.numerator}%" if pct.denominator == 1 else t.ratio_text
        cmp = t.compare.label
        unit = (_("households (one signature each)")
                if household else _("adult villagers"))
        parts = [_(
            "opinions from {cmp} {pshare} of {unit}",
        ).format(unit=unit, pshare=pshare, cmp=cmp)]
        if self.signed_only:
            parts.append(_("only signed opinions count"))
        parts.append(_("written proxies accepted")
                     if self.proxies else _("no proxies"))
        detail = Joined(_p("between conditions", ", "), tuple(parts))
        return Description(summary, detail, (t.view("consulted", "population"),), on_arrow=True)

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        population = facts.get("population", 0)
        return (self.threshold.requirement("consulted", population),)


rule_type(
    ConsultationCoverage, name="consultation-coverage",
    label=_("consultation coverage"),
    description="Villagers' opinions solicited from a share (default all) of villagers.",
    params=(Param("unit", "choice", required=False, default="villager", choices=UNITS),
            Param("ratio", "fraction", required=False, default=Fraction(1)),
            Param("compare", "comparison", required=False, default=">=", choices=(">=", ">")),
            Param("signed_only", "bool", required=False, default=True),
            Param("proxies", "bool", required=False, default=False)),
    actions=(ActionKind.CONSULTATION,))
