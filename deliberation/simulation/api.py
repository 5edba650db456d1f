"""``simulate``, ``sweep`` and ``compare``: seeded Monte Carlo of procedures as tidy tables.

>>> df = simulate("four-deliberations", SimParams(), runs=2000, seed=1)
>>> len(df), int(df["seed"].iloc[0]), sorted(df.columns)[:3]
(2000, 1, ['abstention', 'adopted', 'adults'])
>>> cmp = compare(["four-deliberations", "six-deliberations-guzhuang"], SimParams(), 1000, seed=1)
>>> sorted(cmp["procedure"].unique())
['four-deliberations', 'six-deliberations-guzhuang']
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from deliberation.definition.model import Procedure
from deliberation.i18n import _
from deliberation.simulation.parallel import (
    DEFAULT_CHUNK,
    PATHS,
    Task,
    execute,
    make_tasks,
)
from deliberation.simulation.params import SimParams
from deliberation.simulation.vectorised import COLUMNS, TEXT_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

ProcedureRef = Procedure | str


def _proc(ref: ProcedureRef) -> Procedure:
    if isinstance(ref, Procedure):
        return ref
    from deliberation.definition.loader import load_procedure

    return load_procedure(ref)


def _frame(tasks: Sequence[Task], results: Sequence[dict[str, Any]],
           procedures: Mapping[int, Procedure], params: Mapping[int, SimParams]) -> pd.DataFrame:
    """Assemble chunk results into one row per run, parameters and seed included.

    Built column by column with NumPy (text as categoricals from codes): for millions of rows
    the table must not cost more than the simulation.
    """
    import numpy as np
    import pandas as pd

    sizes = [t.runs for t in tasks]

    def constant(values: list[Any]) -> Any:
        """A column constant within each task, as a categorical: one byte per row, and no
        copy when pandas assembles the frame (parameters label a scenario; they are not
        measured per run). None becomes a missing value."""
        cats = list(dict.fromkeys(v for v in values if v is not None))
        if all(isinstance(v, str) for v in cats):
            cats.sort()
        codes = np.array([-1 if v is None else cats.index(v) for v in values], dtype=np.int16)
        return pd.Categorical.from_codes(np.repeat(codes, sizes), cats)

    offsets: dict[int, int] = {}
    runs = []
    for t in tasks:
        start = offsets.get(t.tag, 0)
        runs.append(np.arange(start, start + t.runs, dtype=np.int64))
        offsets[t.tag] = start + t.runs
    cols: dict[str, Any] = {
        "run": np.concatenate(runs),
        "seed": np.repeat(np.array([t.seed for t in tasks], dtype=np.int64), sizes),
        "chunk": np.repeat(np.array([t.chunk for t in tasks], dtype=np.int64), sizes),
        "procedure": constant([procedures[t.tag].id for t in tasks]),
        "path": constant([t.path for t in tasks]),
        "point": np.repeat(np.array([t.tag for t in tasks], dtype=np.int64), sizes),
    }
    for name in COLUMNS:
        if name in TEXT_COLUMNS:
            cats = list(dict.fromkeys(c for r in results for c in r[name][1]))
            codes = np.concatenate([
                np.asarray([cats.index(c) for c in r[name][1]], dtype=np.int64)[r[name][0]]
                for r in results
            ])
            cols[name] = pd.Categorical.from_codes(codes, cats)
        else:
            cols[name] = np.concatenate([r[name] for r in results])
    kinds = {o: k.kind.value for p in procedures.values() for o, k in p.outcomes.items()}
    outcome = cols["outcome"]
    cols["outcome_kind"] = outcome.map(kinds)
    cols["adopted"] = np.asarray(cols["outcome_kind"] == "success")
    rows = [params[t.tag].to_row() for t in tasks]
    for key in rows[0]:
        cols[key] = constant([r[key] for r in rows])
    order = ["run", "seed", "chunk", "procedure", "path", "point", "outcome", "outcome_kind",
             *[c for c in COLUMNS if c != "outcome"], "adopted", *rows[0]]
    return pd.DataFrame({k: cols[k] for k in order})


def _adopted(results: Sequence[dict[str, Any]], procedure: Procedure) -> int:
    """Adopted runs in chunk results (for the confidence-interval stopping rule)."""
    import numpy as np

    success = procedure.success_outcome().id
    total = 0
    for r in results:
        codes, cats = r["outcome"]
        if success in cats:
            total += int(np.count_nonzero(codes == cats.index(success)))
    return total


def _check(runs: int, path: str) -> None:
    if runs < 1:
        raise ValueError(f"runs must be at least 1, not {runs}")
    if path not in PATHS:
        raise ValueError(f"unknown path {path!r}; choose one of {', '.join(PATHS)}")


def simulate(
    procedure: ProcedureRef,
    params: SimParams | None = None,
    runs: int = 10_000,
    seed: int = 0,
    *,
    path: str = "vectorised",
    chunk_size: int | None = None,
    backend: str = "serial",
    workers: int = 1,
    address: str | None = None,
    progress: bool = False,
    ci_width: float | None = None,
    max_runs: int = 10_000_000,
    dask_processes: bool = True,
) -> pd.DataFrame:
    """Simulate ``runs`` cases of ``procedure`` in the village of ``params``.

    One row per run: ``run, seed, chunk, procedure, path, point``, the outcome (``outcome``,
    ``outcome_kind``, ``adopted``), where it ended (``end_stage``, ``end_rule``,
    ``end_route``), ``days`` to the outcome, ``reconvenings``, ``revisions``,
    ``consultation_rounds``, ``meetings``, then every parameter of ``params``.

    ``path``: ``vectorised`` (NumPy, default) or ``engine`` (real cases through the state
    machine). ``backend``: ``serial``, ``process`` (``workers`` processes) or ``dask`` (a
    LocalCluster of ``workers``, or the scheduler at ``address``) — the same seed gives the same
    table on every backend. ``ci_width``: keep adding chunks (``runs`` at a time) until the
    Wilson 95% interval of P(adopted) is narrower than this, up to ``max_runs``.

    >>> df = simulate("four-deliberations", runs=10, seed=3)
    >>> bool(df["outcome"].isin(["adopted", "rejected", "lapsed"]).all())
    True
    """
    params = SimParams() if params is None else params
    _check(runs, path)
    proc = _proc(procedure)
    _known_somewhere([proc], params)
    size = chunk_size or DEFAULT_CHUNK[path]
    tasks: list[Task] = []
    results: list[dict[str, Any]] = []
    target = runs
    while True:
        new = make_tasks(proc, params, target - sum(t.runs for t in tasks), seed, size, path,
                         first_chunk=len(tasks))
        tasks += new
        results += execute(new, backend, workers, address, progress, dask_processes)
        if ci_width is None:
            break
        from deliberation.simulation.summary import wilson

        n = sum(t.runs for t in tasks)
        k = _adopted(results, proc)
        lo, hi = wilson(k, n)[1:]
        if hi - lo <= ci_width or n >= max_runs:
            break
        target = min(max_runs, n + runs)
    return _frame(tasks, results, {0: proc}, {0: params})


def sweep(
    procedures: ProcedureRef | Sequence[ProcedureRef],
    params: SimParams | None = None,
    grid: Mapping[str, Sequence[Any]] | None = None,
    runs: int = 10_000,
    seed: int = 0,
    *,
    path: str = "vectorised",
    chunk_size: int | None = None,
    backend: str = "serial",
    workers: int = 1,
    address: str | None = None,
    progress: bool = False,
    dask_processes: bool = True,
) -> pd.DataFrame:
    """Every combination of ``grid`` values (a cartesian sweep) for every procedure.

    Every point uses the same ``seed``, so procedures and neighbouring points are compared on
    the same random numbers (common random numbers) wherever their stages coincide; ``point``
    numbers the (procedure, parameters) combinations in order.

    >>> df = sweep("four-deliberations", grid={"party_away_share": [0.0, 0.5]}, runs=500)
    >>> df.groupby("party_away_share")["run"].count().tolist()
    [500, 500]
    """
    params = SimParams() if params is None else params
    _check(runs, path)
    refs = [procedures] if isinstance(procedures, Procedure | str) else list(procedures)
    procs = [_proc(r) for r in refs]
    grid = dict(grid or {})
    names = list(grid)
    points = [params.with_(**dict(zip(names, values, strict=True)))
              for values in itertools.product(*(grid[n] for n in names))]
    size = chunk_size or DEFAULT_CHUNK[path]
    tasks: list[Task] = []
    by_tag_proc: dict[int, Procedure] = {}
    by_tag_params: dict[int, SimParams] = {}
    _known_somewhere(procs, params)
    tag = 0
    for point in points:
        for proc in procs:
            # Each procedure gets the settings it has (a comparison may set a setting that
            # only one of them knows, e.g. 六议's consultation-proxies); rows record which.
            own = point.with_(settings={k: v for k, v in point.settings if k in proc.settings})
            by_tag_proc[tag], by_tag_params[tag] = proc, own
            tasks += make_tasks(proc, own, runs, seed, size, path, tag)
            tag += 1
    results = execute(tasks, backend, workers, address, progress, dask_processes)
    return _frame(tasks, results, by_tag_proc, by_tag_params)


def _known_somewhere(procs: Sequence[Procedure], params: SimParams) -> None:
    from deliberation.simulation.model import SimulationError

    unknown = [k for k, _ in params.settings if not any(k in p.settings for p in procs)]
    if unknown:
        names = ", ".join(unknown)
        raise SimulationError(_("unknown setting(s): {names}").format(names=names))


def compare(
    procedures: Sequence[ProcedureRef],
    params: SimParams | None = None,
    runs: int = 10_000,
    seed: int = 0,
    **options: Any,
) -> pd.DataFrame:
    """Procedures side by side on the same village and seed (a sweep with no grid)."""
    return sweep(procedures, params, None, runs, seed, **options)
