"""Publishable figures: every swept dimension shown, intervals drawn, labels in the language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deliberation.cli import main
from deliberation.simulation import plots, sweep
from deliberation.simulation.plots import dimensions, plot_adoption, plot_sweep

GRID = {"party_away_share": [0.0, 0.5], "support": [0.6, 0.7],
        "settings.party-assembly-quorum-ratio": ["1/2", "2/3"]}


@pytest.fixture(scope="module")
def df() -> object:
    return sweep("four-deliberations", grid=GRID, runs=300, seed=1)


def _axes(svg: Path) -> int:
    return len(re.findall(r'<g id="axes_\d+">', svg.read_text(encoding="utf-8")))


def test_a_dimension_left_unnamed_becomes_a_facet(df: object, tmp_path: Path) -> None:
    assert dimensions(df, ["support"]) == [  # type: ignore[arg-type]
        "support", "party_away_share", "settings.party-assembly-quorum-ratio"]
    # named only one: the other two are still there, as 2 × 2 panels — nothing averaged over
    out = plot_adoption(df, "support", tmp_path / "a.svg")  # type: ignore[arg-type]
    assert _axes(out) == 4
    text = out.read_text(encoding="utf-8")
    assert "share of Party members away = 0.5" in text
    assert "setting party-assembly-quorum-ratio = 2/3" in text


def test_one_dimension_is_one_panel(tmp_path: Path) -> None:
    one = sweep("four-deliberations", grid={"support": [0.6, 0.7]}, runs=200, seed=1)
    assert _axes(plot_sweep(one, ["support"], tmp_path / "b.svg")) == 1


@pytest.mark.usefixtures("cjk_font")
def test_labels_in_chinese_with_a_cjk_font(df: object, tmp_path: Path) -> None:
    out = plot_sweep(df, ["party_away_share"], tmp_path / "c.svg",  # type: ignore[arg-type]
                     lang="zh-Hans")
    text = out.read_text(encoding="utf-8")
    assert "外出党员比例" in text and "通过概率" in text
    assert "share of Party members away" not in text


def test_without_a_cjk_font_it_falls_back_to_english(df: object, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    with pytest.warns(UserWarning, match="no CJK font"):
        out = plot_sweep(df, ["party_away_share"], tmp_path / "d.svg",  # type: ignore[arg-type]
                         lang="zh-Hant")
    text = out.read_text(encoding="utf-8")
    assert "share of Party members away" in text and "外出黨員比例" not in text


def test_the_console_names_its_medians(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    assert main(["simulate", "four-deliberations", "--runs", "500", "--lang", "en",
                 "--sweep", "support=0.6,0.7", "--plot", str(tmp_path / "p.png")]) == 0
    out = capsys.readouterr().out
    assert "adopted_days_median" in out and "all_days_median" in out
    assert "median over adopted runs only" in out
    assert (tmp_path / "p.png").stat().st_size > 0
    assert (tmp_path / "p-failures.png").stat().st_size > 0
