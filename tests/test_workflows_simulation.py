"""The simulator on the new workflows: tasks, ratings and escalation sampled generically, the
engine path (real cases) agreeing with the vectorised sampler, and the CLI on a new procedure."""

from __future__ import annotations

from typing import Any

import pytest
from test_sim_support import assert_paths_agree

from deliberation.cli import main
from deliberation.simulation import SimParams, simulate

ENGINE_RUNS = 1200
VECTOR_RUNS = 40_000

SCENARIOS: list[tuple[str, dict[str, Any]]] = [
    # escalation village → town → district on unsolved or late tasks; ratings that send the
    # call back to coordination
    ("town-calls-linzi", {"task_accept": 0.85, "task_solve": 0.6, "task_on_time": 0.7,
                          "satisfaction": 0.6, "ratings": 4}),
    # reassignment on declines (capped), a working-day deadline, the resident's rating
    ("six-orders-duannangou", {"task_accept": 0.6, "task_solve": 0.97, "task_on_time": 0.8,
                               "satisfaction": 0.9, "ratings": 1}),
    # meetings, a capped revision loop, a working-day deadline and capped ratings; talk days
    # add the wait for a lunar day to the days
    ("talk-days", {"support": 0.55, "satisfaction": 0.5, "ratings": 3, "task_on_time": 0.8}),
]


@pytest.mark.parametrize("procedure,changes", SCENARIOS)
def test_engine_and_vectorised_paths_agree_on_tasks_and_escalation(
        procedure: str, changes: dict[str, Any]) -> None:
    params = SimParams(**changes)
    # One seed is one draw of a test of some twenty shares and means at 3 standard errors, with
    # a floor that one engine run in a rare ending (expected 0.05 times in 1200) already fails:
    # over seeds 1-12, two of the 36 checks fail by chance, before and after tasks lapsed at
    # their deadline. Seed 5, used until then, draws such a run since; seed 1 does not.
    eng = simulate(procedure, params, ENGINE_RUNS, seed=1, path="engine")
    vec = simulate(procedure, params, VECTOR_RUNS, seed=1)
    assert_paths_agree(eng, vec, ENGINE_RUNS, VECTOR_RUNS, ("days", "revisions", "reconvenings"))


def test_escalation_reaches_the_top_only_when_every_level_fails() -> None:
    # every task unresolved: the platform raises it to the town, the town to the district, and
    # the district (the top) fails — at coordination, after two escalations
    for path, runs in (("vectorised", 200), ("engine", 20)):
        df = simulate("town-calls-linzi", SimParams(task_accept=1.0, task_solve=0.0), runs,
                      seed=2, path=path)
        assert set(df["outcome"]) == {"unresolved"}
        assert set(df["end_route"]) == {"unresolved"}
        assert set(df["end_stage"]) == {"coordination"}
        assert set(df["revisions"]) == {0}  # an escalation is not a revision
    # solved at once: no case fails
    ok = simulate("town-calls-linzi", SimParams(task_accept=1.0, task_solve=1.0,
                                                task_on_time=1.0, satisfaction=1.0), 200, seed=2)
    assert set(ok["outcome"]) == {"resolved"}


def test_declines_are_capped_by_max_rounds() -> None:
    df = simulate("six-orders-duannangou", SimParams(task_accept=0.0), 300, seed=3)
    # the first task (dispatch) is declined and reconvened until the simulator's cap; with
    # declines everywhere nothing is served
    assert "served" not in set(df["outcome"])


def test_lunar_schedule_waits_are_counted_in_days() -> None:
    talk = simulate("talk-days", SimParams(), 2000, seed=4)["days"].mean()
    party = simulate("party-member-proposal-lijin", SimParams(), 2000, seed=4)["days"].mean()
    assert talk > party  # the same loop, plus waiting for a talk day


def test_cli_simulates_a_new_procedure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "six-orders-duannangou", "--runs", "500", "--seed", "1",
                 "--lang", "en"]) == 0  # English: the console shows the outcomes' ids
    assert "served" in capsys.readouterr().out
