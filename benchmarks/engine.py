"""Engine benchmark: full case lifecycles per second next to plain ``transitions``, opening cost
at 1k/10k/100k live cases, and memory per open case. Prints numbers; asserts nothing.

    python benchmarks/engine.py            # full run (100k cases: ~1 GB peak, a minute or two)
    python benchmarks/engine.py --quick    # smaller sizes, for a smoke run
    python benchmarks/engine.py --instructions   # the lifecycle ratio by instructions only

Wall times on a shared machine move with its load; ``--instructions`` counts instead what
the lifecycle and the plain ``transitions`` lifecycle execute, under ``valgrind
--tool=callgrind`` (one process each: 50 lifecycles to warm up, then 200 counted — collection
is switched on only inside the ``functools.reduce`` that runs them). The count does not move
with the load, so it is the figure to compare across changes; the wall-time ratio is lower
than the instruction ratio (the engine's larger code and data leave the processor's caches
colder than the plain loop does).
"""

from __future__ import annotations

import argparse
import functools
import gc
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from transitions import Machine

from deliberation import Case, Roster, load_procedure
from deliberation.engine import evaluators
from deliberation.engine.clock import ManualClock
from deliberation.engine.context import Context

PROCEDURE = load_procedure("four-deliberations")
ROSTER = Roster.generate(households=20, people=50, adults=40, party_members=9,
                         representatives=8, party_committee=3, villagers_committee=3,
                         supervision_committee=2)
CLOCK = ManualClock()


def lifecycle(tick: Callable[[str], None] | None = None) -> Case:
    """四议两公开 from opening to adoption, meetings given as counts.

    ``tick(label)``, when given, is called after each action (the per-action breakdown).
    """
    t = tick or _no_tick
    case = Case.open(PROCEDURE, ROSTER, matter="修村道", clock=CLOCK)
    t("open")
    case.hold_meeting(3, 3)  # proposal: branch committee
    t("meeting: proposal (fires)")
    case.hold_meeting(4, 4)  # discussion: the two committees
    t("meeting: discussion (fires)")
    case.circulate_plan()
    t("circulate_plan")
    CLOCK.advance(days=3)
    t("")
    case.hold_meeting(9, 9, witnesses=1)  # review: Party assembly
    t("meeting: review (fires)")
    case.hold_meeting(11, 11, witnesses=1)  # resolution: representatives' meeting
    t("meeting: resolution (fires)")
    case.post_disclosure("notice-board", actor="v0002")
    t("post_disclosure: resolution")
    CLOCK.advance(days=7)
    t("")
    case.conclude_disclosure()
    t("conclude_disclosure: resol. (fires)")
    case.post_disclosure("notice-board", actor="v0002")
    t("post_disclosure: results")
    CLOCK.advance(days=7)
    t("")
    case.conclude_disclosure()
    t("conclude_disclosure: results (fires)")
    assert case.outcome == "adopted"
    return case


def _no_tick(label: str) -> None:
    pass


class _Ticks:
    """Time between consecutive ``tick`` calls, summed per label (empty label: not counted)."""

    def __init__(self) -> None:
        self.sums: dict[str, float] = {}
        self.last = time.perf_counter()

    def __call__(self, label: str) -> None:
        now = time.perf_counter()
        if label:
            self.sums[label] = self.sums.get(label, 0.0) + now - self.last
        self.last = time.perf_counter()


def per_action(seconds: float) -> dict[str, float]:
    """Mean µs per action over the lifecycles of the least disturbed of five windows (the
    clock's ``advance`` between actions is left out). Timing each action adds a little."""
    best: dict[str, float] = {}
    best_total = float("inf")
    for _ in range(5):
        ticks = _Ticks()
        n = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds / 5:
            ticks.last = time.perf_counter()
            lifecycle(ticks)
            n += 1
        total = sum(ticks.sums.values()) / n
        if total < best_total:
            best_total = total
            best = {k: v / n * 1e6 for k, v in ticks.sums.items()}
    return best


class Bare:
    __slots__ = ("state",)

    def __init__(self) -> None:
        self.state = "proposal"


STAGES = [s.id for s in PROCEDURE.stages]
BARE = Machine(model=None, states=[*STAGES, "adopted"], initial="proposal",
               auto_transitions=False)
for a, b in zip(STAGES, [*STAGES[1:], "adopted"], strict=True):
    BARE.add_transition("pass", a, b)
PASS = BARE.events["pass"]


def bare_lifecycle() -> Bare:
    """Plain transitions: the same six stage changes on a bare model."""
    m = Bare()
    for _ in STAGES:
        PASS.trigger(m)
    assert m.state == "adopted"
    return m


def triggers_in_context(seconds: float) -> tuple[float, float]:
    """µs per lifecycle, and µs of it spent in the six ``transitions`` triggers, for the least
    disturbed of five windows.

    The engine fires every trigger through :func:`deliberation.engine.evaluators.fire`; for this
    measurement only, that function is wrapped in a timer (a call and two clock reads: about
    0.5 µs per trigger where this was written, 3 µs of a lifecycle of over 300). The same six
    triggers cost more here than in ``bare_lifecycle``'s tight loop: between them the
    interpreter runs the engine's own code, which leaves the processor's caches cold for
    ``transitions``. This splits the lifecycle into what the triggers cost in it
    and what the engine's own work costs.
    """
    fire = evaluators.fire
    clock = time.perf_counter
    spent = [0.0]

    def timed(ctx: Context, state: str, event: str) -> str:
        start = clock()
        try:
            return fire(ctx, state, event)
        finally:
            spent[0] += clock() - start

    best = (float("inf"), 0.0)
    evaluators.fire = timed
    try:
        for _ in range(5):
            spent[0] = 0.0
            n = 0
            start = clock()
            while clock() - start < seconds / 5:
                lifecycle()
                n += 1
            total = (clock() - start) / n * 1e6
            if total < best[0]:
                best = (total, spent[0] / n * 1e6)
    finally:
        evaluators.fire = fire
    return best


def rate(fn: Callable[[], Any], seconds: float) -> float:
    fn()
    n = 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(50):
            fn()
        n += 50
    return n / elapsed


def open_cost(n: int, batch: int = 2000, freeze: bool = False) -> float:
    """Microseconds per Case.open with ``n`` cases already alive (best of seven batches).

    ``freeze``: move the live cases out of the garbage collector's view first (``gc.freeze``),
    as a long-running service holding many cases would; otherwise Python's full collections,
    which walk every live object, add a cost that grows with the number of cases alive.
    """
    alive = [Case.open(PROCEDURE, ROSTER, clock=CLOCK) for _ in range(n)]
    gc.collect()
    if freeze:
        gc.freeze()
    best = float("inf")
    for _ in range(7):  # best of seven: the machine is shared, take the least disturbed batch
        start = time.perf_counter()
        for _ in range(batch):
            alive.append(Case.open(PROCEDURE, ROSTER, clock=CLOCK))
        best = min(best, (time.perf_counter() - start) / batch * 1e6)
    if freeze:
        gc.unfreeze()
    del alive
    gc.collect()
    return best


def memory_per_case(n: int = 2000) -> float:
    """Bytes per open case (its ``opened`` record included), by tracemalloc."""
    Case.open(PROCEDURE, ROSTER, clock=CLOCK)  # warm the per-procedure caches
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    alive = [Case.open(PROCEDURE, ROSTER, clock=CLOCK, case_id=f"c{i:08d}") for i in range(n)]
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    total = sum(s.size_diff for s in after.compare_to(before, "filename"))
    assert len(alive) == n
    return total / n


_COUNTED = 200


def _count(name: str, n: int) -> None:
    """Run ``name`` (``lifecycle`` or ``bare_lifecycle``) 50 times, then ``n`` times inside
    ``functools.reduce``: the calls valgrind counts (see :func:`instructions`)."""
    fn = {"lifecycle": lifecycle, "bare_lifecycle": bare_lifecycle}[name]
    for _ in range(50):
        fn()
    functools.reduce(lambda _acc, _i: fn(), range(n), None)


def instructions(name: str, n: int = _COUNTED) -> float:
    """Instructions per call of ``name``, counted by callgrind in a process of its own."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         "--collect-atstart=no", "--toggle-collect=functools_reduce",
         sys.executable, __file__, "--count", name, str(n)],
        check=True, capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from valgrind: {done.stderr[-500:]}")
    return int(found.group(1)) / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--instructions", action="store_true",
                    help="count instructions per lifecycle under valgrind instead of timing")
    ap.add_argument("--count", nargs=2, metavar=("FUNCTION", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.count:
        _count(args.count[0], int(args.count[1]))
        return
    if args.instructions:
        ours, bare = instructions("lifecycle"), instructions("bare_lifecycle")
        print(f"instructions per lifecycle (valgrind callgrind, {_COUNTED} after 50 warm-up)")
        print(f"  deliberation Case      {ours:12,.0f}")
        print(f"  plain transitions (6)  {bare:12,.0f}")
        # (throughput goes as 1/instructions: plain's count over ours is "ours / plain")
        print(f"  ratio ours / plain     {bare / ours:12.3f}   (target ≥ 0.5)")
        return
    seconds = 0.5 if args.quick else args.seconds
    # Alternate short windows and keep each side's best: the machine is shared, so the best
    # window is the least disturbed one, and both sides get the same chances.
    ours = bare = 0.0
    for _ in range(5):
        ours = max(ours, rate(lifecycle, seconds / 5))
        bare = max(bare, rate(bare_lifecycle, seconds / 5))
    print("lifecycles per second (四议两公开, counts, 10 actions incl. open; provisional)")
    print(f"  deliberation Case      {ours:10.0f}/s")
    print(f"  plain transitions (6)  {bare:10.0f}/s")
    print(f"  ratio ours / plain     {ours / bare:10.2f}   (target ≥ 0.5)")
    whole, triggers = triggers_in_context(seconds)
    print(f"the six triggers inside our lifecycle: {triggers:.1f} µs of {whole:.1f} µs "
          f"({triggers / (1e6 / bare):.2f}× the plain lifecycle's {1e6 / bare:.1f} µs);")
    print(f"  the engine's own work: {whole - triggers:.1f} µs per lifecycle "
          f"({(whole - triggers) / (1e6 / bare):.2f}× the plain lifecycle)")
    print(f"per action (µs; 'fires' = one transitions trigger, plain: {1e6 / bare / 6:.1f} µs "
          "each in a tight loop)")
    actions = per_action(seconds)
    for label, us in actions.items():
        print(f"  {label:<38} {us:7.1f}")
    print(f"  {'sum':<38} {sum(actions.values()):7.1f}")
    sizes = (10, 1_000, 10_000) if args.quick else (10, 1_000, 10_000, 100_000)
    print("Case.open with N cases alive (µs per open; target flat within 20%)")
    print("             gc as is        live cases gc.freeze()-d")
    costs = [open_cost(n) for n in sizes]
    frozen = [open_cost(n, freeze=True) for n in sizes]
    for n, c, f in zip(sizes, costs, frozen, strict=True):
        print(f"  N={n:>7}  {c:7.1f} µs ({c / costs[0]:.2f}×)   {f:7.1f} µs ({f / frozen[0]:.2f}×)")
    print(f"memory per open case (opened record included): {memory_per_case():.0f} bytes "
          "(target ≤ 4096)")


if __name__ == "__main__":
    main()
