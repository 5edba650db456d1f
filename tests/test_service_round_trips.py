"""How many times the service goes to the database for one action, on SQLite and PostgreSQL.

On a networked PostgreSQL the round trips, not the Python, bound how many actions a worker can
take a second. The backend's methods are counted from outside (this test wraps them;
production code has no counters). On SQLite (in-process) every statement, and each
transaction's begin and commit, counts. On PostgreSQL a transaction runs in pipeline mode: a
statement sent (``Backend.send``) waits for nothing, ``BEGIN`` travels with the first
statement; what waits is a statement executed, reading a sent statement's rows not yet
received, and the commit. A warm, keyed action (the replayed case kept by the worker) takes:

- SQLite: token · case header · kept answer or stored action (one query) · BEGIN ·
  version-checked update · records · feed rows · kept answer · COMMIT (9);
- PostgreSQL: token, case header, kept answer or stored action, and the rows the kept
  replay lacks (one statement) · version-checked update (which fails the statement if the
  case moved), records, kept answer and feed rows (one statement, its own transaction) (2);
  the feed rows are numbered by the database at the commit (service schema 6).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import test_service_support as support

with warnings.catch_warnings():
    # Starlette asks for httpx2 under its test client; httpx is what the project has.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from deliberation.service.app import create_app
from deliberation.service.db import open_service_store
from deliberation.service.settings import ServiceSettings
from deliberation.service.tokens import create_token
from deliberation.store import backends


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    base = str(request.getfixturevalue("postgres_url")) if request.param == "postgresql" else None
    urls = support.database_url(request.param, tmp_path, base)
    yield next(urls)
    for _ in urls:
        pass


class Counter:
    """Counts the database round trips of every backend while installed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.trips: list[str] = []
        for cls in (backends.SQLiteBackend, backends.PostgresBackend):
            self._wrap(monkeypatch, cls)

    def _wrap(self, monkeypatch: pytest.MonkeyPatch, cls: Any) -> None:
        execute, executemany, write, send = cls.execute, cls.executemany, cls.write, cls.send
        trips = self.trips
        piped = cls is backends.PostgresBackend

        def counted_execute(self: Any, sql: str, params: Any = ()) -> Any:
            trips.append(" ".join(sql.split()[:4]))
            return execute(self, sql, params)

        def counted_executemany(self: Any, sql: str, rows: Any) -> Any:
            if not (piped and self._pipe is not None):
                trips.append(" ".join(sql.split()[:3]))
            return executemany(self, sql, rows)

        def counted_send(self: Any, sql: str, params: Any = ()) -> Any:
            if not (piped and self._pipe is not None):
                return backends._Ran(counted_execute(self, sql, params))
            return send(self, sql, params)

        @contextmanager
        def counted_write(self: Any, at_once: bool = False) -> Iterator[None]:
            if not piped:
                trips.append("BEGIN")
            with write(self, at_once):
                yield
            if not (piped and at_once):  # (one at once: its statement is counted as executed)
                trips.append("COMMIT")

        monkeypatch.setattr(cls, "execute", counted_execute)
        monkeypatch.setattr(cls, "executemany", counted_executemany)
        monkeypatch.setattr(cls, "send", counted_send)
        monkeypatch.setattr(cls, "write", counted_write)
        if piped:
            rows = backends._Queued.rows

            def counted_rows(self: Any) -> Any:
                if self.cursor.pgresult is None:  # not received yet: this read waits
                    trips.append("wait for sent rows")
                return rows(self)

            monkeypatch.setattr(backends._Queued, "rows", counted_rows)


def test_a_warm_keyed_action_takes_few_round_trips(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_service_store(db)
    token = create_token(store, "clerk", "bench").token
    store.close()
    app = create_app(ServiceSettings(db_url=db))
    counter = Counter(monkeypatch)
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as c:
        r = c.post("/v1/cases", json={"procedure": "four-deliberations",
                                      "roster": {"generate": {}}, "case_id": "k1",
                                      "village": "bench"}, headers=headers)
        assert r.status_code == 201, r.text
        version = 1
        trips: list[int] = []
        for i in range(4):
            counter.trips.clear()
            r = c.post("/v1/cases/k1/actions", json={"do": "note", "text": f"n{i}"},
                       headers={**headers, "If-Match": f'"{version}"',
                                "Idempotency-Key": f"key-{i}"})
            assert r.status_code == 200, r.text
            version = r.json()["version"]
            trips.append(len(counter.trips))
        # the retry of the last one: answered from the kept response, nothing appended
        counter.trips.clear()
        again = c.post("/v1/cases/k1/actions", json={"do": "note", "text": "n3"},
                       headers={**headers, "If-Match": f'"{version - 1}"',
                                "Idempotency-Key": "key-3"})
        assert again.status_code == 200 and again.json() == r.json()
        retry = len(counter.trips)
    assert trips[1:] == [2 if db.startswith("postgresql") else 9] * 3, counter.trips
    assert retry <= 3, counter.trips
    # (the first action replays the stored case into the worker's memory: a few more)
    assert trips[0] <= 20
