"""Shared helpers of the service tests: a real ``deliberation serve`` process on 127.0.0.1, on
SQLite and on PostgreSQL (``DELIBERATION_TEST_POSTGRES_URL``; under CI it must be set), with
tokens made by ``deliberation token create``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from deliberation.yamlsource import Reporter, read_yaml

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "examples" / "scenarios"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "deliberation.cli", *args, "--db", db],
                          capture_output=True, text=True, timeout=120, check=False)


def make_token(db: str, role: str, village: str) -> str:
    done = cli("token", "create", "--role", role, "--village", village, "--json", db=db)
    assert done.returncode == 0, done.stderr
    token: str = json.loads(done.stdout)["token"]
    return token


class Server:
    """``deliberation serve`` in a child process; ``client(token)`` talks to it over HTTP."""

    def __init__(self, db: str, workers: int = 1, max_body: int = 1024 * 1024,
                 keepalive: float = 15.0) -> None:
        self.db = db
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "deliberation.cli", "serve", "--db", db, "--port",
             str(self.port), "--workers", str(workers), "--max-body", str(max_body),
             "--keepalive", str(keepalive), "--log-level", "warning"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited: {self.proc.stdout.read()}")  # type: ignore[union-attr]
            try:
                if httpx.get(self.base + "/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the server did not start in 60 s")
            time.sleep(0.1)

    def client(self, token: str | None = None, lang: str | None = None) -> httpx.Client:
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if lang:
            headers["Accept-Language"] = lang
        return httpx.Client(base_url=self.base, headers=headers, timeout=60)

    def stop(self) -> str:
        self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        return out or ""


def database_url(kind: str, tmp: Path, base: str | None = None) -> Iterator[str]:
    """A fresh store URL on ``kind``: a file for SQLite, a new schema on ``base`` (the
    session's PostgreSQL server, the ``postgres_url`` fixture) for PostgreSQL."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'service.db'}"
        return
    assert base is not None, "PostgreSQL needs the session's postgres_url"
    import psycopg

    schema = "s_" + uuid.uuid4().hex[:12]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def scenario_actions(name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A scenario file's header and its actions as JSON bodies for the act endpoint (keys as
    written: YAML 1.1 would read the key ``yes`` as true)."""
    path = SCENARIOS / name
    rep = Reporter(str(path))
    root = read_yaml(path.read_text(encoding="utf-8"), str(path), rep)
    assert root is not None, rep.diagnostics
    header = {key: v.value() for key, _, v in root.items() if key != "actions"}
    actions_node = root.get("actions")
    assert actions_node is not None
    actions = [{key: v.value() for key, _, v in el.items() if key != "label"}
               for el in actions_node.elements()]
    return header, actions


def act(client: httpx.Client, case_id: str, body: dict[str, Any], version: int | str,
        key: str | None = None) -> httpx.Response:
    headers = {"If-Match": f'"{version}"'}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(f"/v1/cases/{case_id}/actions", json=body, headers=headers)


def uid() -> str:
    return uuid.uuid4().hex[:12]


def env_ci() -> bool:
    return bool(os.environ.get("CI"))
