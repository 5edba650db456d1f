"""The register a village files: what it says (names, not ids; natural dates; the sign sheet;
disclosures and the supervision committee), its PDF (A4, page numbers, a text layer with the
attendees' names, page counts at 678 and 1,000 opinions), the command line, and hostile text."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
import register_support as support
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from deliberation import Case, Roster
from deliberation.cli import main
from deliberation.engine.clock import ManualClock
from deliberation.store import open_store
from deliberation.store.archive import archive_data, verify_archive
from deliberation.store.cases import save_case
from deliberation.store.register import Register, build_register
from deliberation.store.register_html import register_html
from deliberation.store.register_pdf import register_pdf

LANGS = ("zh-Hans", "zh-Hant", "en")
A4 = (595.0, 842.0)  # points, rounded as PDF writers round them


@pytest.fixture(scope="module")
def road() -> tuple[Case, dict[str, Any]]:
    case = support.road_case(support.named(Roster.generate()))
    return case, support.archive_of(case)


@pytest.fixture(scope="module")
def road_pdfs(road: tuple[Case, dict[str, Any]]) -> dict[str, bytes]:
    return {lang: register_pdf(road[1], lang=lang) for lang in LANGS}


def pdf_text(data: bytes) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4
    return len(reader.pages), [p.extract_text() for p in reader.pages]


def flat(text: str) -> str:
    """Text without line breaks: a name may wrap across two lines of a narrow cell."""
    return re.sub(r"\s+", "", text)


def every_text(reg: Register) -> list[str]:
    out = [reg.title, reg.chain_title, reg.chain_note]
    for row in (*reg.heading, *reg.chain):
        out += [row.label, row.value]
    for section in reg.sections:
        out.append(section.title)
        for row in section.rows:
            out += [row.label, row.value]
        for grid in section.grids:
            out += [grid.caption, *grid.cells]
    return out


def names_of(case: Case, ids: Any) -> list[str]:
    return [case.roster.get(i).name for i in ids]


# -- what the register says ----------------------------------------------------------------------


def test_678_named_opinions_print_on_at_most_8_a4_pages_with_the_attendees_names(
        road: tuple[Case, dict[str, Any]], road_pdfs: dict[str, bytes]) -> None:
    case, _ = road
    assert sum(1 for r in case.records if r.kind == "opinion") == 678
    meetings = [r for r in case.records if r.kind == "meeting"]
    assert len(meetings) == 4 and all(isinstance(m.data["present"], tuple) for m in meetings)
    for lang, pdf in road_pdfs.items():
        pages, texts = pdf_text(pdf)
        print(f"{lang}: {pages} A4 pages, {len(pdf):,} bytes")
        assert pages <= 8, lang
        whole = flat("".join(texts))
        for meeting in meetings:
            for name in names_of(case, meeting.data["present"]):
                assert name in whole, (lang, meeting.stage, name)
        # township officials and the supervision committee's objection are named too
        assert case.roster.get("t01").name in whole
        footer = {"zh-Hans": "第{n}页,共{t}页", "zh-Hant": "第{n}頁,共{t}頁",
                  "en": "Page{n}of{t}"}[lang]
        for n, text in enumerate(texts, start=1):
            assert footer.format(n=n, t=pages) in flat(text), (lang, n)


def test_each_meeting_gives_expected_present_absent_vote_and_signatures_by_name(
        road: tuple[Case, dict[str, Any]]) -> None:
    case, data = road
    reg = build_register(data, lang="zh-Hans")
    review = next(s for s in reg.sections if s.title == "第4步 审议")
    rows = {r.label: r.value for r in review.rows}
    meeting = next(r for r in case.records if r.kind == "meeting" and r.stage == "review")
    present = names_of(case, meeting.data["present"])
    assert rows["事项"] == support.MATTER
    assert rows["日期"] == "2026年3月11日"
    assert rows["会议形式"] == "党员大会"
    assert rows["应到"].startswith("45人:")
    assert rows["实到"] == f"{len(present)}人:" + "、".join(present)
    assert rows["缺席"].startswith(f"{45 - len(present)}人:")
    assert rows["表决情况"] == f"赞成{len(present) - 1}票,反对1票,弃权0票"
    assert rows["反对"] == "1人:" + present[-1]
    assert rows["签字"] == f"亲笔签字 {len(present)}人:" + "、".join(present)
    assert rows["列席的乡镇干部"] == "1人:" + case.roster.get("t01").name
    assert rows["方案提前送达"] == "2026年3月8日发出"
    assert rows["表决结果"] == "通过,转入民议"


def test_the_consultation_is_a_sign_sheet_by_household(
        road: tuple[Case, dict[str, Any]]) -> None:
    case, data = road
    reg = build_register(data, lang="zh-Hant")
    section = next(s for s in reg.sections if s.title == "第5步 民議")
    rows = {r.label: r.value for r in section.rows}
    assert rows["應徵求"] == "365戶678人"
    assert rows["本人簽字"] == "678人"
    assert rows["拒絕簽字"] == rows["未徵求到"] == "無"
    assert rows["意見彙總"] == "同意678人"
    assert rows["覆蓋情況"] == "簽字確認678人,應徵求678人 (100%)"
    (sheet,) = section.grids
    assert len(sheet.cells) == 365
    first = case.roster.villagers[0]
    adults = [v for v in case.roster.villagers
              if v.household == first.household and v.adult and not v.township]
    assert sheet.cells[0] == f"{first.name}戶 {len(adults)}/{len(adults)}"


def test_missing_refusing_and_proxy_signers_are_named_with_the_authorisation() -> None:
    roster = support.named(Roster.generate(households=6, people=12, adults=10, party_members=4,
                                           representatives=3, party_committee=3,
                                           villagers_committee=3, supervision_committee=2))
    clock = ManualClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    case = Case.open("six-deliberations-guzhuang", roster, matter="修桥", clock=clock,
                     case_id="bridge")
    for _ in range(20):  # up to the consultation, with passing counts
        sp = case.plan.stage(case.state)
        if sp.kind.value == "consultation":
            break
        if sp.kind.value == "motion":
            case.submit_motion("修桥", ["v0001"])
        elif any(r.id == "advance-circulation" for r in sp.rules) and \
                case.records[-1].kind != "circulated":
            case.circulate_plan()
        else:
            n = case.plan.counts(roster, sp.body).voters
            case.hold_meeting(present=n, yes=n, witnesses=1)
        clock.advance(days=3)
    adults = [v.id for v in roster.villagers if v.adult and not v.township]
    for vid in adults[:6]:
        case.record_opinion(vid, "agree")
    case.record_opinion(adults[6], "disagree", signed=False)
    case.record_opinion(adults[7], "agree", method="proxy", proxy=adults[0],
                        authorisation="委托书 2026-07")
    # adults[8:] were not reached
    with open_store("sqlite:///:memory:") as store:
        save_case(store, case)
        data = archive_data(store, "bridge")
    name = {v.id: v.name for v in roster.villagers}
    rows = {r.label: r.value for s in build_register(data).sections for r in s.rows}
    assert rows["拒绝签字"] == f"1人:{name[adults[6]]}"
    assert rows["未征求到"] == f"{len(adults) - 8}人:" + "、".join(name[i] for i in adults[8:])
    assert rows["委托代签"] == (f"1人:{name[adults[0]]}代{name[adults[7]]}签字"
                                f"(委托书:委托书 2026-07)")
    assert rows["意见汇总"] == "同意7人、不同意1人"
    en = {r.label: r.value for s in build_register(data, lang="en").sections for r in s.rows}
    assert en["Refused to sign"] == f"1: {name[adults[6]]}"


def test_chinese_registers_carry_no_latin_words(road: tuple[Case, dict[str, Any]]) -> None:
    _, data = road
    for lang in ("zh-Hans", "zh-Hant"):
        reg = build_register(data, lang=lang)
        # the register number is the case's id and the chain head is hexadecimal: both are
        # codes to copy, not words
        codes = {reg.heading[2].value, reg.chain[1].value}
        texts = [t for t in every_text(reg) if t not in codes]
        latin = sorted({w for t in texts for w in re.findall(r"[A-Za-z]{2,}", t)})
        assert latin == [], lang


def test_dates_are_the_villages_calendar_dates_written_naturally() -> None:
    roster = Roster.generate()
    for at, zh, en in ((datetime(2026, 3, 7, 15, 59, tzinfo=UTC), "2026年3月7日", "7 March 2026"),
                       (datetime(2026, 3, 7, 16, 0, tzinfo=UTC), "2026年3月8日", "8 March 2026"),
                       (datetime(2026, 3, 7, 16, 1, tzinfo=UTC), "2026年3月8日", "8 March 2026")):
        case = Case.open("six-deliberations-guzhuang", roster, matter="m",
                         clock=ManualClock(at), case_id="d")
        case.submit_motion("修路", ["v0001"])
        with open_store("sqlite:///:memory:") as store:
            save_case(store, case)
            data = archive_data(store, "d")
        for lang, want in (("zh-Hans", zh), ("en", en)):
            motion = build_register(data, lang=lang).sections[0]
            assert motion.rows[0].value == want, (at, lang)


def test_the_chain_head_is_printed_for_the_notice_board(
        road: tuple[Case, dict[str, Any]], road_pdfs: dict[str, bytes]) -> None:
    _, data = road
    head = data["verification"]["head_hash"]
    assert len(head) == 64
    reg = build_register(data, lang="zh-Hans")
    assert reg.chain[1].value.replace(" ", "") == head
    assert reg.chain[2].value == "记录完整,未发现改动"
    assert head in flat("".join(pdf_text(road_pdfs["zh-Hans"])[1]))
    # a tampered archive says so on the register
    bad = {**data, "records": [dict(r) for r in data["records"]]}
    bad["records"][3] = {**bad["records"][3],
                         "record": {**bad["records"][3]["record"], "actor": "v0001"}}
    problems = verify_archive(bad)
    assert problems
    bad["verification"] = {**data["verification"], "ok": False,
                           "problems": [p.to_data() for p in problems]}
    line = build_register(bad).chain[2].value
    assert line.startswith("发现问题:") and problems[0].message.get("zh-Hans") in line


def test_a_1000_opinion_consultation_fits_on_a_few_pages() -> None:
    roster = support.named(Roster.generate(households=430, people=1300, adults=1000))
    case = support.road_case(roster, objection=False)
    assert sum(1 for r in case.records if r.kind == "opinion") == 1000
    pages, texts = pdf_text(register_pdf(support.archive_of(case), lang="zh-Hans"))
    print(f"1,000 opinions: {pages} A4 pages in all")
    consultation = [n for n, t in enumerate(texts) if "分户签字情况" in t or "民议" in t]
    sheet_pages = {n for n, t in enumerate(texts) if re.search(r"户 \d/\d", t)}
    print(f"sign sheet on pages {sorted(p + 1 for p in sheet_pages)}")
    assert consultation and len(sheet_pages) <= 3
    assert pages <= 8


# -- hostile text ----------------------------------------------------------------------------


HOSTILE = '<script>alert(1)</script></td><font size=80>{{ 7*7 }}&amp;"\''


def test_text_from_files_cannot_change_the_documents_structure() -> None:
    roster = Roster([v if v.id != "v0001" else
                     attrs.evolve(v, name=HOSTILE)
                     for v in support.named(Roster.generate()).villagers])
    clock = ManualClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    case = Case.open("six-deliberations-guzhuang", roster, matter=HOSTILE, clock=clock,
                     case_id="x")
    case.submit_motion(HOSTILE, ["v0001"])
    case.note(HOSTILE)
    with open_store("sqlite:///:memory:") as store:
        save_case(store, case)
        data = archive_data(store, "x")
    for lang in LANGS:
        html = register_html(data, lang=lang)
        assert "<script" not in html and "<font" not in html and "</td><font" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "{{ 7*7 }}" in html  # a value is never read as a template
        assert html.count("<tr>") == html.count("</tr>")
        text = flat("".join(pdf_text(register_pdf(data, lang=lang))[1]))
        assert flat("<font size=80>{{ 7*7 }}") in text


# -- command line ----------------------------------------------------------------------------


def test_case_export_writes_the_register_as_html_and_pdf(
        tmp_path: Path, road: tuple[Case, dict[str, Any]],
        capsys: pytest.CaptureFixture[str]) -> None:
    case, _ = road
    url = f"sqlite:///{tmp_path / 'road.sqlite'}"
    with open_store(url) as store:
        save_case(store, case)
    pdf, html = tmp_path / "road.pdf", tmp_path / "road.html"
    assert main(["case", "export", "road", "--db", url, "--format", "pdf", "--lang", "zh-Hant",
                 "-o", str(pdf)]) == 0
    assert "已寫入" in capsys.readouterr().out
    pages, texts = pdf_text(pdf.read_bytes())
    assert pages <= 8 and "村級重大事項辦理登記簿" in texts[0]
    assert main(["case", "export", "road", "--db", url, "--format", "html", "--lang", "en",
                 "-o", str(html)]) == 0
    page = html.read_text(encoding="utf-8")
    assert "Register of a major village matter" in page and "Sign sheet by household" in page


# -- any stored value ----------------------------------------------------------------------------

JSON = st.recursive(st.none() | st.booleans() | st.integers(-3, 10**6) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=8)


@pytest.fixture(scope="module")
def small() -> dict[str, Any]:
    roster = support.named(Roster.generate(households=6, people=12, adults=10, party_members=4,
                                           representatives=3, party_committee=3,
                                           villagers_committee=3, supervision_committee=2))
    return support.archive_of(support.road_case(roster))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_value_in_a_record_still_renders(small: dict[str, Any], data: st.DataObject) -> None:
    """An archive read back from anywhere (a hand-edited file, a later engine) renders, whatever
    one record's fields hold: the register prints what it finds, it never crashes."""
    n = data.draw(st.integers(0, len(small["records"]) - 1))
    rec = dict(small["records"][n]["record"])
    part = data.draw(st.sampled_from(["data", "result", "signatures", "at", "actor", "stage",
                                      "kind"]))
    if part in ("data", "result") and isinstance(rec.get(part), dict) and rec[part] and \
            data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(rec[part])))
        rec[part] = {**rec[part], key: data.draw(JSON)}
    else:
        rec[part] = data.draw(JSON)
    records = [*small["records"]]
    records[n] = {**records[n], "record": rec}
    changed = {**small, "records": records}
    for lang in LANGS:
        assert build_register(changed, lang=lang).sections is not None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=40))
def test_any_text_prints_in_html_and_pdf(small: dict[str, Any], text: str) -> None:
    """Any matter text and any name (control characters, markup, other scripts) renders."""
    villagers = [{**v, "name": text} if v["id"] == "v0001" else v
                 for v in small["roster"]["villagers"]]
    changed = {**small, "case": {**small["case"], "matter": text},
               "roster": {**small["roster"], "villagers": villagers}}
    assert "<!DOCTYPE html>" in register_html(changed, lang="zh-Hant")
    assert register_pdf(changed, lang="en").startswith(b"%PDF-")


def test_a_meeting_that_left_members_out_of_expected_says_why_and_who_approved() -> None:
    """应到 is what the engine recorded: voters less the exclusions (by category, with the
    approval); members on leave stay expected; written votes are listed."""
    from test_engine_support import FOUR, advance_to, open_case

    case, clock = open_case(FOUR, Roster.generate(party_members=41),
                            **{"party-assembly-written-votes": True})
    advance_to(case, clock, "review")
    case.circulate_plan()
    clock.advance(days=3)
    case.hold_meeting(present=30, yes=20, no=10, witnesses=1, excused=4, written={"yes": 2},
                      excluded={"abroad": 2, "detained": 1},
                      exclusion_approval="镇党委批复〔2026〕3号")
    store = open_store("sqlite:///:memory:")
    save_case(store, case)
    for lang, words in (("zh-Hans", ("38人", "出国(境)半年以上2人", "镇党委批复〔2026〕3号",
                                     "赞成2票")),
                        ("en", ("38", "abroad for more than half a year: 2",
                                "镇党委批复〔2026〕3号", "Votes handed in writing"))):
        reg = build_register(archive_data(store, case.id), lang=lang)
        review = next(s for s in reg.sections if any(r.value == "30" or "30" in r.value
                                                       for r in s.rows)
                      and s.title.endswith(("审议", "review", "Review")))
        text = " ".join(f"{r.label} {r.value}" for r in review.rows)
        for word in words:
            assert word in text, (lang, word, text)
