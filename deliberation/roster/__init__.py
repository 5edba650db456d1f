"""The village roster: who belongs to which body, who votes, who must be consulted.

``villager`` (one person and the vocabularies), ``fields`` (the file format as one table),
``files`` (the strict reader), ``generate`` (synthetic rosters from counts), ``problems``
(R-coded problems and the errors carrying them), ``model`` (the indexed, immutable roster) and
``schema`` (its JSON Schema).
"""

from deliberation.roster.model import SELECTORS, Roster
from deliberation.roster.problems import RosterError, RosterFileError
from deliberation.roster.villager import COMMITTEES, PartyStatus, Villager

__all__ = [
    "COMMITTEES",
    "SELECTORS",
    "PartyStatus",
    "Roster",
    "RosterError",
    "RosterFileError",
    "Villager",
]
