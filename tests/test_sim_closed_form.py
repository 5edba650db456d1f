"""Both simulation paths agree with closed-form binomial results (within 3 standard errors).

Attendance and votes are binomial, so for one meeting P(quorum) and P(adopted) have exact
sums; for one consultation with no refusals, P(everyone reached within R rounds) is a product.
The simulator's numbers come out of the procedure definition; the expected numbers here are
computed independently from the roster and the law's words (以上 ≥, 超过 >).
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import pytest
from test_sim_support import binom_pmf, convolve, one_consultation, one_meeting, within

from deliberation.simulation import SimParams, simulate

VECTOR_RUNS = 60_000
ENGINE_RUNS = 1_500


def _ceil_share(ratio: Fraction, total: int) -> int:
    """At least ratio × total (以上): the smallest integer count, by hand."""
    return math.ceil(ratio * total)


def _party_counts(params: SimParams) -> tuple[int, int]:
    roster = params.roster()
    party = [v for v in roster.villagers if v.party != "none"]
    away = sum(1 for v in party if not v.resident)
    return len(party) - away, away


@pytest.mark.parametrize("share", [0.0, 0.4, 0.5, 2 / 3])
def test_party_assembly_quorum_matches_the_binomial_sum(tmp_path: Path, share: float) -> None:
    proc = one_meeting(tmp_path, "party-member", "full-party-member",
                       '{ratio: 1/2, compare: ">=", base: expected}',
                       '{ratio: 0, compare: ">=", base: present}')
    params = SimParams(party_away_share=share, attendance=0.85, away_attendance=0.05)
    resident, away = _party_counts(params)
    needed = _ceil_share(Fraction(1, 2), resident + away)  # 半数以上 of 45: 23
    dist = convolve(binom_pmf(resident, 0.85), binom_pmf(away, 0.05))
    expected = sum(dist[needed:])
    df = simulate(proc, params, VECTOR_RUNS, seed=11)
    assert within(float(df["adopted"].mean()), expected, VECTOR_RUNS)


def test_party_assembly_quorum_engine_path_matches_too(tmp_path: Path) -> None:
    proc = one_meeting(tmp_path, "party-member", "full-party-member",
                       '{ratio: 1/2, compare: ">=", base: expected}',
                       '{ratio: 0, compare: ">=", base: present}')
    params = SimParams(party_away_share=0.5)
    resident, away = _party_counts(params)
    dist = convolve(binom_pmf(resident, params.attendance),
                    binom_pmf(away, params.away_attendance))
    expected = sum(dist[_ceil_share(Fraction(1, 2), resident + away):])
    assert 0.05 < expected < 0.95  # a test that could fail either way
    df = simulate(proc, params, ENGINE_RUNS, seed=12, path="engine")
    assert within(float(df["adopted"].mean()), expected, ENGINE_RUNS)
    assert set(df["end_rule"][~df["adopted"]]) == {"quorum"}


@pytest.mark.parametrize("path,runs", [("vectorised", VECTOR_RUNS), ("engine", ENGINE_RUNS)])
def test_away_members_left_out_of_the_expected_count(tmp_path: Path, path: str, runs: int
                                                     ) -> None:
    """With away members left out of 应到 (a category the body allows), 应到 is the resident
    members only."""
    proc = one_meeting(tmp_path, "party-member", "full-party-member",
                       '{ratio: 2/3, compare: ">=", base: expected}',
                       '{ratio: 0, compare: ">=", base: present}', exclusions="away-untransferred")
    params = SimParams(party_away_share=2 / 3, away_excused=True, attendance=0.8)
    resident, _ = _party_counts(params)
    needed = _ceil_share(Fraction(2, 3), resident)
    expected = sum(binom_pmf(resident, 0.8)[needed:])
    df = simulate(proc, params, runs, seed=13, path=path)
    assert within(float(df["adopted"].mean()), expected, runs)


def test_away_members_stay_expected_where_the_body_allows_no_exclusion(tmp_path: Path) -> None:
    """The same meeting without ``exclusions:``: away members still count in 应到, so the
    quorum is counted on every voting member (leave, 请假, is no exclusion)."""
    proc = one_meeting(tmp_path, "party-member", "full-party-member",
                       '{ratio: 2/3, compare: ">=", base: expected}',
                       '{ratio: 0, compare: ">=", base: present}')
    params = SimParams(party_away_share=2 / 3, away_excused=True, attendance=0.8)
    resident, away = _party_counts(params)
    dist = convolve(binom_pmf(resident, 0.8), binom_pmf(away, params.away_attendance))
    expected = sum(dist[_ceil_share(Fraction(2, 3), resident + away):])
    df = simulate(proc, params, VECTOR_RUNS, seed=13)
    assert within(float(df["adopted"].mean()), expected, VECTOR_RUNS)


@pytest.mark.parametrize("path,runs", [("vectorised", VECTOR_RUNS), ("engine", ENGINE_RUNS)])
def test_quorum_and_majority_of_those_present(tmp_path: Path, path: str, runs: int) -> None:
    """Representatives' meeting: ≥ 2/3 of members present, then yes > 1/2 of those present."""
    proc = one_meeting(tmp_path, "villagers-committee, representative", None,
                       '{ratio: 2/3, compare: ">=", base: members}',
                       '{ratio: 1/2, compare: ">", base: present}')
    params = SimParams(attendance=0.75, support=0.55, support_concentration=None)
    members = 5 + 28
    quorum = _ceil_share(Fraction(2, 3), members)  # 22
    expected = 0.0
    for k, pk in enumerate(binom_pmf(members, 0.75)):
        if k >= quorum:
            majority = k // 2 + 1  # 超过半数: strictly more than half
            expected += pk * sum(binom_pmf(k, 0.55)[majority:])
    assert 0.1 < expected < 0.9
    df = simulate(proc, params, runs, seed=14, path=path)
    assert within(float(df["adopted"].mean()), expected, runs)
    no_quorum = sum(binom_pmf(members, 0.75)[:quorum])
    observed = float((df["end_rule"] == "quorum").mean())
    assert within(observed, no_quorum, runs)


@pytest.mark.parametrize("proxies,path,runs", [
    (False, "vectorised", VECTOR_RUNS), (True, "vectorised", VECTOR_RUNS),
    (False, "engine", 400),
])
def test_consultation_coverage_within_the_round_cap(tmp_path: Path, proxies: bool, path: str,
                                                    runs: int) -> None:
    proc = one_consultation(tmp_path, proxies=proxies)
    params = SimParams(away_share=0.05, reach_resident=0.9, reach_away=0.25,
                       reach_away_proxy=0.5, max_consultation_rounds=12)
    roster = params.roster()
    adults = [v for v in roster.villagers if v.adult and not v.township]
    away = sum(1 for v in adults if not v.resident)
    resident = len(adults) - away
    p_away = 0.5 if proxies else 0.25

    def covered_by(rounds: int) -> float:
        return (1 - 0.1**rounds) ** resident * (1 - (1 - p_away) ** rounds) ** away

    df = simulate(proc, params, runs, seed=15, path=path)
    assert within(float(df["adopted"].mean()), covered_by(12), runs)
    # the number of rounds it took has the same distribution: P(done within 6 rounds)
    done6 = float((df["adopted"] & (df["consultation_rounds"] <= 6)).mean())
    assert within(done6, covered_by(6), runs)
    assert (df["days"] == df["consultation_rounds"] * params.consultation_round_days).all()
