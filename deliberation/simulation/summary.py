"""Summaries of a results table: P(adopted) with a Wilson interval, days, failures by stage.

>>> wilson(50, 100)[1:]  # doctest: +ELLIPSIS
(0.40..., 0.59...)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

QUANTILES = (0.1, 0.5, 0.9)


def wilson(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float, float]:
    """The share and its Wilson score interval (95% by default): ``(p, low, high)``.

    Wilson rather than the normal approximation: it stays inside [0, 1] and behaves at p near
    0 or 1, which is where feasibility questions live.
    """
    if n <= 0:
        return (math.nan, 0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (p, max(0.0, centre - half), min(1.0, centre + half))


def summarise(df: pd.DataFrame, by: Sequence[str] = ("procedure",)) -> pd.DataFrame:
    """One row per group: runs, P(adopted) with its interval, days to decision (quantiles over
    every run and median over adopted ones), mean reconvenings, revisions, consultation rounds.

    >>> from deliberation.simulation import simulate
    >>> s = summarise(simulate("four-deliberations", runs=500, seed=1))
    >>> list(s.columns[:4])
    ['procedure', 'runs', 'adopted', 'p_adopted']
    """
    import pandas as pd

    rows = []
    keys = list(by)
    # dropna=False: a setting only one compared procedure has leaves the other's cells empty,
    # and those runs must stay in the summary, not vanish from it
    for group, g in df.groupby(keys, observed=True, sort=True, dropna=False):
        values = group if isinstance(group, tuple) else (group,)
        n = len(g)
        k = int(g["adopted"].sum())
        p, lo, hi = wilson(k, n)
        row = dict(zip(keys, values, strict=True))
        row.update(runs=n, adopted=k, p_adopted=p, ci_low=lo, ci_high=hi)
        for q in QUANTILES:
            row[f"days_q{int(q * 100)}"] = float(g["days"].quantile(q))
        adopted = g.loc[g["adopted"], "days"]
        row["days_adopted_median"] = float(adopted.median()) if len(adopted) else math.nan
        for col in ("reconvenings", "revisions", "consultation_rounds", "meetings"):
            row[f"mean_{col}"] = float(g[col].mean())
        rows.append(row)
    return pd.DataFrame(rows)


def failures(df: pd.DataFrame, by: Sequence[str] = ("procedure",)) -> pd.DataFrame:
    """Where runs that were not adopted ended: counts and shares (of all runs in the group) by
    outcome, stage, rule and route.

    >>> from deliberation.simulation import simulate
    >>> f = failures(simulate("four-deliberations", runs=500, seed=1))
    >>> list(f.columns)
    ['procedure', 'outcome', 'end_stage', 'end_rule', 'end_route', 'runs', 'share']
    """
    keys = list(by)
    totals = df.groupby(keys, observed=True, dropna=False).size().rename("total")
    failed = df.loc[~df["adopted"]]
    cols = [*keys, "outcome", "end_stage", "end_rule", "end_route"]
    out = failed.groupby(cols, observed=True, dropna=False).size().rename("runs").reset_index()
    out = out.join(totals, on=keys)
    out["share"] = out["runs"] / out["total"]
    out = out.drop(columns="total")
    for col in ("outcome", "end_stage", "end_rule", "end_route"):
        out[col] = out[col].astype(str)
    return out.sort_values([*keys, "runs"], ascending=[True] * len(keys) + [False],
                           ignore_index=True)
