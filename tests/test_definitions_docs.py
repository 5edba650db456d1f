"""The format reference and the diagnostic catalogue stay in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deliberation.definition.loader import _STAGE_OPS, _TOP_KEYS, RECORD_KINDS
from deliberation.definition.model import ROUTE_KEYS, ActionKind, OutcomeKind, SettingType
from deliberation.roster import SELECTORS
from deliberation.rules import RULES

ROOT = Path(__file__).parent.parent
FORMAT = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
CATALOGUE = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
CODE = re.compile(r'"(D\d{3})"')


def codes_in_source() -> set[str]:
    found: set[str] = set()
    for f in (ROOT / "deliberation").rglob("*.py"):
        found |= set(CODE.findall(f.read_text(encoding="utf-8")))
    return found


def documented_codes() -> set[str]:
    return set(re.findall(r"^\| (D\d{3}) \|", CATALOGUE, re.MULTILINE))


def test_every_code_the_code_emits_is_documented() -> None:
    missing = codes_in_source() - documented_codes()
    assert not missing, f"add to docs/diagnostics.md: {sorted(missing)}"


def test_every_documented_code_exists() -> None:
    stale = documented_codes() - codes_in_source()
    assert not stale, f"documented but never emitted: {sorted(stale)}"


def test_catalogue_examples_exist() -> None:
    for name in re.findall(r"`(d\d{3}-[a-z0-9-]+)`", CATALOGUE):
        assert (ROOT / "tests" / "broken" / f"{name}.yaml").is_file(), name


@pytest.mark.parametrize("rule", sorted(RULES))
def test_format_reference_documents_every_rule_and_parameter(rule: str) -> None:
    row = next((line for line in FORMAT.splitlines() if line.startswith(f"| `{rule}` |")), None)
    assert row is not None, f"docs/format.md has no row for rule {rule!r}"
    for param in RULES[rule].params:
        assert f"`{param.name}`" in row, f"{rule}: parameter {param.name!r} undocumented"
        for choice in param.choices:
            if param.type in ("base", "choice"):
                assert f"`{choice}`" in row, f"{rule}.{param.name}: {choice!r} undocumented"


def test_format_reference_documents_the_vocabularies() -> None:
    words = (
        list(_TOP_KEYS) + list(ROUTE_KEYS) + list(_STAGE_OPS) + list(RECORD_KINDS)
        + list(SELECTORS) + [a.value for a in ActionKind] + [k.value for k in OutcomeKind]
        + [t.value for t in SettingType] + ["DELIBERATION_PATH", "reconvene", "skip_when"]
    )
    missing = [w for w in words if f"`{w}" not in FORMAT]
    assert not missing, missing
