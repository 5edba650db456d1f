"""The village roster: who belongs to which body, who votes, who must be consulted.

A roster is immutable; a case keeps the roster it was opened with, so eligibility cannot change
under a running case. Bodies in a procedure select their members with the names in
:data:`SELECTORS` (``members: [villagers-committee, representative]``). Files are read strictly
by :mod:`deliberation.roster.files` (format: docs/roster.md).

>>> r = Roster.generate(households=365, people=847, party_members=45, representatives=28)
>>> r.count("full-party-member") + r.count("probationary-party-member"), r.households
(45, 365)
"""

from __future__ import annotations

import heapq
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from deliberation.i18n import _, quoted
from deliberation.reprs import fields_repr
from deliberation.roster import files
from deliberation.roster.generate import DEFAULTS
from deliberation.roster.offices import OFFICES
from deliberation.roster.problems import RosterError
from deliberation.roster.villager import Villager


def _holds(office: str) -> Callable[[Villager], bool]:
    """The selector of the holders of ``office``."""
    return lambda v: office in v.offices


SELECTORS: Final[Mapping[str, Callable[[Villager], bool]]] = {
    "villager": lambda v: not v.township,
    "adult": lambda v: v.adult and not v.township,
    "resident": lambda v: v.resident and not v.township,
    "party-member": lambda v: v.party != "none",
    "full-party-member": lambda v: v.party == "full",
    "probationary-party-member": lambda v: v.party == "probationary",
    "representative": lambda v: v.representative,
    "party-committee": lambda v: "party-committee" in v.committees,
    "villagers-committee": lambda v: "villagers-committee" in v.committees,
    "supervision-committee": lambda v: "supervision-committee" in v.committees,
    "township-official": lambda v: v.township,
    # by the roster's ``sex`` column: e.g. women representatives, a subset some quorums count
    "woman": lambda v: v.sex == "female" and not v.township,
    "man": lambda v: v.sex == "male" and not v.township,
    # the women among the villager representatives (山东省村务公开条例 Art. 24 counts them
    # apart): not the women of the villagers' committee, who sit in the meeting ex officio
    "woman-representative": lambda v: v.sex == "female" and v.representative
    and not v.township,
    # the members of the collective economic organisation (the roster's collective_member),
    # and those of them aged 18+, who attend its member assembly (农村集体经济组织法 Art. 27)
    "collective-member": lambda v: v.collective_member and not v.township,
    "adult-collective-member": lambda v: v.collective_member and v.adult and not v.township,
    # office-holders by role (the roster's offices column): one selector per office
    **{office: _holds(office) for office in OFFICES},
}
# Each selector's bit in a villager's mask: a union of selectors is an OR of bits.
_BIT: Final[Mapping[str, int]] = {name: 1 << i for i, name in enumerate(SELECTORS)}
# What the selectors read: every field but the id, household and name (a test checks the
# index against the selectors on villagers differing in everything).
_PROFILE: Final = operator.attrgetter(
    *(a.name for a in attrs.fields(Villager) if a.name not in ("id", "household", "name"))
)


# never compared nor hashed: no __eq__/__hash__ to compile (start-up speed)
@fields_repr
@attrs.frozen(repr=False, eq=False)
class _Group:
    """The villagers sharing one selector mask: their positions and households."""

    positions: tuple[int, ...]
    households: frozenset[str]


def _index_ids(roster: Roster) -> Mapping[str, Villager]:
    by_id: dict[str, Villager] = {}
    for v in roster.villagers:
        if v.id in by_id:
            raise RosterError(_("villager id {vid} appears twice on the roster").format(
                vid=quoted(v.id)))
        by_id[v.id] = v
    return by_id


def _index_groups(roster: Roster) -> Mapping[int, _Group]:
    """Villagers grouped by which selectors pick them. A village has few distinct masks (a few
    dozen), so a count or a union of selectors costs a pass over the groups, not the roster."""
    positions: dict[int, list[int]] = {}
    masks: dict[tuple[Any, ...], int] = {}  # this call only: many villagers share a profile
    for i, v in enumerate(roster.villagers):
        profile = _PROFILE(v)
        mask = masks.get(profile)
        if mask is None:
            mask = masks[profile] = sum(bit for name, bit in _BIT.items() if SELECTORS[name](v))
        positions.setdefault(mask, []).append(i)
    vs = roster.villagers
    return {
        mask: _Group(tuple(ps), frozenset(vs[i].household for i in ps))
        for mask, ps in positions.items()
    }


def _mask(selectors: Iterable[str]) -> int:
    """The OR of the selectors' bits; an unknown selector is a ``KeyError``, as before."""
    mask = 0
    for s in selectors:
        mask |= _BIT[s]
    return mask


@fields_repr
@attrs.frozen(repr=False)
class Roster:
    """An immutable list of villagers, indexed once when it is built.

    >>> r = Roster.from_records([{"id": "a", "household": "h1", "committees": ["party-committee"]}])
    >>> r.count("party-committee", "adult"), r.get("a").adult
    (1, True)
    """

    villagers: tuple[Villager, ...]
    _by_id: Mapping[str, Villager] = attrs.field(
        init=False, repr=False, eq=False, default=attrs.Factory(_index_ids, takes_self=True)
    )
    _groups: Mapping[int, _Group] = attrs.field(
        init=False, repr=False, eq=False, default=attrs.Factory(_index_groups, takes_self=True)
    )
    # groups a meeting created (a procedure's ``groups:``), by id: selectors whose members a
    # case recorded, not a column. Not part of what the roster is (equality, data): a case
    # reads the roster it was opened with through :meth:`with_groups`.
    elected: Mapping[str, frozenset[str]] = attrs.field(
        factory=dict, kw_only=True, repr=False, eq=False)

    def with_groups(self, elected: Mapping[str, Iterable[str]]) -> Roster:
        """The same villagers, with the groups ``elected`` (group id -> villager ids) usable
        as selectors; groups given no members select nobody.

        >>> r = Roster.generate().with_groups({"wg": ["v0001", "v0002"]})
        >>> len(r.select(("wg", "township-official"))), r.count("wg"), r == Roster.generate()
        (3, 2, True)
        """
        return Roster(self.villagers, elected={g: frozenset(ids) for g, ids in elected.items()})

    def _elected_ids(self, selectors: Iterable[str]) -> tuple[list[str], frozenset[str]] | None:
        """The selectors that are roster ones, and the ids the group selectors among
        ``selectors`` select; ``None`` when none is a group (the common case)."""
        if not self.elected:
            return None
        sels = tuple(selectors)
        if not any(s in self.elected for s in sels):
            return None
        ids = frozenset().union(*(self.elected[s] for s in sels if s in self.elected))
        return [s for s in sels if s not in self.elected], ids

    # -- lookups ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.villagers)

    def __contains__(self, villager_id: object) -> bool:
        return villager_id in self._by_id

    def get(self, villager_id: str) -> Villager:
        try:
            return self._by_id[villager_id]
        except KeyError:
            raise RosterError(_("no villager {vid} on the roster").format(
                vid=quoted(villager_id))) from None

    def matches(self, villager: Villager, selectors: Sequence[str]) -> bool:
        """Whether ``villager`` is selected by any of ``selectors`` (a union)."""
        elected = self.elected
        return any(villager.id in elected[s] if s in elected else SELECTORS[s](villager)
                   for s in selectors)

    def _matching(self, selectors: Iterable[str]) -> list[_Group]:
        mask = _mask(selectors)
        return [g for m, g in self._groups.items() if m & mask]

    def select(self, selectors: Sequence[str]) -> tuple[Villager, ...]:
        """The villagers any of ``selectors`` selects, in roster order."""
        split = self._elected_ids(selectors)
        if split is not None:
            static = {v.id for v in self.select(split[0])} if split[0] else set()
            return tuple(v for v in self.villagers if v.id in split[1] or v.id in static)
        groups = self._matching(selectors)
        vs = self.villagers
        return tuple(vs[i] for i in heapq.merge(*(g.positions for g in groups)))

    def select_unless(self, selectors: Sequence[str], unless: Sequence[str]
                      ) -> tuple[Villager, ...]:
        """The villagers any of ``selectors`` selects and none of ``unless`` does, in roster
        order. (On the index, the groups whose mask has neither: where ``unless`` leaves out
        nearly everyone, as a check for the few who break a rule does, there is nothing to
        merge.)

        >>> r = Roster.generate()
        >>> r.select_unless(("representative", "township-official"), ("adult",))[0].township
        True
        """
        if self.elected and self._elected_ids((*selectors, *unless)) is not None:
            return tuple(v for v in self.select(selectors) if not self.matches(v, unless))
        mask, but = _mask(selectors), _mask(unless)
        groups = [g for m, g in self._groups.items() if m & mask and not m & but]
        if not groups:
            return ()
        vs = self.villagers
        if len(groups) == 1:
            return tuple([vs[i] for i in groups[0].positions])
        return tuple(vs[i] for i in heapq.merge(*(g.positions for g in groups)))

    def count(self, *selectors: str) -> int:
        """How many villagers any of ``selectors`` selects."""
        if self._elected_ids(selectors) is not None:
            return len(self.select(selectors))
        return sum(len(g.positions) for g in self._matching(selectors))

    def households_of(self, selectors: Sequence[str]) -> int:
        """How many households the villagers ``selectors`` select belong to."""
        if self._elected_ids(selectors) is not None:
            return len({v.household for v in self.select(selectors)})
        groups = self._matching(selectors)
        if len(groups) == 1:
            return len(groups[0].households)
        return len(frozenset().union(*(g.households for g in groups)))

    @property
    def households(self) -> int:
        """Households of villagers (township officials excluded)."""
        return self.households_of(("villager",))

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def generate(
        cls,
        households: int = DEFAULTS["households"],
        people: int = DEFAULTS["people"],
        adults: int | None = DEFAULTS["adults"],
        party_members: int = DEFAULTS["party_members"],
        probationary: int = DEFAULTS["probationary"],
        representatives: int = DEFAULTS["representatives"],
        party_committee: int = DEFAULTS["party_committee"],
        villagers_committee: int = DEFAULTS["villagers_committee"],
        supervision_committee: int = DEFAULTS["supervision_committee"],
        township_officials: int = DEFAULTS["township_officials"],
        away_share: float = DEFAULTS["away_share"],
    ) -> Roster:
        """A synthetic roster from counts (defaults: 固庄村, 2023 report).

        People are spread over households round-robin; the first ``adults`` are adults (default
        80% of people — an assumption, the seed gives no figure). Party members, representatives
        and committee seats go to distinct adults in a fixed order, so the same counts always
        give the same roster. ``away_share`` marks that share of adults (from the end) as away.
        Bad counts (negative, not whole numbers, more than
        :data:`~deliberation.roster.generate.MAX_PEOPLE` people, inconsistent) raise
        :class:`RosterFileError` naming every one.
        """
        params = {
            "households": households, "people": people, "adults": adults,
            "party_members": party_members, "probationary": probationary,
            "representatives": representatives, "party_committee": party_committee,
            "villagers_committee": villagers_committee,
            "supervision_committee": supervision_committee,
            "township_officials": township_officials, "away_share": away_share,
        }
        return cls(files.read_counts(params, "Roster.generate").unwrap())

    @classmethod
    def from_records(cls, rows: Iterable[Mapping[str, Any]], source: str = "<roster>") -> Roster:
        """Build from mappings with the keys of docs/roster.md (``id`` and ``household``
        required); every problem is reported at once, by position."""
        return cls(files.read_rows(rows, source).unwrap())

    @classmethod
    def from_csv(cls, path: str | Path) -> Roster:
        """Read a CSV roster (docs/roster.md); :class:`RosterFileError` lists every problem."""
        return cls(files.read_file(path, "csv").unwrap())

    @classmethod
    def from_yaml(cls, path: str | Path) -> Roster:
        """Read a YAML roster (docs/roster.md); :class:`RosterFileError` lists every problem."""
        return cls(files.read_file(path, "yaml").unwrap())

    @classmethod
    def from_file(cls, path: str | Path) -> Roster:
        """Read a roster file by its suffix: ``.csv``, ``.yaml`` or ``.yml``."""
        return cls(files.read_file(path).unwrap())

    @classmethod
    def from_data(cls, data: Any, source: str = "<roster>") -> Roster:
        """A roster from a scenario's ``roster:`` value: counts (``generate:``) or a list."""
        return cls(files.read_data(data, source).unwrap())

    def to_data(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for v in self.villagers:
            row: dict[str, Any] = {
                "id": v.id,
                "household": v.household,
                "name": v.name,
                "adult": v.adult,
                "party": v.party,
                "representative": v.representative,
                "committees": sorted(v.committees),
                "resident": v.resident,
                "township": v.township,
                "sex": v.sex,
            }
            # written only when given, so rosters without them keep their fingerprints
            if v.offices:
                row["offices"] = sorted(v.offices)
            if v.collective_member:
                row["collective_member"] = True
            rows.append(row)
        return rows
