"""deliberation — village deliberation procedures as executable, auditable state machines.

>>> import deliberation
>>> p = deliberation.load_procedure("six-deliberations-guzhuang")
>>> p.name.get("en")
'Six deliberations and two disclosures (Guzhuang village)'

The names below are imported on first use (PEP 562), purely for start-up speed: the
``deliberation`` command imports this package, and most commands need only a few of them.
"""

from __future__ import annotations

import importlib

# ``typing`` for the type checker only (mypy takes any ``TYPE_CHECKING`` so): importing it
# is about a tenth of what ``deliberation --help`` executes, and the names are annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

# Each public name and the module it comes from.
_EXPORTS: dict[str, str] = {
    "Library": "deliberation.definition.loader",
    "load_procedure": "deliberation.definition.loader",
    "ActionKind": "deliberation.definition.model",
    "Body": "deliberation.definition.model",
    "Procedure": "deliberation.definition.model",
    "RuleSpec": "deliberation.definition.model",
    "Stage": "deliberation.definition.model",
    "Diagnostic": "deliberation.diagnostics",
    "Case": "deliberation.engine.case",
    "ReplayError": "deliberation.engine.case",
    "Record": "deliberation.engine.records",
    "Signature": "deliberation.engine.records",
    "CaseClosed": "deliberation.errors",
    "ConcurrencyConflict": "deliberation.errors",
    "DefinitionError": "deliberation.errors",
    "DeliberationError": "deliberation.errors",
    "InvalidAction": "deliberation.errors",
    "NotEntitled": "deliberation.errors",
    "RuleViolation": "deliberation.errors",
    "UnknownProcedure": "deliberation.errors",
    "LANGS": "deliberation.i18n",
    "Text": "deliberation.i18n",
    "Roster": "deliberation.roster",
    "Villager": "deliberation.roster",
    "RULES": "deliberation.rules",
    "Facts": "deliberation.rules",
    "Base": "deliberation.rules.thresholds",
    "Comparison": "deliberation.rules.thresholds",
    "Threshold": "deliberation.rules.thresholds",
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'deliberation' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # what type checkers and editors see: the same names, imported eagerly
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
