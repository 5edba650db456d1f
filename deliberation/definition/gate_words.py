"""A gate in words: one line for diagrams, pages and walkthroughs, and ``show``'s lines (the
checks one by one, or the authority and what it is asked for).

>>> from deliberation import load_procedure
>>> p = load_procedure("land-contracting-outsiders")
>>> gate_summary(p, p.stage("township-approval")).get("en")
'approval by the township government, recorded with its instrument'
>>> gate_summary(p, p.stage("township-approval")).get("zh-Hans")
'报乡(镇)人民政府审批,记录批复文件'
"""

from __future__ import annotations

from typing import Final

from deliberation.definition.model import Procedure, Stage
from deliberation.definition.wording import code
from deliberation.i18n import Text, _, series
from deliberation.rules.authorities import ASK_LABELS, DECISION_LABELS, DECISIONS, authority_name

_CHECKS: Final = _("examines each check: {checks}; all met clears it, otherwise it is returned "
                   "with reasons")
_AUTHORITY: Final = _("{ask} by the {authority}, recorded with its instrument")
_HEAD: Final = _("Checks examined")
_DECIDES: Final = _("Decided by")


def gate_summary(p: Procedure, stage: Stage) -> Text:
    """The gate in one line: its checks, or its authority and what it is asked for."""
    auth = stage.authority
    if auth is not None:
        return _AUTHORITY.format(ask=ASK_LABELS[auth.asks],
                                 authority=authority_name(auth.id, p.authorities))
    return _CHECKS.format(checks=series(c.name for c in stage.checks))


def gate_lines(p: Procedure, stage: Stage, lang: str) -> list[str]:
    """``show``'s lines for a gate: each check, or the authority with its possible decisions."""
    auth = stage.authority
    if auth is not None:
        name = authority_name(auth.id, p.authorities).get(lang)
        decisions = series(DECISION_LABELS[d] for d in DECISIONS[auth.asks]).get(lang)
        return [f"   {_DECIDES.get(lang)}: {name} ({code(auth.id)}) — "
                f"{ASK_LABELS[auth.asks].get(lang)}: {decisions}"]
    if not stage.checks:
        return []
    return [f"   {_HEAD.get(lang)}:",
            *(f"     - {c.name.get(lang)} ({code(c.id)})" for c in stage.checks)]


__all__ = ["gate_lines", "gate_summary"]
