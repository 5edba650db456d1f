"""Figures for researchers (matplotlib, Agg backend: no display needed), saved as PNG or SVG.

>>> import tempfile, pathlib
>>> from deliberation.simulation import sweep
>>> df = sweep("four-deliberations", grid={"party_away_share": [0.0, 0.5]}, runs=200)
>>> with tempfile.TemporaryDirectory() as d:
...     p = plot_adoption(df, "party_away_share", pathlib.Path(d) / "p.svg")
...     p.stat().st_size > 0
True
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

from deliberation.simulation.summary import summarise

# Axis labels in English: the Agg backend's bundled font has no CJK glyphs.
LABELS = {
    "party_away_share": "share of Party members away",
    "away_share": "share of adult villagers away",
    "support": "mean support",
    "attendance": "attendance of resident members",
    "refuse_sign": "chance a villager refuses to sign",
}


def _figure(width: float = 7.0, height: float = 4.5) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")  # files only; never a window
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height))


def _save(fig: Any, path: str | Path) -> Path:
    import matplotlib.pyplot as plt

    out = Path(path)
    if out.suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"{path}: save figures as .png or .svg")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out, dpi=150, metadata={"Date": None} if out.suffix.lower() == ".svg" else None)
    plt.close(fig)
    return out


def plot_adoption(df: pd.DataFrame, parameter: str, path: str | Path,
                  title: str | None = None) -> Path:
    """P(adopted) with its 95% Wilson interval against ``parameter``, one line per procedure."""
    s = summarise(df, by=("procedure", parameter))
    fig, ax = _figure()
    for proc, g in s.groupby("procedure", observed=True):
        g = g.sort_values(parameter)
        ax.plot(g[parameter], g["p_adopted"], marker="o", label=str(proc))
        ax.fill_between(g[parameter], g["ci_low"], g["ci_high"], alpha=0.2)
    ax.set_xlabel(LABELS.get(parameter, parameter))
    ax.set_ylabel("P(adopted)")
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    return _save(fig, path)


def plot_days(df: pd.DataFrame, path: str | Path, adopted_only: bool = True) -> Path:
    """The distribution of days to decision, one histogram per procedure."""
    fig, ax = _figure()
    data = df.loc[df["adopted"]] if adopted_only else df
    for proc, g in data.groupby("procedure", observed=True):
        ax.hist(g["days"], bins=40, alpha=0.5, label=str(proc))
    ax.set_xlabel("days to decision" + (" (adopted cases)" if adopted_only else ""))
    ax.set_ylabel("runs")
    ax.legend()
    return _save(fig, path)


def plot_failures(df: pd.DataFrame, path: str | Path) -> Path:
    """Where cases that were not adopted ended: share of runs by stage and rule."""
    import pandas as pd

    failed = df.loc[~df["adopted"]]
    label = failed["end_stage"].astype(str) + " / " + failed["end_rule"].astype(str)
    table = pd.crosstab(label, failed["procedure"].astype(str))
    totals = df.groupby(df["procedure"].astype(str)).size()
    shares = table / totals
    fig, ax = _figure(8.0, max(3.0, 0.45 * len(shares) + 1.5))
    shares.plot.barh(ax=ax)
    ax.set_xlabel("share of all runs")
    ax.set_ylabel("stage / rule where it ended")
    return _save(fig, path)
