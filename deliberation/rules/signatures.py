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

from deliberation.i18n import T, Text
from deliberation.rules.actions import ActionKind
from deliberation.rules.base import Description, Effect, Param, Rule, Verdict, rule_type
from deliberation.rules.facts import Facts

SIGNERS: Final = ("participants", "township-witnesses", "submitters")

_LABELS: Final = {
    "participants": T("参会人员签名", "參會人員簽名", "participants' signatures"),
    "township-witnesses": T("乡镇列席人员签名", "鄉鎮列席人員簽名",
                            "township witnesses' signatures"),
    "submitters": T("提出人签名", "提出人簽名", "submitters' signatures"),
}


@attrs.frozen
class Signatures(Rule):
    """Required signatures are present: every participant, enough witnesses, every submitter."""

    of: str
    minimum: int

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> Signatures:
        of = str(params["of"])
        if of not in SIGNERS:
            raise ValueError(f"signatures of {of!r}: choose one of {', '.join(SIGNERS)}")
        return cls(rule_id, of, int(params.get("min") or 0), basis=basis)

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
        return T(f"{label.zh_hans}:{n['count']}/{n['needed']}",
                 f"{label.zh_hant}:{n['count']}/{n['needed']}",
                 f"{label.en}: {n['count']} of {n['needed']}")

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        if self.of == "township-witnesses":
            n = self.minimum
            return Description(
                T(f"≥{n}名乡镇列席人员签字", f"≥{n}名鄉鎮列席人員簽字",
                  f"≥{n} township witness(es) sign"),
                T(f"至少 {n} 名乡镇列席人员签字", f"至少 {n} 名鄉鎮列席人員簽字",
                  f"at least {n} township official(s) attend and sign"))
        if self.of == "submitters":
            return Description(T("提出人全部签名", "提出人全部簽名", "every submitter signs"),
                               T("每位提出人签字", "每位提出人簽字", "every submitter signs"))
        return Description(T("参会人员全部签字", "參會人員全部簽字", "every participant signs"),
                           T("每位参会人员签字", "每位參會人員簽字", "every participant signs"))


rule_type(
    Signatures, name="signatures", label=T("签字留痕", "簽字留痕", "required signatures"),
    description="Signatures that must be on the record for the step to count.",
    params=(Param("of", "choice", choices=SIGNERS),
            Param("min", "int", required=False, default=1, minimum=0,
                  description="for township-witnesses: how many must sign")),
    actions=(ActionKind.MEETING, ActionKind.MOTION), effect=Effect.REFUSE)
