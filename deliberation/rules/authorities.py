"""Bodies above the village that approve or file a village's decision (审批, 备案).

A gate stage (``action: gate``) may be decided by an authority rather than by a body on the
village roster: the township government approves a contract with outsiders (农村土地承包法
(2018) Art. 52), the township government and the county agricultural authority approve an
adjustment of individual plots (Art. 28). These are the built-in authorities; a procedure may
declare more (``authorities:`` in its file, ids with names in three languages), and naming any
other is a lint error (D484) with a did-you-mean.

What an authority may decide depends on what the stage asks of it (:data:`DECISIONS`):
approval is approved, refused or returned for completion; filing (备案) is acknowledged
(``filed``) or returned.

>>> AUTHORITIES["township-government"].get("zh-Hans")
'乡(镇)人民政府'
>>> DECISIONS["filing"]
('filed', 'returned')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from deliberation.i18n import Rendered, Text, Triple, _, _p

AUTHORITIES: Final[Mapping[str, Text]] = {
    "township-government": _("township government"),
    "county-government": _("county government"),
    "county-agriculture": _("county agricultural and rural affairs authority"),
    "county-natural-resources": _("county natural resources authority"),
}

# what the authority is asked for: approval (审批) or filing (备案)
ASKS: Final = ("approval", "filing")

ASK_LABELS: Final[Mapping[str, Text]] = {
    "approval": _p("rules.authorities", "approval"),
    "filing": _p("rules.authorities", "filing"),
}

# the decisions an authority may record for each ask, and the route each takes
DECISIONS: Final[Mapping[str, tuple[str, ...]]] = {
    "approval": ("approved", "refused", "returned"),
    "filing": ("filed", "returned"),
}
DECISION_ROUTES: Final[Mapping[str, str]] = {
    "approved": "pass", "filed": "pass", "refused": "rejected", "returned": "returned",
}
DECISION_LABELS: Final[Mapping[str, Text]] = {
    "approved": _p("rules.authorities", "approved"),
    "refused": _p("rules.authorities", "refused"),
    "returned": _p("rules.authorities", "returned for completion"),
    "filed": _p("rules.authorities", "filed"),
}


def authority_name(authority: str, extra: Mapping[str, Text] | None = None) -> Text:
    """The name of ``authority`` (a procedure's own first, then the built-ins; else the id)."""
    if extra and authority in extra:
        return extra[authority]
    return AUTHORITIES.get(authority) or Triple(authority, authority, authority)


def authority_in_sentence(authority: str, extra: Mapping[str, Text] | None = None) -> Text:
    """``authority``'s name as a sentence says it where the message does not write the article
    itself: in English with "the" (unless the name starts with it); in Chinese as it is.

    >>> authority_in_sentence("township-government").get("en")
    'the township government'
    >>> authority_in_sentence("township-government").get("zh-Hans")
    '乡(镇)人民政府'
    """
    name = authority_name(authority, extra)

    def render(lang: str) -> str:
        text = name.get(lang)
        if lang != "en" or text.lower().startswith("the "):
            return text
        return f"the {text}"

    return Rendered(render)


__all__ = ["ASKS", "ASK_LABELS", "AUTHORITIES", "DECISIONS", "DECISION_LABELS",
           "DECISION_ROUTES", "authority_in_sentence", "authority_name"]
