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

from deliberation.i18n import T, Text
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
from deliberation.rules.facts import Facts
from deliberation.rules.thresholds import (
    Base,
    Comparison,
    Threshold,
    format_fraction,
    parse_fraction,
)

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
        unit = str(params["unit"])
        if unit not in UNITS:
            raise ValueError(f"unit {unit!r}: choose villager or household")
        base = Base.ADULTS if unit == "villager" else Base.HOUSEHOLDS
        t = Threshold(parse_fraction(params["ratio"]), Comparison(params["compare"]), base)
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
        needed = t.needed(population)
        return self._verdict(t.holds(consulted, population), {
            "count": consulted, "total": population, "needed": needed,
            "ratio": t.ratio_text, "compare": t.compare.value, "base": t.base.value,
            "unit": self.unit, "unsigned": facts.get("consulted_unsigned", 0),
            "proxy": facts.get("consulted_by_proxy", 0),
            "missing": max(0, needed - consulted)})

    def _share(self) -> str:
        # A share reads better as "100%" than as the ratio "1" (the seed's words: 达到100%).
        return "100%" if self.threshold.ratio == 1 else format_fraction(self.threshold.ratio)

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        n = numbers
        unit = (T("村民", "村民", "villagers") if self.unit == "villager"
                else T("户", "戶", "households"))
        share = self._share()
        u = n["unsigned"]
        unsigned = (T(f";另有 {u} 份意见未签字,不计入", f";另有 {u} 份意見未簽字,不計入",
                      f"; {u} unsigned opinion(s) do not count") if u else T("", "", ""))
        return T(f"已签字征求意见 {n['count']}/{n['total']} {unit.zh_hans},"
                 f"须达 {share}(至少 {n['needed']}){unsigned.zh_hans}",
                 f"已簽字徵求意見 {n['count']}/{n['total']} {unit.zh_hant},"
                 f"須達 {share}(至少 {n['needed']}){unsigned.zh_hant}",
                 f"signed opinions from {n['count']} of {n['total']} {unit.en}, "
                 f"{share} needed (at least {n['needed']}){unsigned.en}")

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        t = self.threshold
        share = self._share()
        sym = ("" if share == "100%" and t.compare is Comparison.AT_LEAST
               else ("≥" if t.compare is Comparison.AT_LEAST else ">"))
        household = self.unit == "household"
        summary = (T(f"签字意见{sym}{share}户", f"簽字意見{sym}{share}戶",
                     f"signed opinions from {sym}{share} of households") if household
                   else T(f"签字意见{sym}{share}村民", f"簽字意見{sym}{share}村民",
                          f"signed opinions from {sym}{share} of villagers"))
        pct = t.ratio * 100
        pshare = f"{pct.numerator}%" if pct.denominator == 1 else format_fraction(t.ratio)
        cmp = t.compare.label
        unit = (T("户(每户一人签字)", "戶(每戶一人簽字)", "households (one signature each)")
                if household else T("成年村民", "成年村民", "adult villagers"))
        parts = [T(f"已征求意见须达{unit.zh_hans}的 {pshare}{cmp.zh_hans}",
                   f"已徵求意見須達{unit.zh_hant}的 {pshare}{cmp.zh_hant}",
                   f"opinions from {cmp.en} {pshare} of {unit.en}")]
        if self.signed_only:
            parts.append(T("仅签字的意见计入", "僅簽字的意見計入", "only signed opinions count"))
        parts.append(T("接受书面委托签字", "接受書面委託簽字", "written proxies accepted")
                     if self.proxies else T("不接受委托签字", "不接受委託簽字", "no proxies"))
        detail = Text(",".join(p.zh_hans for p in parts), ",".join(p.zh_hant for p in parts),
                      ", ".join(p.en for p in parts))
        view = ThresholdView(t.ratio.numerator, t.ratio.denominator, t.compare.value,
                             t.base.value, "consulted", "population")
        return Description(summary, detail, (view,), on_arrow=True)

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        population = facts.get("population", 0)
        return (Requirement("consulted", population, self.threshold.needed(population)),)


rule_type(
    ConsultationCoverage, name="consultation-coverage",
    label=T("民意征求全覆盖", "民意徵求全覆蓋", "consultation coverage"),
    description="Villagers' opinions solicited from a share (default all) of villagers.",
    params=(Param("unit", "choice", required=False, default="villager", choices=UNITS),
            Param("ratio", "fraction", required=False, default=Fraction(1)),
            Param("compare", "comparison", required=False, default=">=", choices=(">=", ">")),
            Param("signed_only", "bool", required=False, default=True),
            Param("proxies", "bool", required=False, default=False)),
    actions=(ActionKind.CONSULTATION,), effect=Effect.REFUSE)
