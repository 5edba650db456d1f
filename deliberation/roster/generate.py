"""Synthetic rosters from counts: the arguments checked (every problem at once), then built.

>>> [p.param for p in check_generate({"people": -1, "away_share": 1.5})]
['people', 'away_share']
>>> len(generate_villagers(**{**DEFAULTS, "households": 2, "people": 3, "adults": 2,
...     "party_members": 1, "representatives": 1, "party_committee": 1,
...     "villagers_committee": 0, "supervision_committee": 0}))
4
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any, Final

import attrs

from deliberation.i18n import Text, _
from deliberation.reprs import fields_repr
from deliberation.roster.villager import PartyStatus, Sex, Villager

# Counts the generator takes and their defaults (固庄村, 2023 report): the one place they are
# written; Roster.generate and the simulator's SimParams take theirs from here.
DEFAULTS: Final[Mapping[str, Any]] = {
    "households": 365,
    "people": 847,
    "adults": None,
    "party_members": 45,
    "probationary": 0,
    "representatives": 28,
    "party_committee": 5,
    "villagers_committee": 5,
    "supervision_committee": 3,
    "township_officials": 1,
    "away_share": 0.0,
}
# A ceiling that no village reaches (the largest administrative villages have some tens of
# thousands of people), so a typo such as ``people: 10**30`` is refused at once instead of
# building villagers until memory runs out.
MAX_PEOPLE: Final = 500_000
MAX_TOWNSHIP_OFFICIALS: Final = 1_000


@fields_repr
@attrs.frozen(repr=False)
class GenerateProblem:
    """One bad argument: which parameter (``""``: several together), a code and why."""

    param: str
    code: str
    message: Text


def check_generate(params: Mapping[str, object]) -> list[GenerateProblem]:
    """Every problem with ``params`` (names as :data:`DEFAULTS`; missing ones take defaults).

    R301 unknown parameter, R302 wrong type, R303 out of range or inconsistent counts.
    """
    out: list[GenerateProblem] = []
    for name in params:
        if name not in DEFAULTS:
            out.append(GenerateProblem(name, "R301", _(
                "unknown parameter {name!r}",
            ).format(name=name)))
    values = {**DEFAULTS, **{k: v for k, v in params.items() if k in DEFAULTS}}
    for name, value in values.items():
        if name == "away_share":
            out += _share(name, value)
        elif not (name == "adults" and value is None):
            out += _count(name, value)
    if out:
        return out  # the relations below need every count to be a number
    return _relations(values)


def _count(name: str, value: object) -> list[GenerateProblem]:
    # Any whole number type (numpy's too), but not a flag: True is not a count.
    if isinstance(value, bool) or not isinstance(value, Integral):
        return [GenerateProblem(name, "R302", _(
            "{name} must be a whole number, not {value!r}",
        ).format(name=name, value=value))]
    low = 1 if name == "households" else 0
    high = MAX_TOWNSHIP_OFFICIALS if name == "township_officials" else MAX_PEOPLE
    if not low <= int(value) <= high:
        return [GenerateProblem(name, "R303", _(
            "{name} must be from {low} to {high}, not {value}",
        ).format(name=name, low=low, high=high, value=value))]
    return []


def _share(name: str, value: object) -> list[GenerateProblem]:
    if isinstance(value, bool) or not isinstance(value, Real):
        return [GenerateProblem(name, "R302", _(
            "{name} must be a number from 0 to 1, not {value!r}",
        ).format(name=name, value=value))]
    if not (math.isfinite(value) and 0 <= float(value) <= 1):
        return [GenerateProblem(name, "R303", _(
            "{name} must be from 0 to 1, not {value!r}",
        ).format(name=name, value=value))]
    return []


def _relations(v: Mapping[str, Any]) -> list[GenerateProblem]:
    out: list[GenerateProblem] = []

    def bad(param: str, text: Text) -> None:
        out.append(GenerateProblem(param, "R303", text))

    households, people = v["households"], v["people"]
    if people < households:
        bad("people", _("people ({people}) must be at least households ({households}): one per "
                        "household").format(people=people, households=households))
        return out
    adults = round(people * 0.8) if v["adults"] is None else v["adults"]
    if not households <= adults <= people:
        bad("adults", _("adults ({adults}) must be between households ({households}) and people "
                        "({people})").format(adults=adults, households=households, people=people))
        return out
    seats = v["party_committee"] + v["villagers_committee"] + v["supervision_committee"]
    for param, n, too_many in (
        ("party_members", v["party_members"], _("more Party members ({n}) than adults ({adults})")),
        ("representatives", v["representatives"],
         _("more representatives ({n}) than adults ({adults})")),
        ("", seats, _("more committee seats ({n}) than adults ({adults})")),
    ):
        if n > adults:
            bad(param, too_many.format(n=n, adults=adults))
    if v["probationary"] > v["party_members"]:
        bad("probationary", _("probationary members are part of party_members, so cannot "
                              "outnumber them"))
    away = round(adults * v["away_share"])
    if v["representatives"] > adults - away:
        bad("representatives", _("more representatives than resident adults ({n})").format(
            n=adults - away))
    return out


def _sex(i: int, rep_start: int, representative: bool) -> Sex:
    """Every other person a woman. Representatives alternate from a woman, so at least half
    of them (never less than the third the law requires: Organic Law 2018 Art. 25) are women."""
    k = i - rep_start if representative else i + 1
    return "female" if k % 2 == 0 else "male"


def generate_villagers(
    *,
    households: int,
    people: int,
    adults: int | None,
    party_members: int,
    probationary: int,
    representatives: int,
    party_committee: int,
    villagers_committee: int,
    supervision_committee: int,
    township_officials: int,
    away_share: float,
) -> tuple[Villager, ...]:
    """The villagers of a synthetic roster; the arguments must pass :func:`check_generate` and
    name every count (the defaults are in :data:`DEFAULTS`; callers merge them in)."""
    n_adults = round(people * 0.8) if adults is None else adults
    n_away = round(n_adults * away_share)
    rep_start = n_adults - n_away - representatives
    out: list[Villager] = []
    for i in range(people):
        adult = i < n_adults
        party: PartyStatus = "none"
        committees: set[str] = set()
        if adult:
            if i < party_members:
                party = "probationary" if i >= party_members - probationary else "full"
            # Committee seats: Party committee from the first full members; the villagers'
            # committee and supervision committee from the next adults (no overlap between
            # the villagers' committee and the supervision committee, as the law requires).
            if i < party_committee:
                committees.add("party-committee")
            if 0 < i <= villagers_committee:
                committees.add("villagers-committee")
            if villagers_committee < i <= villagers_committee + supervision_committee:
                committees.add("supervision-committee")
        # Representatives: the last resident adults, so they rarely hold committee seats.
        representative = adult and rep_start <= i < n_adults - n_away
        out.append(
            Villager(
                id=f"v{i + 1:04d}",
                household=f"h{(i % households) + 1:04d}",
                adult=adult,
                party=party,
                representative=representative,
                committees=frozenset(committees),
                resident=not (adult and i >= n_adults - n_away),
                sex=_sex(i, rep_start, representative),
            )
        )
    for j in range(township_officials):
        out.append(Villager(id=f"t{j + 1:02d}", household="township", township=True))
    return tuple(out)
