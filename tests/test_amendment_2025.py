"""Earlier versions of the shipped procedures stay loadable for replay, and the 2025 amendment
of the Organic Law (in force 2026-01-01) is a new version of the procedures it changes.

A case binds its procedure's id and version. The library ships the newest version of each
procedure and keeps the versions it replaced in ``procedures/history/ID@VERSION.yaml``: a case
stored under one of them replays, shows, logs, verifies and exports under it, saying that it
was decided under an earlier version; acting on it is refused (the rules it ran under have
changed), naming both versions. New cases, ``lint`` and lists use the newest version only.

The Shandong case: under 1.0 the women's quorum of the representatives' meeting counted every
woman of the meeting (the villagers' committee's women sit in it ex officio); 1.1 counts women
representatives only. With the committee's 4 women and 1 of the 3 women representatives
present, 1.0 found a quorum (5 of 7 women, 2/3 of 7 needs 5) and 1.1 does not (1 of 3, 2
needed): the stored 1.0 record replays only under 1.0.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest
from test_engine_support import advance_to, open_case
from test_shandong_women_representatives import COMMITTEE, MEN_REPS, WOMEN_REPS
from test_shandong_women_representatives import _roster as _shandong_roster

from deliberation import Case, Roster, load_procedure
from deliberation.cli import main
from deliberation.definition.loader import Library, builtin_procedures_dir, load_file
from deliberation.engine.case import Case as EngineCase
from deliberation.engine.clock import ManualClock
from deliberation.engine.evaluators import ReplayError
from deliberation.engine.records import Record
from deliberation.errors import InvalidAction, NotEntitled, SupersededProcedure, UnknownProcedure
from deliberation.store import StoreError, open_store
from deliberation.store.archive import archive_data, verify_archive
from deliberation.store.cases import act, load_case, save_case
from deliberation.store.register import build_register

HISTORY = builtin_procedures_dir() / "history"


def _as_shipped(procedure_id: str, version: str) -> object:
    """The earlier version as its file holds it (not marked superseded): how a case was
    opened under it when it was the current one."""
    lib = Library()
    return load_file(lib.history_path(procedure_id, version), library=lib)


def _shandong_1_0_case() -> Case:
    old = _as_shipped("four-deliberations-shandong", "1.0")
    case, clock = open_case(old, _shandong_roster())
    advance_to(case, clock, "resolution")
    case.give_notice()
    clock.advance(days=5)
    present = COMMITTEE + MEN_REPS + WOMEN_REPS[:1]
    (rec,) = case.hold_meeting(present=present, yes=present, witnesses=["t01"])
    assert rec.result["route"] == "pass"  # 1.0's count: the committee's women count too
    return case


@pytest.fixture
def shandong_db(tmp_path: Path) -> tuple[str, Case]:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    case = _shandong_1_0_case()
    with open_store(url) as store:
        save_case(store, case)
        assert store.info(case.id).procedure_version == "1.0"
    return url, case


# -- the library keeps earlier versions ------------------------------------------------------


def test_the_library_keeps_shandong_1_0_and_lists_only_the_current_version() -> None:
    lib = Library()
    current = lib.load("four-deliberations-shandong")
    old = lib.load("four-deliberations-shandong", "1.0")
    assert (current.version, current.superseded_by) == ("1.2", None)
    assert (old.version, old.superseded_by) == ("1.0", "1.2")
    assert lib.load("four-deliberations-shandong", "1.2") is current
    # the history files are no procedures of their own
    assert lib.ids().count("four-deliberations-shandong") == 1
    assert not any("@" in i for i in lib.ids())
    assert (HISTORY / "four-deliberations-shandong@1.0.yaml").is_file()


@pytest.mark.parametrize("version", ["0.9", "1.3", "../four-deliberations", "", "1.0/x",
                                     "1" * 5000, "1.0\x00", "1.0\n"])
def test_a_version_not_kept_is_refused_naming_those_kept(version: str) -> None:
    with pytest.raises(UnknownProcedure, match=r"not kept for replay \(kept: 1\.0, 1\.1\)"):
        Library().load("four-deliberations-shandong", version)


def test_every_history_file_is_an_earlier_version_of_a_shipped_procedure() -> None:
    lib = Library()
    files = sorted(HISTORY.glob("*.yaml"))
    assert files
    for f in files:
        pid, _at, version = f.stem.partition("@")
        old = lib.load(pid, version)
        assert old.superseded_by == lib.load(pid).version != version, f


def test_the_stored_1_0_case_replays_under_1_0_and_not_under_1_2() -> None:
    case = _shandong_1_0_case()
    replayed = Case.replay(Library().load("four-deliberations-shandong", "1.0"), case.roster,
                           case.records)
    assert replayed.state == case.state
    current = load_procedure("four-deliberations-shandong")
    with pytest.raises(ReplayError, match=r"opened under four-deliberations-shandong 1\.0, not "
                                          r"four-deliberations-shandong 1\.2"):
        Case.replay(current, case.roster, case.records)
    # and not for the version's sake only: 1.1's rule (kept, as 1.2 keeps it) gives the meeting
    # another result (1.2 also counts the notice under the Civil Code, which this record's five
    # elapsed days would not meet: 1.1 shows the women's quorum alone)
    women_1_1 = Library().load("four-deliberations-shandong", "1.1")
    relabelled = [attrs.evolve(case.records[0], data={**case.records[0].data, "version": "1.1"}),
                  *case.records[1:]]
    with pytest.raises(ReplayError, match='route: stored "pass", now "no_quorum"'):
        Case.replay(women_1_1, case.roster, relabelled)


# -- a stored case under an earlier version: read, verified, exported; never acted on ---------


def test_a_stored_shandong_1_0_case_loads_and_is_refused_any_action(shandong_db) -> None:
    url, case = shandong_db
    with open_store(url) as store:
        loaded = load_case(store, case.id)
        assert (loaded.procedure.version, loaded.procedure.superseded_by) == ("1.0", "1.2")
        assert loaded.state == case.state
        with pytest.raises(SupersededProcedure) as err:
            act(store, case.id, lambda c: c.note("会后补记"))
        assert store.info(case.id).version == len(case.records)  # nothing stored
    en = err.value.message.get("en")
    assert "four-deliberations-shandong version 1.0" in en and "version 1.2" in en
    assert "new case" in en
    for lang in ("zh-Hans", "zh-Hant"):
        text = err.value.message.get(lang)
        assert "1.0" in text and "1.2" in text and "runs under" not in text


def test_a_case_under_an_earlier_version_offers_no_action(shandong_db) -> None:
    url, case = shandong_db
    with open_store(url) as store:
        loaded = load_case(store, case.id)
    assert case.available_actions() and loaded.available_actions() == ()
    who = loaded.explain("en").split("Who may act now:")[1]
    assert "which version 1.2 has replaced" in who and "(`hold_meeting`)" not in who


def test_no_case_opens_under_an_earlier_version() -> None:
    old = Library().load("four-deliberations-shandong", "1.0")
    with pytest.raises(SupersededProcedure, match=r"version 1\.2"):
        EngineCase.open(old, _shandong_roster(), matter="x")


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_show_log_verify_and_export_say_it_was_decided_under_an_earlier_version(
        shandong_db, lang: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url, case = shandong_db
    note = {"en": "decided under an earlier version", "zh-Hans": "议事程序的早先版本",
            "zh-Hant": "議事程序的早先版本"}[lang]
    for command in ("show", "log", "verify"):
        assert main(["case", command, case.id, "--db", url, "--lang", lang]) == 0, command
        out = capsys.readouterr().out
        assert note in out and "1.2" in out, (command, out)
    assert main(["case", "show", case.id, "--db", url, "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["superseded_by"] == "1.2" and shown["state"] == case.state
    html = tmp_path / "r.html"
    assert main(["case", "export", case.id, "--db", url, "--format", "html", "--lang", lang,
                 "-o", str(html)]) == 0
    assert note in html.read_text(encoding="utf-8")


def test_the_archive_of_a_1_0_case_replays_and_verifies(shandong_db) -> None:
    url, case = shandong_db
    with open_store(url) as store:
        data = archive_data(store, case.id)
    assert verify_archive(data) == []
    assert data["procedure"] == {"id": "four-deliberations-shandong", "version": "1.0"}
    assert data["state"]["replayed"] is True
    assert data["state"]["superseded_by"] == "1.2"


def test_a_version_the_library_does_not_keep_is_still_refused_naming_both(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    case = _shandong_1_0_case()
    with open_store(url) as store:
        save_case(store, case, procedure_version="0.9")
        with pytest.raises(StoreError, match=r"version 0\.9; the loaded definition is version "
                                             r"1\.2"):
            load_case(store, case.id)


# -- the 2025 amendment: 一事一议 studied by the Party organisation from 2026-01-01 ------------

ONE = "one-matter-one-discussion"
SHANGHAI = ZoneInfo("Asia/Shanghai")
LEGACY = Path(__file__).parent / "legacy" / "one-matter-adopted.8af0f15.json"
# 12 of 120 adult villagers: at least 1/10 (examples/scenarios/one-matter-adopted.yaml)
SUBMITTERS = [f"v{n:04d}" for n in range(11, 23)]


def _roster() -> Roster:
    return Roster.generate(households=60, people=150, party_members=10, representatives=6,
                           supervision_committee=3)


def _proposed(opened: datetime) -> tuple[Case, ManualClock]:
    clock = ManualClock(opened)
    case = Case.open(load_procedure(ONE), _roster(), matter="村内道路硬化", clock=clock)
    clock.advance(hours=1)
    case.submit_motion("硬化村内主干道", SUBMITTERS)
    return case, clock


def test_one_matter_1_1_adds_the_party_organisations_study_before_the_households() -> None:
    p = load_procedure(ONE)
    assert p.version == "1.1"
    assert [s.id for s in p.stages] == ["proposal", "party-study", "household-signatures",
                                        "vote", "publication"]
    study = p.stage("party-study")
    assert (study.required_from.law, study.required_from.version) == ("organic-law", "2025")
    assert p.bodies[str(study.body)].members == ("party-committee",)
    assert "organic-law-2025" in study.basis
    title = p.basis["organic-law-2025"].title
    assert "not yet confirmed" in title.get("en") and "尚未确认" in title.get("zh-Hans")
    assert "尚未確認" in title.get("zh-Hant")


def test_a_case_opened_2026_03_01_cannot_reach_the_vote_without_the_party_study() -> None:
    case, clock = _proposed(datetime(2026, 3, 1, 9, tzinfo=SHANGHAI))
    assert case.state == "party-study"
    before = case.records
    # the households' signatures and the representatives' vote wait for the study
    with pytest.raises(InvalidAction, match=r"Party organisation's study"):
        case.record_opinions(60)
    reps = [v.id for v in case.roster.villagers if v.representative]
    with pytest.raises(NotEntitled, match="branch committee"):  # a meeting here is the committee's
        case.hold_meeting(present=reps, yes=reps)
    assert case.records == before
    # the committee studies it (3 of 5 is more than half): the case goes on to the households
    clock.advance(days=1)
    (rec,) = case.hold_meeting(present=3, yes=3)
    assert (rec.stage, rec.result["route"], case.state) == ("party-study", "pass",
                                                            "household-signatures")


def test_a_study_that_does_not_agree_ends_the_matter_before_the_vote() -> None:
    case, clock = _proposed(datetime(2026, 3, 1, 9, tzinfo=SHANGHAI))
    clock.advance(days=1)
    case.hold_meeting(present=5, yes=2, no=3)  # 2 of 5 is not more than half
    assert case.outcome == "rejected"
    assert all(r.stage != "vote" for r in case.records)


@pytest.mark.parametrize(("opened", "studied"), [
    # the local (Beijing) calendar day decides, not the UTC one
    (datetime(2025, 12, 31, 23, 59, tzinfo=SHANGHAI), False),
    (datetime(2026, 1, 1, 0, 0, tzinfo=SHANGHAI), True),
    (datetime(2025, 12, 31, 15, 59, tzinfo=UTC), False),  # 23:59 in Beijing
    (datetime(2025, 12, 31, 16, 0, tzinfo=UTC), True),  # 00:00 on 1 January in Beijing
    (datetime(2025, 12, 1, 9, tzinfo=SHANGHAI), False),
    (datetime(2026, 1, 2, 9, tzinfo=SHANGHAI), True),
])
def test_the_study_is_required_of_cases_opened_from_the_local_day_the_law_came_into_force(
        opened: datetime, studied: bool) -> None:
    case, _clock = _proposed(opened)
    if studied:
        assert case.state == "party-study"
        assert [r.kind for r in case.records] == ["opened", "motion"]
    else:  # the old path: straight to the households, the study recorded as not yet required
        assert case.state == "household-signatures"
        skipped = case.records[-1]
        assert (skipped.kind, skipped.stage) == ("stage-skipped", "party-study")
        assert skipped.result["required_from"] == {"law": "organic-law", "version": "2025"}
    # and either way the records replay to the same place
    assert Case.replay(load_procedure(ONE), case.roster, case.records).state == case.state


def test_a_case_opened_on_31_december_keeps_the_old_path_to_its_end() -> None:
    case, clock = _proposed(datetime(2025, 12, 31, 23, 0, tzinfo=SHANGHAI))
    clock.advance(days=5)  # decided in January, under the steps in force when it was opened
    case.record_opinions(60)
    case.close_consultation()
    clock.advance(days=2)
    case.hold_meeting(present=9, yes=6, no=3)
    case.post_disclosure("notice-board", actor="v0002")
    clock.advance(days=7)
    case.conclude_disclosure()
    assert case.outcome == "adopted"
    assert not any(r.kind == "meeting" and r.stage == "party-study" for r in case.records)


def test_the_register_says_which_law_the_old_path_waited_for(tmp_path: Path) -> None:
    case, _clock = _proposed(datetime(2025, 12, 31, 23, 0, tzinfo=SHANGHAI))
    with open_store(f"sqlite:///{tmp_path / 'r.db'}") as store:
        save_case(store, case)
        data = archive_data(store, case.id)
    for lang, label, law in (
            ("en", "step not yet required", "2025 amendment, in force 2026-01-01"),
            ("zh-Hans", "尚不要求", "2025年修订"), ("zh-Hant", "尚不要求", "2025年修訂")):
        reg = build_register(data, lang=lang)
        (section,) = [sec for sec in reg.sections if label in sec.title]
        assert any(law in row.value for row in section.rows), (lang, section)


def _legacy_store(url: str) -> str:
    data = json.loads(LEGACY.read_text(encoding="utf-8"))
    records = [Record.from_data(r["record"]) for r in data["records"]]
    info = data["case"]
    with open_store(url) as store:
        store.create(info["case_id"], info["procedure_id"], info["procedure_version"],
                     data["roster"]["villagers"], matter=info["matter"], records=records)
    return str(info["case_id"])


def test_a_one_matter_case_stored_under_1_0_replays_verifies_and_exports(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'legacy.db'}"
    case_id = _legacy_store(url)
    with open_store(url) as store:
        case = load_case(store, case_id)
        assert (case.procedure.version, case.procedure.superseded_by) == ("1.0", "1.1")
        assert case.outcome == "adopted"
        assert "party-study" not in [r.stage for r in case.records]
        data = archive_data(store, case_id)
        assert store.verify(case_id).ok
    assert data["state"]["superseded_by"] == "1.1"
    assert main(["case", "verify", case_id, "--db", url, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "hash chain intact" in out and "one-matter-one-discussion version 1.0" in out


def test_acting_on_an_open_1_0_case_is_refused_naming_both_versions(tmp_path: Path) -> None:
    # a 1.0 case still at the households' signatures, opened after the amendment: under 1.0
    # it skipped the Party study the law requires of it
    old = _as_shipped(ONE, "1.0")
    clock = ManualClock(datetime(2026, 3, 1, 9, tzinfo=SHANGHAI))
    case = Case.open(old, _roster(), matter="村内道路硬化", clock=clock)
    case.submit_motion("硬化村内主干道", SUBMITTERS)
    url = f"sqlite:///{tmp_path / 'open.db'}"
    with open_store(url) as store:
        save_case(store, case)
        with pytest.raises(SupersededProcedure,
                           match=r"one-matter-one-discussion version 1\.0, which version 1\.1"):
            act(store, case.id, lambda c: c.record_opinions(60))
        assert store.info(case.id).version == 2
    assert main(["case", "act", case.id, "opinions", "--signed", "60", "--db", url,
                 "--lang", "en"]) != 0


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "a step of cases opened on or after 2026-01-01 (local date)"),
    ("zh-Hans", "2026-01-01(当地日期)起立案的事项须经此步"),
    ("zh-Hant", "2026-01-01(當地日期)起立案的事項須經此步"),
])
def test_show_and_the_trainer_say_from_when_the_study_is_a_step(
        lang: str, words: str, capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["show", ONE], ["diagram", ONE, "--format", "mermaid"],
                    ["html", ONE]):
        assert main([*command, "--lang", lang]) == 0, command
        out = capsys.readouterr().out
        assert words in out, command


@pytest.mark.parametrize(("opened", "after_accounts"), [
    (datetime(2025, 12, 31, 23, 59, tzinfo=SHANGHAI), "accounting-meeting"),
    (datetime(2026, 1, 1, 0, 0, tzinfo=SHANGHAI), "party-study"),
])
def test_the_year_end_accounts_go_to_the_villagers_meeting_after_the_party_study(
        opened: datetime, after_accounts: str) -> None:
    # the audit's other finding: a villagers' meeting decides on the accounts the two
    # committees prepared, with no study by the Party organisation before version 1.1
    p = load_procedure("year-end-accounting-guzhuang")
    assert p.version == "1.1" and p.stage("party-study").required_from is not None
    case = Case.open(p, _roster(), matter="2025 年度交账", clock=ManualClock(opened))
    case.record_task(actor="v0002")
    assert case.state == after_accounts
    if after_accounts == "party-study":  # not agreed: the accounts are prepared again
        case.hold_meeting(present=5, yes=1, no=4)
        assert case.state == "accounts"
