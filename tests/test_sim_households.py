"""Whole households away, and a real roster file instead of generated counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_sim_support import one_consultation, within

from deliberation.cli import main
from deliberation.simulation import SimParams, simulate, simulate_stages
from deliberation.simulation.params import apply_away

R_RESIDENT, R_AWAY, ROUNDS = 0.6, 0.5, 10
PARAMS = SimParams(household_away_share=0.3, reach_resident=R_RESIDENT, reach_away=R_AWAY,
                   max_consultation_rounds=ROUNDS, proxies=False)


def _households(params: SimParams) -> tuple[int, int]:
    """(households, wholly away) among the adult villagers, counted on the roster by hand."""
    homes: dict[str, bool] = {}
    for v in params.roster().villagers:
        if v.adult and not v.township:
            homes[v.household] = homes.get(v.household, False) or v.resident
    return len(homes), sum(1 for resident in homes.values() if not resident)


def _closed_form(params: SimParams) -> float:
    h, away = _households(params)
    m = away / h
    reached = (1 - (1 - R_RESIDENT) ** ROUNDS) ** (h * (1 - m))
    return float(reached * (1 - (1 - R_AWAY) ** ROUNDS) ** (h * m))


def test_the_generated_roster_has_wholly_away_households() -> None:
    h, away = _households(PARAMS)
    assert (h, away) == (365, round(365 * 0.3))
    # the representatives and committee members stay: their households are not taken
    roster = PARAMS.roster()
    assert all(v.resident for v in roster.villagers if v.representative or v.committees)
    # no household share: nobody away, as before
    assert _households(SimParams())[1] == 0


def test_person_shares_count_those_already_away() -> None:
    base = SimParams().roster()
    both = apply_away(base, 0.3, 0.0, household_away_share=0.3)
    adults = [v for v in both.villagers if v.adult and not v.township and v.party == "none"]
    away = sum(1 for v in adults if not v.resident)
    assert away == round(len(adults) * 0.3)  # the household share already covers most


@pytest.mark.parametrize("path,runs", [("vectorised", 60_000), ("engine", 1_500)])
def test_household_consultation_matches_the_closed_form(tmp_path: Path, path: str,
                                                        runs: int) -> None:
    proc = one_consultation(tmp_path, unit="household")
    expected = _closed_form(PARAMS)
    assert 0.2 < expected < 0.95  # a test that can fail either way
    df = simulate(proc, PARAMS, runs, seed=21, path=path)
    within_rounds = float((df["adopted"] & (df["consultation_rounds"] <= ROUNDS)).mean())
    assert within(within_rounds, expected, runs, k=4.0), (within_rounds, expected)
    # and migration matters: with every household resident the consultation nearly always
    # succeeds
    assert expected < (1 - (1 - R_RESIDENT) ** ROUNDS) ** 365


@pytest.mark.parametrize("path,runs", [("vectorised", 40_000), ("engine", 800)])
def test_six_deliberations_household_consultation_matches_the_closed_form(path: str,
                                                                         runs: int) -> None:
    """The real 六议 (consultation by household, no proxies): the per-stage rows of its
    consultation — every time a run reaches it — close within 10 rounds as the formula says."""
    params = PARAMS.with_(settings={"consultation-unit": "household"}, support=0.8)
    _, visits = simulate_stages("six-deliberations-guzhuang", params, runs, seed=8, path=path)
    held = visits.loc[visits["stage"] == "consultation"]
    assert len(held) > runs // 3
    assert (held["rounds"] <= ROUNDS).all()
    expected = _closed_form(params)
    assert within(float(held["passed"].mean()), expected, len(held), k=4.0), (
        float(held["passed"].mean()), expected, len(held))


ROSTER_CSV = """\
id,household,adult,party,representative,committees,resident
v1,h1,true,full,true,party-committee,true
v2,h1,true,none,false,,true
v3,h2,true,none,true,villagers-committee,true
v4,h2,false,none,false,,true
v5,h3,true,full,false,,false
v6,h3,true,none,false,,false
v7,h4,true,none,false,,true
v8,h5,true,none,false,,false
"""


def test_a_roster_file_is_the_village(tmp_path: Path) -> None:
    path = tmp_path / "village.csv"
    path.write_text(ROSTER_CSV, encoding="utf-8")
    proc = one_consultation(tmp_path, unit="household")
    params = PARAMS.with_(roster_file=str(path), household_away_share=0.0)
    df = simulate(proc, params, 40_000, seed=2)
    # h3 and h5 are wholly away in the file; h1, h2, h4 resident
    expected = (1 - 0.4**10) ** 3 * (1 - 0.5**10) ** 2
    assert within(float(df["adopted"].mean()), expected, 40_000, k=4.0)
    assert df["households"].isna().all()  # the generator's counts were not used
    assert set(df["roster_file"].astype(str)) == {str(path)}


def test_cli_roster_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "village.csv"
    good.write_text(ROSTER_CSV, encoding="utf-8")
    proc = one_consultation(tmp_path, unit="household")
    assert main(["simulate", str(proc.source), "--runs", "500", "--roster", str(good),
                 "--lang", "en"]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(ROSTER_CSV.replace("v8,h5,true", "v8,h5,maybe").replace(
        "v7,h4,true,none", "v7,h4,true,nobody"), encoding="utf-8")
    assert main(["simulate", str(proc.source), "--runs", "500", "--roster", str(bad),
                 "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "bad.csv:8" in err and "bad.csv:9" in err  # every problem, with its line
    assert "Traceback" not in err
