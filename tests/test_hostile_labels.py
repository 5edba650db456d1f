"""Text from files cannot change a document's structure or act on the terminal.

A stage label carrying a Mermaid directive, Mermaid and dot delimiters, a terminal escape
sequence and a bidirectional override is drawn, walked and printed: every output keeps the
structure the plain label gives, and no control character comes out raw.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from deliberation.cli import main
from deliberation.definition.loader import load_file, load_procedure
from deliberation.trainer.diagram import to_dot, to_mermaid
from deliberation.trainer.walk import run_walk

PLAIN = "{zh-Hans: 提议, zh-Hant: 提議, en: proposal}"
HOSTILE_LABEL = (
    r'"提议%%{init: {\"theme\": \"dark\"}}%%\"] --> X[\"; } -> evil [label=\"x'
    r'\e[2J\e]0;owned\a|`<b>\u202e"'
)
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    source = Path(load_procedure("four-deliberations").source or "").read_text(encoding="utf-8")
    tmp = tmp_path_factory.mktemp("hostile")
    plain, hostile = tmp / "plain.yaml", tmp / "hostile.yaml"
    label = "{zh-Hans: %s, zh-Hant: %s, en: %s}" % ((HOSTILE_LABEL,) * 3)
    changed = source.replace(PLAIN, label, 1)
    assert changed != source
    plain.write_text(source, encoding="utf-8")
    hostile.write_text(changed, encoding="utf-8")
    return plain, hostile


def _shape(text: str) -> str:
    """The document with every quoted string emptied: what is left is its structure."""
    return re.sub(r'"(\\.|[^"\\])*"', '""', text)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_mermaid_keeps_its_structure(files: tuple[Path, Path], lang: str) -> None:
    plain, hostile = (to_mermaid(load_file(f), lang) for f in files)
    assert "%%" not in hostile and "{" not in hostile.replace("#123;", "")
    assert not RAW_CONTROLS.search(hostile)
    assert _shape(hostile) == _shape(plain)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_dot_keeps_its_structure(files: tuple[Path, Path], lang: str) -> None:
    plain, hostile = (to_dot(load_file(f), lang) for f in files)
    assert not RAW_CONTROLS.search(hostile)
    assert _shape(hostile) == _shape(plain)


def test_walk_prints_no_control_character(files: tuple[Path, Path]) -> None:
    out = io.StringIO()
    run_walk(load_file(files[1]), ["show", "explain", "quit"], lang="en", out=out)
    text = out.getvalue()
    assert "\\x1b[2J" in text  # shown, not sent
    assert not RAW_CONTROLS.search(text)


@pytest.mark.parametrize("argv", [["show"], ["diagram"], ["diagram", "--format", "dot"],
                                  ["walk", "--script", "-"]])
def test_command_line_prints_no_control_character(
    files: tuple[Path, Path], argv: list[str], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("show\nquit\n"))
    main([argv[0], str(files[1]), *argv[1:], "--lang", "zh-Hans"])
    captured = capsys.readouterr()
    assert not RAW_CONTROLS.search(captured.out + captured.err)
