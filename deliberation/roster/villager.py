"""One person on the roster, and the vocabularies a roster uses (Party status, committees).

>>> Villager(id="v1", household="h1", party="full").party
'full'
"""

from __future__ import annotations

from typing import Final, Literal

import attrs

from deliberation.reprs import fields_repr

PartyStatus = Literal["none", "full", "probationary"]
PARTY_STATUSES: Final[tuple[PartyStatus, ...]] = ("none", "full", "probationary")
COMMITTEES: Final = ("party-committee", "villagers-committee", "supervision-committee")
# Sex as the roster records it: "" when the roster does not say. The law counts women
# separately: representatives are at least 1/3 women (Organic Law 2018 Art. 25), and some
# provinces require 2/3 of the women representatives at a quorum (Shandong 村务公开条例 Art. 24).
Sex = Literal["", "female", "male"]
SEXES: Final[tuple[Sex, ...]] = ("female", "male")
# Other spellings a roster may use for each sex (compared after trimming, case-insensitively).
SEX_SPELLINGS: Final[dict[str, Sex]] = {"female": "female", "f": "female", "女": "female",
                                        "male": "male", "m": "male", "男": "male"}


@fields_repr
@attrs.frozen(slots=True, repr=False)
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
    sex: Sex = ""  # "" when not recorded; see SEXES
    # the offices held (deliberation.roster.offices.OFFICES): named by role in procedures
    offices: frozenset[str] = frozenset()
    # a member of the village's collective economic organisation (农村集体经济组织成员)
    collective_member: bool = False
