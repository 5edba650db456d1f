"""The village roster: who belongs to which body, who votes, who must be consulted.

A roster is immutable; a case keeps the roster it was opened with, so eligibility cannot change
under a running case. Bodies in a procedure select their members with the names in
:data:`SELECTORS` (``members: [villagers-committee, representative]``).

>>> r = Roster.generate(households=365, people=847, party_members=45, representatives=28)
>>> r.count("full-party-member") + r.count("probationary-party-member"), r.households
(45, 365)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Literal

import attrs
import yaml

PartyStatus = Literal["none", "full", "probationary"]
COMMITTEES: Final = ("party-committee", "villagers-committee", "supervision-committee")


@attrs.frozen(slots=True)
class Villager:
    """One person on the roster. Township officials appear with ``township=True``."""

    id: str
    household: str
    name: str = ""
    adult: bool = True
    party: PartyStatus = "none"
    representative: bool = False
    committees: frozenset[str] = frozenset()
    resident: bool = True  # False: lives away (外出), hard to reach for meetings and consultation
    township: bool = False  # a township official attending as witness, not a villager


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
}


class RosterError(ValueError):
    """A roster file or generator input is invalid; the message says where and why."""


@attrs.frozen
class Roster:
    """An immutable list of villagers with the counts bodies need, computed once."""

    villagers: tuple[Villager, ...]
    _by_id: Mapping[str, Villager] = attrs.field(init=False, repr=False, eq=False)
    _counts: dict[tuple[str, ...], int] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        by_id: dict[str, Villager] = {}
        for v in self.villagers:
            if v.id in by_id:
                raise RosterError(f"villager id {v.id!r} appears twice on the roster")
            by_id[v.id] = v
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_counts", {})

    # -- lookups ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.villagers)

    def __contains__(self, villager_id: object) -> bool:
        return villager_id in self._by_id

    def get(self, villager_id: str) -> Villager:
        try:
            return self._by_id[villager_id]
        except KeyError:
            raise RosterError(f"no villager {villager_id!r} on the roster") from None

    def matches(self, villager: Villager, selectors: Sequence[str]) -> bool:
        """Whether ``villager`` is selected by any of ``selectors`` (a union)."""
        return any(SELECTORS[s](villager) for s in selectors)

    def select(self, selectors: Sequence[str]) -> tuple[Villager, ...]:
        return tuple(v for v in self.villagers if self.matches(v, selectors))

    def count(self, *selectors: str) -> int:
        """How many villagers any of ``selectors`` selects (cached: the roster never changes)."""
        key = tuple(sorted(selectors))
        if key not in self._counts:
            self._counts[key] = len(self.select(key))
        return self._counts[key]

    def households_of(self, selectors: Sequence[str]) -> int:
        key = ("#households", *sorted(selectors))
        if key not in self._counts:
            self._counts[key] = len({v.household for v in self.select(selectors)})
        return self._counts[key]

    @property
    def households(self) -> int:
        """Households of villagers (township officials excluded)."""
        return self.households_of(("villager",))

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def generate(
        cls,
        households: int = 365,
        people: int = 847,
        adults: int | None = None,
        party_members: int = 45,
        probationary: int = 0,
        representatives: int = 28,
        party_committee: int = 5,
        villagers_committee: int = 5,
        supervision_committee: int = 3,
        township_officials: int = 1,
        away_share: float = 0.0,
    ) -> Roster:
        """A synthetic roster from counts (defaults: 固庄村, 2023 report).

        People are spread over households round-robin; the first ``adults`` are adults (default
        80% of people — an assumption, the seed gives no figure). Party members, representatives
        and committee seats go to distinct adults in a fixed order, so the same counts always
        give the same roster. ``away_share`` marks that share of adults (from the end) as away.
        """
        if households < 1 or people < households:
            raise RosterError("need at least one household and at least one person per household")
        n_adults = round(people * 0.8) if adults is None else adults
        if not households <= n_adults <= people:
            raise RosterError(
                f"adults must be between households ({households}) and people ({people})"
            )
        seats = party_committee + villagers_committee + supervision_committee
        if party_members > n_adults or representatives > n_adults or seats > n_adults:
            raise RosterError("more members or seats than adults")
        if probationary > party_members:
            raise RosterError("probationary members are part of party_members")
        n_away = round(n_adults * away_share)
        rep_start = n_adults - n_away - representatives
        if rep_start < 0:
            raise RosterError("more representatives than resident adults")
        out: list[Villager] = []
        for i in range(people):
            adult = i < n_adults
            hh = f"h{(i % households) + 1:04d}"
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
            rep = adult and rep_start <= i < n_adults - n_away
            out.append(
                Villager(
                    id=f"v{i + 1:04d}",
                    household=hh,
                    adult=adult,
                    party=party,
                    representative=rep,
                    committees=frozenset(committees),
                    resident=not (adult and i >= n_adults - n_away),
                )
            )
        for j in range(township_officials):
            out.append(Villager(id=f"t{j + 1:02d}", household="township", township=True))
        return cls(tuple(out))

    @classmethod
    def from_records(cls, rows: Iterable[Mapping[str, Any]], source: str = "<roster>") -> Roster:
        """Build from dicts with keys ``id, household, name, adult, party, representative,
        committees, resident, township``; errors name the row."""
        out = []
        for n, row in enumerate(rows, start=1):
            try:
                out.append(_villager(row))
            except (KeyError, ValueError, TypeError) as err:
                raise RosterError(f"{source}: row {n}: {err}") from None
        return cls(tuple(out))

    @classmethod
    def from_csv(cls, path: str | Path) -> Roster:
        text = Path(path).read_text(encoding="utf-8-sig")
        return cls.from_records(csv.DictReader(io.StringIO(text)), str(path))

    @classmethod
    def from_yaml(cls, path: str | Path) -> Roster:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        rows = data.get("villagers") if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise RosterError(f"{path}: expected a list of villagers (or 'villagers:' with one)")
        return cls.from_records(rows, str(path))

    @classmethod
    def from_data(cls, data: Any, source: str = "<roster>") -> Roster:
        """A roster from a scenario's ``roster:`` value: counts (``generate:``) or a list."""
        if isinstance(data, dict) and "generate" in data:
            params = data["generate"] or {}
            try:
                return cls.generate(**params)
            except TypeError as err:
                raise RosterError(f"{source}: roster.generate: {err}") from None
        if isinstance(data, dict) and "villagers" in data:
            return cls.from_records(data["villagers"], source)
        if isinstance(data, list):
            return cls.from_records(data, source)
        raise RosterError(
            f"{source}: roster must be 'generate: {{…}}', 'villagers: [...]' or a list"
        )

    def to_data(self) -> list[dict[str, Any]]:
        return [
            {
                "id": v.id,
                "household": v.household,
                "name": v.name,
                "adult": v.adult,
                "party": v.party,
                "representative": v.representative,
                "committees": sorted(v.committees),
                "resident": v.resident,
                "township": v.township,
            }
            for v in self.villagers
        ]


_TRUE: Final = {"1", "true", "yes", "y", "是", "t"}
_FALSE: Final = {"0", "false", "no", "n", "否", "f", ""}


def _flag(value: Any, name: str, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def _villager(row: Mapping[str, Any]) -> Villager:
    vid = str(row["id"]).strip()
    if not vid:
        raise ValueError("id is empty")
    party = str(row.get("party") or "none").strip()
    if party not in ("none", "full", "probationary"):
        raise ValueError(f"party must be none, full or probationary, not {party!r}")
    committees_raw = row.get("committees") or ()
    if isinstance(committees_raw, str):
        committees_raw = [c for c in committees_raw.replace(";", ",").split(",") if c.strip()]
    committees = frozenset(str(c).strip() for c in committees_raw)
    unknown = committees - set(COMMITTEES)
    if unknown:
        raise ValueError(f"unknown committee(s) {sorted(unknown)}; known: {', '.join(COMMITTEES)}")
    return Villager(
        id=vid,
        household=str(row.get("household") or vid),
        name=str(row.get("name") or ""),
        adult=_flag(row.get("adult"), "adult", True),
        party=party,  # type: ignore[arg-type]
        representative=_flag(row.get("representative"), "representative", False),
        committees=committees,
        resident=_flag(row.get("resident"), "resident", True),
        township=_flag(row.get("township"), "township", False),
    )
