"""Which assumption matters: global sensitivity of P(adopted) and days to decision.

The behavioural parameters of :class:`SimParams` are assumptions; this module says which of them
move the answers, over ranges a researcher finds plausible, all at once rather than one at a
time. The design and the indices come from SALib (a maintained implementation of Morris
elementary effects and Sobol' indices, with bootstrap confidence intervals): every design point
is a scenario simulated with ``runs`` runs on the same seed (common random numbers, so the
differences between points are the parameters' effects, not sampling noise).

* ``method="morris"`` (default): ``samples`` trajectories of k + 1 points; per parameter
  ``mu_star`` (mean absolute elementary effect: how much it matters), its 95% interval and
  ``sigma`` (spread: interactions or non-linearity). Cheap screening.
* ``method="sobol"``: Saltelli's design of ``samples`` × (k + 2) points; ``S1`` (first-order
  share of the output's variance) and ``ST`` (total, with interactions), with intervals.

Outputs: ``p_adopted`` and ``mean_days`` (mean days to decision over all runs, any outcome).

>>> res = sensitivity("four-deliberations", bounds={"support": (0.5, 0.8),
...                   "abstention": (0.0, 0.1)}, samples=4, runs=300, seed=1)
>>> sorted(res["parameter"].unique()), sorted(res["output"].unique())
(['abstention', 'support'], ['mean_days', 'p_adopted'])
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from deliberation.i18n import Text, _
from deliberation.simulation.api import (
    ProcedureRef,
    _frame,
    _known_somewhere,
    _path_and_chunk,
    _proc,
)
from deliberation.simulation.model import SimulationError
from deliberation.simulation.parallel import RunOptions, Task, execute, make_tasks
from deliberation.simulation.params import SimParams

if TYPE_CHECKING:
    import pandas as pd
    from typing_extensions import Unpack

# Plausible ranges of the behavioural parameters (the default study's; pass your own).
BEHAVIOUR: Final[Mapping[str, tuple[float, float]]] = {
    "attendance": (0.6, 0.95),
    "away_attendance": (0.0, 0.3),
    "support": (0.5, 0.8),
    "stage_correlation": (0.3, 1.0),
    "abstention": (0.0, 0.2),
    "revision_gain": (0.0, 0.3),
    "reach_resident": (0.6, 1.0),
    "reach_away": (0.1, 0.6),
    "refuse_sign": (0.0, 0.002),
    "strategic_abstention": (0.0, 1.0),
}
METHODS: Final = ("morris", "sobol")
OUTPUTS: Final = ("p_adopted", "mean_days")
OUTPUT_LABELS: Final[dict[str, Text]] = {
    "p_adopted": _("P(adopted)"),
    "mean_days": _("mean days to decision (all runs)"),
}
# The indices' axis and legend labels: the methods' own notation in English, words in Chinese.
INDEX_LABELS: Final[dict[str, Text]] = {
    "mu_star": _("Morris μ*"),
    "sobol": _("Sobol'"),
    "ST": _("ST"),
    "S1": _("S1"),
}


def _salib(name: str) -> Any:
    # SALib ships no type information; it is used through Any on purpose.
    return importlib.import_module(f"SALib.{name}")


def _problem(bounds: Mapping[str, tuple[float, float]]) -> dict[str, Any]:
    fields = {f.name: f for f in attrs.fields(SimParams)}
    for name, (lo, hi) in bounds.items():
        if name not in fields or not isinstance(fields[name].default, float):
            raise SimulationError(_(
                "{name!r} is not a behavioural parameter to analyse (a float field)",
            ).format(name=name))
        if not lo < hi:
            raise SimulationError(_(
                "{name}: the range must have low < high, not {lo}…{hi}",
            ).format(name=name, lo=lo, hi=hi))
    return {"num_vars": len(bounds), "names": list(bounds),
            "bounds": [[float(lo), float(hi)] for lo, hi in bounds.values()]}


def sensitivity(
    procedure: ProcedureRef,
    params: SimParams | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    *,
    method: str = "morris",
    samples: int = 20,
    runs: int = 2_000,
    seed: int = 0,
    **options: Unpack[RunOptions],
) -> pd.DataFrame:
    """Sensitivity indices of P(adopted) and mean days to decision to the parameters of
    ``bounds`` (default :data:`BEHAVIOUR`), the rest as in ``params``.

    One row per (output, parameter): Morris ``mu_star``, ``mu_star_conf``, ``sigma``, ``mu``;
    Sobol' ``S1``, ``S1_conf``, ``ST``, ``ST_conf``. ``attrs["points"]`` of the result: the
    number of scenarios simulated (× ``runs`` runs each). ``options``: how the runs are carried
    out (:class:`~deliberation.simulation.parallel.RunOptions`).
    """
    import numpy as np
    import pandas as pd

    if method not in METHODS:
        raise SimulationError(_("unknown method {m!r}; choose morris or sobol").format(m=method))
    if samples < 2:
        raise SimulationError(_("samples must be at least 2"))
    params = SimParams() if params is None else params
    path, size = _path_and_chunk(runs, options)
    proc = _proc(procedure)
    _known_somewhere([proc], params)
    problem = _problem(dict(bounds or BEHAVIOUR))
    names: list[str] = problem["names"]
    if method == "morris":
        design = _salib("sample.morris").sample(problem, samples, num_levels=4, seed=seed)
    else:
        design = _salib("sample.sobol").sample(problem, samples, calc_second_order=False,
                                               seed=seed)
    points = {i: params.with_(**dict(zip(names, map(float, row), strict=True)))
              for i, row in enumerate(design)}
    tasks: list[Task] = []
    for i, point in points.items():
        # the same seed at every point: common random numbers
        tasks += make_tasks(proc, point, runs, seed, size, path, tag=i)
    results = execute(tasks, **options)
    df = _frame(tasks, results, dict.fromkeys(points, proc), points)
    by_point = df.groupby("point")
    outputs = {"p_adopted": by_point["adopted"].mean().to_numpy(dtype=float),
               "mean_days": by_point["days"].mean().to_numpy(dtype=float)}
    rows = []
    for output, y in outputs.items():
        if method == "sobol" and np.ptp(y) == 0:
            # no variance to share out: the indices are undefined, and say so
            rows += [{"output": output, "parameter": name, "low": problem["bounds"][j][0],
                      "high": problem["bounds"][j][1], "S1": math.nan, "S1_conf": math.nan,
                      "ST": math.nan, "ST_conf": math.nan} for j, name in enumerate(names)]
            continue
        if method == "morris":
            si = _salib("analyze.morris").analyze(problem, design, y, num_levels=4, seed=seed)
            keys = ("mu_star", "mu_star_conf", "sigma", "mu")
        else:
            si = _salib("analyze.sobol").analyze(problem, y, calc_second_order=False,
                                                 seed=seed)
            keys = ("S1", "S1_conf", "ST", "ST_conf")
        for j, name in enumerate(names):
            rows.append({"output": output, "parameter": name,
                         "low": problem["bounds"][j][0], "high": problem["bounds"][j][1],
                         **{k: float(np.asarray(si[k])[j]) for k in keys}})
    out = pd.DataFrame(rows)
    out.attrs["points"] = len(points)
    out.attrs["method"] = method
    return out


def plot_sensitivity(result: pd.DataFrame, path: str | Path, lang: str = "en") -> Path:
    """One panel per output: each parameter's index (Morris ``mu_star`` or Sobol' ``ST`` with
    ``S1``) as bars with their 95% intervals, largest first."""
    import matplotlib.pyplot as plt

    from deliberation.simulation.plots import _save, _style, label

    morris = "mu_star" in result.columns
    outputs = list(dict.fromkeys(result["output"]))
    with _style(lang) as used:
        height = 0.42 * result["parameter"].nunique() + 1.6
        fig, axes = plt.subplots(1, len(outputs), figsize=(6.8 * len(outputs), height),
                                 squeeze=False)
        for ax, output in zip(axes[0], outputs, strict=True):
            part = result.loc[result["output"] == output]
            part = part.sort_values("mu_star" if morris else "ST")
            names = [label(p, used) for p in part["parameter"]]
            if morris:
                ax.barh(names, part["mu_star"], xerr=part["mu_star_conf"], capsize=3,
                        color="tab:blue")
                ax.set_xlabel(INDEX_LABELS["mu_star"].get(used))
            else:
                ax.barh(names, part["ST"], xerr=part["ST_conf"], capsize=3, alpha=0.5,
                        label=INDEX_LABELS["ST"].get(used), color="tab:blue")
                ax.barh(names, part["S1"], xerr=part["S1_conf"], capsize=3, height=0.4,
                        label=INDEX_LABELS["S1"].get(used), color="tab:orange")
                ax.set_xlabel(INDEX_LABELS["sobol"].get(used))
                ax.legend(fontsize=8)
            ax.set_title(OUTPUT_LABELS[output].get(used), fontsize=10)
            ax.grid(alpha=0.3, axis="x")
        return _save(fig, path)
