"""The docstring examples of the trainer modules run as tests, so they stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "deliberation.trainer",
    "deliberation.trainer.catalog",
    "deliberation.trainer.steps",
    "deliberation.trainer.diagram",
    "deliberation.trainer.html_page",
    "deliberation.trainer.walk",
    "deliberation.trainer.cli_support",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
