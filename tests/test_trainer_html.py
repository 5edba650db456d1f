"""The offline HTML page (structure, no external resources) and escaping of user text everywhere.

The page's behaviour in a real browser is tested in ``tests/browser/``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from deliberation import load_procedure
from deliberation.cli import main
from deliberation.trainer.diagram import dot_escape, render, to_dot, to_mermaid, to_svg
from deliberation.trainer.html_page import build_page, json_for_script

PAYLOAD = "<script>window.__pwned=1</script>"
HOSTILE_YAML = f"""\
format: 1
id: hostile-test
extends: four-deliberations
version: "1.0"
name:
  zh-Hans: '{PAYLOAD} 甲"乙''丙&amp;'
  zh-Hant: '{PAYLOAD} 甲"乙''丙&amp;'
  en: '{PAYLOAD} A"B''C&amp; </svg><img src=x onerror="window.__pwned=2">'
stages:
  - update: review
    set:
      name: {{zh-Hans: '审议{PAYLOAD}', zh-Hant: '審議{PAYLOAD}', en: 'review{PAYLOAD}'}}
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    path.write_text(HOSTILE_YAML, encoding="utf-8")
    return load_procedure(str(path))


def script_bodies(page: str) -> list[str]:
    return re.findall(r"<script[^>]*>(.*?)</script>", page, flags=re.S)


def test_the_hostile_procedure_loads_with_its_payload(hostile):
    assert PAYLOAD in hostile.name.en and PAYLOAD in hostile.stage("review").name.en


def test_page_escapes_titles_names_and_matter(hostile):
    page = build_page(hostile, lang="en", matter=PAYLOAD + "修路")
    # Only our two script elements exist: the JSON data and the page script.
    assert page.count("<script") == 2
    assert PAYLOAD not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "<img" not in page and "onerror=\"window" not in page
    data_text = script_bodies(page)[0]
    assert "<" not in data_text and ">" not in data_text
    data = json.loads(data_text)
    assert data["text"]["en"]["title"].startswith(PAYLOAD)  # intact as data, inert as markup
    assert data["text"]["zh-Hans"]["matter"] == "事项:" + PAYLOAD + "修路"


def test_json_for_script_cannot_close_its_element():
    text = json_for_script({"a": "</script><!-- & \u2028"})
    assert "</" not in text and "<!--" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_svg_escapes_and_stays_well_formed(hostile):
    for lang in ("zh-Hans", "zh-Hant", "en"):
        svg = to_svg(hostile, lang=lang)
        assert PAYLOAD not in svg and "<img" not in svg
        root = ET.fromstring(svg)  # still one well-formed SVG document
        texts = "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        assert PAYLOAD in texts  # shown as text


def test_mermaid_escapes_every_special_character(hostile):
    text = to_mermaid(hostile, lang="en")
    assert PAYLOAD not in text
    assert "#lt;script#gt;window.__pwned=1#lt;/script#gt;" in text
    labels = re.findall(r'\["(.*?)"\]', text)
    assert labels and all('"' not in x for x in labels)


def test_dot_escapes_quotes_and_backslashes(hostile):
    text = to_dot(hostile, lang="en")
    title = next(x for x in text.splitlines() if "graph [" in x)
    assert f'label="{PAYLOAD} A\\"B\'C&amp; </svg>' in title
    assert dot_escape('\\N"') == '\\\\N\\"'
    # every label is one balanced quoted string: no unescaped quote ends it early
    for line in text.splitlines():
        unescaped = re.sub(r'\\.', "", line)
        assert unescaped.count('"') % 2 == 0, line


@pytest.mark.skipif(shutil.which("dot") is None and not os.environ.get("CI"),
                    reason="Graphviz is not installed (CI installs it and runs this)")
def test_graphviz_svg_of_the_hostile_procedure_is_escaped(hostile):
    data = render(hostile, "svg", lang="en")
    svg = data.decode("utf-8")
    assert PAYLOAD not in svg and "<img" not in svg
    root = ET.fromstring(data)
    texts = "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert PAYLOAD in texts


def test_page_is_self_contained(tmp_path):
    page = build_page(load_procedure("six-deliberations-guzhuang"), lang="zh-Hant")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<link" not in page and "@import" not in page and "url(http" not in page
    assert "default-src 'none'" in page  # the browser may fetch nothing
    assert '<html lang="zh-Hant">' in page and 'data-lang="zh-Hant"' in page
    # the diagram in each language, the handout for print, the data for all three languages
    for lang in ("zh-Hans", "zh-Hant", "en"):
        assert f'id="diagram-{lang}"' in page
    data = json.loads(script_bodies(page)[0])
    assert set(data["text"]) == {"zh-Hans", "zh-Hant", "en"}
    assert [c["id"] for c in data["calc"]][:2] == ["motion", "proposal"]
    assert "@media print" in page


def test_cli_writes_the_page(tmp_path, capsys):
    out = tmp_path / "page.html"
    assert main(["html", "six-deliberations-guzhuang", "-o", str(out), "--lang", "en",
                 "--matter", "修村道"]) == 0
    text = Path(out).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Matter: 修村道" in text
    assert main(["html", str(tmp_path / "missing.yaml"), "--lang", "en"]) == 2
    assert "missing.yaml" in capsys.readouterr().err
