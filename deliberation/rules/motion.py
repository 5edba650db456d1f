"""A matter raised: ``written-motion`` (动议: in writing, by enough villagers, signed) and
``proposal-support`` (一事一议: by the committee, or enough villagers, or enough representatives).
Both are preconditions of the motion.

>>> from deliberation.rules import RULES
>>> r = RULES["written-motion"].bind("written-motion", {"min_submitters": 2})
>>> v = r.verdict({"submitters": 1, "submitters_signed": 1, "text": "修路"})
>>> v.ok, v.message.get("en")
(False, '1 submitter(s), at least 2 needed')
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import attrs

from deliberation.i18n import Joined, Text, _, _p
from deliberation.rules.actions import ActionKind
from deliberation.rules.base import Description, Param, Requirement, Rule, Verdict, join, rule_type
from deliberation.rules.facts import Facts
from deliberation.rules.thresholds import Base, Threshold, threshold_of


@attrs.frozen
class WrittenMotion(Rule):
    """A motion raised in writing by at least ``min_submitters`` villagers."""

    min_submitters: int
    require_text: bool
    require_signatures: bool

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> WrittenMotion:
        return cls(rule_id, int(params["min_submitters"]), bool(params["require_text"]),
                   bool(params["require_signatures"]), basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({"submitters", "submitters_signed", "text"})

    def verdict(self, facts: Facts) -> Verdict:
        subs, signed = facts.get("submitters", 0), facts.get("submitters_signed", 0)
        has_text = bool(str(facts.get("text", "")).strip())
        ok = (subs >= self.min_submitters and (has_text or not self.require_text)
              and (signed >= subs or not self.require_signatures))
        return self._verdict(ok, {"count": subs, "needed": self.min_submitters,
                                  "signed": signed, "has_text": has_text})

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        subs, signed = numbers["count"], numbers["signed"]
        if ok:
            return _("written motion raised by {subs} villager(s)").format(subs=subs)
        problems: list[Text] = []
        if self.require_text and not numbers["has_text"]:
            problems.append(_("the motion has no written text"))
        if subs < self.min_submitters:
            need = self.min_submitters
            problems.append(_(
                "{subs} submitter(s), at least {need} needed",
            ).format(subs=subs, need=need))
        if self.require_signatures and signed < subs:
            problems.append(_(
                "{signed} of {subs} submitters signed",
            ).format(signed=signed, subs=subs))
        return join(problems)

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        n = self.min_submitters
        parts = [_("raised in writing by at least {n} villager(s)").format(n=n)]
        if self.require_text:
            parts.append(_("with its text"))
        if self.require_signatures:
            parts.append(_("signed by every submitter"))
        detail = Joined(_p("between conditions", ", "), tuple(parts))
        return Description(_(
            "in writing by ≥{n} villager(s), signed",
        ).format(n=n), detail, on_arrow=True)

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        return (Requirement("submitters", self.min_submitters, self.min_submitters),)


@attrs.frozen
class ProposalSupport(Rule):
    """Proposed by the villagers' committee, or by enough villagers, or by enough
    representatives (一事一议: ≥ 1/10 of villagers or ≥ 1/5 of representatives).

    ``submitters_signed`` counts adult villagers who signed, ``adults`` all adult villagers,
    ``representatives`` all villager representatives.
    """

    villagers: Threshold
    representatives: Threshold
    committee: bool

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> ProposalSupport:
        return cls(rule_id, threshold_of(params, Base.ADULTS, ratio="villagers_ratio"),
                   threshold_of(params, Base.MEMBERS, ratio="representatives_ratio"),
                   bool(params["committee"]), basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({"submitters_signed", "adults", "submitters_representatives",
                          "representatives", "submitters_committee"})

    def verdict(self, facts: Facts) -> Verdict:
        tv, tr = self.villagers, self.representatives
        signed, adults = facts.get("submitters_signed", 0), facts.get("adults", 0)
        reps_signed, reps = (facts.get("submitters_representatives", 0),
                             facts.get("representatives", 0))
        committee = facts.get("submitters_committee", 0)
        ok = ((self.committee and committee > 0) or tv.holds(signed, adults)
              or tr.holds(reps_signed, reps))
        return self._verdict(ok, {
            "count": signed, "total": adults, "needed": tv.needed(adults),
            "ratio": tv.ratio_text, "compare": tv.compare.value, "base": "adults",
            "representatives": reps_signed, "representatives_total": reps,
            "representatives_needed": tr.needed(reps),
            "representatives_ratio": tr.ratio_text, "committee": committee})

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        n, c = numbers, self.villagers.compare.label
        fv, fr = n["ratio"], n["representatives_ratio"]
        head = (_("enough support") if ok
                else _("not enough support"))
        by_c = self.committee
        values = {"head": head, "count": n["count"], "total": n["total"], "needed": n["needed"],
                  "reps": n["representatives"], "reps_total": n["representatives_total"],
                  "reps_needed": n["representatives_needed"], "fv": fv, "fr": fr, "cmp": c}
        if by_c:
            return _("{head}: {count} of {total} villagers ({cmp} {fv}, i.e. {needed}), {reps} of "
                     "{reps_total} representatives ({cmp} {fr}, i.e. {reps_needed}), or a "
                     "proposal by the villagers' committee").format(**values)
        return _("{head}: {count} of {total} villagers ({cmp} {fv}, i.e. {needed}), {reps} of "
                 "{reps_total} representatives ({cmp} {fr}, i.e. {reps_needed})").format(**values)

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        fv, fr = self.villagers.ratio_text, self.representatives.ratio_text
        cmp = self.villagers.compare.label
        by_c = self.committee
        if by_c:
            detail = _("proposed by the villagers' committee, or signed by {cmp} {fv} of villagers "
                       "aged 18 and over, or by {cmp} {fr} of villager representatives")
        else:
            detail = _("signed by {cmp} {fv} of villagers aged 18 and over, or by {cmp} {fr} of "
                       "villager representatives")
        detail = detail.format(cmp=cmp, fv=fv, fr=fr)
        return Description(self.type.label, detail)

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        adults, reps = facts.get("adults", 0), facts.get("representatives", 0)
        return (self.villagers.requirement("submitters_signed", adults),
                self.representatives.requirement("submitters_representatives", reps))

    def holds_if_any(self) -> bool:
        return True


rule_type(
    WrittenMotion, name="written-motion", label=_("written motion"),
    description="The matter is raised in writing by one or more villagers (动议).",
    params=(Param("min_submitters", "int", required=False, default=1, minimum=1),
            Param("require_text", "bool", required=False, default=True),
            Param("require_signatures", "bool", required=False, default=True)),
    actions=(ActionKind.MOTION,))

rule_type(
    ProposalSupport, name="proposal-support", label=_("proposal support"),
    description="Proposed by the committee, or a share of villagers, or of representatives.",
    params=(
        Param("villagers_ratio", "fraction", required=False, default=Fraction(1, 10),
              description="share of adult villagers who must sign the proposal"),
        Param("representatives_ratio", "fraction", required=False, default=Fraction(1, 5),
              description="share of villager representatives who must sign instead"),
        Param("compare", "comparison", required=False, default=">=", choices=(">=", ">")),
        Param("committee", "bool", required=False, default=True,
              description="a proposal by villagers' committee members suffices")),
    actions=(ActionKind.MOTION,))
