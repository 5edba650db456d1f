"""Reads in one round trip (``Backend.read_many``) and at-once writes (``write(at_once=True)``)
on both backends: the same rows as statement by statement, and all or nothing.

On PostgreSQL ``read_many`` sends its queries as one statement (the rows come back as JSON)
and an at-once write sends its statements as one; on SQLite (in-process) both run statement by
statement. The tests hold what a caller sees, and on PostgreSQL how many statements went.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import test_store_support as support

from deliberation.store.backends import Backend, Pending, PostgresBackend, connect

store_url = support.store_url  # both backends (see test_store_support)


@pytest.fixture
def backend(store_url: str) -> Iterator[Backend]:
    b = connect(store_url)
    b.execute("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL, note TEXT)")
    b.execute("CREATE TABLE log (k TEXT NOT NULL, n INTEGER NOT NULL)")
    for k, n, note in (("a", 1, "议 \"quoted\" \\ back"), ("b", 2, None), ("c", 3, "")):
        b.execute("INSERT INTO t (k, n, note) VALUES (?, ?, ?)", (k, n, note))
    yield b
    b.close()


def _statements(monkeypatch: pytest.MonkeyPatch, b: Backend) -> list[str]:
    """The statements ``b`` executes from now on (PostgreSQL: each one the server gets)."""
    seen: list[str] = []
    if isinstance(b, PostgresBackend):
        execute = b.conn.execute

        def counted(sql: Any, *args: Any, **kw: Any) -> Any:
            seen.append(str(sql))
            return execute(sql, *args, **kw)

        monkeypatch.setattr(b.conn, "execute", counted)
    return seen


def test_read_many_gives_each_querys_rows_as_execute_does(
        backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    queries: list[tuple[str, tuple[Any, ...]]] = [
        ("SELECT k, n, note FROM t WHERE n >= ? ORDER BY n DESC", (1,)),
        ("SELECT n, NULL, NULL FROM t WHERE k = ?", ("b",)),  # columns of the same name
        ("SELECT k FROM t WHERE k = ?", ("none",)),  # no rows
        ("SELECT COUNT(*), MAX(k) FROM t", ()),
    ]
    one_by_one = [backend.execute(sql, params) for sql, params in queries]
    seen = _statements(monkeypatch, backend)
    together = backend.read_many(queries)
    assert together == one_by_one
    assert together[0] == [("c", 3, ""), ("b", 2, None), ("a", 1, "议 \"quoted\" \\ back")]
    assert together[1] == [(2, None, None)] and together[2] == []
    assert all(type(v) is type(w) for a, b in zip(together, one_by_one, strict=True)
               for r, s in zip(a, b, strict=True) for v, w in zip(r, s, strict=True))
    if isinstance(backend, PostgresBackend):
        assert len(seen) == 1, seen


def _move(b: Backend, k: str, n: int) -> Pending:
    """Send the guarded move of ``k`` from ``n`` (as it is where the backend guards none)."""
    sql = "UPDATE t SET n = n + 1 WHERE k = ? AND n = ? RETURNING n"
    return b.send_guarded(sql, (k, n)) or b.send(sql, (k, n))


def test_an_at_once_write_stores_everything_in_one_statement(
        backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _statements(monkeypatch, backend)
    with backend.write(at_once=True):
        _move(backend, "a", 1)
        backend.send("INSERT INTO log (k, n) VALUES (?, ?)", ("a", 2))
        backend.send("INSERT INTO log (k, n) VALUES (?, ?), (?, ?)", ("x", 1, "y", 2))
    sent = list(seen)
    assert backend.execute("SELECT n FROM t WHERE k = 'a'") == [(2,)]
    assert backend.execute("SELECT k, n FROM log ORDER BY k") == [("a", 2), ("x", 1), ("y", 2)]
    if isinstance(backend, PostgresBackend):
        assert len(sent) == 1, sent


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_an_at_once_write_whose_guard_fails_stores_nothing(backend: Backend) -> None:
    # (PostgreSQL alone: SQLite has no guarded statement, its caller reads the update's rows)
    with pytest.raises(Exception) as caught:
        with backend.write(at_once=True):
            _move(backend, "a", 7)  # not at 7: no row
            backend.send("INSERT INTO log (k, n) VALUES (?, ?)", ("a", 8))
    assert backend.is_guard_failure(caught.value)
    assert backend.execute("SELECT COUNT(*) FROM log") == [(0,)]
    assert backend.execute("SELECT n FROM t WHERE k = 'a'") == [(1,)]


def test_an_at_once_write_that_needs_an_answer_is_a_transaction_as_before(
        backend: Backend) -> None:
    with backend.write(at_once=True):
        moved = _move(backend, "a", 1)
        backend.send("INSERT INTO log (k, n) VALUES (?, ?)", ("a", 2))
        # an answer before the end: what was held is sent ahead, in order, and answers
        assert moved.rows() == [(1,)] if isinstance(backend, PostgresBackend) else [(2,)]
        assert backend.execute("SELECT COUNT(*) FROM log") == [(1,)]
    assert backend.execute("SELECT n FROM t WHERE k = 'a'") == [(2,)]
    with pytest.raises(RuntimeError), backend.write(at_once=True):
        _move(backend, "b", 2)
        assert backend.execute("SELECT n FROM t WHERE k = 'b'") == [(3,)]
        raise RuntimeError("given up")  # rolled back, the held statement with it
    assert backend.execute("SELECT n FROM t WHERE k = 'b'") == [(2,)]
    assert backend.execute("SELECT COUNT(*) FROM log") == [(1,)]


def test_a_given_up_at_once_write_sends_nothing_and_its_rows_cannot_be_read(
        backend: Backend) -> None:
    with pytest.raises(RuntimeError), backend.write(at_once=True):
        _move(backend, "c", 3)
        raise RuntimeError("given up before anything was sent")
    assert backend.execute("SELECT n FROM t WHERE k = 'c'") == [(3,)]
    if isinstance(backend, PostgresBackend):
        with backend.write(at_once=True):
            sent = _move(backend, "c", 3)
        with pytest.raises(RuntimeError):  # (a misuse, not a user's error)
            sent.rows()  # it went as part of one statement, whose rows are not kept
        assert backend.execute("SELECT n FROM t WHERE k = 'c'") == [(4,)]
