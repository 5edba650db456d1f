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
import sys
from collections.abc import Callable

import httpx
from service import _cpu_s, bench_schema, open_cases, serving


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pg", default=os.environ.get("DELIBERATION_TEST_POSTGRES_URL"))
    ap.add_argument("--requests", type=int, default=300, help="of each kind, per round")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    if not args.pg:
        print("no PostgreSQL: give --pg URL or set DELIBERATION_TEST_POSTGRES_URL")
        return 2
    with bench_schema(args.pg) as db, serving(db, 1) as (base, token, pid), httpx.Client(
            base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"}) as c:
        results = _measure(c, pid, args.requests, args.rounds)
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
    open_cases(c, cases)
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
