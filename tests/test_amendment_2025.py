"""Earlier versions of the shipped procedures stay loadable for replay.

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
from pathlib import Path

import attrs
import pytest
from test_engine_support import advance_to, open_case
from test_shandong_women_representatives import COMMITTEE, MEN_REPS, WOMEN_REPS
from test_shandong_women_representatives import _roster as _shandong_roster

from deliberation import Case, load_procedure
from deliberation.cli import main
from deliberation.definition.loader import Library, builtin_procedures_dir, load_file
from deliberation.engine.case import Case as EngineCase
from deliberation.engine.evaluators import ReplayError
from deliberation.errors import SupersededProcedure, UnknownProcedure
from deliberation.store import StoreError, open_store
from deliberation.store.archive import archive_data, verify_archive
from deliberation.store.cases import act, load_case, save_case

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
    assert (current.version, current.superseded_by) == ("1.1", None)
    assert (old.version, old.superseded_by) == ("1.0", "1.1")
    assert lib.load("four-deliberations-shandong", "1.1") is current
    # the history files are no procedures of their own
    assert lib.ids().count("four-deliberations-shandong") == 1
    assert not any("@" in i for i in lib.ids())
    assert (HISTORY / "four-deliberations-shandong@1.0.yaml").is_file()


@pytest.mark.parametrize("version", ["0.9", "1.2", "../four-deliberations", "", "1.0/x"])
def test_a_version_not_kept_is_refused_naming_those_kept(version: str) -> None:
    with pytest.raises(UnknownProcedure, match=r"not kept for replay \(kept: 1\.0\)"):
        Library().load("four-deliberations-shandong", version)


def test_every_history_file_is_an_earlier_version_of_a_shipped_procedure() -> None:
    lib = Library()
    files = sorted(HISTORY.glob("*.yaml"))
    assert files
    for f in files:
        pid, _at, version = f.stem.partition("@")
        old = lib.load(pid, version)
        assert old.superseded_by == lib.load(pid).version != version, f


def test_the_stored_1_0_case_replays_under_1_0_and_not_under_1_1() -> None:
    case = _shandong_1_0_case()
    replayed = Case.replay(Library().load("four-deliberations-shandong", "1.0"), case.roster,
                           case.records)
    assert replayed.state == case.state
    current = load_procedure("four-deliberations-shandong")
    with pytest.raises(ReplayError, match=r"opened under four-deliberations-shandong 1\.0, not "
                                          r"four-deliberations-shandong 1\.1"):
        Case.replay(current, case.roster, case.records)
    # and not for the version's sake only: 1.1's rule gives the meeting another result
    relabelled = [attrs.evolve(case.records[0], data={**case.records[0].data, "version": "1.1"}),
                  *case.records[1:]]
    with pytest.raises(ReplayError, match='route: stored "pass", now "no_quorum"'):
        Case.replay(current, case.roster, relabelled)


# -- a stored case under an earlier version: read, verified, exported; never acted on ---------


def test_a_stored_shandong_1_0_case_loads_and_is_refused_any_action(shandong_db) -> None:
    url, case = shandong_db
    with open_store(url) as store:
        loaded = load_case(store, case.id)
        assert (loaded.procedure.version, loaded.procedure.superseded_by) == ("1.0", "1.1")
        assert loaded.state == case.state
        with pytest.raises(SupersededProcedure) as err:
            act(store, case.id, lambda c: c.note("会后补记"))
        assert store.info(case.id).version == len(case.records)  # nothing stored
    en = err.value.message.get("en")
    assert "four-deliberations-shandong version 1.0" in en and "version 1.1" in en
    assert "new case" in en
    for lang in ("zh-Hans", "zh-Hant"):
        text = err.value.message.get(lang)
        assert "1.0" in text and "1.1" in text and "runs under" not in text


def test_no_case_opens_under_an_earlier_version() -> None:
    old = Library().load("four-deliberations-shandong", "1.0")
    with pytest.raises(SupersededProcedure, match=r"version 1\.1"):
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
        assert note in out and "1.1" in out, (command, out)
    assert main(["case", "show", case.id, "--db", url, "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["superseded_by"] == "1.1" and shown["state"] == case.state
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
    assert data["state"]["superseded_by"] == "1.1"


def test_a_version_the_library_does_not_keep_is_still_refused_naming_both(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    case = _shandong_1_0_case()
    with open_store(url) as store:
        save_case(store, case, procedure_version="0.9")
        with pytest.raises(StoreError, match=r"version 0\.9; the loaded definition is version "
                                             r"1\.1"):
            load_case(store, case.id)
