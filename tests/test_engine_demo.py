"""The narrated demo runs every step, shows the refused vote, and stores the case if it can."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from deliberation.trainer.demo import run_demo


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_demo_in_memory(lang: str) -> None:
    lines: list[str] = []
    case = run_demo(lang=lang, db=None, out=lines.append)
    text = "\n".join(lines)
    assert case.outcome == "adopted"
    assert "677" in text and "678" in text
    assert {r.stage for r in case.records if r.kind == "meeting"} == {
        "proposal", "discussion", "review", "resolution"}
    assert "memory" in text or "内存" in text or "記憶體" in text


def test_demo_four_deliberations() -> None:
    lines: list[str] = []
    case = run_demo("four-deliberations", lang="en", db=None, out=lines.append)
    assert case.outcome == "adopted"


@pytest.mark.skipif(importlib.util.find_spec("deliberation.store") is None,
                    reason="the store is not installed")
def test_demo_stores_the_case(tmp_path: Path) -> None:
    lines: list[str] = []
    db = tmp_path / "demo.sqlite"
    case = run_demo(lang="en", db=db, out=lines.append)
    assert db.exists()
    assert f"stored in {db}" in lines[-1] and case.id in lines[-1]
    from deliberation.store import open_store
    from deliberation.store.cases import load_case

    store = open_store(f"sqlite:///{db}")
    try:
        assert load_case(store, case.id).state == "adopted"
    finally:
        store.close()


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_the_chinese_demo_names_states_not_ids(lang: str) -> None:
    """The replay line names the outcome as the procedure does (已决议并公开), not its id."""
    lines: list[str] = []
    run_demo(lang=lang, db=None, out=lines.append)
    replay_line = next(line for line in lines if "重放" in line)
    assert "adopted" not in replay_line and replay_line.endswith(("已决议并公开", "已決議並公開"))


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_the_chinese_demo_shows_no_rule_id(lang: str) -> None:
    """A trainer's audience reads rules by their names: the refusals and the checks of a step
    with two signature rules name them in Chinese, as the walkthrough does, never by id."""
    lines: list[str] = []
    run_demo(lang=lang, db=None, out=lines.append)
    narrated = "\n".join(lines[:-1])  # the last line names the stored file and the case id
    assert re.findall(r"[A-Za-z][A-Za-z-]+", narrated) == []
    assert any(line.strip().startswith("[民") for line in lines)  # 民意征求全覆盖 / 民意徵求全覆蓋
    assert any(line.strip() in ("✓ 法定人数:37/45,至少 23", "✓ 法定人數:37/45,至少 23")
               for line in lines)


def test_the_english_demo_names_rules_by_label() -> None:
    lines: list[str] = []
    run_demo(lang="en", db=None, out=lines.append)
    text = "\n".join(lines)
    assert "[consultation coverage] signed opinions from 677 of 678" in text
    assert "required signatures (every participant signs): 37, at least 37" in text
    assert "✓ quorum: 37 / 45, at least 23" in text  # the walkthrough's words for the numbers
    assert "participant-signatures" not in text and "[consultation-coverage]" not in text


@pytest.mark.skipif(importlib.util.find_spec("deliberation.store") is None,
                    reason="the store is not installed")
@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_the_chinese_demo_gives_the_stored_file_and_case_id_as_code(lang: str,
                                                                   tmp_path: Path) -> None:
    """The last line gives what `case export CASE --db …` needs next: both as code."""
    lines: list[str] = []
    case = run_demo(lang=lang, db=tmp_path / "demo.sqlite", out=lines.append)
    assert f"`{case.id}`" in lines[-1]
    assert re.findall(r"[A-Za-z]{2,}", re.sub(r"`[^`]*`", "", lines[-1])) == [], lines[-1]
