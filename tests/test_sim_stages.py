"""The per-stage table: one row per stage visit, on both paths, for studying one meeting."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from test_sim_support import binom_pmf, within

from deliberation import load_procedure
from deliberation.cli import main
from deliberation.simulation import SimParams, simulate, simulate_stages, sweep_stages

P_REPS = 0.6
PARAMS = SimParams(attendance_by_body={"representatives-meeting": P_REPS}, support=0.8)


def _exact_quorum(params: SimParams) -> float:
    """P(at least 2/3 of the representatives' meeting's members attend), by hand (以上: ≥)."""
    roster = params.roster()
    n = sum(1 for v in roster.villagers
            if v.representative or "villagers-committee" in v.committees)
    needed = math.ceil(2 * n / 3)
    return sum(binom_pmf(n, P_REPS)[needed:])


@pytest.mark.parametrize("path,runs", [("vectorised", 40_000), ("engine", 1_000)])
def test_one_meetings_rows_reproduce_its_exact_binomial_quorum(path: str, runs: int) -> None:
    _, visits = simulate_stages("four-deliberations", PARAMS, runs, seed=7, path=path)
    held = visits.loc[visits["stage"] == "resolution"]
    assert len(held) > runs // 4
    expected = _exact_quorum(PARAMS)
    assert 0.1 < expected < 0.9
    observed = float(held["quorum_met"].astype(bool).mean())
    # every meeting's attendance is a fresh binomial draw, so the rows are i.i.d. trials
    assert within(observed, expected, len(held), k=4.0), (observed, expected, len(held))
    # a meeting without its quorum holds no vote and never passes
    no_quorum = held.loc[~held["quorum_met"].astype(bool)]
    assert no_quorum["yes"].isna().all() and not no_quorum["passed"].any()
    assert (held["electorate"] == held["electorate"].iloc[0]).all()


def test_the_runs_are_the_same_with_or_without_the_table() -> None:
    runs, visits = simulate_stages("six-deliberations-guzhuang", PARAMS, 5_000, seed=3)
    pd.testing.assert_frame_equal(runs, simulate("six-deliberations-guzhuang", PARAMS, 5_000,
                                                 seed=3))
    # each run's rows: steps 1, 2, … in order, its last day its days to decision
    by_run = visits.groupby("run")
    assert (by_run["step"].max() == by_run.size()).all()
    last = visits.loc[by_run["step"].idxmax()].set_index("run")["day"]
    assert (last.sort_index().to_numpy() == runs["days"].to_numpy()).all()


def test_reconvened_meetings_are_numbered_within_the_visit() -> None:
    params = SimParams(attendance_by_body={"representatives-meeting": 0.4}, support=0.9)
    _, visits = simulate_stages("four-deliberations", params, 3_000, seed=2)
    held = visits.loc[visits["stage"] == "resolution"]
    cap = load_procedure("four-deliberations").stage("resolution").max_rounds
    assert cap is not None and cap <= params.max_reconvenings
    assert held["meeting"].max() == cap
    # the cap-th failed meeting takes the max_rounds route, earlier ones reconvene
    routes = held.loc[~held["passed"]].groupby("meeting")["route"].agg(
        lambda r: set(r.astype(str)))
    assert routes[1] == routes[2] == {"no_quorum"} and routes[cap] == {"max_rounds"}
    assert (held["visit"] == 1).all()
    # consultation-free 四议: rounds are empty for every row
    assert visits["rounds"].isna().all()


def test_sweep_stages_numbers_runs_per_point_and_writes_parquet(tmp_path: Path) -> None:
    runs, visits = sweep_stages(["four-deliberations", "six-deliberations-guzhuang"],
                                grid={"household_away_share": [0.0, 0.3]}, runs=400, seed=1,
                                chunk_size=150)
    assert len(runs) == 1_600 and sorted(visits["point"].unique()) == [0, 1, 2, 3]
    assert visits.groupby("point")["run"].max().tolist() == [399] * 4
    consulted = visits.loc[visits["stage"] == "consultation", "rounds"]
    assert consulted.notna().all() and (consulted >= 1).all()
    path = tmp_path / "visits.parquet"
    visits.to_parquet(path)
    back = pd.read_parquet(path)
    assert back["present"].dtype == "Int64" and len(back) == len(visits)


def test_cli_writes_the_per_stage_table(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "stages.csv"
    assert main(["simulate", "four-deliberations", "--runs", "300", "--stages-out", str(out),
                 "--lang", "en"]) == 0
    table = pd.read_csv(out)
    assert {"stage", "meeting", "present", "quorum_met"} <= set(table.columns)
    assert table["run"].nunique() == 300
    assert main(["simulate", "four-deliberations", "--runs", "10", "--stages-out",
                 str(tmp_path / "x.txt")]) == 2
