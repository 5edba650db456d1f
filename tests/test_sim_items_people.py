"""Items voted one by one, required observers and signatures by role, in the simulator.

Each is derived from the definition and from what the rule declares (its requirements:
``observers@<selector>``, ``signed@<office>``), on both paths, and checked here against a closed
form computed from the roster and the parameters — not from the simulator:

* items: given n voters present (Binomial(N, p)), item i is adopted when Binomial(n, s_i)
  reaches its own threshold; ``all`` needs every item, ``any`` one;
* observers: a meeting is held when at least ``min`` of the k people the selector picks come
  (each with ``observer_attendance``), else held again ``reconvene_days`` later, at most
  ``max_reconvenings`` times, then the case lapses with the observers rule named;
* signatures by role: the office-holder comes with ``office_signs`` (and then counts towards
  the quorum, as every member present); without him the minutes are refused and the meeting is
  held again.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from test_sim_support import (
    _TEMPLATE,
    NAME,
    assert_paths_agree,
    binom_pmf,
    within,
)

from deliberation import load_procedure
from deliberation.definition.model import Procedure
from deliberation.simulation import SimParams, SimulationError, simulate
from deliberation.simulation.params import with_offices

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "procedures"
PATHS = [("vectorised", 60_000), ("engine", 1_500)]


def _procedure(tmp_path: Path, name: str, members: str, quorum: str, stage_extra: str = ""
               ) -> Procedure:
    """One meeting of a body of ``members``; every failure ends the case as ``failed``."""
    bodies = f"""\
  body:
    name: {NAME}
    members: [{members}]
    basis: [b]
    rules:
      - rule: quorum
        params: {quorum}
        basis: [b]
      - rule: approval
        params: {{ratio: 1/2, compare: ">", base: present}}
        basis: [b]"""
    stages = f"""\
  - id: meeting
    name: {NAME}
    action: meeting
    body: body
    basis: [b]
{stage_extra}
    on: {{no_quorum: failed, rejected: failed}}"""
    path = tmp_path / f"{name}.yaml"
    path.write_text(_TEMPLATE.format(id=name, bodies=bodies, stages=stages), encoding="utf-8")
    return load_procedure(str(path))


ANYONE = '{ratio: 0, compare: ">=", base: members}'


def _p_at_least(n: int, p: float, k: int) -> float:
    return sum(binom_pmf(n, p)[k:]) if k <= n else 0.0


# -- items voted one by one -------------------------------------------------------------------

ITEMS = """\
    items:
      - id: road
        name: {zh-Hans: 路, zh-Hant: 路, en: road}
      - id: lights
        name: {zh-Hans: 灯, zh-Hant: 燈, en: lights}
        approval:
          rule: approval
          id: lights-approval
          params: {ratio: 2/3, compare: ">=", base: present}
    item_policy: %s"""


def _items_closed_form(n_members: int, p: float, s_road: float, s_lights: float,
                       policy: str) -> float:
    """P(the stage passes): sum over those present of the items' chances, each by its rule
    (road: yes > 1/2 of those present; lights: yes ≥ 2/3 of them), independent given n."""
    total = 0.0
    for n, pn in enumerate(binom_pmf(n_members, p)):
        road = _p_at_least(n, s_road, n // 2 + 1)
        lights = _p_at_least(n, s_lights, math.ceil(Fraction(2, 3) * n))
        both = road * lights
        total += pn * (both if policy == "all" else road + lights - both)
    return total


@pytest.mark.parametrize("policy", ["all", "any"])
@pytest.mark.parametrize("path,runs", PATHS)
def test_items_match_the_binomial_sum(tmp_path: Path, policy: str, path: str,
                                      runs: int) -> None:
    proc = _procedure(tmp_path, f"items-{policy}", "representative", ANYONE,
                      ITEMS % policy)
    params = SimParams(representatives=20, attendance=0.7, support=0.6,
                       support_concentration=None, support_by_item={"lights": 0.7})
    expected = _items_closed_form(20, 0.7, 0.6, 0.7, policy)
    assert 0.05 < expected < 0.95
    df = simulate(proc, params, runs, seed=5, path=path)
    assert within(float(df["adopted"].mean()), expected, runs)
    failed = df[~df["adopted"]]
    # the rule named is the first failed vote of the first item not adopted
    assert set(failed["end_rule"]) <= {"approval", "lights-approval"}
    if policy == "any":  # rejected only when neither passed: the road's vote comes first
        assert set(failed["end_rule"]) == {"approval"}


def test_an_unknown_item_support_is_refused_with_a_hint(tmp_path: Path) -> None:
    proc = _procedure(tmp_path, "items-hint", "representative", ANYONE, ITEMS % "all")
    with pytest.raises(SimulationError) as err:
        simulate(proc, SimParams(support_by_item={"light": 0.5}), 10, seed=1)
    assert "'lights'" in err.value.message.get("en")


# -- required observers -----------------------------------------------------------------------

OBSERVERS = """\
    rules:
      - rule: observers
        id: supervisors
        params: {of: supervision-committee, min: 2}
        basis: [b]"""


@pytest.mark.parametrize("path,runs", PATHS)
def test_observers_hold_the_meeting_again_then_lapse(tmp_path: Path, path: str,
                                                     runs: int) -> None:
    proc = _procedure(tmp_path, "observers", "representative", ANYONE, OBSERVERS)
    params = SimParams(observer_attendance=0.6, support=1.0, support_concentration=None,
                       max_reconvenings=1, supervision_committee=3)
    q = _p_at_least(3, 0.6, 2)  # at least 2 of the 3 supervisors come: 0.648
    expected = 1 - (1 - q) ** 2  # two tries
    df = simulate(proc, params, runs, seed=7, path=path)
    assert within(float(df["adopted"].mean()), expected, runs)
    lapsed = df[df["outcome"] == "lapsed"]
    assert set(lapsed["end_rule"]) == {"supervisors"} and set(lapsed["meetings"]) == {0}
    # days: the notice gap, and the reconvening gap when the first try was refused
    mean_days = 7 + 7 * (1 - q)
    sd = 7 * math.sqrt(q * (1 - q))
    assert abs(float(df["days"].mean()) - mean_days) <= 3 * sd / math.sqrt(runs)


# -- signatures by role -----------------------------------------------------------------------

SIGNED = """\
    rules:
      - rule: signed-by
        id: chair-signs
        params: {offices: [committee-chair]}
        basis: [b]"""


@pytest.mark.parametrize("path,runs", PATHS)
def test_the_chair_must_come_and_sign_and_counts_towards_the_quorum(tmp_path: Path, path: str,
                                                                    runs: int) -> None:
    proc = _procedure(tmp_path, "signed", "villagers-committee, representative",
                      '{ratio: 2/3, compare: ">=", base: members}', SIGNED)
    params = SimParams(attendance=0.7, office_signs=0.6, support=1.0,
                       support_concentration=None, max_reconvenings=1, representatives=16)
    roster = params.roster()
    body = roster.select(("villagers-committee", "representative"))
    assert [v.id for v in body if "committee-chair" in v.offices]  # the chair is a member
    need = math.ceil(Fraction(2, 3) * len(body))
    held = 1 - (1 - 0.6) ** 2  # the chair comes at one of the two tries
    expected = held * _p_at_least(len(body) - 1, 0.7, need - 1)  # the others with the chair
    assert 0.05 < expected < 0.95
    df = simulate(proc, params, runs, seed=9, path=path)
    assert within(float(df["adopted"].mean()), expected, runs)
    ends = df.groupby("end_rule", observed=True).size() / runs
    assert within(float(ends.get("chair-signs", 0.0)), 0.4**2, runs)


@pytest.mark.parametrize("path", ["vectorised", "engine"])
def test_an_office_nobody_holds_stalls_every_run_with_the_rule(tmp_path: Path, path: str) -> None:
    extra = SIGNED.replace("committee-chair", "accountant")  # the generated village has none
    proc = _procedure(tmp_path, "no-accountant", "representative", ANYONE, extra)
    df = simulate(proc, SimParams(), 50, seed=1, path=path)
    assert set(df["outcome"]) == {"lapsed"} and set(df["end_rule"]) == {"chair-signs"}


def test_the_generated_village_names_three_office_holders_and_a_file_keeps_its_own() -> None:
    roster = SimParams().roster()
    heads = {o: [v.id for v in roster.villagers if o in v.offices]
             for o in ("party-secretary", "committee-chair", "supervision-chair", "accountant")}
    assert heads["party-secretary"] == [roster.select(("party-committee",))[0].id]
    assert heads["committee-chair"] == [roster.select(("villagers-committee",))[0].id]
    assert heads["supervision-chair"] == [roster.select(("supervision-committee",))[0].id]
    assert heads["accountant"] == []
    assert with_offices(roster) is roster  # a roster naming office-holders is left as it is


# -- both paths agree on whole procedures ---------------------------------------------------

EXTENSION = """\
format: 1
id: four-deliberations-signed
extends: four-deliberations
version: "1"
locality: test
name: {zh-Hans: 测试, zh-Hant: 測試, en: test}
stages:
  - update: review
    add_rules:
      - rule: signed-by
        id: secretary-signs
        params: {offices: [party-secretary]}
        basis: [local-practice]
  - update: resolution
    add_rules:
      - rule: signed-by
        id: chair-signs
        params: {offices: [committee-chair]}
        basis: [local-practice]
      - rule: observers
        id: supervisors-observe
        params: {of: supervision-committee, min: 2}
        basis: [local-practice]
"""
COMMITTEES = {"branch-committee": 0.9, "two-committees": 0.85}
ENGINE_RUNS = 700
VECTOR_RUNS = 60_000


@pytest.mark.parametrize("which,changes", [
    ("items", {"support_by_body": COMMITTEES, "observer_attendance": 0.2,
               "support_by_item": {"lights": 0.55}}),
    ("signed", {"support_by_body": COMMITTEES, "office_signs": 0.5,
                "observer_attendance": 0.5}),
])
def test_engine_and_vectorised_paths_agree(tmp_path: Path, which: str,
                                           changes: dict[str, Any]) -> None:
    if which == "items":
        proc = load_procedure(str(EXAMPLES / "four-deliberations-items.yaml"))
    else:
        path = tmp_path / "signed.yaml"
        path.write_text(EXTENSION, encoding="utf-8")
        proc = load_procedure(str(path))
    params = SimParams(**changes)
    eng = simulate(proc, params, ENGINE_RUNS, seed=21, path="engine")
    vec = simulate(proc, params, VECTOR_RUNS, seed=21)
    rules = set(vec["end_rule"])
    assert ({"supervision-observers"} if which == "items"
            else {"secretary-signs", "chair-signs", "supervisors-observe"}) <= rules
    assert_paths_agree(eng, vec, ENGINE_RUNS, VECTOR_RUNS,
                       ("days", "reconvenings", "revisions", "meetings"))


def test_a_composite_mixing_who_comes_with_other_conditions_is_refused(tmp_path: Path) -> None:
    extra = """\
    rules:
      - rule: all-of
        id: mixed
        params:
          rules:
            - rule: observers
              params: {of: supervision-committee, min: 1}
            - rule: signatures
              params: {of: participants}
        basis: [b]"""
    proc = _procedure(tmp_path, "mixed", "representative", ANYONE, extra)
    with pytest.raises(SimulationError) as err:
        simulate(proc, SimParams(), 10, seed=1)
    assert "'mixed'" in err.value.message.get("en")
    any_of = extra.replace("all-of", "any-of").replace(
        "- rule: signatures\n              params: {of: participants}",
        "- rule: observers\n              id: township\n"
        "              params: {of: township-official, min: 1}")
    proc = _procedure(tmp_path, "either", "representative", ANYONE, any_of)
    # either one supervisor or the township official observes: P(held) = 1 - 0.5^3 · 0.5
    params = SimParams(observer_attendance=0.5, support=1.0, support_concentration=None,
                       max_reconvenings=0)
    for path, runs in PATHS:
        df = simulate(proc, params, runs, seed=2, path=path)
        assert within(float(df["adopted"].mean()), 1 - 0.5**4, runs), path
