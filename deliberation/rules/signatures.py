"""Signatures (签字留痕): every participant signs the minutes, enough township officials sign as
witnesses, every submitter signs the motion. A precondition: a missing signature refuses the
action.

>>> from deliberation.rules import RULES
>>> r = RULES["signatures"].bind("witnesses", {"of": "township-witnesses", "min": 1})
>>> r.verdict({"witnesses_signed": 0}).message.get("en")
"township witnesses' signatures: 0 of 1"
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from deliberation.i18n import Text, _, _p
from deliberation.reprs import fields_repr
from deliberation.rules.actions import ActionKind
from deliberation.rules.base import Description, Param, Rule, Verdict, rule_type
from deliberation.rules.facts import Facts
from deliberation.rules.params import choice

SIGNERS: Final = ("participants", "township-witnesses", "submitters")

_LABELS: Final = {
    "participants": _("participants' signatures"),
    "township-witnesses": _("township witnesses' signatures"),
    "submitters": _("submitters' signatures"),
}


@fields_repr
@attrs.frozen(repr=False)
class Signatures(Rule):
    """Required signatures are present: every participant, enough witnesses, every submitter."""

    of: str
    minimum: int

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> Signatures:
        return cls(rule_id, choice(cls, params, "of"), int(params.get("min") or 0), basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        if self.of == "participants":
            return frozenset({"participants", "participants_signed"})
        if self.of == "township-witnesses":
            return frozenset({"witnesses_signed"})
        return frozenset({"submitters", "submitters_signed"})

    def verdict(self, facts: Facts) -> Verdict:
        if self.of == "participants":
            signed, needed = facts.get("participants_signed", 0), facts.get("participants", 0)
            return self._verdict(signed >= needed, {"count": signed, "needed": needed})
        if self.of == "township-witnesses":
            signed = facts.get("witnesses_signed", 0)
            return self._verdict(signed >= self.minimum, {"count": signed,
                                                          "needed": self.minimum})
        signed, subs = facts.get("submitters_signed", 0), facts.get("submitters", 0)
        return self._verdict(signed >= subs > 0, {"count": signed, "needed": max(1, subs)})

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        label, n = _LABELS[self.of], numbers
        return _(
            "{label}: {count} of {needed}",
        ).format(label=label, count=n['count'], needed=n['needed'])

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        if self.of == "township-witnesses":
            n = self.minimum
            return Description(
                _("≥{n} township witness(es) sign").format(n=n),
                _("at least {n} township official(s) attend and sign").format(n=n))
        if self.of == "submitters":
            return Description(_("every submitter signs"),
                               _p("rules.signatures", "every submitter signs"))
        return Description(_("every participant signs"),
                           _p("rules.signatures", "every participant signs"))


rule_type(
    Signatures, name="signatures", label=_("required signatures"),
    description="Signatures that must be on the record for the step to count.",
    params=(Param("of", "choice", choices=SIGNERS),
            Param("min", "int", required=False, default=1, minimum=0,
                  description="for township-witnesses: how many must sign")),
    actions=(ActionKind.MEETING, ActionKind.MOTION))
