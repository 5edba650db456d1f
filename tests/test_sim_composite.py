"""A composite quorum in the simulator: both paths agree with the closed form.

One meeting of the representatives' meeting (villagers' committee + representatives) whose
quorum is ≥ 2/3 of its members AND ≥ 2/3 of its women members; every other failure ends the
case. Women and men attend independently with probability p, so
P(quorum) = Σ_w Σ_m Bin(W, p)(w) Bin(M, p)(m) [w + m ≥ ⌈2/3 (W + M)⌉, w ≥ ⌈2/3 W⌉] — the
expected figure computed here from the roster, not from the simulator.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import pytest
from test_sim_support import _TEMPLATE, NAME, binom_pmf, within

from deliberation import load_procedure
from deliberation.definition.model import Procedure
from deliberation.simulation import SimParams, simulate

BODY = f"""\
  body:
    name: {NAME}
    members: [villagers-committee, representative]
    basis: [b]
    rules:
      - rule: %s
        id: quorum
        params:
          rules:
            - rule: quorum
              id: members-present
              params: {{ratio: 2/3, compare: ">=", base: members}}
            - rule: quorum
              id: women-present
              params: {{ratio: 2/3, compare: ">=", base: members, among: woman}}
        basis: [b]
      - rule: approval
        params: {{ratio: 0, compare: ">=", base: present}}
        basis: [b]"""
STAGES = f"""\
  - id: meeting
    name: {NAME}
    action: meeting
    body: body
    basis: [b]
    on: {{no_quorum: failed, rejected: failed}}"""


def procedure(tmp_path: Path, mode: str) -> Procedure:
    path = tmp_path / f"composite-{mode}.yaml"
    path.write_text(_TEMPLATE.format(id=f"composite-{mode}", bodies=BODY % mode,
                                     stages=STAGES), encoding="utf-8")
    return load_procedure(str(path))


def closed_form(params: SimParams, p: float, mode: str) -> float:
    roster = params.roster()
    body = roster.select(("villagers-committee", "representative"))
    women = sum(1 for v in body if v.sex == "female")
    men = len(body) - women
    need_all = math.ceil(Fraction(2, 3) * len(body))
    need_women = math.ceil(Fraction(2, 3) * women)
    join = all if mode == "all-of" else any
    return sum(pw * pm for w, pw in enumerate(binom_pmf(women, p))
               for m, pm in enumerate(binom_pmf(men, p))
               if join((w + m >= need_all, w >= need_women)))


@pytest.mark.parametrize("mode", ["all-of", "any-of"])
@pytest.mark.parametrize("path,runs", [("vectorised", 60_000), ("engine", 1_500)])
def test_composite_quorum_matches_the_binomial_sum(tmp_path: Path, mode: str, path: str,
                                                   runs: int) -> None:
    params = SimParams(attendance=0.7, representatives=22)
    expected = closed_form(params, 0.7, mode)
    assert 0.05 < expected < 0.95  # a test that could fail either way
    df = simulate(procedure(tmp_path, mode), params, runs, seed=13, path=path)
    assert within(float(df["adopted"].mean()), expected, runs)
