"""Who should attend (应到) and how one may attend: the categories of voters a body may leave out,
what that needs, and the ways of attending besides in person.

Ordinary leave (请假) never removes a voter from 应到: a member on leave is still expected, so a
threshold counted on 应到 (the Party assembly's approval: more than half of the voting members
who should attend) does not fall because members stayed away. Party practice allows five
categories to be left out, each only with the upper level's approval and a vote of the assembly
(domain reference §8): a body lists the categories it allows under ``exclusions:``, and a meeting
that leaves voters out names each one's category and the approval.

>>> EXCLUSION_REASONS["abroad"].get("en")
'abroad for more than half a year'
>>> unknown_reasons(["abroad", "on-leave"], ("abroad", "detained"))
['on-leave']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from deliberation.i18n import Text, Triple, _

INCAPACITY: Final = "incapacity"
ABROAD: Final = "abroad"
DETAINED: Final = "detained"
BEDRIDDEN: Final = "bedridden"
AWAY_UNTRANSFERRED: Final = "away-untransferred"

EXCLUSION_REASONS: Final[dict[str, Text]] = {
    INCAPACITY: _("without legal capacity"),
    ABROAD: _("abroad for more than half a year"),
    DETAINED: _("detained or serving a sentence"),
    BEDRIDDEN: _("bedridden and unable to attend"),
    AWAY_UNTRANSFERRED: _("away for more than half a year without transferring membership"),
}


# How a member may attend by proxy: not at all, or by the written proxy of an adult of the same
# household (农村集体经济组织法 Art. 27: the member assembly).
PROXY_MODES: Final = ("none", "same-household")


def unknown_reasons(reasons: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """The ``reasons`` not among ``allowed``, in the order given."""
    allowed_set = set(allowed)
    return [r for r in reasons if r not in allowed_set]


def reason_name(reason: str) -> Text:
    """The category's name (the id itself for a category this version does not know)."""
    return EXCLUSION_REASONS.get(reason) or Triple(reason, reason, reason)


__all__ = ["ABROAD", "AWAY_UNTRANSFERRED", "BEDRIDDEN", "DETAINED", "EXCLUSION_REASONS",
           "INCAPACITY", "PROXY_MODES", "reason_name", "unknown_reasons"]
