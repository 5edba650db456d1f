"""One person on the roster, and the vocabularies a roster uses (Party status, committees).

>>> Villager(id="v1", household="h1", party="full").party
'full'
"""

from __future__ import annotations

from typing import Final, Literal

import attrs

PartyStatus = Literal["none", "full", "probationary"]
PARTY_STATUSES: Final[tuple[PartyStatus, ...]] = ("none", "full", "probationary")
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
