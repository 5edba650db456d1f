"""What each kind of request the service benchmark sends costs the server, one at a time:
server CPU per request for reading a case, a stale ``If-Match`` answered 409, an accepted
keyed note, and an accepted keyed note on a case another worker acted on since this worker
last did (its kept replay catches up one stored action first), each beside ``POST /v1/ping``
(authenticate, insert one row) in the same run.

One server worker on PostgreSQL, one client sending sequentially (no contention: each
figure is the request's own cost, not queueing); the server's CPU is read from ``/proc``
(Linux) before and after each kind. ``benchmarks/service.py`` sends these requests
concurrently: per completed action about one note, 0.4 stale notes and 0.8 reads. With two
workers, most notes come after an action the other worker stored: the other worker is played
here by this script, which stores a note through the store API (as a worker does, outside the
measured server) before each counted note of that kind.

    python benchmarks/service_requests.py --pg postgresql://postgres@127.0.0.1:55432/db
    python benchmarks/service_requests.py --pg URL --instructions   # counted under valgrind

CPU time on a shared machine moves with its load; ``--instructions`` counts instead what the
server executes for each kind (the server under ``valgrind --tool=callgrind``, collecting only
while that kind's requests are sent: uvicorn, the framework, the handler and the driver, not
PostgreSQL), and what a completed action of ``benchmarks/service.py`` costs with its mix
(:data:`MIX`) beside a ping: the server's side of that benchmark's ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import httpx
from service import VILLAGE, _cpu_s, bench_schema, open_cases, serving

from deliberation.service import acting
from deliberation.service.db import open_service_store
from deliberation.store import Store


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pg", default=os.environ.get("DELIBERATION_TEST_POSTGRES_URL"))
    ap.add_argument("--requests", type=int, default=300, help="of each kind, per round")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--instructions", action="store_true",
                    help="count the server's instructions per request under valgrind (slow)")
    args = ap.parse_args()
    if not args.pg:
        print("no PostgreSQL: give --pg URL or set DELIBERATION_TEST_POSTGRES_URL")
        return 2
    if args.instructions and not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        ap.error("--instructions needs valgrind and callgrind_control on the PATH")
    with tempfile.TemporaryDirectory() as dumps:
        wrapper = ("valgrind", "--tool=callgrind", "--instr-atstart=no",
                   f"--callgrind-out-file={dumps}/cg.%p") if args.instructions else ()
        with bench_schema(args.pg) as db, serving(db, 1, wrapper) as (base, token, pid), \
                httpx.Client(base_url=base, timeout=120,
                             headers={"Authorization": f"Bearer {token}"}) as c:
            meter = _Instructions(pid, Path(dumps)) if args.instructions else _Cpu(pid)
            with open_service_store(db) as other:
                results = _measure(c, meter, args.requests, args.rounds, other)
    unit = "instructions (millions)" if args.instructions else "CPU (ms)"
    print(f"server {unit} per request, one worker, one sequential client, "
          f"{args.rounds} × {args.requests} of each")
    means = {name: sum(x) / len(x) for name, x in results.items()}
    ping = means["ping (baseline)"]
    for name, xs in results.items():
        print(f"{name:34}{means[name]:8.3f}  ({', '.join(f'{x:.3f}' for x in xs)})"
              f"  ×ping {means[name] / ping:5.2f}")
    action = sum(share * means[name] for name, share in MIX.items())
    print(f"{'a completed action (the mix below)':34}{action:8.3f}  ping/action {ping / action:.3f}"
          f"  ({', '.join(f'{share} × {name}' for name, share in MIX.items())})")
    return 0


# Per completed action, the benchmark's clients send about one accepted note, 0.45 notes
# answered 409 and 0.8 reads of a case (4,400-4,600 409s and about 8,000 first reads of a case
# in 10,000 actions; docs/service.md).
MIX: dict[str, float] = {"keyed note (200)": 1.0, "stale If-Match (409)": 0.45,
                         "GET /v1/cases/{id}": 0.8}


class _Cpu:
    """The server's CPU time (ms) per request, read from ``/proc``."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.before = 0.0

    def start(self) -> None:
        before = _cpu_s(self.pid)
        if before is None:
            raise SystemExit("no /proc: the server's CPU cannot be read here")
        self.before = before

    def per_request(self, n: int) -> float:
        after = _cpu_s(self.pid)
        assert after is not None
        return 1000 * (after - self.before) / n


class _Instructions:
    """The instructions (millions) per request that callgrind counted in the server while it
    collected (``callgrind_control`` turns collection on and off and dumps the counts)."""

    def __init__(self, pid: int, dumps: Path) -> None:
        self.pid = pid
        self.dumps = dumps
        self.n = 0

    def _control(self, *args: str) -> None:
        subprocess.run(["callgrind_control", *args, str(self.pid)], check=True,
                       capture_output=True, timeout=300)

    def start(self) -> None:
        self._control("--zero")
        self._control("--instr=on")

    def per_request(self, n: int) -> float:
        self._control("--instr=off")
        self._control("--dump")
        self.n += 1
        dump = self.dumps / f"cg.{self.pid}.{self.n}"
        totals = [line for line in dump.read_text().splitlines() if line.startswith("totals:")]
        return int(totals[0].split()[1]) / n / 1e6


def _measure(c: httpx.Client, meter: _Cpu | _Instructions, n: int, rounds: int,
             other: Store) -> dict[str, list[float]]:
    cases = [f"c{i}" for i in range(10)]
    open_cases(c, cases)
    version = dict.fromkeys(cases, 1)

    def note(k: int, key: str = "n") -> None:
        cid = cases[k % len(cases)]
        r = c.post(f"/v1/cases/{cid}/actions", json={"do": "note", "text": f"{key}{k}"},
                   headers={"If-Match": f'"{version[cid]}"', "Idempotency-Key": f"{key}{k}"})
        assert r.status_code == 200, r.text
        version[cid] = r.json()["version"]

    def stale(k: int) -> None:
        cid = cases[k % len(cases)]
        r = c.post(f"/v1/cases/{cid}/actions", json={"do": "note", "text": f"s{k}"},
                   headers={"If-Match": '"1"', "Idempotency-Key": f"s{k}"})
        assert r.status_code == 409, r.text

    def note_after_other(k: int) -> None:
        # Another worker's note first, so the counted note's worker holds a replay one action
        # behind. It is stored by this process, not the server: the meter runs on, but the
        # server only waits meanwhile, as between any two requests.
        cid = cases[k % len(cases)]
        step = acting.parse_action(f'{{"do": "note", "text": "o{k}"}}', procedure)
        out = acting.act(other, cid, step, expected_version=version[cid], village=VILLAGE)
        out.keep()
        version[cid] = out.case.version
        note(k, "a")

    def read(k: int) -> None:
        assert c.get(f"/v1/cases/{cases[k % len(cases)]}").status_code == 200

    def ping(k: int) -> None:
        assert c.post("/v1/ping").status_code == 200

    for k in range(100):  # every case replayed and kept, ten records each
        note(10**6 + k)
    procedure = acting.procedure_of(other, other.info(cases[0]))
    kinds: dict[str, Callable[[int], None]] = {
        "ping (baseline)": ping, "GET /v1/cases/{id}": read,
        "stale If-Match (409)": stale, "keyed note (200)": note,
        "note after another's action": note_after_other}
    out: dict[str, list[float]] = {name: [] for name in kinds}
    for r in range(rounds):
        for name, send in kinds.items():
            meter.start()
            for k in range(r * n, (r + 1) * n):
                send(k)
            out[name].append(meter.per_request(n))
    return out


if __name__ == "__main__":
    sys.exit(main())
