"""The two paths mean the same: engine-driven cases and the vectorised sampler agree.

For each procedure and parameter set, every (outcome, stage, rule, route) share and the mean
days, reconvenings, revisions and consultation rounds of the engine path are within 3 standard
errors (of the difference) of the vectorised path's.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from deliberation.simulation import SimParams, simulate

ENGINE_RUNS = 700
VECTOR_RUNS = 60_000
COMMITTEES = {"branch-committee": 0.9, "two-committees": 0.85}

SCENARIOS: list[tuple[str, dict[str, Any]]] = [
    ("four-deliberations", {"support_by_body": COMMITTEES}),
    ("six-deliberations-guzhuang", {
        "support_by_body": COMMITTEES, "party_away_share": 0.5, "away_share": 0.2,
        "refuse_sign": 0.0005, "proxies": True, "reach_away_proxy": 0.6,
    }),
    ("four-deliberations", {  # the villagers' meeting: quorum of adults OR of households
        "support_by_body": COMMITTEES, "away_share": 0.3,
        "attendance_by_body": {"villagers-meeting": 0.5},
        "settings": {"resolution-body": "villagers-meeting"},
    }),
    ("six-deliberations-guzhuang", {
        "party_away_share": 2 / 3, "away_excused": True, "objection_rate": 0.2,
        "abstention": 0.1, "support": 0.6, "stage_correlation": 0.5,
        "settings": {"party-assembly-quorum-ratio": "2/3", "one-person-both-chairs": True,
                     "consultation-unit": "household"},
        "away_share": 0.4, "reach_away": 0.4,
    }),
]


def _shares(df: pd.DataFrame) -> pd.Series:
    keys = ["outcome", "end_stage", "end_rule", "end_route"]
    return df.groupby(keys, observed=True).size() / len(df)


@pytest.mark.parametrize("procedure,changes", SCENARIOS)
def test_engine_and_vectorised_paths_agree(procedure: str, changes: dict[str, Any]) -> None:
    params = SimParams(**changes)
    eng = simulate(procedure, params, ENGINE_RUNS, seed=21, path="engine")
    vec = simulate(procedure, params, VECTOR_RUNS, seed=21)
    a, b = _shares(eng), _shares(vec)
    both = a.index.union(b.index)
    a, b = a.reindex(both, fill_value=0.0), b.reindex(both, fill_value=0.0)
    assert len(both) >= 3, "a scenario with several ways to end"
    for key in both:
        p = (a[key] * ENGINE_RUNS + b[key] * VECTOR_RUNS) / (ENGINE_RUNS + VECTOR_RUNS)
        se = math.sqrt(max(p * (1 - p), 1.0 / VECTOR_RUNS) * (1 / ENGINE_RUNS + 1 / VECTOR_RUNS))
        assert abs(a[key] - b[key]) <= 3 * se, (key, a[key], b[key])
    for col in ("days", "reconvenings", "revisions", "consultation_rounds", "meetings"):
        # Under "same distribution" both have the vectorised path's (well estimated) variance.
        se = math.sqrt(vec[col].var() * (1 / ENGINE_RUNS + 1 / VECTOR_RUNS))
        assert abs(eng[col].mean() - vec[col].mean()) <= 3 * se + 1e-9, col


def test_paths_record_the_same_columns() -> None:
    eng = simulate("six-deliberations-guzhuang", SimParams(), 20, seed=1, path="engine")
    vec = simulate("six-deliberations-guzhuang", SimParams(), 20, seed=1)
    assert list(eng.columns) == list(vec.columns)
    assert set(eng["path"]) == {"engine"} and set(vec["path"]) == {"vectorised"}
