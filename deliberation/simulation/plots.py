"""Figures for researchers (matplotlib, Agg backend: no display needed), saved as PNG or SVG.

Every figure of a sweep shows every swept dimension — one on the x axis, the others as facets
(small multiples) — so nothing is averaged over silently: a parameter or setting that varies in
the table and is not named becomes a facet too. P(adopted) is drawn with its 95% Wilson interval.
Labels are in ``lang``; Chinese needs a CJK font (WenQuanYi Micro Hei, Noto Sans CJK, Source
Han Sans…): without one the figure falls back to English labels (never boxes for glyphs) and
says so with a warning.

>>> import tempfile, pathlib
>>> from deliberation.simulation import sweep
>>> df = sweep("four-deliberations", grid={"party_away_share": [0.0, 0.5]}, runs=200)
>>> with tempfile.TemporaryDirectory() as d:
...     p = plot_adoption(df, "party_away_share", pathlib.Path(d) / "p.svg")
...     p.stat().st_size > 0
True
"""

from __future__ import annotations

import contextlib
import itertools
import math
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from deliberation.i18n import Text, _
from deliberation.simulation.params import SETTING_PREFIX, SimParams
from deliberation.simulation.summary import summarise
from deliberation.simulation.words import Names, parameter_label

if TYPE_CHECKING:
    import pandas as pd

    from deliberation.definition.model import Procedure

WORDS: Final[dict[str, Text]] = {
    "p_adopted": _("P(adopted), 95% Wilson interval"),
    "days_adopted": _("days to adoption (adopted runs only)"),
    "days_all": _("days to decision (all runs, any outcome)"),
    "runs": _("runs"),
    "share": _("share of all runs"),
    "where": _("where it ended: stage / rule"),
}
# Fonts with CJK glyphs, in order of preference (fonts-wqy-microhei is what CI installs).
CJK_FONTS: Final = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK TC",
                    "Source Han Sans SC", "Source Han Sans TC", "Microsoft YaHei", "SimHei",
                    "PingFang SC", "Heiti TC")
_CJK_FILES: Final = ("wqy", "notosanscjk", "notoserifcjk", "sourcehan", "msyh", "simhei")
# Parameter columns that never vary between points in a meaningful way for a figure.
_NOT_DIMENSIONS: Final = ("settings",)


def label(name: str, lang: str) -> str:
    """A parameter's (or setting's) axis label in ``lang`` (:func:`.words.parameter_label`).

    >>> label("party_away_share", "en"), label("settings.resolution-body", "en")
    ('share of Party members away', 'setting resolution-body')
    """
    return parameter_label(name, lang)


def cjk_font() -> str | None:
    """The first installed font of :data:`CJK_FONTS`, or None.

    Matplotlib's font list is cached on disk and misses fonts installed after it was built,
    so when none is listed the system's CJK font files are added to it first."""
    from matplotlib import font_manager

    manager = font_manager.fontManager

    def first() -> str | None:
        installed = {f.name for f in manager.ttflist}
        return next((f for f in CJK_FONTS if f in installed), None)

    found = first()
    if found is None:
        for path in font_manager.findSystemFonts():
            if any(k in Path(path).name.lower() for k in _CJK_FILES):
                with contextlib.suppress(OSError, RuntimeError, ValueError):
                    manager.addfont(path)
        found = first()
    return found


@contextlib.contextmanager
def _style(lang: str) -> Iterator[str]:
    """Matplotlib settings for one figure in ``lang``; yields the language actually used."""
    import matplotlib

    matplotlib.use("Agg")  # files only; never a window
    # (Any: matplotlib types its keys as a Literal of every rcParam name)
    rc: Any = {"svg.hashsalt": "deliberation", "axes.unicode_minus": False}
    used = lang
    if lang != "en":
        font = cjk_font()
        if font is None:
            warnings.warn("no CJK font installed (e.g. fonts-wqy-microhei): figure labels "
                          "fall back to English", stacklevel=3)
            used = "en"
        else:
            rc["font.sans-serif"] = [font, "DejaVu Sans"]
            rc["font.family"] = "sans-serif"
    with matplotlib.rc_context(rc):
        yield used


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


def dimensions(df: pd.DataFrame, named: Sequence[str] = ()) -> list[str]:
    """``named`` first, then every other parameter or setting column that takes more than one
    value in ``df``: the dimensions a figure must show (procedure is drawn as lines).

    >>> from deliberation.simulation import sweep
    >>> df = sweep("four-deliberations", grid={"support": [0.6, 0.7], "attendance": [0.8, 0.9]},
    ...            runs=50)
    >>> dimensions(df, ["support"])
    ['support', 'attendance']
    """
    fields = [f.name for f in attrs.fields(SimParams) if f.name not in _NOT_DIMENSIONS]
    columns = [*fields, *(c for c in df.columns if str(c).startswith(SETTING_PREFIX))]
    # a setting only some procedures have is empty for the others: not a dimension by itself
    varying = [c for c in columns
               if c in df.columns and c not in named and df[c].nunique() > 1]
    return [*named, *varying]


def _numeric(values: Sequence[Any]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def plot_sweep(df: pd.DataFrame, swept: Sequence[str], path: str | Path, lang: str = "en",
               title: str | None = None, procedures: Sequence[Procedure] = ()) -> Path:
    """P(adopted) with Wilson intervals against ``swept[0]``, one line per procedure, one
    panel per combination of the other dimensions (``swept[1:]`` and any other parameter that
    varies in ``df``). Outside English the procedures and values are named (``procedures``,
    else the built-in library's), never shown by id."""
    import matplotlib.pyplot as plt

    dims = dimensions(df, swept)
    if not dims:
        raise ValueError("nothing varies in the table: plot days or failures instead")
    x, facets = dims[0], dims[1:]
    s = summarise(df, by=("procedure", *dims))
    panels = list(itertools.product(*(sorted(s[f].dropna().unique().tolist()) for f in facets)))
    ncols = min(3, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    xs = sorted(s[x].dropna().unique().tolist())
    numeric = _numeric(xs)
    with _style(lang) as used:
        names = Names(procedures, used, _ids(df))
        fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols + 1.0, 3.4 * nrows + 0.6),
                                 sharey=True, squeeze=False)
        for i, panel in enumerate(panels):
            ax = axes[i // ncols][i % ncols]
            cell = s
            for f, v in zip(facets, panel, strict=True):
                # a procedure without a swept setting belongs in every panel of it
                cell = cell.loc[(cell[f] == v) | cell[f].isna()]
            for proc, g in cell.groupby("procedure", observed=True):
                flat = g.loc[g[x].isna()]
                g = g.loc[g[x].notna()].sort_values(x)
                if len(g):
                    pos = g[x].astype(float) if numeric else [xs.index(v) for v in g[x]]
                    # (clipped: at p = 0 or 1 rounding can leave a bound a hair inside)
                    err = [(g["p_adopted"] - g["ci_low"]).clip(lower=0),
                           (g["ci_high"] - g["p_adopted"]).clip(lower=0)]
                    ax.errorbar(pos, g["p_adopted"], yerr=err, marker="o", capsize=3,
                                label=_legend(names, proc))
                for _unused, row in flat.iterrows():
                    # the procedure has no such setting: the same at every x, with its band
                    ax.axhline(row["p_adopted"], linestyle="--", color="grey",
                               label=_legend(names, proc))
                    ax.axhspan(row["ci_low"], row["ci_high"], color="grey", alpha=0.15)
            if not numeric:
                ax.set_xticks(range(len(xs)), [_value(names, x, v) for v in xs])
            ax.set_ylim(-0.02, 1.02)
            ax.grid(alpha=0.3)
            ax.set_xlabel(label(x, used))
            if facets:
                ax.set_title("\n".join(f"{label(f, used)} = {_value(names, f, v)}"
                                       for f, v in zip(facets, panel, strict=True)),
                             fontsize=9)
        for j in range(len(panels), nrows * ncols):
            axes[j // ncols][j % ncols].set_visible(False)
        for row in axes:
            row[0].set_ylabel(WORDS["p_adopted"].get(used))
        axes[0][0].legend(fontsize=8)
        if title:
            fig.suptitle(title)
        return _save(fig, path)


def _ids(df: pd.DataFrame) -> list[str]:
    return [str(p) for p in df["procedure"].unique()]


def _legend(names: Names, pid: object) -> str:
    return str(pid) if names.lang == "en" else names.procedure(str(pid))


def _value(names: Names, column: str, value: object) -> str:
    """A swept value on an axis or in a facet's title (a number as is; words in ``lang``)."""
    if names.lang == "en":
        return str(value)
    return names.value("", column, value)


def plot_adoption(df: pd.DataFrame, parameter: str, path: str | Path,
                  title: str | None = None, lang: str = "en",
                  procedures: Sequence[Procedure] = ()) -> Path:
    """P(adopted) with its 95% Wilson interval against ``parameter``, one line per procedure;
    any other dimension that varies in ``df`` is a facet (see :func:`plot_sweep`)."""
    return plot_sweep(df, [parameter], path, lang, title, procedures)


def plot_days(df: pd.DataFrame, path: str | Path, adopted_only: bool = True,
              lang: str = "en", procedures: Sequence[Procedure] = ()) -> Path:
    """The distribution of days, one histogram per procedure: to adoption among adopted runs
    (``adopted_only``), or to decision (any outcome) over all runs — the label says which."""
    import matplotlib.pyplot as plt

    data = df.loc[df["adopted"]] if adopted_only else df
    with _style(lang) as used:
        names = Names(procedures, used)
        fig, ax = plt.subplots(figsize=(7.0, 4.5))
        for proc, g in data.groupby("procedure", observed=True):
            ax.hist(g["days"], bins=40, alpha=0.5, label=_legend(names, proc))
        ax.set_xlabel(WORDS["days_adopted" if adopted_only else "days_all"].get(used))
        ax.set_ylabel(WORDS["runs"].get(used))
        ax.legend()
        return _save(fig, path)


def plot_failures(df: pd.DataFrame, path: str | Path, lang: str = "en",
                  procedures: Sequence[Procedure] = ()) -> Path:
    """Where cases that were not adopted ended: share of runs by stage and rule (by name
    outside English)."""
    import matplotlib.pyplot as plt
    import pandas as pd

    failed = df.loc[~df["adopted"]]
    with _style(lang) as used:
        names = Names(procedures, used)
        if used == "en":
            where = failed["end_stage"].astype(str) + " / " + failed["end_rule"].astype(str)
        else:
            where = pd.Series([
                f"{names.stage(p, s)} / {names.rule(p, s, r)}"
                for p, s, r in zip(failed["procedure"].astype(str),
                                   failed["end_stage"].astype(str),
                                   failed["end_rule"].astype(str), strict=True)
            ], index=failed.index, dtype=object)
        table = pd.crosstab(where, failed["procedure"].astype(str))
        totals = df.groupby(df["procedure"].astype(str)).size()
        shares = (table / totals).rename(columns=lambda pid: _legend(names, pid))
        shares.columns.name = label("procedure", used)  # the legend's title
        fig, ax = plt.subplots(figsize=(8.0, max(3.0, 0.45 * len(shares) + 1.5)))
        shares.plot.barh(ax=ax)
        ax.set_xlabel(WORDS["share"].get(used))
        ax.set_ylabel(WORDS["where"].get(used))
        return _save(fig, path)
