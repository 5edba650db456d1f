"""The package's public names: exactly these, each importable, none loaded before it is used."""

from __future__ import annotations

import subprocess
import sys

import deliberation

EXPORTED = [
    "ActionKind", "Base", "Body", "Case", "CaseClosed", "Comparison", "ConcurrencyConflict",
    "DefinitionError", "DeliberationError", "Diagnostic", "Facts", "InvalidAction", "LANGS",
    "Library", "NotEntitled", "Procedure", "RULES", "Record", "ReplayError", "Roster",
    "RuleSpec", "RuleViolation", "Signature", "Stage", "Text", "Threshold", "UnknownProcedure",
    "Villager", "__version__", "load_procedure",
]


def test_exported_names_are_exactly_the_public_api() -> None:
    assert sorted(deliberation.__all__) == sorted(EXPORTED)
    for name in EXPORTED:
        assert getattr(deliberation, name) is not None, name
    assert set(EXPORTED) <= set(dir(deliberation))


def test_star_import_gives_every_name() -> None:
    namespace: dict[str, object] = {}
    exec("from deliberation import *", namespace)
    assert set(EXPORTED) <= set(namespace)


def test_unknown_names_raise_attribute_error() -> None:
    try:
        deliberation.no_such_name  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as err:
        assert "no_such_name" in str(err)
    else:
        raise AssertionError("no AttributeError")


def test_importing_the_package_loads_no_engine_yaml_or_attrs() -> None:
    code = ("import sys, deliberation; "
            "print(sorted(m for m in ('yaml', 'attr', 'transitions', 'deliberation.engine.case') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
