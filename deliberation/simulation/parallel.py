"""Running chunks: serially, on a local process pool, or on a Dask cluster — same results.

Runs are split into fixed-size chunks numbered from 0 (the size never depends on the number of
workers), and chunk ``c`` draws only from ``SeedSequence(seed, spawn_key=(c, …))``. A chunk's
result therefore depends on (procedure, parameters, seed, chunk number, chunk length) alone, and
chunks are put back in order: serial, ``process`` with any number of workers and ``dask`` give
identical tables.

>>> tasks = make_tasks("four-deliberations", SimParams(), runs=2500, seed=7, chunk_size=1000)
>>> [(t.chunk, t.runs) for t in tasks]
[(0, 1000), (1, 1000), (2, 500)]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final, TypedDict

import attrs

from deliberation.definition.model import Procedure
from deliberation.diagnostics import closest
from deliberation.simulation.params import SimParams

if TYPE_CHECKING:
    from typing_extensions import Unpack

BACKENDS: Final = ("serial", "process", "dask")
PATHS: Final = ("vectorised", "engine")
# Large chunks so that scheduling overhead does not dominate; the engine path is ~1000× slower.
DEFAULT_CHUNK: Final = {"vectorised": 50_000, "engine": 200}


class RunOptions(TypedDict, total=False):
    """How runs are carried out, as keywords of :func:`~deliberation.simulation.simulate`,
    :func:`~deliberation.simulation.sweep`, :func:`~deliberation.simulation.compare`, their
    ``_stages`` forms and :func:`execute` (the same seed gives the same table whichever are
    chosen).

    ``path``: ``vectorised`` (NumPy, default) or ``engine`` (real cases through the state
    machine); ``chunk_size``: runs per chunk (default: :data:`DEFAULT_CHUNK` of the path);
    ``backend``: ``serial`` (default), ``process`` (``workers`` processes) or ``dask`` (a
    LocalCluster of ``workers``, or the scheduler at ``address``); ``progress``: a progress line
    on stderr; ``dask_processes``: a LocalCluster of processes (default) or threads.
    """

    path: str
    chunk_size: int | None
    backend: str
    workers: int
    address: str | None
    progress: bool
    dask_processes: bool


@attrs.frozen
class Task:
    """One chunk of runs to simulate: everything a worker needs, picklable."""

    procedure: Procedure | str
    params: SimParams
    seed: int
    chunk: int
    runs: int
    path: str = "vectorised"
    tag: int = 0  # which (procedure, parameters) point of a sweep this chunk belongs to
    visits: bool = False  # also return the per-stage table (one row per stage visit)


def make_tasks(procedure: Procedure | str, params: SimParams, runs: int, seed: int,
               chunk_size: int, path: str = "vectorised", tag: int = 0,
               first_chunk: int = 0, visits: bool = False) -> list[Task]:
    """Split ``runs`` into chunks of ``chunk_size`` (the last may be shorter)."""
    out = []
    chunk = first_chunk
    left = runs
    while left > 0:
        n = min(chunk_size, left)
        out.append(Task(procedure, params, seed, chunk, n, path, tag, visits))
        left -= n
        chunk += 1
    return out


def _procedure(ref: Procedure | str) -> Procedure:
    if isinstance(ref, Procedure):
        return ref
    from deliberation.definition.loader import load_procedure

    return load_procedure(ref)


# The compiled plan of the last scenario, per process: the chunks of one scenario share it.
_PLANS: dict[tuple[Any, ...], tuple[Any, Any]] = {}


def run_task(task: Task) -> dict[str, Any]:
    """Simulate one chunk (in whatever process runs it); returns its columns."""
    from deliberation.simulation.model import compile_plan

    procedure = _procedure(task.procedure)
    key = (procedure.id, procedure.version, procedure.source, task.params)
    if key not in _PLANS:
        roster = task.params.roster()
        _PLANS.clear()  # one scenario at a time is the common case; keep memory flat
        _PLANS[key] = (roster, compile_plan(procedure, task.params, roster))
    roster, plan = _PLANS[key]
    if task.path == "engine":
        from deliberation.simulation.engine_path import run_chunk_engine

        return run_chunk_engine(plan, procedure, task.params, roster, task.seed, task.chunk,
                                task.runs, task.visits)
    from deliberation.simulation.vectorised import run_chunk

    return run_chunk(plan, task.params, task.seed, task.chunk, task.runs, task.visits)


class Progress:
    """A plain progress line on stderr for long runs (no extra dependency)."""

    def __init__(self, total: int, enabled: bool, label: str = "simulate") -> None:
        self.total, self.enabled, self.label = total, enabled, label
        self.done = 0
        self.start = time.perf_counter()

    def step(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        width = 30
        filled = int(width * self.done / max(1, self.total))
        rate = self.done / max(1e-9, time.perf_counter() - self.start)
        sys.stderr.write(
            f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
            f"{self.done}/{self.total} chunks ({rate:.1f}/s)"
        )
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def execute(tasks: Sequence[Task], **options: Unpack[RunOptions]) -> list[dict[str, Any]]:
    """Run ``tasks`` on ``options["backend"]``; results come back in the order of ``tasks``.

    ``dask``: a new ``LocalCluster`` of ``workers`` (worker processes unless
    ``dask_processes`` is False: threads, quick to start, for tests) or the cluster at
    ``address`` (e.g. ``tcp://10.0.0.5:8786``). ``path`` and ``chunk_size`` are the tasks' own
    already (:func:`make_tasks`): one set of options serves both.
    """
    for name in options:  # keywords gathered in a mapping are no longer checked by Python
        if name not in RunOptions.__optional_keys__:
            near = closest(name, RunOptions.__optional_keys__)
            hint = f"; did you mean {near!r}?" if near else ""
            raise TypeError(f"unexpected keyword argument {name!r}{hint}")
    backend, workers = options.get("backend", "serial"), options.get("workers", 1)
    progress, address = options.get("progress", False), options.get("address")
    dask_processes = options.get("dask_processes", True)
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    bar = Progress(len(tasks), progress)
    if backend == "serial" or (backend == "process" and workers <= 1) or not tasks:
        return list(_tracked(map(run_task, tasks), bar))
    if backend == "process":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork where there is one: workers start at once with everything imported, and a
        # researcher's script needs no ``if __name__ == "__main__"`` guard (spawn elsewhere).
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(_tracked(pool.map(run_task, tasks), bar))
    return _dask(tasks, workers, address, bar, dask_processes)


def _tracked(results: Iterator[dict[str, Any]], bar: Progress) -> Iterator[dict[str, Any]]:
    for r in results:
        bar.step()
        yield r


def _dask(tasks: Sequence[Task], workers: int, address: str | None, bar: Progress,
          processes: bool) -> list[dict[str, Any]]:
    import importlib

    # distributed's own annotations are partial; it is used through Any on purpose.
    dist: Any = importlib.import_module("distributed")
    client_of, as_completed = dist.Client, dist.as_completed
    cluster: Any = None
    if address is None:
        # Worker processes, one thread each: NumPy releases little of the GIL in our loops.
        cluster = dist.LocalCluster(n_workers=max(1, workers), threads_per_worker=1,
                               processes=processes, dashboard_address=None)
        client = client_of(cluster)
    else:
        client = client_of(address)
    try:
        futures = client.map(run_task, list(tasks), pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        out: list[dict[str, Any] | None] = [None] * len(futures)
        for future, result in as_completed(futures, with_results=True):
            out[index[future.key]] = result
            bar.step()
        return [r for r in out if r is not None]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
