"""The village roster: who belongs to which body, who votes, who must be consulted."""

from deliberation.roster.model import (
    COMMITTEES,
    SELECTORS,
    PartyStatus,
    Roster,
    RosterError,
    Villager,
)

__all__ = ["COMMITTEES", "SELECTORS", "PartyStatus", "Roster", "RosterError", "Villager"]
