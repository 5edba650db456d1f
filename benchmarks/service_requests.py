"""What each kind of request the service benchmark sends costs the server, one at a time:
server CPU per request for reading a case, a stale ``If-Match`` answered 409, and an accepted
keyed note, each beside ``POST /v1/ping`` (authenticate, insert one row) in the same run.

One server worker on PostgreSQL, one client sending sequentially (no contention: each
figure is the request's own cost, not queueing); the server's CPU is read from ``/proc``
(Linux) before and after each kind. ``benchmarks/service.py`` sends these requests
concurrently: per completed action about one note, 0.4 stale notes and 0.8 reads.

    python benchmarks/service_requests.py --pg postgresql://postgres@127.0.0.1:55432/db
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from urllib.parse import quote

import httpx
from service import VILLAGE, _cpu_s, _free_port

from deliberation.service.db import open_service_store
from deliberation.service.tokens import create_token


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pg", default=os.environ.get("DELIBERATION_TEST_POSTGRES_URL"))
    ap.add_argument("--requests", type=int, default=300, help="of each kind, per round")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    if not args.pg:
        print("no PostgreSQL: give --pg URL or set DELIBERATION_TEST_POSTGRES_URL")
        return 2
    import psycopg

    schema = "bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect(args.pg, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in args.pg else "?"
    db = f"{args.pg}{sep}options={quote(f'-csearch_path={schema}')}"
    try:
        with open_service_store(db) as store:
            token = create_token(store, "clerk", VILLAGE, "benchmark").token
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "deliberation.cli", "serve", "--db", db, "--port",
             str(port), "--workers", "1", "--log-level", "warning"])
        try:
            for _ in range(300):
                try:
                    if httpx.get(base + "/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            with httpx.Client(base_url=base, timeout=60,
                              headers={"Authorization": f"Bearer {token}"}) as c:
                results = _measure(c, server.pid, args.requests, args.rounds)
        finally:
            server.terminate()
            server.wait(30)
    finally:
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    print(f"server CPU per request (ms), one worker, one sequential client, "
          f"{args.rounds} × {args.requests} of each")
    ping = sum(results["ping (baseline)"]) / len(results["ping (baseline)"])
    for name, cpu in results.items():
        mean = sum(cpu) / len(cpu)
        print(f"{name:34}{mean:8.2f}  ({', '.join(f'{x:.2f}' for x in cpu)})"
              f"  ×ping {mean / ping:5.2f}")
    return 0


def _measure(c: httpx.Client, server: int, n: int, rounds: int) -> dict[str, list[float]]:
    cases = [f"c{i}" for i in range(10)]
    for cid in cases:
        r = c.post("/v1/cases", json={
            "procedure": "six-deliberations-guzhuang", "roster": {"generate": {}},
            "matter": "benchmark", "case_id": cid, "village": VILLAGE,
            "at": "2026-03-02T09:00:00+08:00"})
        assert r.status_code == 201, r.text
    version = dict.fromkeys(cases, 1)

    def note(k: int) -> None:
        cid = cases[k % len(cases)]
        r = c.post(f"/v1/cases/{cid}/actions", json={"do": "note", "text": f"n{k}"},
                   headers={"If-Match": f'"{version[cid]}"', "Idempotency-Key": f"n{k}"})
        assert r.status_code == 200, r.text
        version[cid] = r.json()["version"]

    def stale(k: int) -> None:
        cid = cases[k % len(cases)]
        r = c.post(f"/v1/cases/{cid}/actions", json={"do": "note", "text": f"s{k}"},
                   headers={"If-Match": '"1"', "Idempotency-Key": f"s{k}"})
        assert r.status_code == 409, r.text

    def read(k: int) -> None:
        assert c.get(f"/v1/cases/{cases[k % len(cases)]}").status_code == 200

    def ping(k: int) -> None:
        assert c.post("/v1/ping").status_code == 200

    for k in range(100):  # every case replayed and kept, ten records each
        note(10**6 + k)
    kinds: dict[str, Callable[[int], None]] = {
        "ping (baseline)": ping, "GET /v1/cases/{id}": read,
        "stale If-Match (409)": stale, "keyed note (200)": note}
    out: dict[str, list[float]] = {name: [] for name in kinds}
    for r in range(rounds):
        for name, send in kinds.items():
            before = _cpu_s(server)
            for k in range(r * n, (r + 1) * n):
                send(k)
            after = _cpu_s(server)
            if before is None or after is None:
                raise SystemExit("no /proc: the server's CPU cannot be read here")
            out[name].append(1000 * (after - before) / n)
    return out


if __name__ == "__main__":
    sys.exit(main())
