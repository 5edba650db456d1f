"""The trainer's HTML page in headless Chromium: steps, languages, the "try it" panel computed as
the library computes it, print view, offline, screenshots, and inert hostile text."""

from __future__ import annotations

import struct
import zlib
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from deliberation import Roster, load_procedure
from deliberation.rules import RULES, Facts
from deliberation.rules.thresholds import Base, Comparison, Threshold
from deliberation.trainer.html_page import build_page
from deliberation.trainer.steps import build_view

LANGS = ("zh-Hans", "zh-Hant", "en")
BUTTON = {"zh-Hans": "简", "zh-Hant": "繁", "en": "EN"}
PAYLOAD = "<script>window.__pwned=1</script>"


def write_page(tmp_path: Path, procedure: Any, **kwargs: Any) -> str:
    path = tmp_path / f"{procedure.id}.html"
    path.write_text(build_page(procedure, **kwargs), encoding="utf-8")
    return path.as_uri()


def open_page(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#step-title")


def switch(page: Any, lang: str) -> None:
    page.click(f'.langs button[data-lang="{lang}"]')
    assert page.get_attribute("body", "data-lang") == lang


def go_to(page: Any, index: int) -> None:
    while page.get_attribute("#step-card", "data-stage") != page.evaluate(
        "i => JSON.parse(document.getElementById('trainer-data').textContent).calc[i].id", index
    ):
        page.click("#back" if page.evaluate(
            "JSON.parse(document.getElementById('trainer-data').textContent).calc"
            ".findIndex(c => c.id === document.getElementById('step-card').dataset.stage)"
        ) > index else "#next")


# -- a tiny PNG decoder (zlib only) to prove screenshots are not blank ---------------------------


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the unfiltered rows of an 8-bit RGB/RGBA, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def distinct_colours(data: bytes) -> int:
    width, _, rows = png_pixels(data)
    channels = len(rows[0]) // width
    return len({row[i:i + 3] for row in rows for i in range(0, len(row), channels)})


# -- the tests -----------------------------------------------------------------------------------


def test_click_through_every_step(page, tmp_path):
    proc = load_procedure("six-deliberations-guzhuang")
    open_page(page, write_page(tmp_path, proc))
    assert page.is_disabled("#back")
    for i, stage in enumerate(proc.stages, start=1):
        assert page.inner_text("#step-title") == f"{i}. {stage.name.zh_hans}"
        assert page.inner_text("#progress") == f"第 {i} 步 / 共 {len(proc.stages)} 步"
        # the diagram highlights the same step, in the visible (current language) diagram
        current = page.eval_on_selector_all(
            "#diagram-zh-Hans g.step.current", "gs => gs.map(g => g.dataset.stage)")
        assert current == [stage.id]
        # the step's numbered rules are listed with their basis
        rules = page.eval_on_selector_all("#step-card li[data-rule]",
                                          "ls => ls.map(l => l.dataset.rule)")
        assert rules == [f"{i}.{k + 1}" for k in range(len(proc.rules_of(stage)))]
        if i < len(proc.stages):
            page.click("#next")
    assert page.is_disabled("#next")
    page.keyboard.press("ArrowLeft")
    assert page.inner_text("#step-title").startswith(f"{len(proc.stages) - 1}. ")


def test_language_switch_changes_all_text(page, tmp_path):
    proc = load_procedure("six-deliberations-guzhuang")
    open_page(page, write_page(tmp_path, proc, matter="修村道"))
    page.click("#next")  # step 2, the proposal
    for lang in ("zh-Hant", "en", "zh-Hans"):
        switch(page, lang)
        assert page.evaluate("document.documentElement.lang") == lang
        assert page.title() == proc.name.get(lang)
        assert page.inner_text("#title") == proc.name.get(lang)  # only one language visible
        assert page.inner_text("#step-title") == f"2. {proc.stage('proposal').name.get(lang)}"
        assert page.is_visible(f"#diagram-{lang}")
        for other in LANGS:
            if other != lang:
                assert not page.is_visible(f"#diagram-{other}")
        nxt = {"zh-Hans": "下一步", "zh-Hant": "下一步", "en": "Next"}[lang]
        assert page.inner_text("#next") == nxt
    switch(page, "en")
    assert "quorum: at least 1/2 of members" in page.inner_text("#step-card")
    assert page.inner_text("label[for=in-members]") == "members"
    switch(page, "zh-Hant")
    assert "法定人數:達到組成人員的二分之一以上" in page.inner_text("#step-card")


def _ui_result(page: Any, number: str) -> tuple[bool, int]:
    sel = f'#try-results .result[data-rule="{number}"]'
    return page.get_attribute(sel, "data-ok") == "true", int(page.get_attribute(sel, "data-needed"))


def test_try_it_boundaries_match_the_library(page, tmp_path):
    proc = load_procedure("four-deliberations")
    view = build_view(proc)
    open_page(page, write_page(tmp_path, proc, lang="en"))
    # the representatives' meeting (step 4): 28 members, 2/3 以上 → 18 fails, 19 passes
    go_to(page, 3)
    quorum = view.step("resolution").rules[0]
    page.fill("#in-members", "28")
    for present, expect in ((18, False), (19, True)):
        page.fill("#in-present", str(present))
        py = RULES["quorum"].check(quorum.params, Facts(members=28, present_members=present))
        assert py.ok is expect and py.numbers["needed"] == 19
        assert _ui_result(page, "4.1") == (expect, 19)
    # the Party assembly (step 3): yes must exceed half of the 45 expected → 22 fails, 23 passes
    go_to(page, 2)
    approval = view.step("review").rules[1]
    assert approval.rule == "approval"
    page.fill("#in-expected", "45")
    page.fill("#in-present", "40")
    for yes, expect in ((22, False), (23, True)):
        page.fill("#in-yes", str(yes))
        py = RULES["approval"].check(approval.params, Facts(expected=45, present=40, yes=yes))
        assert py.ok is expect and py.numbers["needed"] == 23
        assert _ui_result(page, "3.2") == (expect, 23)
        overall = page.get_attribute("#try-overall", "data-ok")
        assert overall == ("true" if expect else "false")
    # bad input is flagged, not computed
    page.fill("#in-yes", "-1")
    assert page.get_attribute("#in-yes", "aria-invalid") == "true"
    assert page.get_attribute("#try-overall", "data-ok") == ""


VARIANTS = [
    ("four-deliberations", {}),
    ("six-deliberations-guzhuang", {}),
    # open interpretations and the villagers' meeting (a quorum with an alternative base)
    ("four-deliberations", {"party-assembly-quorum-ratio": Fraction(2, 3),
                            "party-assembly-quorum-compare": ">",
                            "resolution-body": "villagers-meeting"}),
    ("six-deliberations-guzhuang", {"consultation-unit": "household"}),
]
TOTALS = (0, 1, 2, 3, 4, 5, 6, 7, 27, 28, 29, 30, 33, 44, 45, 46, 365, 678)


FACT_FIELDS = set(Facts.__optional_keys__)


def _cases(view: Any) -> list[dict[str, Any]]:
    """Boundary numbers for every numeric rule of every step: needed-1, needed, needed+1."""
    out = []
    for index, step in enumerate(view.steps):
        # As on the page: where every member votes, members present = voters present.
        alias = not step.body.voters
        for rule in step.rules:
            for t in rule.thresholds:
                th = Threshold(t.ratio, Comparison(t.compare), Base(t.base))
                for total in TOTALS:
                    need = th.needed(total)
                    for count in sorted({max(0, need - 1), need, need + 1}):
                        values = dict.fromkeys(
                            ("members", "voters", "expected", "households", "adults",
                             "population", "present"), total)
                        if t.total_field == "votes_cast":
                            values.update(yes=count, no=max(0, total - count), abstain=0)
                        else:
                            field = t.count_field
                            if alias and field == "present_members":
                                field = "present"
                            values[field] = count
                        out.append({"step": index, "rule": rule, "values": values,
                                    "alias": alias})
    return out


def _python(case: dict[str, Any]) -> tuple[bool, int]:
    values = {k: v for k, v in case["values"].items() if k in FACT_FIELDS}
    if case["alias"]:
        values["present_members"] = values["present"]
    rule = case["rule"]
    result = RULES[rule.rule].check(rule.params, Facts(**values))
    return result.ok, int(result.numbers["needed"])


@pytest.mark.parametrize(("procedure_id", "settings"), VARIANTS)
def test_page_arithmetic_agrees_with_python_on_boundaries(page, tmp_path, procedure_id, settings):
    proc = load_procedure(procedure_id)
    view = build_view(proc, settings, Roster.generate())
    open_page(page, write_page(tmp_path, proc, overrides=settings))
    cases = _cases(view)
    assert len(cases) > 100
    got = page.evaluate(
        "cs => cs.map(c => window.__trainerCheck(c.step, c.values))",
        [{"step": c["step"], "values": c["values"]} for c in cases],
    )
    mismatches = []
    for case, js in zip(cases, got, strict=True):
        expected = _python(case)
        seen = js[case["rule"].number]
        if (seen["ok"], seen["needed"]) != expected:
            mismatches.append((case["rule"].number, case["values"], seen, expected))
    assert mismatches == []


def test_screenshots_in_each_language(page, tmp_path, screenshots):
    proc = load_procedure("six-deliberations-guzhuang")
    open_page(page, write_page(tmp_path, proc, matter="修村道"))
    page.click("#next")
    page.click("#next")
    shots = {}
    for lang in LANGS:
        switch(page, lang)
        path = screenshots / f"{proc.id}-{lang}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 20_000
        shots[lang] = page.screenshot(clip={"x": 0, "y": 0, "width": 900, "height": 600})
        assert distinct_colours(shots[lang]) > 30, f"the {lang} page looks blank"
    white = page.evaluate("""() => { const c = document.createElement('canvas');
        c.width = 40; c.height = 30; const g = c.getContext('2d'); g.fillStyle = '#fff';
        g.fillRect(0, 0, 40, 30); return c.toDataURL('image/png'); }""")
    import base64

    assert distinct_colours(base64.b64decode(white.split(",", 1)[1])) == 1  # the check can fail
    assert len(set(shots.values())) == 3  # the languages really render differently
    page.emulate_media(media="print")
    page.screenshot(path=str(screenshots / f"{proc.id}-print.png"), full_page=True)


def test_print_view_is_a_handout(page, tmp_path):
    proc = load_procedure("six-deliberations-guzhuang")
    open_page(page, write_page(tmp_path, proc))
    switch(page, "en")
    page.emulate_media(media="print")
    assert not page.is_visible(".nav") and not page.is_visible("#try")
    assert not page.is_visible(".langs")
    visible = page.eval_on_selector_all(
        ".handout article",
        "as => as.filter(a => a.offsetParent !== null).map(a => a.dataset.stage)")
    assert visible == [s.id for s in proc.stages]
    assert "quorum: at least 2/3 of members" in page.inner_text(".handout")
    page.emulate_media(media="screen")
    assert page.is_visible(".nav") and not page.is_visible(".handout")


def test_page_makes_no_network_request(page, tmp_path):
    proc = load_procedure("four-deliberations")
    url = write_page(tmp_path, proc)
    open_page(page, url)
    for _ in range(5):
        page.click("#next")
    go_to(page, 3)  # the resolution: a meeting with numbers to try
    switch(page, "en")
    page.fill("#in-present", "3")
    assert page.requests == [url]


HOSTILE_YAML = f"""\
format: 1
id: hostile-test
extends: four-deliberations
version: "1.0"
name:
  zh-Hans: '{PAYLOAD}甲'
  zh-Hant: '{PAYLOAD}乙'
  en: '{PAYLOAD}</svg><img src=x onerror="window.__pwned=2">'
stages:
  - update: review
    set:
      name: {{zh-Hans: '审议{PAYLOAD}', zh-Hant: '審議{PAYLOAD}', en: 'review{PAYLOAD}'}}
"""


def test_hostile_text_is_inert_in_the_browser(page, tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE_YAML, encoding="utf-8")
    proc = load_procedure(str(path))
    open_page(page, write_page(tmp_path, proc, matter=PAYLOAD + "<b>修路</b>"))
    for lang in LANGS:
        switch(page, lang)
        go_to(page, 2)  # the review, whose name carries the payload
        assert PAYLOAD in page.inner_text("#step-title")
        assert PAYLOAD in page.inner_text("#title")
        assert PAYLOAD in page.eval_on_selector(f"#diagram-{lang}", "svg => svg.textContent")
        assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 2  # ours: the data and the page script
    assert page.evaluate("document.querySelectorAll('img, b').length") == 0
    assert PAYLOAD + "<b>修路</b>" in page.inner_text("header")


@pytest.mark.parametrize("lang", LANGS)
def test_ids_written_as_code_show_as_code_not_backticks(page, tmp_path, lang):
    """The procedure's words mark an id a trainer may type (`motion-min-submitters`) with
    backticks; the page shows it in a <code> element, never the backticks themselves."""
    open_page(page, write_page(tmp_path, load_procedure("six-deliberations-guzhuang"), lang=lang))
    assert "`" not in page.inner_text("#step-card")
    codes = page.eval_on_selector_all("#step-card code", "cs => cs.map(c => c.textContent)")
    assert "motion-min-submitters" in codes
