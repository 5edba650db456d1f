"""Procedure settings are swept and compared like any parameter, on common random numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from deliberation.cli import main
from deliberation.simulation import SimParams, SimulationError, compare, summarise, sweep

# every body at the mean support 0.65 (committees too): many runs end at the first stage,
# where the common random numbers are checked
AWAY = SimParams(party_away_share=0.4, committee_support=None)


def test_api_sweeps_a_setting_on_the_same_random_numbers() -> None:
    df = sweep("four-deliberations", AWAY, grid={
        "settings.party-assembly-quorum-ratio": ["1/2", "2/3"]}, runs=6_000, seed=3)
    col = "settings.party-assembly-quorum-ratio"
    s = summarise(df, by=("procedure", col)).set_index(col)
    # a higher quorum at the Party assembly, with 40% of members away, adopts less
    assert s.loc["2/3", "ci_high"] < s.loc["1/2", "ci_low"]
    # common random numbers: the first stage, before any difference, ends the same runs
    a, b = (df.loc[df[col] == v].reset_index(drop=True) for v in ("1/2", "2/3"))
    first = a["end_stage"] == "proposal"
    assert first.sum() > 1_000
    pd.testing.assert_series_equal(first, b["end_stage"] == "proposal")


def test_api_sweeps_a_choice_setting_and_a_parameter_together() -> None:
    # few villagers come to a villagers' meeting: when it decides, its quorum is what fails
    df = sweep("four-deliberations", SimParams(attendance_by_body={"villagers-meeting": 0.3}),
               grid={"settings.resolution-body": ["representatives-meeting",
                                                  "villagers-meeting"],
                     "support": [0.6, 0.7]}, runs=1_000, seed=1)
    cells = df.groupby(["settings.resolution-body", "support"], observed=True).size()
    assert cells.tolist() == [1_000] * 4
    at_resolution = (df["end_stage"] == "resolution").groupby(
        df["settings.resolution-body"], observed=True).mean()
    assert at_resolution["villagers-meeting"] > 0.2 > 0.05 > at_resolution[
        "representatives-meeting"]


def test_a_setting_only_one_compared_procedure_has_stays_in_the_summary() -> None:
    df = compare(["four-deliberations", "six-deliberations-guzhuang"],
                 SimParams(settings={"consultation-proxies": True}), runs=500, seed=1)
    s = summarise(df, by=("procedure", "settings.consultation-proxies"))
    assert s["runs"].tolist() == [500, 500]
    assert s["settings.consultation-proxies"].isna().tolist() == [True, False]


@pytest.mark.parametrize("grid,hint", [
    ({"settings.party-assembly-quorum-rato": ["1/2"]},
     "did you mean 'party-assembly-quorum-ratio'"),
    ({"suport": [0.5]}, "did you mean support"),
])
def test_unknown_names_are_errors_with_did_you_mean(grid: dict[str, list[str]],
                                                    hint: str) -> None:
    with pytest.raises(SimulationError, match=hint):
        sweep("four-deliberations", grid=grid, runs=10)


def test_bad_setting_value_is_refused_by_the_engines_checker() -> None:
    with pytest.raises(SimulationError, match=r"outside 0\.\.1"):
        sweep("four-deliberations", grid={"settings.party-assembly-quorum-ratio": ["3/2"]},
              runs=10)


def test_cli_sweeps_a_setting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "four-deliberations", "--runs", "3000", "--seed", "1",
                 "--set", "party_away_share=0.4",
                 "--sweep", "party-assembly-quorum-ratio=1/2,2/3", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.startswith("four-deliberations")]
    summary = {r[1]: float(r[3]) for r in rows[:2]}
    assert set(summary) == {"1/2", "2/3"}
    assert summary["2/3"] < summary["1/2"]


def test_cli_unknown_setting_names_the_nearest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "four-deliberations", "--runs", "10", "--lang", "en",
                 "--sweep", "party-assembly-quorum-rato=1/2"]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'party-assembly-quorum-ratio'" in err
    assert "Traceback" not in err


def test_cli_set_takes_a_setting_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "four-deliberations", "--runs", "200", "--lang", "en",
                 "--set", "party-assembly-quorum-ratio=2/3"]) == 0
    assert main(["simulate", "four-deliberations", "--runs", "200", "--lang", "en",
                 "--set", "party-assembly-quorum-ratio=2"]) == 2
    assert "outside 0..1" in capsys.readouterr().err
