"""Global sensitivity (SALib): which behavioural assumption moves P(adopted) and the days."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_sim_support import one_meeting

from deliberation.simulation import SimParams, SimulationError
from deliberation.simulation.sensitivity import plot_sensitivity, sensitivity

BOUNDS = {"attendance": (0.3, 0.9), "support": (0.5, 0.8), "abstention": (0.0, 0.2)}


def _quorum_only(tmp_path: Path) -> object:
    # the quorum decides (≥ 1/2 of the 45 members present), the vote never does
    return one_meeting(tmp_path, "party-member", "full-party-member",
                       '{ratio: 1/2, compare: ">=", base: expected}',
                       '{ratio: 0, compare: ">=", base: present}')


def test_morris_finds_the_one_parameter_that_matters(tmp_path: Path) -> None:
    res = sensitivity(_quorum_only(tmp_path), SimParams(), BOUNDS,  # type: ignore[arg-type]
                      samples=6, runs=2_000, seed=3)
    p = res.loc[res["output"] == "p_adopted"].set_index("parameter")
    assert res.attrs["points"] == 6 * (len(BOUNDS) + 1)
    # support and abstention never change who attends: on common random numbers their
    # elementary effects are exactly nothing
    assert p.loc["support", "mu_star"] == 0.0 and p.loc["abstention", "mu_star"] == 0.0
    assert p.loc["attendance", "mu_star"] > 0.1


def test_sobol_indices_too(tmp_path: Path) -> None:
    res = sensitivity(_quorum_only(tmp_path), SimParams(), BOUNDS,  # type: ignore[arg-type]
                      method="sobol", samples=16, runs=500, seed=3)
    p = res.loc[res["output"] == "p_adopted"].set_index("parameter")
    assert res.attrs["points"] == 16 * (len(BOUNDS) + 2)
    assert p.loc["attendance", "ST"] > 0.5 and p.loc["attendance", "S1"] > 0.5
    assert p.loc["support", "ST"] == pytest.approx(0.0, abs=1e-12)
    # one meeting always takes the same days: no variance, so no indices (not a made-up 0)
    assert res.loc[res["output"] == "mean_days", "ST"].isna().all()
    out = plot_sensitivity(res, tmp_path / "s.svg")
    assert "Sobol'" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("bounds,message", [
    ({"households": (1.0, 2.0)}, "not a behavioural parameter"),
    ({"suport": (0.1, 0.2)}, "not a behavioural parameter"),
    ({"support": (0.8, 0.5)}, "low < high"),
])
def test_bad_ranges_are_clear_errors(bounds: dict[str, tuple[float, float]],
                                     message: str) -> None:
    with pytest.raises(SimulationError, match=message):
        sensitivity("four-deliberations", bounds=bounds, samples=2, runs=10)


def test_the_figure(tmp_path: Path) -> None:
    res = sensitivity("four-deliberations", bounds=BOUNDS, samples=3, runs=300, seed=1)
    out = plot_sensitivity(res, tmp_path / "m.svg", lang="en")
    text = out.read_text(encoding="utf-8")
    assert "P(adopted)" in text and "mean days to decision" in text
