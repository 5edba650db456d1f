"""The event feed as Server-Sent Events, over real HTTP against a ``deliberation serve`` process
on SQLite and on PostgreSQL (two workers): every record once and in order with its id, resumption
with ``Last-Event-ID``, keep-alive comments while quiet, the stream's end when its client goes
and when the server stops, and bad requests answered as problem+json before any stream starts."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import test_service_support as support
from test_service_support import Server, act, make_token, uid

# Short, so a test sees keep-alive comments without waiting the default 15 s.
KEEPALIVE = 0.5
STREAM = {"Accept": "text/event-stream"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Server]:
    base = str(request.getfixturevalue("postgres_url")) if request.param == "postgresql" else None
    urls = support.database_url(request.param, tmp_path_factory.mktemp("events"), base)
    db = next(urls)
    srv = Server(db, workers=2 if request.param == "postgresql" else 1, keepalive=KEEPALIVE)
    try:
        yield srv
    finally:
        log = srv.stop()
        assert "Traceback" not in log, log
        for _ in urls:
            pass


class Frame:
    """One parsed Server-Sent Events frame (or a comment line)."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.comment: str | None = None

    @property
    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = json.loads(self.fields["data"])
        return out


def frames(response: httpx.Response) -> Iterator[Frame]:
    """The frames of an event stream as they arrive (a minimal reader of the SSE format)."""
    frame = Frame()
    for line in response.iter_lines():
        if line.startswith(":"):
            comment = Frame()
            comment.comment = line[1:].strip()
            yield comment
        elif line == "":
            if frame.fields:
                yield frame
            frame = Frame()
        else:
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            frame.fields[name] = frame.fields[name] + "\n" + value if name in frame.fields \
                else value


def records(stream: Iterator[Frame], count: int, comments: list[str] | None = None
            ) -> list[Frame]:
    out: list[Frame] = []
    while len(out) < count:
        f = next(stream)
        if f.comment is not None:
            if comments is not None:
                comments.append(f.comment)
            continue
        if "retry" in f.fields and "data" not in f.fields:
            continue
        out.append(f)
    return out


def _open(c: httpx.Client, case_id: str, village: str) -> None:
    r = c.post("/v1/cases", json={"procedure": "four-deliberations", "roster": {"generate": {}},
                                  "case_id": case_id, "village": village,
                                  "at": "2026-03-02T09:00:00+08:00"})
    assert r.status_code == 201, r.text


def _note(c: httpx.Client, case_id: str, i: int) -> None:
    while True:
        v = c.get(f"/v1/cases/{case_id}").json()["version"]
        r = act(c, case_id, {"do": "note", "text": f"{i}",
                             "at": f"2026-03-02T10:{i:02d}:00+08:00"}, v)
        if r.status_code == 200:
            return
        assert r.status_code == 409, r.text


def test_a_village_stream_delivers_every_record_once_in_order_and_resumes(server: Server
                                                                         ) -> None:
    village = "sse-" + uid()
    clerk = make_token(server.db, "clerk", village)
    cases = [f"{village}-c{i}" for i in range(2)]
    writes = 6
    total = len(cases) * (1 + writes)
    with server.client(clerk) as c:
        _open(c, cases[0], village)

    def write() -> None:
        with server.client(clerk) as c:
            _open(c, cases[1], village)
            for i in range(writes):
                for cid in cases:
                    _note(c, cid, i)

    comments: list[str] = []
    with server.client(clerk) as c, c.stream(
            "GET", f"/v1/villages/{village}/events", headers=STREAM) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        stream = frames(r)
        writer = threading.Thread(target=write)
        writer.start()
        got = records(stream, total, comments)
        writer.join()
        # Quiet now: the stream keeps itself alive with comment lines.
        for _ in range(2):
            f = next(stream)
            assert f.comment == "keep-alive", f.fields  # nothing else was written
    assert {f.fields["event"] for f in got} == {"record"}
    events = [f.data for f in got]
    assert [int(f.fields["id"]) for f in got] == [e["position"] for e in events]
    positions = [e["position"] for e in events]
    assert positions == sorted(positions) and len(set(positions)) == total
    keys = [(e["case"], e["seq"]) for e in events]
    assert sorted(keys) == sorted((cid, s) for cid in cases for s in range(1, writes + 2))
    for cid in cases:
        assert [s for case, s in keys if case == cid] == list(range(1, writes + 2))

    # A client that broke off after the fifth event resumes with Last-Event-ID: the rest,
    # nothing twice (the header wins over the after= of the original URL).
    resume = got[4].fields["id"]
    with server.client(clerk) as c, c.stream(
            "GET", f"/v1/villages/{village}/events", params={"after": 0},
            headers={**STREAM, "Last-Event-ID": resume}) as r:
        rest = records(frames(r), total - 5)
    assert [f.data["position"] for f in rest] == positions[5:]


def test_a_case_stream_resumes_after_its_seq_and_sees_new_records(server: Server) -> None:
    village = "ssec-" + uid()
    clerk = make_token(server.db, "clerk", village)
    case_id = village + "-c"
    with server.client(clerk) as c:
        _open(c, case_id, village)
        for i in range(3):
            _note(c, case_id, i)
        with c.stream("GET", f"/v1/cases/{case_id}/events",
                      headers={**STREAM, "Last-Event-ID": "2"}) as r:
            stream = frames(r)
            first = records(stream, 2)
            assert [f.data["seq"] for f in first] == [3, 4]
            assert [f.fields["id"] for f in first] == ["3", "4"]
            _note(c, case_id, 9)
            (later,) = records(stream, 1)
            assert later.data["seq"] == 5 and later.data["record"]["kind"] == "note"
        # the long-poll on the same path still answers JSON
        page = c.get(f"/v1/cases/{case_id}/events", params={"after": 3}).json()
        assert [e["seq"] for e in page["events"]] == [4, 5]


def _streams(server: Server) -> list[int]:
    return [int(httpx.get(server.base + "/v1/health").json()["streams"]) for _ in range(6)]


def test_a_stream_ends_when_its_client_goes(server: Server) -> None:
    village = "ssed-" + uid()
    clerk = make_token(server.db, "clerk", village)
    workers = 1 if server.db.startswith("sqlite") else 2
    with server.client(clerk) as c:
        _open(c, village + "-c", village)
        with c.stream("GET", f"/v1/villages/{village}/events", headers=STREAM) as r:
            # (the reader is kept: dropping it would close the response, i.e. disconnect)
            stream = frames(r)
            records(stream, 1)
            if workers == 1:
                assert _streams(server) == [1] * 6
    # The client went away: the server's stream ended (on every worker that might hold it).
    deadline = time.monotonic() + 10
    while any(_streams(server)):
        assert time.monotonic() < deadline, "the stream outlived its client"
        time.sleep(0.1)


def test_bad_stream_requests_are_problems_and_start_nothing(server: Server) -> None:
    village = "ssee-" + uid()
    clerk = make_token(server.db, "clerk", village)
    other = make_token(server.db, "clerk", "elsewhere")
    case_id = village + "-c"
    with server.client(clerk) as c:
        _open(c, case_id, village)
        for last in ("abc", "-1", str(2**63), "1.5"):
            r = c.get(f"/v1/cases/{case_id}/events", headers={**STREAM, "Last-Event-ID": last})
            assert r.status_code == 422, (last, r.text)
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["errors"][0]["path"] == "/last-event-id"
        r = c.get("/v1/cases/no-such-case/events", headers=STREAM)
        assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    with server.client(other) as c:
        for path in (f"/v1/cases/{case_id}/events", f"/v1/villages/{village}/events"):
            r = c.get(path, headers=STREAM)
            assert r.status_code == 403, r.text
            assert r.headers["content-type"] == "application/problem+json"
    with server.client(None) as c:
        assert c.get(f"/v1/villages/{village}/events", headers=STREAM).status_code == 401
    assert not any(_streams(server))


def test_a_server_stopping_ends_its_open_streams(tmp_path_factory: pytest.TempPathFactory
                                                 ) -> None:
    db = f"sqlite:///{tmp_path_factory.mktemp('events-stop') / 'stop.db'}"
    srv = Server(db, keepalive=KEEPALIVE)
    clerk = make_token(db, "clerk", "guzhuang")
    ended = threading.Event()

    def follow() -> None:
        with srv.client(clerk) as c, c.stream(
                "GET", "/v1/villages/guzhuang/events", headers=STREAM) as r:
            for _ in frames(r):
                pass
        ended.set()

    follower = threading.Thread(target=follow)
    try:
        follower.start()
        deadline = time.monotonic() + 10
        while not any(_streams(srv)):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        log = srv.stop()
    follower.join(timeout=10)
    assert ended.is_set()
    # stopped by its own graceful shutdown (uvicorn re-raises the SIGTERM it handled), not
    # killed after the 20 s grace of Server.stop
    assert srv.proc.returncode in (0, -signal.SIGTERM), log
    assert "Traceback" not in log, log
