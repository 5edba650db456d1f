"""Gates: ``gate-signatures`` — a gate's decision (cleared, or returned with reasons) is signed
by enough members of the examining body, a share of *all* its members. A precondition: a
decision with too few signatures is refused and nothing is recorded.

The threshold is exact (:mod:`deliberation.rules.thresholds`): "more than half of the
supervision committee's members" of 5 needs 3 signatures, of 4 needs 3; "at least 2/3" of 3
needs 2.

>>> from deliberation.rules import RULES
>>> r = RULES["gate-signatures"].bind("signed", {"ratio": "1/2", "compare": ">"})
>>> [r.verdict({"members": 5, "gate_signed": n}).ok for n in (2, 3, 4)]
[False, True, True]
>>> r.verdict({"members": 5, "gate_signed": 2}).message.get("en")
'decision signed by 2 of 5 members, more than 1/2 of members needed, i.e. at least 3'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Final

import attrs

from deliberation.i18n import Text, _
from deliberation.rules.actions import ActionKind
from deliberation.rules.base import Description, Verdict, rule_type
from deliberation.rules.facts import Facts
from deliberation.rules.thresholds import THRESHOLD_PARAMS, Base, ShareRule

NAME: Final = "gate-signatures"
SIGNED: Final = "gate_signed"  # the fact: members of the body who signed the decision


@attrs.frozen
class GateSignatures(ShareRule):
    """Members who signed the gate's decision against all members of the body."""

    COUNT: ClassVar[str] = SIGNED
    TOTAL: ClassVar[str] = "members"
    BASE: ClassVar[Base] = Base.MEMBERS

    def verdict(self, facts: Facts) -> Verdict:
        signed, members = self.counted(facts)
        t = self.threshold
        return self._verdict(t.holds(signed, members), t.numbers(signed, members))

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        n = numbers
        return _(
            "decision signed by {count} of {total} members, {cmp} {frac} of members needed, "
            "i.e. at least {needed}",
        ).format(count=n["count"], total=n["total"], cmp=self.threshold.compare.label,
                 frac=n["ratio"], needed=n["needed"])

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        t = self.threshold
        words = t.wording()
        return Description(
            _("signed by {threshold}").format(threshold=words),
            _("the decision (cleared, or returned with reasons) is signed by {threshold}")
            .format(threshold=words),
            (t.view(SIGNED, "members"),))


rule_type(
    GateSignatures, name=NAME, label=_("signatures on a gate's decision"),
    description="A gate's decision is signed by enough members of the examining body (a share "
                "of all its members).",
    params=THRESHOLD_PARAMS,
    actions=(ActionKind.GATE,))

__all__ = ["NAME", "SIGNED", "GateSignatures"]
