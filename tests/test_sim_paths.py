"""The two paths mean the same: engine-driven cases and the vectorised sampler agree.

For each procedure and parameter set, every (outcome, stage, rule, route) share and the mean
days, reconvenings, revisions and consultation rounds of the engine path are within 3 standard
errors (of the difference) of the vectorised path's.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_sim_support import assert_paths_agree

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
    ("four-deliberations-shandong", {  # a composite quorum: 2/3 of members AND of the women
        "support_by_body": COMMITTEES, "away_share": 0.1,
        "attendance_by_body": {"representatives-meeting": 0.7},
    }),
    ("four-deliberations-step-by-step", {  # per-stage disclosure: published the same day
        "support_by_body": COMMITTEES,
    }),
    ("four-deliberations-supervised", {  # a gate: the supervision committee returns or clears
        "support_by_body": COMMITTEES, "gate_return": 0.3,
    }),
    ("land-plot-adjustment", {  # two authorities' approvals after a 2/3-of-all resolution
        "support_by_body": {**COMMITTEES, "villagers-meeting": 0.95}, "kind": "plot-adjustment",
        "attendance_by_body": {"villagers-meeting": 0.95}, "gate_return": 0.2,
        "authority_refusal": 0.1,
    }),
    ("six-deliberations-guzhuang", {  # every body, committees too, at support 0.6
        "party_away_share": 2 / 3, "away_excused": True, "objection_rate": 0.2,
        "abstention": 0.1, "support": 0.6, "committee_support": None, "stage_correlation": 0.5,
        "settings": {"party-assembly-quorum-ratio": "2/3", "one-person-both-chairs": True,
                     "consultation-unit": "household"},
        "away_share": 0.4, "reach_away": 0.4,
    }),
]


@pytest.mark.parametrize("procedure,changes", SCENARIOS)
def test_engine_and_vectorised_paths_agree(procedure: str, changes: dict[str, Any]) -> None:
    params = SimParams(**changes)
    eng = simulate(procedure, params, ENGINE_RUNS, seed=21, path="engine")
    vec = simulate(procedure, params, VECTOR_RUNS, seed=21)
    columns = ("days", "reconvenings", "revisions", "consultation_rounds", "meetings")
    assert_paths_agree(eng, vec, ENGINE_RUNS, VECTOR_RUNS, columns)


def test_paths_record_the_same_columns() -> None:
    eng = simulate("six-deliberations-guzhuang", SimParams(), 20, seed=1, path="engine")
    vec = simulate("six-deliberations-guzhuang", SimParams(), 20, seed=1)
    assert list(eng.columns) == list(vec.columns)
    assert set(eng["path"]) == {"engine"} and set(vec["path"]) == {"vectorised"}
