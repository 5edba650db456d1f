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
from deliberation.diagnostics import closest
from deliberation.i18n import _
from deliberation.simulation.model import check_ids, own_params
from deliberation.simulation.parallel import (
    DEFAULT_CHUNK,
    PATHS,
    RunOptions,
    Task,
    execute,
    make_tasks,
)
from deliberation.simulation.params import SETTING_PREFIX, SimParams
from deliberation.simulation.vectorised import COLUMNS, TEXT_COLUMNS, VISIT_COLUMNS

if TYPE_CHECKING:
    import pandas as pd
    from typing_extensions import Unpack

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
        return _constant(values, sizes)

    runs = [np.arange(start, start + t.runs, dtype=np.int64)
            for t, start in zip(tasks, _run_offsets(tasks), strict=True)]
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
    # every point's columns: a setting only some procedures have is empty for the others
    keys = list(dict.fromkeys(k for r in rows for k in r))
    for key in keys:
        cols[key] = constant([r.get(key) for r in rows])
    order = ["run", "seed", "chunk", "procedure", "path", "point", "outcome", "outcome_kind",
             *[c for c in COLUMNS if c != "outcome"], "adopted", *keys]
    return pd.DataFrame({k: cols[k] for k in order})


def _constant(values: list[Any], sizes: Sequence[int]) -> Any:
    """A column constant within each task, as a categorical: one byte per row, and no copy
    when pandas assembles the frame (parameters label a scenario; they are not measured per
    run). None becomes a missing value."""
    import numpy as np
    import pandas as pd

    cats = list(dict.fromkeys(v for v in values if v is not None))
    if all(isinstance(v, str) for v in cats):
        cats.sort()
    codes = np.array([-1 if v is None else cats.index(v) for v in values], dtype=np.int16)
    return pd.Categorical.from_codes(np.repeat(codes, sizes), cats)


def _run_offsets(tasks: Sequence[Task]) -> list[int]:
    """The number of each task's first run within its (procedure, parameters) point."""
    seen: dict[int, int] = {}
    out = []
    for t in tasks:
        out.append(seen.get(t.tag, 0))
        seen[t.tag] = out[-1] + t.runs
    return out


# Per-stage counts that a kind of stage does not have (-1 in the chunk) are missing values.
_NULLABLE = ("meeting", "electorate", "present", "yes", "rounds")


def _visit_frame(tasks: Sequence[Task], results: Sequence[dict[str, Any]],
                 procedures: Mapping[int, Procedure], params: Mapping[int, SimParams]
                 ) -> pd.DataFrame:
    """The per-stage table: the chunks' visit rows, numbered as the runs are, with the
    parameters as columns (tidy: one row per stage visit)."""
    import numpy as np
    import pandas as pd

    parts = [r["visits"] for r in results]
    sizes = [int(p["step"].size) for p in parts]
    offsets = _run_offsets(tasks)
    cols: dict[str, Any] = {
        "run": np.concatenate([p["run"] + o for p, o in zip(parts, offsets, strict=True)]),
        "seed": np.repeat(np.array([t.seed for t in tasks], dtype=np.int64), sizes),
        "chunk": np.repeat(np.array([t.chunk for t in tasks], dtype=np.int64), sizes),
        "procedure": _constant([procedures[t.tag].id for t in tasks], sizes),
        "path": _constant([t.path for t in tasks], sizes),
        "point": np.repeat(np.array([t.tag for t in tasks], dtype=np.int64), sizes),
    }
    for name in VISIT_COLUMNS[1:]:
        if name in ("stage", "route", "rule"):
            cats = list(dict.fromkeys(c for p in parts for c in p[name][1]))
            codes = np.concatenate([
                np.asarray([cats.index(c) for c in p[name][1]], dtype=np.int64)[p[name][0]]
                for p in parts])
            cols[name] = pd.Categorical.from_codes(codes, cats)
            continue
        values = np.concatenate([p[name] for p in parts])
        if name in _NULLABLE:
            cols[name] = pd.array(np.where(values < 0, 0, values), dtype="Int64")
            cols[name][values < 0] = pd.NA
        elif name == "quorum_met":
            cols[name] = pd.array(values == 1, dtype="boolean")
            cols[name][values < 0] = pd.NA
        elif name == "passed":
            cols[name] = values == 1
        else:
            cols[name] = values
    rows = [params[t.tag].to_row() for t in tasks]
    keys = list(dict.fromkeys(k for r in rows for k in r))
    for key in keys:
        cols[key] = _constant([r.get(key) for r in rows], sizes)
    return pd.DataFrame(cols)


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


def _path_and_chunk(runs: int, options: RunOptions) -> tuple[str, int]:
    """The path the runs take and their chunk size, checked (defaults as :class:`RunOptions`)."""
    path = options.get("path", "vectorised")
    _check(runs, path)
    return path, options.get("chunk_size") or DEFAULT_CHUNK[path]


def simulate(
    procedure: ProcedureRef,
    params: SimParams | None = None,
    runs: int = 10_000,
    seed: int = 0,
    *,
    ci_width: float | None = None,
    max_runs: int = 10_000_000,
    **options: Unpack[RunOptions],
) -> pd.DataFrame:
    """Simulate ``runs`` cases of ``procedure`` in the village of ``params``.

    One row per run: ``run, seed, chunk, procedure, path, point``, the outcome (``outcome``,
    ``outcome_kind``, ``adopted``), where it ended (``end_stage``, ``end_rule``,
    ``end_route``), ``days`` to the outcome, ``reconvenings``, ``revisions``,
    ``consultation_rounds``, ``meetings``, then every parameter of ``params``.

    ``options``: how the runs are carried out (:class:`RunOptions`: ``path``, ``backend``…) —
    the same seed gives the same table on every backend. ``ci_width``: keep adding chunks
    (``runs`` at a time) until the Wilson 95% interval of P(adopted) is narrower than this, up
    to ``max_runs``.

    >>> df = simulate("four-deliberations", runs=10, seed=3)
    >>> bool(df["outcome"].isin(["adopted", "rejected", "lapsed"]).all())
    True
    """
    return _simulate(procedure, params, runs, seed, ci_width, max_runs, options)[0]


def simulate_stages(procedure: ProcedureRef, params: SimParams | None = None,
                    runs: int = 10_000, seed: int = 0, *, ci_width: float | None = None,
                    max_runs: int = 10_000_000, **options: Unpack[RunOptions]
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`simulate` (same options, same runs for the same seed) and the per-stage table:
    one row per stage visit — every meeting held (reconvenings too), consultation, disclosure,
    task… — with ``run, seed, chunk, procedure, path, point, step, stage, visit, meeting,
    electorate, present, yes, quorum_met, passed, route, rule, rounds, days, day`` and the
    parameters. ``visit`` counts arrivals at the stage, ``meeting`` the meetings held there so
    far (what ``max_rounds`` counts), ``electorate`` is 应到 (those expected), ``yes`` is
    empty where no vote was held (no quorum), ``rounds`` the consultation rounds of the step,
    ``days`` the days the step took and ``day`` the run's day after it. Counts a kind of stage
    does not have are empty (nullable columns: Parquet keeps them).

    >>> runs, visits = simulate_stages("four-deliberations", runs=200, seed=1)
    >>> int(visits["run"].max()) < 200, bool((visits["step"] >= 1).all())
    (True, True)
    """
    df, visits = _simulate(procedure, params, runs, seed, ci_width, max_runs, options,
                           visits=True)
    assert visits is not None
    return df, visits


def _simulate(procedure: ProcedureRef, params: SimParams | None, runs: int, seed: int,
              ci_width: float | None, max_runs: int, options: RunOptions, visits: bool = False
              ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    params = SimParams() if params is None else params
    path, size = _path_and_chunk(runs, options)
    proc = _proc(procedure)
    _known_somewhere([proc], params)
    tasks: list[Task] = []
    results: list[dict[str, Any]] = []
    target = runs
    while True:
        new = make_tasks(proc, params, target - sum(t.runs for t in tasks), seed, size, path,
                         first_chunk=len(tasks), visits=visits)
        tasks += new
        results += execute(new, **options)
        if ci_width is None:
            break
        from deliberation.simulation.summary import wilson

        n = sum(t.runs for t in tasks)
        k = _adopted(results, proc)
        lo, hi = wilson(k, n)[1:]
        if hi - lo <= ci_width or n >= max_runs:
            break
        target = min(max_runs, n + runs)
    return _frames(tasks, results, {0: proc}, {0: params}, visits)


def _frames(tasks: Sequence[Task], results: Sequence[dict[str, Any]],
            procedures: Mapping[int, Procedure], params: Mapping[int, SimParams],
            visits: bool) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    runs = _frame(tasks, results, procedures, params)
    return runs, (_visit_frame(tasks, results, procedures, params) if visits else None)


def sweep(
    procedures: ProcedureRef | Sequence[ProcedureRef],
    params: SimParams | None = None,
    grid: Mapping[str, Sequence[Any]] | None = None,
    runs: int = 10_000,
    seed: int = 0,
    **options: Unpack[RunOptions],
) -> pd.DataFrame:
    """Every combination of ``grid`` values (a cartesian sweep) for every procedure.

    Every point uses the same ``seed``, so procedures and neighbouring points are compared on
    the same random numbers (common random numbers) wherever their stages coincide; ``point``
    numbers the (procedure, parameters) combinations in order.

    A grid key is a :class:`SimParams` field or ``settings.<id>``, a procedure setting (checked
    and typed by the engine's own checker): the table then has a ``settings.<id>`` column.

    >>> df = sweep("four-deliberations", grid={"party_away_share": [0.0, 0.5]}, runs=500)
    >>> df.groupby("party_away_share")["run"].count().tolist()
    [500, 500]
    >>> df = sweep("four-deliberations", runs=500,
    ...            grid={"settings.party-assembly-quorum-ratio": ["1/2", "2/3"]})
    >>> sorted(df["settings.party-assembly-quorum-ratio"].unique())
    ['1/2', '2/3']
    """
    return _sweep(procedures, params, grid, runs, seed, options)[0]


def sweep_stages(procedures: ProcedureRef | Sequence[ProcedureRef],
                 params: SimParams | None = None,
                 grid: Mapping[str, Sequence[Any]] | None = None, runs: int = 10_000,
                 seed: int = 0, **options: Unpack[RunOptions]
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`sweep` and its per-stage table (see :func:`simulate_stages`)."""
    df, visits = _sweep(procedures, params, grid, runs, seed, options, visits=True)
    assert visits is not None
    return df, visits


def _sweep(procedures: ProcedureRef | Sequence[ProcedureRef], params: SimParams | None,
           grid: Mapping[str, Sequence[Any]] | None, runs: int, seed: int, options: RunOptions,
           visits: bool = False) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    params = SimParams() if params is None else params
    path, size = _path_and_chunk(runs, options)
    refs = [procedures] if isinstance(procedures, Procedure | str) else list(procedures)
    procs = [_proc(r) for r in refs]
    grid = dict(grid or {})
    names = list(grid)
    _check_grid(procs, names)
    points = [_point(params, dict(zip(names, values, strict=True)))
              for values in itertools.product(*(grid[n] for n in names))]
    tasks: list[Task] = []
    by_tag_proc: dict[int, Procedure] = {}
    by_tag_params: dict[int, SimParams] = {}
    for point in points:  # a swept mapping names bodies or items too
        _known_somewhere(procs, point)
    tag = 0
    done: set[tuple[int, SimParams]] = set()
    for point in points:
        for i, proc in enumerate(procs):
            # Each procedure gets the settings it has (a comparison may set a setting that
            # only one of them knows, e.g. 六议's consultation-proxies); rows record which.
            # So do a body's attendance or support and an item's support.
            own = own_params(proc, point)
            if (i, own) in done:
                # a swept setting this procedure lacks: the same runs again would only
                # pretend to narrow its interval
                continue
            done.add((i, own))
            by_tag_proc[tag], by_tag_params[tag] = proc, own
            tasks += make_tasks(proc, own, runs, seed, size, path, tag, visits=visits)
            tag += 1
    results = execute(tasks, **options)
    return _frames(tasks, results, by_tag_proc, by_tag_params, visits)


def _known_somewhere(procs: Sequence[Procedure], params: SimParams) -> None:
    """Every id the parameters name (settings, bodies, items) belongs to at least one of the
    procedures (did-you-mean): the check :func:`compile_plan` makes, before anything runs."""
    check_ids(procs, params)


def _check_grid(procs: Sequence[Procedure], names: Sequence[str]) -> None:
    """Grid keys are SimParams fields or settings of a procedure (did-you-mean otherwise)."""
    import attrs

    from deliberation.simulation.model import SimulationError, unknown_setting

    fields = [f.name for f in attrs.fields(SimParams) if f.name != "settings"]
    known = {s for p in procs for s in p.settings}
    for name in names:
        if name.startswith(SETTING_PREFIX):
            if name[len(SETTING_PREFIX):] not in known:
                raise unknown_setting(name[len(SETTING_PREFIX):], known)
        elif name not in fields:
            near = closest(name, [*fields, *(SETTING_PREFIX + k for k in known)])
            hint = near if near is not None else ", ".join(fields)
            raise SimulationError(_(
                "unknown parameter {name!r}; did you mean {hint}?",
            ).format(name=name, hint=hint))


def _point(params: SimParams, values: Mapping[str, Any]) -> SimParams:
    """``params`` with one grid point's values: fields as given, ``settings.<id>`` merged."""
    settings = dict(params.settings)
    plain: dict[str, Any] = {}
    for name, value in values.items():
        if name.startswith(SETTING_PREFIX):
            settings[name[len(SETTING_PREFIX):]] = value
        else:
            plain[name] = value
    return params.with_(**plain, settings=settings)


def compare(
    procedures: Sequence[ProcedureRef],
    params: SimParams | None = None,
    runs: int = 10_000,
    seed: int = 0,
    **options: Unpack[RunOptions],
) -> pd.DataFrame:
    """Procedures side by side on the same village and seed (a sweep with no grid)."""
    return sweep(procedures, params, None, runs, seed, **options)
