"""Strategic abstention: opponents stay away when a participation quorum exists."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from test_sim_support import binom_pmf, one_meeting, within

from deliberation.simulation import SimParams, SimulationError, simulate

ROOT = Path(__file__).resolve().parent.parent


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "strategic_abstention", ROOT / "examples" / "strategic_abstention.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path,runs", [("vectorised", 60_000), ("engine", 2_000)])
def test_only_supporters_come_so_the_quorum_is_a_binomial_of_supporters(
        tmp_path: Path, path: str, runs: int) -> None:
    # a Party assembly needing ≥ 1/2 of 45 present, and approving whatever those present say
    proc = one_meeting(tmp_path, "party-member", "full-party-member",
                       '{ratio: 1/2, compare: ">=", base: expected}',
                       '{ratio: 0, compare: ">=", base: present}')
    params = SimParams(support=0.65, support_concentration=None, strategic_abstention=1.0)
    # every opponent stays away: a member comes with attendance × support
    expected = sum(binom_pmf(45, 0.85 * 0.65)[23:])
    sincere = sum(binom_pmf(45, 0.85)[23:])
    assert 0.2 < expected < 0.8 < sincere
    df = simulate(proc, params, runs, seed=4, path=path)
    assert within(float(df["adopted"].mean()), expected, runs, k=4.0)


def test_a_share_of_opponents(tmp_path: Path) -> None:
    proc = one_meeting(tmp_path, "party-member", "full-party-member",
                       '{ratio: 1/2, compare: ">=", base: expected}',
                       '{ratio: 0, compare: ">=", base: present}')
    params = SimParams(support=0.65, support_concentration=None, strategic_abstention=0.5)
    come = 0.85 * (0.65 + 0.35 * 0.5)
    expected = sum(binom_pmf(45, come)[23:])
    df = simulate(proc, params, 60_000, seed=5)
    assert within(float(df["adopted"].mean()), expected, 60_000, k=4.0)


def test_with_opponents_away_every_vote_held_approves(tmp_path: Path) -> None:
    proc = one_meeting(tmp_path, "party-member", "full-party-member",
                       '{ratio: 0, compare: ">=", base: expected}',
                       '{ratio: 1/2, compare: ">", base: present}')
    sincere = simulate(proc, SimParams(), 5_000, seed=1)
    strategic = simulate(proc, SimParams(strategic_abstention=1.0), 5_000, seed=1)
    # those present are then supporters only: every meeting that is held approves
    assert strategic["adopted"].mean() > 0.99 > sincere["adopted"].mean()


def test_a_household_quorum_is_refused_clearly() -> None:
    with pytest.raises(SimulationError, match="household quorum"):
        simulate("four-deliberations", SimParams(
            strategic_abstention=0.5, settings={"resolution-body": "villagers-meeting"}), 10)


def test_the_example_shows_the_quorum_paradox() -> None:
    example = _example()
    table = example.study(runs=4_000, seed=3)
    flipped = {(q, s) for q, s in example.flips(table)[["quorum", "assembly_support"]]
               .itertuples(index=False)}
    # the higher quorum flips the answer at 60% support; the default quorum never does
    assert ("2/3", 0.6) in flipped
    assert not any(q == "1/2" for q, _ in flipped)
    strategic = table.loc[table["strategic"] == 1.0, "turnout"]
    sincere = table.loc[table["strategic"] == 0.0, "turnout"]
    assert strategic.max() < sincere.min()  # opponents staying away lower the turnout
