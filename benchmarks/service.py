"""The service under load: concurrent clients acting on cases over HTTP, on PostgreSQL, with
several server worker processes — beside a trivial endpoint of the same server.

Each client sends its share of actions (notes, each with an Idempotency-Key and the If-Match
of the last version it saw; a 409 is re-read and retried) to cases picked at random. The
baseline is ``POST /v1/ping`` on the same server, same clients, same count: authenticate and
insert one row, served as plainly as the action's own routes (no dependency solving). The
figure is the ratio of the two throughputs. Afterwards every case is checked: no action lost,
none doubled, every hash chain verifies.

    python benchmarks/service.py --pg postgresql://postgres@127.0.0.1:55432/db
    python benchmarks/service.py --clients 50 --actions 200 --cases 100 --workers 2

PostgreSQL comes from ``--pg`` or ``DELIBERATION_TEST_POSTGRES_URL``. Numbers on a shared
machine are indicative only; the client processes share the machine with the server. So the
server's CPU time per completed action or ping (user + system time of the server's processes,
read from ``/proc`` on Linux before and after each round) and the clients' (their processes'
CPU time while they send) are printed too: other load on the machine stretches the
throughputs, much less the CPU each request costs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx

from deliberation.service.db import open_service_store
from deliberation.service.tokens import create_token
from deliberation.store import open_store

VILLAGE = "bench"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of process ``pid`` and its descendants still running (Linux
    ``/proc``; ``None`` elsewhere). The server's workers live as long as the server."""
    try:
        tick = os.sysconf("SC_CLK_TCK")
        parents: dict[int, int] = {}
        times: dict[int, float] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    # (the command name in parentheses may hold spaces: split after it)
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
            times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    except (OSError, ValueError, AttributeError):
        return None
    tree, grew = {pid}, True
    while grew:
        more = {p for p, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(times.get(p, 0.0) for p in tree)


async def _client(base: str, token: str, cases: list[str], n: int, seed: int, mode: str,
                  lat: list[float], conflicts: list[int], first: int) -> None:
    rng = random.Random(seed * 1_000_003 + first)
    seen: dict[str, int] = {}
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as c:
        for i in range(first, first + n):
            start = time.perf_counter()
            if mode == "ping":
                r = await c.post("/v1/ping")
                assert r.status_code == 200, r.text
            else:
                cid = rng.choice(cases)
                key = f"c{seed}-a{i}"
                body = {"do": "note", "text": key}
                while True:
                    if cid not in seen:
                        seen[cid] = (await c.get(f"/v1/cases/{cid}")).json()["version"]
                    r = await c.post(f"/v1/cases/{cid}/actions", json=body, headers={
                        "If-Match": f'"{seen[cid]}"', "Idempotency-Key": key})
                    if r.status_code == 200:
                        seen[cid] = r.json()["version"]
                        break
                    assert r.status_code == 409, r.text
                    conflicts[0] += 1
                    seen[cid] = int(r.headers["etag"].strip('"'))
            lat.append(time.perf_counter() - start)


def _worker(base: str, token: str, cases: list[str], clients: list[int], n: int, mode: str,
            barrier: Any, out: Any, seed_base: int) -> None:
    lat: list[float] = []
    conflicts = [0]
    barrier.wait()  # every process is up and imported: the clock starts now
    cpu = time.process_time()

    async def main() -> None:
        await asyncio.gather(*(_client(base, token, cases, n, seed, mode, lat, conflicts,
                                       seed_base) for seed in clients))

    asyncio.run(main())
    out.put((lat, conflicts[0], time.process_time() - cpu))


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    lat = sorted(x for p in parts for x in p["lat"])
    elapsed = sum(p["elapsed_s"] for p in parts)
    cpu = None if any(p["cpu_s"] is None for p in parts) else sum(p["cpu_s"] for p in parts)
    return {"n": len(lat), "per_s": len(lat) / elapsed, "p50_ms": 1000 * lat[len(lat) // 2],
            "server_cpu_ms": None if cpu is None else 1000 * cpu / len(lat),
            "client_cpu_ms": 1000 * sum(p["client_cpu_s"] for p in parts) / len(lat),
            "p99_ms": 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))],
            "mean_ms": 1000 * statistics.fmean(lat),
            "conflicts": sum(p["conflicts"] for p in parts), "elapsed_s": elapsed}


def _run(base: str, token: str, cases: list[str], clients: int, n: int, procs: int,
         mode: str, server: int, seed_base: int = 0) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    barrier = ctx.Barrier(procs + 1)
    groups = [list(range(p, clients, procs)) for p in range(procs)]
    ps = [ctx.Process(target=_worker,
                      args=(base, token, cases, g, n, mode, barrier, out, seed_base))
          for g in groups]
    for p in ps:
        p.start()
    barrier.wait()
    cpu0 = _cpu_s(server)
    start = time.perf_counter()
    results = [out.get() for _ in ps]
    elapsed = time.perf_counter() - start
    cpu1 = _cpu_s(server)
    for p in ps:
        p.join()
    return {"lat": [x for r in results for x in r[0]], "elapsed_s": elapsed,
            "conflicts": sum(r[1] for r in results), "client_cpu_s": sum(r[2] for r in results),
            "cpu_s": None if cpu0 is None or cpu1 is None else cpu1 - cpu0}


@contextlib.contextmanager
def bench_schema(pg: str) -> Iterator[str]:
    """A store URL on a fresh schema of the PostgreSQL at ``pg``, dropped afterwards."""
    import psycopg

    schema = "bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in pg else "?"
    try:
        yield f"{pg}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@contextlib.contextmanager
def serving(db: str, workers: int, wrapper: tuple[str, ...] = ()
            ) -> Iterator[tuple[str, str, int]]:
    """``deliberation serve`` on ``db`` with ``workers`` processes, up and answering: its base
    URL, a clerk token of :data:`VILLAGE` and the server's pid; stopped afterwards. ``wrapper``
    runs it (valgrind, which starts it many times slower)."""
    with open_service_store(db) as store:
        token = create_token(store, "clerk", VILLAGE, "benchmark").token
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*wrapper, sys.executable, "-m", "deliberation.cli", "serve", "--db", db, "--port",
         str(port), "--workers", str(workers), "--log-level", "warning"])
    try:
        deadline = time.monotonic() + (600 if wrapper else 30)
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/v1/health", timeout=30 if wrapper else 1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base, token, server.pid
    finally:
        server.terminate()
        server.wait(30)


def open_cases(c: httpx.Client, cases: list[str]) -> None:
    """Open each case of ``cases`` for :data:`VILLAGE` (six-deliberations, a generated roster)."""
    for cid in cases:
        r = c.post("/v1/cases", json={
            "procedure": "six-deliberations-guzhuang", "roster": {"generate": {}},
            "matter": "benchmark", "case_id": cid, "village": VILLAGE,
            "at": "2026-03-02T09:00:00+08:00"})
        assert r.status_code == 201, r.text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pg", default=os.environ.get("DELIBERATION_TEST_POSTGRES_URL"))
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--actions", type=int, default=200, help="actions per client")
    ap.add_argument("--cases", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2, help="server worker processes")
    ap.add_argument("--client-procs", type=int, default=2, help="client processes")
    ap.add_argument("--rounds", type=int, default=4,
                    help="interleaved ping/act rounds (actions must divide evenly)")
    args = ap.parse_args()
    if args.actions % args.rounds:
        print("--actions must be a multiple of --rounds")
        return 2
    if not args.pg:
        print("no PostgreSQL: give --pg URL or set DELIBERATION_TEST_POSTGRES_URL")
        return 2
    with bench_schema(args.pg) as db:
        with serving(db, args.workers) as (base, token, pid):
            cases = [f"case-{i:03d}" for i in range(args.cases)]
            with httpx.Client(base_url=base, timeout=60,
                              headers={"Authorization": f"Bearer {token}"}) as c:
                open_cases(c, cases)
            # Interleaved rounds, so that both see the same machine (other load comes and goes).
            runs: dict[str, list[dict[str, Any]]] = {"ping": [], "act": []}
            share = args.actions // args.rounds
            for r in range(args.rounds):
                for mode in ("ping", "act"):
                    runs[mode].append(_run(base, token, cases, args.clients, share,
                                           args.client_procs, mode, pid,
                                           seed_base=r * share))
            ping, act = _merge(runs["ping"]), _merge(runs["act"])
        # What was stored: every action exactly once, every chain intact.
        with open_store(db) as store:
            texts: Counter[str] = Counter()
            broken = 0
            for cid in cases:
                for rec in store.records(cid)[1:]:
                    texts[str(rec.data["text"])] += 1
                broken += not store.verify(cid).ok
        intended = {f"c{s}-a{i}" for s in range(args.clients) for i in range(args.actions)}
        lost = len(intended - set(texts))
        doubled = sum(1 for t, k in texts.items() if k > 1)
        extra = len(set(texts) - intended)

    print(f"{args.clients} clients × {args.actions} actions over {args.cases} cases; "
          f"PostgreSQL; {args.workers} server workers; {args.client_procs} client processes")
    print(f"{'':34}{'per s':>9}{'p50 ms':>9}{'p99 ms':>9}{'409s':>7}{'server CPU ms':>15}"
          f"{'client CPU ms':>15}")
    for name, r in (("act (note, If-Match, key)", act), ("baseline: ping (insert 1 row)", ping)):
        cpu = "" if r["server_cpu_ms"] is None else f"{r['server_cpu_ms']:15.2f}"
        print(f"{name:34}{r['per_s']:9.1f}{r['p50_ms']:9.1f}{r['p99_ms']:9.1f}"
              f"{r['conflicts']:7d}{cpu}{r['client_cpu_ms']:15.2f}")
    print(f"ratio act/ping: {act['per_s'] / ping['per_s']:.2f}×"
          + ("" if act["server_cpu_ms"] is None else
             f" (server CPU per completed action or ping, ping/act: "
             f"{ping['server_cpu_ms'] / act['server_cpu_ms']:.2f}×)"))
    print(f"lost {lost}, doubled {doubled}, unexpected {extra}, chains broken {broken} "
          f"(of {len(cases)})")
    print(json.dumps({"act": act, "ping": ping, "lost": lost, "doubled": doubled,
                      "broken": broken, "rounds": args.rounds}))
    return 0 if lost == doubled == extra == broken == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
