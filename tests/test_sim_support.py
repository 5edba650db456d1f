"""Shared helpers for the simulation tests (no tests here)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from deliberation import load_procedure
from deliberation.definition.model import Procedure

_TEMPLATE = """\
format: 1
id: {id}
version: "1"
locality: test
name: {{zh-Hans: 测试, zh-Hant: 測試, en: test}}
basis:
  b: {{tag: open, title: {{zh-Hans: 测试, zh-Hant: 測試, en: test}}}}
bodies:
{bodies}
stages:
{stages}
outcomes:
  adopted: {{kind: success, name: {{zh-Hans: 通过, zh-Hant: 通過, en: adopted}}}}
  failed: {{kind: failure, name: {{zh-Hans: 失败, zh-Hant: 失敗, en: failed}}}}
  lapsed: {{kind: lapsed, name: {{zh-Hans: 失效, zh-Hant: 失效, en: lapsed}}}}
"""

NAME = "{zh-Hans: 名, zh-Hant: 名, en: name}"


def one_meeting(tmp_path: Path, members: str, voters: str | None, quorum: str,
                approval: str, name: str = "one-meeting", exclusions: str = "") -> Procedure:
    """A procedure of one meeting whose every failure ends the case as ``failed``
    (``exclusions``: the categories its body may leave out of 应到, e.g. ``away-untransferred``).
    """
    voters_line = f"\n    voters: [{voters}]" if voters else ""
    if exclusions:
        voters_line += f"\n    exclusions: [{exclusions}]"
    bodies = f"""\
  body:
    name: {NAME}
    members: [{members}]{voters_line}
    basis: [b]
    rules:
      - rule: quorum
        params: {quorum}
        basis: [b]
      - rule: approval
        params: {approval}
        basis: [b]"""
    stages = f"""\
  - id: meeting
    name: {NAME}
    action: meeting
    body: body
    basis: [b]
    on: {{no_quorum: failed, rejected: failed}}"""
    path = tmp_path / f"{name}.yaml"
    path.write_text(_TEMPLATE.format(id=name, bodies=bodies, stages=stages), encoding="utf-8")
    return load_procedure(str(path))


def one_consultation(tmp_path: Path, unit: str = "villager", proxies: bool = False,
                     name: str = "one-consultation") -> Procedure:
    """A procedure of one consultation of every adult villager (100%, signed)."""
    bodies = f"""\
  villagers:
    name: {NAME}
    members: [adult]
    basis: [b]"""
    stages = f"""\
  - id: consultation
    name: {NAME}
    action: consultation
    body: villagers
    basis: [b]
    rules:
      - rule: consultation-coverage
        params: {{unit: {unit}, ratio: 1, compare: ">=", signed_only: true,
                  proxies: {str(proxies).lower()}}}
        basis: [b]"""
    path = tmp_path / f"{name}.yaml"
    path.write_text(_TEMPLATE.format(id=name, bodies=bodies, stages=stages), encoding="utf-8")
    return load_procedure(str(path))


def binom_pmf(n: int, p: float) -> list[float]:
    return [math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]


def convolve(a: list[float], b: list[float]) -> list[float]:
    out = [0.0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] += x * y
    return out


def within(observed: float, expected: float, n: int, k: float = 3.0) -> bool:
    """``observed`` (a share of ``n`` runs) is within ``k`` standard errors of ``expected``."""
    se = math.sqrt(max(expected * (1 - expected), 1e-12) / n)
    return abs(observed - expected) <= k * se + 1e-12


def assert_paths_agree(eng: Any, vec: Any, engine_runs: int, vector_runs: int,
                       columns: tuple[str, ...]) -> None:
    """The engine path's and the vectorised path's tables describe one distribution.

    Each way a run can end (outcome, stage, rule, route) has the same share within 3 standard
    errors of a pooled two-sample test, and each column in ``columns`` the same mean.
    """
    keys = ["outcome", "end_stage", "end_rule", "end_route"]
    a = eng.groupby(keys, observed=True).size() / len(eng)
    b = vec.groupby(keys, observed=True).size() / len(vec)
    both = a.index.union(b.index)
    a, b = a.reindex(both, fill_value=0.0), b.reindex(both, fill_value=0.0)
    assert len(both) >= 3, "a scenario with several ways to end"
    for key in both:
        p = (a[key] * engine_runs + b[key] * vector_runs) / (engine_runs + vector_runs)
        se = math.sqrt(max(p * (1 - p), 1.0 / vector_runs) * (1 / engine_runs + 1 / vector_runs))
        assert abs(a[key] - b[key]) <= 3 * se, (key, a[key], b[key])
    for col in columns:
        # Under "same distribution" both have the vectorised path's (well estimated) variance.
        se = math.sqrt(vec[col].var() * (1 / engine_runs + 1 / vector_runs))
        assert abs(eng[col].mean() - vec[col].mean()) <= 3 * se + 1e-9, col
