"""Research output in Chinese: `simulate` and `compare` (with sweeps) print their tables with
headers, procedures, stages, outcomes, rules and routes by name — no English id outside code
formatting — and their figures are labelled the same way; the files they write keep the
stable English column ids."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pandas as pd
import pytest
from test_i18n_no_english import LANGS_ZH, latin_words

from deliberation.cli import main
from deliberation.simulation import SimParams, sweep
from deliberation.simulation.plots import plot_days, plot_failures, plot_sweep
from deliberation.simulation.sensitivity import plot_sensitivity, sensitivity
from deliberation.simulation.words import PARAMETER_LABELS, number

COMMANDS = {
    "simulate": ["simulate", "four-deliberations", "--runs", "400", "--seed", "1"],
    # two procedures, a parameter, a yes/no setting and a body-valued setting swept, one
    # procedure without them
    "compare": ["compare", "four-deliberations", "six-deliberations-guzhuang",
                "land-contracting-plan", "--runs", "300", "--seed", "1",
                "--sweep", "party_away_share=0,1/2", "--sweep", "consultation-proxies=true,false",
                "--set", "away_excused=true"],
    "tasks": ["simulate", "six-orders-duannangou", "--runs", "300", "--seed", "2",
              "--set", "task_accept=0.5", "--set", "gate_return=0.4"],
}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 0
    captured = capsys.readouterr()
    return captured.out + captured.err


@pytest.mark.parametrize("lang", LANGS_ZH)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_console_tables_speak_only_chinese(command: str, lang: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = _run([*COMMANDS[command], "--lang", lang], capsys)
    assert latin_words(out) == [], out
    assert ("通过概率" if lang == "zh-Hans" else "通過機率") in out
    assert ("止于环节" if lang == "zh-Hans" else "止於環節") in out, out


def test_procedures_stages_and_routes_are_named(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run([*COMMANDS["compare"], "--lang", "zh-Hant"], capsys)
    assert "六議兩公開(固莊村)" in out and "審議" in out and "達到最多輪次" in out, out
    assert "是" in out and "否" in out  # the swept yes/no setting, in words


def test_english_keeps_the_ids_researchers_type(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run([*COMMANDS["simulate"], "--lang", "en"], capsys)
    assert "four-deliberations" in out and "end_stage" in out and "p_adopted" in out


def test_files_keep_the_stable_column_ids(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    summary, runs = tmp_path / "summary.csv", tmp_path / "runs.csv"
    _run([*COMMANDS["simulate"], "--lang", "zh-Hans", "--summary-out", str(summary),
          "--out", str(runs)], capsys)
    assert {"procedure", "p_adopted", "ci_low"} <= set(pd.read_csv(summary).columns)
    table = pd.read_csv(runs)
    assert {"procedure", "end_stage", "end_rule", "outcome"} <= set(table.columns)
    assert set(table["procedure"]) == {"four-deliberations"}


def test_every_parameter_has_a_label() -> None:
    assert {f.name for f in attrs.fields(SimParams)} <= set(PARAMETER_LABELS)


def test_numbers_never_show_an_exponent() -> None:
    assert number(1.084e-19) == "0.0000" and number(0.4012) == "0.4012"
    assert number(float("nan")) == "—" and number(77.0) == "77"


def _svg_text(path: Path) -> str:
    # matplotlib draws glyphs as paths and keeps each text in a comment beside them
    return "\n".join(re.findall(r"<!-- (.*?) -->", path.read_text(encoding="utf-8")))


@pytest.mark.usefixtures("cjk_font")
@pytest.mark.parametrize("lang", LANGS_ZH)
def test_figures_speak_only_chinese(lang: str, tmp_path: Path) -> None:
    df = sweep(["four-deliberations", "six-deliberations-guzhuang"], SimParams(),
               {"party_away_share": [0.0, 0.5],
                "settings.consultation-proxies": [True, False]}, runs=200, seed=1)
    texts = [_svg_text(plot_sweep(df, ["party_away_share"], tmp_path / "a.svg", lang)),
             _svg_text(plot_failures(df, tmp_path / "b.svg", lang)),
             _svg_text(plot_days(df, tmp_path / "c.svg", lang=lang))]
    for text in texts:
        assert latin_words(text) == [], text
    assert ("四议两公开" if lang == "zh-Hans" else "四議兩公開") in texts[0]
    assert ("提议" if lang == "zh-Hans" else "提議") in texts[1]


@pytest.mark.usefixtures("cjk_font")
@pytest.mark.parametrize("method", ["morris", "sobol"])
def test_sensitivity_figures_speak_only_chinese(method: str, tmp_path: Path) -> None:
    # every behavioural parameter of the default ranges: each has a label
    res = sensitivity("four-deliberations", method=method, samples=2, runs=100, seed=1)
    text = _svg_text(plot_sensitivity(res, tmp_path / "s.svg", lang="zh-Hant"))
    assert latin_words(text) == [], text
    assert "外出黨員比例" not in text and "平均支持率" in text


def test_a_swept_share_reads_as_a_number(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(["simulate", "four-deliberations", "--runs", "200", "--sweep",
                "party_away_share=0,1/3", "--lang", "zh-Hans"], capsys)
    assert "0.3333" in out and "0.33333" not in out, out


def test_a_reader_that_goes_away_ends_the_command_quietly(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """``deliberation simulate … | head``: the closed pipe is not a "cannot write" error."""
    from deliberation.commands import simulate as command

    def closed(*_args: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(command, "_report", closed)
    assert main([*COMMANDS["simulate"], "--lang", "zh-Hans"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("lang", LANGS_ZH)
def test_the_help_names_no_english_column(lang: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The help speaks of what the Chinese console shows (通过概率), not `P(adopted)`."""
    with pytest.raises(SystemExit):
        main(["simulate", "--help", "--lang", lang])
    assert "P(adopted)" not in capsys.readouterr().out
