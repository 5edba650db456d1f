"""The compiled plan, the village model, summaries, files and the command line."""

from __future__ import annotations

import doctest
import importlib
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

from deliberation import load_procedure
from deliberation.cli import main
from deliberation.rules.thresholds import Threshold, threshold_of
from deliberation.simulation import SimParams, compile_plan, failures, simulate, summarise, wilson
from deliberation.simulation.io import read_table, write_table

SIX = load_procedure("six-deliberations-guzhuang")
FOUR = load_procedure("four-deliberations")


def test_plan_walks_every_stage_and_skips_merged_ones() -> None:
    plan = compile_plan(SIX, SimParams())
    assert [s.id for s in plan.stages] == [s.id for s in SIX.stages]
    merged = compile_plan(SIX, SimParams(settings={"one-person-both-chairs": True}))
    assert "discussion" not in [s.id for s in merged.stages]
    # review's rejection goes back to discussion, merged away: it lands on review itself
    assert merged.stage("review").target(2) == "review"


@pytest.mark.parametrize("ratio,compare,expected", [
    ("1/2", ">=", 23), ("1/2", ">", 23), ("2/3", ">=", 30), ("2/3", ">", 31),
])
def test_quorum_needed_is_the_engines_exact_integer(ratio: str, compare: str,
                                                    expected: int) -> None:
    params = SimParams(settings={"party-assembly-quorum-ratio": ratio,
                                 "party-assembly-quorum-compare": compare})
    alt = compile_plan(FOUR, params).stage("review").quorum[0][0]
    num, den = ratio.split("/")
    spec = {"ratio": Fraction(int(num), int(den)), "compare": compare, "base": "expected"}
    assert alt.needed == threshold_of(spec).needed(45) == expected


def test_approval_table_matches_threshold_needed_for_every_total() -> None:
    plan = compile_plan(FOUR, SimParams(settings={"resolution-body": "villagers-meeting"}))
    ap = plan.stage("resolution").approval[0]
    assert isinstance(ap.threshold, Threshold)
    assert all(ap.needed_for(n) == ap.threshold.needed(n) for n in range(len(ap.table)))
    assert ap.needed_for(10) == 6 and ap.needed_for(11) == 6  # 超过半数


def test_villagers_meeting_quorum_has_the_household_alternative() -> None:
    plan = compile_plan(FOUR, SimParams(settings={"resolution-body": "villagers-meeting"}))
    alts = plan.stage("resolution").quorum[0]
    assert [(a.count, a.needed, a.total) for a in alts] == [
        ("present_adults", 340, 678), ("present_households", 244, 365),
    ]


def test_away_shares_count_the_whole_group_but_spare_representatives() -> None:
    roster = SimParams(party_away_share=2 / 3, away_share=0.5).roster()
    party = [v for v in roster.villagers if v.party != "none"]
    assert sum(not v.resident for v in party) == 30
    assert all(v.resident for v in roster.villagers if v.representative or v.committees)
    ordinary = [v for v in roster.villagers if v.adult and v.party == "none" and not v.township]
    assert sum(not v.resident for v in ordinary) == round(len(ordinary) * 0.5)


def test_unknown_settings_are_refused() -> None:
    from deliberation.simulation import SimulationError

    with pytest.raises(SimulationError):
        compile_plan(FOUR, SimParams(settings={"no-such-setting": 1}))


def test_wilson_interval() -> None:
    p, lo, hi = wilson(0, 10)
    assert p == 0 and lo == 0 and hi == pytest.approx(0.2775, abs=1e-4)
    p, lo, hi = wilson(50, 100)
    assert lo == pytest.approx(0.4038, abs=1e-4) and hi == pytest.approx(0.5962, abs=1e-4)


def test_summary_and_failures_add_up() -> None:
    df = simulate("four-deliberations", SimParams(party_away_share=0.5), runs=5_000, seed=1)
    s = summarise(df)
    assert s["runs"].tolist() == [5_000]
    f = failures(df)
    assert f["runs"].sum() == 5_000 - int(s["adopted"].iloc[0])
    assert f["share"].sum() == pytest.approx(1 - s["p_adopted"].iloc[0])
    assert (f["end_rule"] != "").all()


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_tables_round_trip(tmp_path: Path, suffix: str) -> None:
    df = simulate("four-deliberations", runs=300, seed=1)
    back = read_table(write_table(df, tmp_path / f"runs{suffix}"))
    assert len(back) == 300
    assert back["days"].tolist() == df["days"].tolist()
    assert back["outcome"].astype(str).tolist() == df["outcome"].astype(str).tolist()
    with pytest.raises(ValueError, match="csv"):
        write_table(df, tmp_path / "runs.xlsx")


def test_cli_simulate_writes_runs_and_figures(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out, plot = tmp_path / "runs.csv", tmp_path / "p.svg"
    code = main(["simulate", "four-deliberations", "--runs", "2000", "--seed", "3",
                 "--sweep", "party_away_share=0,1/2", "--out", str(out), "--plot", str(plot),
                 "--lang", "en"])
    assert code == 0
    text = capsys.readouterr().out
    assert "P(adopted)" in text and "review" in text
    df = pd.read_csv(out)
    assert len(df) == 4_000 and sorted(df["party_away_share"].unique()) == [0.0, 0.5]
    assert plot.read_text().startswith("<?xml")
    assert (tmp_path / "p-failures.svg").exists()


def test_cli_compare(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["compare", "four-deliberations", "six-deliberations-guzhuang", "--runs", "500",
                 "--set", "away_share=0.3", "--setting", "consultation-proxies=true",
                 "--lang", "en"])  # English: the console shows the ids (Chinese: the names)
    assert code == 0
    out = capsys.readouterr().out
    assert "four-deliberations" in out and "six-deliberations-guzhuang" in out


@pytest.mark.parametrize("argv,needle", [
    (["simulate", "four-deliberations", "--set", "nosuch=1"], "nosuch"),
    (["simulate", "four-deliberations", "--set", "support=abc"], "support"),
    (["simulate", "four-deliberations", "--set", "support=2"], "probability"),
    (["simulate", "four-deliberations", "--out", "x.xlsx"], "--out"),
    (["simulate", "four-deliberations", "--runs", "0"], "--runs"),
    (["simulate", "no-such-procedure"], "no-such-procedure"),
    (["simulate", "four-deliberations", "--setting", "bogus=1", "--runs", "10"], "bogus"),
])
def test_cli_bad_input_is_a_message_not_a_traceback(
        argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_import_deliberation_stays_light() -> None:
    code = ("import sys, deliberation, deliberation.simulation; "
            "print(any(m in sys.modules for m in ('numpy', 'pandas', 'matplotlib', 'dask')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("module", [
    "params", "model", "vectorised", "engine_path", "parallel", "api", "summary", "io", "plots",
])
def test_docstring_examples_run(module: str) -> None:
    mod = importlib.import_module(f"deliberation.simulation.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_example_script_answers_its_question_end_to_end(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    figure = tmp_path / "fig.png"
    out = subprocess.run(
        [sys.executable, str(root / "examples" / "party_assembly_away.py"), "--runs", "400",
         "--figure", str(figure)],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )
    assert figure.stat().st_size > 10_000
    assert "p_quorum_one_meeting" in out.stdout and "proxies" in out.stdout


def test_cli_refuses_an_unwritable_output_before_simulating(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert main(["simulate", "four-deliberations", "--runs", "100", "--lang", "en",
                 "--out", str(blocker / "runs.csv")]) == 2
    captured = capsys.readouterr()
    assert "cannot write" in captured.err and "P(adopted)" not in captured.out
