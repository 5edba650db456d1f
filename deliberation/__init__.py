"""deliberation — village deliberation procedures as executable, auditable state machines.

>>> import deliberation
>>> p = deliberation.load_procedure("six-deliberations-guzhuang")
>>> p.name.get("en")
'Six deliberations and two disclosures (Guzhuang village)'
"""

from deliberation.definition.loader import Library, load_procedure
from deliberation.definition.model import ActionKind, Body, Procedure, RuleSpec, Stage
from deliberation.diagnostics import Diagnostic
from deliberation.engine.case import Case, ReplayError
from deliberation.engine.records import Record, Signature
from deliberation.errors import (
    CaseClosed,
    ConcurrencyConflict,
    DefinitionError,
    DeliberationError,
    InvalidAction,
    NotEntitled,
    RuleViolation,
    UnknownProcedure,
)
from deliberation.i18n import LANGS, Text
from deliberation.roster import Roster, Villager
from deliberation.rules import RULES, Facts
from deliberation.rules.thresholds import Base, Comparison, Threshold

__version__ = "0.1.0"

__all__ = [
    "LANGS",
    "RULES",
    "ActionKind",
    "Base",
    "Body",
    "Case",
    "CaseClosed",
    "Comparison",
    "ConcurrencyConflict",
    "DefinitionError",
    "DeliberationError",
    "Diagnostic",
    "Facts",
    "InvalidAction",
    "Library",
    "NotEntitled",
    "Procedure",
    "Record",
    "ReplayError",
    "Roster",
    "RuleSpec",
    "RuleViolation",
    "Signature",
    "Stage",
    "Text",
    "Threshold",
    "UnknownProcedure",
    "Villager",
    "__version__",
    "load_procedure",
]
