"""Every docstring example in the package runs and gives what it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import deliberation

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(deliberation.__path__, "deliberation.")
    if not m.name.endswith("__main__")
)

# Modules whose examples are the documentation of their API: they must keep having some.
MUST_HAVE_EXAMPLES = {
    "deliberation.engine.case", "deliberation.engine.plan", "deliberation.engine.machine",
    "deliberation.engine.explain", "deliberation.engine.scenario", "deliberation.trainer.demo",
    "deliberation.trainer", "deliberation.trainer.catalog", "deliberation.trainer.steps",
    "deliberation.trainer.diagram", "deliberation.trainer.html_page", "deliberation.trainer.walk",
    "deliberation.trainer.cli_support", "deliberation.commands._library",
}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if name in MUST_HAVE_EXAMPLES:
        assert result.attempted > 0, f"{name} has no examples"
