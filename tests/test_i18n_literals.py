"""No new user-facing message written as a literal: a library error a user reads (its message
is shown by the command line in the reader's language) and a diagnostic (lint, run, roster) take
their words from the catalogs (``_()``), never an English string or f-string.

``DEBT`` lists the messages still written as literals, by file, as counted today: a file may
lose entries (then lower its count), never gain one.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "deliberation"
# Errors whose message a user reads: the library's own (DeliberationError and kin).
USER_ERRORS = {"DeliberationError", "DefinitionError", "InvalidAction", "NotEntitled",
               "RuleViolation", "UsageError", "StoreError", "RosterError", "RosterFileError",
               "SimulateInputError", "SimulationError", "UnknownProcedure", "UnknownCase",
               "CaseConflict", "ScenarioError"}
DEBT: dict[str, int] = {}  # every message is in the catalogs now


def _literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.BinOp):
        return _literal(node.left) or _literal(node.right)
    return isinstance(node, ast.JoinedStr)


def _message_args(node: ast.Call) -> list[ast.expr]:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name in USER_ERRORS:
        return node.args[:1]
    if (name in ("error", "warning") and isinstance(func, ast.Attribute)) or name == "Diagnostic":
        return node.args[1:2]  # (code, message, …)
    return []


def literal_messages() -> Counter[str]:
    found: Counter[str] = Counter()
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and any(_literal(a) for a in _message_args(node)):
                found[path.relative_to(PACKAGE).as_posix()] += 1
    return found


def test_no_new_literal_messages() -> None:
    found = literal_messages()
    grown = {f: n for f, n in found.items() if n > DEBT.get(f, 0)}
    assert not grown, f"messages written as literals, not from the catalogs: {grown}"
    paid = {f: (DEBT[f], found.get(f, 0)) for f in DEBT if found.get(f, 0) < DEBT[f]}
    assert not paid, f"fewer literal messages now: lower DEBT to {paid}"
