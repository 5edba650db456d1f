"""Who a body is on a roster: its members' ids and its sizes, counted once per roster.

A roster never changes, so what a body is on it is a pure function of the two; it is worked out
the first time a case asks and kept while the roster lives.

>>> from deliberation import Roster, load_procedure
>>> roster = Roster.generate()
>>> body = load_procedure("four-deliberations").bodies["party-assembly"]
>>> counts(roster, body).voters
45
"""

from __future__ import annotations

import weakref
from typing import Final

import attrs

from deliberation.definition.model import Body
from deliberation.reprs import fields_repr
from deliberation.roster import Roster


@fields_repr
@attrs.frozen(slots=True, repr=False, eq=False)  # never compared: no __eq__ to compile
class BodyCounts:
    """A body's sizes on one roster."""

    members: int
    voters: int
    households: int
    adults: int
    # the township officials on the roster: the most who can witness a meeting of the body
    # (counted here, with the body, so that a meeting looks up one cached entry, not two)
    officials: int = 0


# the roster selector of township officials, as :func:`member_ids` takes it
TOWNSHIP_OFFICIALS: Final = ("township-official",)

_COUNTS: Final[dict[tuple[int, tuple[str, ...], tuple[str, ...]],
                   tuple[weakref.ref[Roster], BodyCounts]]] = {}
_MEMBERS: Final[dict[tuple[int, tuple[str, ...]], tuple[weakref.ref[Roster], frozenset[str]]]] = {}


def member_ids(roster: Roster, selectors: tuple[str, ...]) -> frozenset[str]:
    """Ids of the villagers ``selectors`` select on ``roster``."""
    key = (id(roster), selectors)
    hit = _MEMBERS.get(key)
    if hit is not None and hit[0]() is roster:
        return hit[1]
    ids = frozenset(v.id for v in roster.select(selectors))
    _MEMBERS[key] = (weakref.ref(roster), ids)
    weakref.finalize(roster, _MEMBERS.pop, key, None)
    return ids


def counts(roster: Roster, body: Body) -> BodyCounts:
    """The body's sizes on ``roster``."""
    key = (id(roster), body.members, body.voters)
    hit = _COUNTS.get(key)
    if hit is not None and hit[0]() is roster:
        return hit[1]
    members = roster.select(body.members)
    result = BodyCounts(
        members=len(members),
        voters=len(member_ids(roster, body.voters)) if body.voters else len(members),
        households=len({v.household for v in members}),
        adults=sum(1 for v in members if v.adult),
        officials=len(member_ids(roster, TOWNSHIP_OFFICIALS)),
    )
    _COUNTS[key] = (weakref.ref(roster), result)
    weakref.finalize(roster, _COUNTS.pop, key, None)
    return result


def subsets_read(reads: frozenset[str]) -> tuple[str, ...]:
    """The roster selectors whose subsets of the body some rule counts (``x@woman`` facts).

    >>> subsets_read(frozenset({"members", "present_members@woman", "members@woman"}))
    ('woman',)
    """
    return tuple(sorted({name.partition("@")[2] for name in reads if "@" in name}))


def subset_sizes(roster: Roster, body: Body, subsets: tuple[str, ...]) -> dict[str, int]:
    """``members@<selector>`` for each of ``subsets``: how many of the body's members each
    selects on ``roster`` (e.g. the women representatives)."""
    members = member_ids(roster, body.members)
    return {f"members@{s}": len(members & member_ids(roster, (s,))) for s in subsets}
