"""docs/roster.md stays in step with the reader: every field, every code, the examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deliberation.roster.fields import FALSE_WORDS, FIELDS, TRUE_WORDS, Field
from deliberation.roster.files import parse_csv, parse_yaml
from deliberation.roster.villager import COMMITTEES, PARTY_STATUSES

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "roster.md").read_text(encoding="utf-8")
CODE = re.compile(r'"(R\d{3})"')


def codes_in_source() -> set[str]:
    found: set[str] = set()
    for f in (ROOT / "deliberation").rglob("*.py"):
        found |= set(CODE.findall(f.read_text(encoding="utf-8")))
    return found


def test_every_code_is_documented_and_every_documented_code_exists() -> None:
    documented = set(re.findall(r"^\| (R\d{3}) \|", DOC, re.MULTILINE))
    assert codes_in_source() == documented


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_every_field_has_a_row_with_its_type_and_default(field: Field) -> None:
    row = next((line for line in DOC.splitlines() if line.startswith(f"| `{field.name}` |")),
               None)
    assert row is not None, f"docs/roster.md has no row for {field.name!r}"
    cells = [c.strip() for c in row.split("|")[1:-1]]
    assert cells[1] == field.kind
    if field.required:
        assert cells[2].startswith("**required**")
    else:
        shown = {True: "`true`", False: "`false`", "none": "`none`", "": "empty", (): "none"}
        assert cells[2] == f"optional, default {shown[field.default]}"
    for word in field.allowed if field.kind != "flag" else ():
        assert f"`{word}`" in row


def test_vocabularies_are_documented() -> None:
    for word in (*TRUE_WORDS, *FALSE_WORDS, *PARTY_STATUSES, *COMMITTEES):
        assert f"`{word}`" in DOC, word


def test_examples_in_the_doc_read_cleanly() -> None:
    blocks = re.findall(r"```(csv|yaml)\n(.*?)```", DOC, re.DOTALL)
    assert {kind for kind, _ in blocks} == {"csv", "yaml"}
    for kind, text in blocks:
        read = parse_csv(text, "doc.csv") if kind == "csv" else parse_yaml(text, "doc.yaml")
        assert read.problems == () and read.villagers, kind


def test_python_example_runs(monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    (code,) = re.findall(r"```python\n(.*?)```", DOC, re.DOTALL)
    monkeypatch.chdir(ROOT)
    exec(compile(code, "docs/roster.md", "exec"), {})
    assert capsys.readouterr().out == (
        "<roster>:0:0: R201 [0].is_adult: 未知键 `is_adult`(提示:是不是 `adult`?)\n")
