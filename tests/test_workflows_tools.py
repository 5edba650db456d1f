"""Every shipped procedure lints, shows in three languages, draws, renders its page and
simulates — the seeds' workflows as much as the two methods."""

from __future__ import annotations

from pathlib import Path

import pytest

from deliberation.cli import main
from deliberation.definition.loader import builtin_procedures_dir
from deliberation.simulation import SimParams, simulate

SHIPPED = sorted(p.stem for p in builtin_procedures_dir().glob("*.yaml"))
NEW = ["six-orders-duannangou", "town-calls-linzi", "party-member-proposal-lijin",
       "one-matter-one-discussion", "year-end-accounting-guzhuang", "talk-days"]


def test_the_new_procedures_ship() -> None:
    assert set(NEW) <= set(SHIPPED)


def test_lint_all(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(builtin_procedures_dir())]) == 0
    # with the earlier versions kept in history/, which must stay loadable too
    kept = list((builtin_procedures_dir() / "history").glob("*.yaml"))
    assert kept and f"{len(SHIPPED) + len(kept)} file(s)" in capsys.readouterr().out


@pytest.mark.parametrize("name", NEW)
@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
def test_show(name: str, lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", name, "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert f"[`{name}`]" in out


@pytest.mark.parametrize("name", NEW)
def test_diagram_and_page(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram", name, "--format", "mermaid", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("flowchart")
    page = tmp_path / "page.html"
    assert main(["html", name, "-o", str(page)]) == 0
    assert "<html" in page.read_text(encoding="utf-8")


def test_escalation_is_drawn_and_shown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram", "town-calls-linzi", "--format", "mermaid", "--lang", "en"]) == 0
    mermaid = capsys.readouterr().out
    assert "one level up" in mermaid and "unsolved at the top level" in mermaid
    assert main(["show", "town-calls-linzi", "--lang", "en"]) == 0
    assert "village (`village`) → town (`town`) → district (`district`)" in capsys.readouterr().out


@pytest.mark.parametrize("name", NEW)
def test_simulate_both_paths(name: str) -> None:
    # enough submitters for 一事一议's 1/10 of villagers; the defaults otherwise
    params = SimParams(motion_submitters=90)
    for path, runs in (("vectorised", 300), ("engine", 15)):
        df = simulate(name, params, runs, seed=7, path=path)
        assert len(df) == runs and df["outcome"].notna().all()
