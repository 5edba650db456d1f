"""Signatures by role (签字): a meeting's minutes must be signed by the holders of named offices
— e.g. the Party secretary and the chair of the villagers' committee sign a resolution. A
precondition: minutes without them are refused and nothing is recorded.

The office-holders are found on the roster (its ``offices`` column,
:mod:`deliberation.roster.offices`) among those who signed the minutes by name; minutes whose
signers are given only as a count name no office-holder.

>>> from deliberation.rules import RULES
>>> r = RULES["signed-by"].bind("heads", {"offices": ("party-secretary", "committee-chair")})
>>> v = r.verdict({"signed_offices": frozenset({"party-secretary"})})
>>> v.ok, v.numbers["missing"]
(False, ('committee-chair',))

What the rule needs is also declared as counts (for the simulator, which samples who signs):
for each office, ``signed@<office>`` of the body's ``members@<office>`` must reach 1.

>>> r.requirements({"members@party-secretary": 1})[0]
Requirement(count='signed@party-secretary', total=1, needed=1)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from deliberation.i18n import Text, _, series
from deliberation.roster.offices import OFFICE_LABELS, OFFICES
from deliberation.rules import names
from deliberation.rules.actions import ActionKind
from deliberation.rules.base import Description, Param, Requirement, Rule, Verdict, rule_type
from deliberation.rules.facts import Facts, count_of
from deliberation.rules.params import some

# The fact a meeting establishes: the offices held by those who signed its minutes by name.
SIGNED_OFFICES: Final = names.SIGNED_OFFICES
# As a count (``signed@<office>``): the body's holders of the office who signed by name.
SIGNED: Final = "signed"


@attrs.frozen
class SignedBy(Rule):
    """Every office in ``offices`` has a holder among the minutes' named signers."""

    offices: tuple[str, ...]

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> SignedBy:
        return cls(rule_id, some(cls, params, "offices"), basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({SIGNED_OFFICES})

    def verdict(self, facts: Facts) -> Verdict:
        signed = facts.get(SIGNED_OFFICES) or frozenset()
        missing = tuple(o for o in self.offices if o not in signed)
        return self._verdict(not missing, {"offices": self.offices, "missing": missing})

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        """For each office, ``signed@<office>`` (its holders in the body who signed by name)
        must reach 1, out of ``members@<office>`` (its holders in the body)."""
        return tuple(Requirement(f"{SIGNED}@{o}", count_of(facts, f"members@{o}"), 1)
                     for o in self.offices)

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        if ok:
            return _("signed by {offices}").format(offices=_names(numbers["offices"]))
        return _("the minutes are not signed by {missing}").format(
            missing=_names(numbers["missing"]))

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        names = _names(self.offices)
        return Description(_("signed by {offices}").format(offices=names),
                           _("the minutes are signed by {offices}, named as signers").format(
                               offices=names))


def _names(offices: Any) -> Text:
    return series(OFFICE_LABELS[str(o)] for o in offices)


rule_type(
    SignedBy, name="signed-by", label=_("signatures by role"),
    description="The minutes must be signed by the holders of the offices named (the roster's "
                "offices column), e.g. the Party secretary and the committee chair.",
    params=(Param("offices", "list", choices=OFFICES,
                  description="the offices whose holders must sign"),),
    actions=(ActionKind.MEETING,))
