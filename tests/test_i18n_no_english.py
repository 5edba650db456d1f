"""No English in the Chinese views: every built-in procedure shown and drawn in zh-Hans and
zh-Hant has no Latin word outside an explicit allowlist.

Allowed: ids and commands inside code formatting (`…`), units and the names of formats and
standards that Chinese text writes in Latin letters too.
"""

from __future__ import annotations

import re

import pytest

from deliberation.commands.show import render
from deliberation.definition.loader import default_library, load_procedure
from deliberation.trainer.diagram import to_dot, to_mermaid

PROCEDURES = default_library().ids()
LANGS_ZH = ("zh-Hans", "zh-Hant")

CODE = re.compile(r"`[^`\n]*`")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# Latin letters a Chinese document writes too: units, file formats, standards, numbering.
ALLOWED = {"UTF", "CSV", "YAML", "JSON", "HTML", "PDF", "SVG", "PNG", "ID", "km", "m", "kg"}


def latin_words(text: str) -> list[str]:
    return sorted({w for w in WORD.findall(CODE.sub(" ", text)) if w not in ALLOWED})


def _labels(document: str) -> str:
    """The quoted label texts of a Mermaid or dot document (its syntax is not prose)."""
    found = re.findall(r'(?:label=|[\[(|>]|\(\[)"((?:\\.|[^"\\])*)"', document)
    # Mermaid's entity codes (#quot;, #35; …) and the dot newline escape are syntax too
    return "\n".join(re.sub(r"#\w+;|\\n|<br/>", " ", t.replace("#96;", "`")) for t in found)


@pytest.mark.parametrize("lang", LANGS_ZH)
@pytest.mark.parametrize("procedure_id", PROCEDURES)
def test_show_speaks_only_chinese(procedure_id: str, lang: str) -> None:
    text = render(load_procedure(procedure_id), lang)
    assert latin_words(text) == [], text


@pytest.mark.parametrize("lang", LANGS_ZH)
@pytest.mark.parametrize("procedure_id", PROCEDURES)
@pytest.mark.parametrize("draw", [to_mermaid, to_dot])
def test_diagrams_speak_only_chinese(procedure_id: str, lang: str, draw: object) -> None:
    assert callable(draw)
    labels = _labels(draw(load_procedure(procedure_id), lang))
    assert labels.strip()
    assert latin_words(labels) == [], labels
