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

Who may be counted at all: a village role gives a vote in a body (the representatives'
meeting, the Party assembly, the committees), and the law gives those roles only to villagers
of 18 and over. :func:`ineligible` says where a roster gives one to a minor or to a township
official, so that no case is opened on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from deliberation.i18n import Text, Triple, _, _p, named, quoted, series
from deliberation.roster.model import Roster
from deliberation.roster.offices import OFFICE_LABELS
from deliberation.roster.villager import Villager

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


# The village roles a roster may give, each a seat with a vote in some body: held only by
# villagers aged 18 and over — representatives and the committees are elected from them
# (Organic Law 2018 Arts. 13, 25, 32), a Party member is 18 or over (Party Constitution Art. 1).
_ROLES: Final = ("representative", "party-member", "party-committee", "villagers-committee",
                 "supervision-committee", *OFFICE_LABELS)
# who ineligible() looks at: whoever holds a role, and every township official (a member of the
# collective among them holds one), unless an adult villager
_HOLDERS: Final = (*_ROLES, "township-official")
_ADULT: Final = ("adult",)
_COMMITTEE_ROLES: Final[dict[str, Text]] = {
    "party-committee": _p("village role", "a member of the Party branch committee"),
    "villagers-committee": _p("village role", "a member of the villagers' committee"),
    "supervision-committee": _p("village role", "a member of the supervision committee"),
}


def _roles(v: Villager) -> list[Text]:
    """The village roles the roster gives ``v``, in words."""
    out: list[Text] = []
    if v.representative:
        out.append(_p("village role", "a villager representative"))
    if v.party != "none":
        out.append(_p("village role", "a Party member"))
    if v.committees:  # (most have none, as have the township officials every case opening asks)
        out += [text for c, text in _COMMITTEE_ROLES.items() if c in v.committees]
    if v.offices:
        out += [OFFICE_LABELS[o] for o in sorted(v.offices)]
    if v.township and v.collective_member:
        out.append(_p("village role", "a member of the collective economic organisation"))
    return out


def ineligible(roster: Roster) -> tuple[Text, ...]:
    """One line for each person ``roster`` gives a village role the law does not let them
    hold: a minor (any role above; a minor may be a member of the collective), a township
    official (any role, or membership of the collective: they attend as witnesses and are not
    villagers — a cadre serving in the village is listed as a villager). Empty when none.

    >>> kid = {"id": "k", "household": "h1", "adult": False, "representative": True}
    >>> [line.get("en")[:38] for line in ineligible(Roster.from_records([kid]))]
    ["'k' is not an adult, so cannot be a vi"]
    """
    out: list[Text] = []
    # (the roster's index picks those with a role, and every township official, who are not
    # adult villagers: on a roster that is in order, township officials alone)
    for v in roster.select_unless(_HOLDERS, _ADULT):
        roles = _roles(v)
        if not roles:
            continue
        who = named(Triple(v.name, v.name, v.name), v.id) if v.name else quoted(v.id)
        line = (_("{who} is a township official, not a villager, so cannot be {roles}: list a "
                  "cadre serving in the village as a villager")
                if v.township else
                _("{who} is not an adult, so cannot be {roles}: only villagers aged 18 and over "
                  "are elected to village office or join the Party (Organic Law 2018 Art. 13; "
                  "Party Constitution Art. 1)"))
        out.append(line.format(who=who, roles=series(roles)))
    return tuple(out)


__all__ = ["ABROAD", "AWAY_UNTRANSFERRED", "BEDRIDDEN", "DETAINED", "EXCLUSION_REASONS",
           "INCAPACITY", "PROXY_MODES", "ineligible", "reason_name", "unknown_reasons"]
