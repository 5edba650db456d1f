"""The register a village files, in headless Chromium: screenshots in the three languages
(kept as test artefacts beside the trainer page's), checked not blank and of a printable
length, and hostile text shown as text."""

from __future__ import annotations

import base64
import copy
from pathlib import Path
from typing import Any

import pytest
import register_support as support
from test_trainer_browser import distinct_colours

from deliberation import Roster
from deliberation.store.register_html import register_html

LANGS = ("zh-Hans", "zh-Hant", "en")
TITLES = {"zh-Hans": "村级重大事项办理登记簿", "zh-Hant": "村級重大事項辦理登記簿",
          "en": "Register of a major village matter"}


@pytest.fixture(scope="module")
def archive() -> dict[str, Any]:
    return support.archive_of(support.road_case(support.named(Roster.generate())))


def test_register_screenshots_in_each_language(page: Any, tmp_path: Path, screenshots: Path,
                                               archive: dict[str, Any]) -> None:
    shots = {}
    for lang in LANGS:
        file = tmp_path / f"register-{lang}.html"
        file.write_text(register_html(archive, lang=lang), encoding="utf-8")
        page.goto(file.as_uri())
        assert page.inner_text("h1") == TITLES[lang]
        height = page.evaluate("document.documentElement.scrollHeight")
        print(f"register {lang}: {height} px tall at 1280 px wide")
        # the developer dump this replaces was 76,600 px; a register prints on a few pages
        assert height < 10_000, lang
        path = screenshots / f"register-{lang}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 20_000
        shots[lang] = page.screenshot(clip={"x": 0, "y": 0, "width": 900, "height": 700})
        assert distinct_colours(shots[lang]) > 30, f"the {lang} register looks blank"
        # every attendee of the resolution meeting is on the page by name
        text = page.inner_text("body")
        meeting = next(r for r in archive["records"]
                       if r["record"]["kind"] == "meeting"
                       and r["record"]["stage"] == "resolution")
        names = {v["id"]: v["name"] for v in archive["roster"]["villagers"]}
        assert all(names[i] in text for i in meeting["record"]["data"]["present"])
    white = page.evaluate("""() => { const c = document.createElement('canvas');
        c.width = 40; c.height = 30; const g = c.getContext('2d'); g.fillStyle = '#fff';
        g.fillRect(0, 0, 40, 30); return c.toDataURL('image/png'); }""")
    assert distinct_colours(base64.b64decode(white.split(",", 1)[1])) == 1  # the check can fail
    assert len(set(shots.values())) == 3  # the languages really render differently
    page.emulate_media(media="print")
    page.screenshot(path=str(screenshots / "register-print.png"), full_page=True)


def test_hostile_text_in_the_register_stays_text(page: Any, tmp_path: Path,
                                                 archive: dict[str, Any]) -> None:
    payload = "<img src=x onerror=window.__pwned=1><script>window.__pwned=2</script>"
    # the register prints the matter the chained opened record holds (not the header's copy)
    data = copy.deepcopy(archive)
    data["records"][0]["record"]["data"]["matter"] = payload
    file = tmp_path / "hostile.html"
    file.write_text(register_html(data, lang="en"), encoding="utf-8")
    page.goto(file.as_uri())
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img").count() == 0
    assert payload in page.inner_text("table.heading")
