"""Database connections behind the store: the stdlib ``sqlite3`` and ``psycopg`` 3.

The store speaks one small interface (:class:`Backend`): run a statement, and open a write or
read transaction. SQL is written with ``?`` placeholders; the PostgreSQL backend rewrites them.
Everything that must be atomic relies on the database's transactions, never on process locks,
so several processes (and, on PostgreSQL, several machines) can share one store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from deliberation.store.errors import StoreError
from deliberation.store.migrations import Dialect

Row = tuple[Any, ...]


class Backend(Protocol):
    """What the store needs from a database connection."""

    dialect: Dialect
    url: str

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def write(self) -> Any:
        """A context manager: one write transaction, serialised against other writers of the
        rows it locks; rolled back if the block raises."""

    def read(self) -> Any:
        """A context manager: one consistent snapshot for reading."""

    def is_unique_violation(self, err: BaseException) -> bool: ...

    def close(self) -> None: ...


class SQLiteBackend:
    """An SQLite file in WAL mode. Appends take the write lock up front (``BEGIN IMMEDIATE``), so
    the version check and the insert happen under one lock, across processes."""

    dialect: Dialect = "sqlite"

    def __init__(self, url: str, path: str, busy_timeout_s: float = 60.0) -> None:
        self.url = url
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction is exactly the
        # block we mean, not whatever the sqlite3 module guesses.
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_s)
        self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed action survives power loss too, not only a killed process.
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA foreign_keys = ON")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [tuple(r) for r in self.conn.execute(sql, tuple(params)).fetchall()]

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.conn.executemany(sql, [tuple(r) for r in rows])

    @contextmanager
    def write(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[None]:
        # A deferred transaction in WAL mode reads one snapshot from its first SELECT on.
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    def is_unique_violation(self, err: BaseException) -> bool:
        return isinstance(err, sqlite3.IntegrityError) and "UNIQUE" in str(err).upper()

    def close(self) -> None:
        self.conn.close()


class PostgresBackend:
    """A PostgreSQL database through psycopg 3. Appends lock the case row (``FOR UPDATE``)."""

    dialect: Dialect = "postgresql"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise StoreError(
                "PostgreSQL needs psycopg 3: pip install 'deliberation[postgres]'"
            ) from None
        self.url = url
        self._psycopg = psycopg
        try:
            self.conn = psycopg.connect(url, autocommit=True)
        except psycopg.Error as err:
            raise StoreError(f"cannot connect to {_redact(url)}: {err}".strip()) from None

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        cur = self.conn.execute(self._sql(sql), tuple(params))
        return [tuple(r) for r in cur.fetchall()] if cur.description else []

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(self._sql(sql), [tuple(r) for r in rows])

    @contextmanager
    def write(self) -> Iterator[None]:
        with self.conn.transaction():
            yield

    @contextmanager
    def read(self) -> Iterator[None]:
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield

    def is_unique_violation(self, err: BaseException) -> bool:
        return isinstance(err, self._psycopg.errors.UniqueViolation)

    def close(self) -> None:
        self.conn.close()


def connect(url: str) -> Backend:
    """A backend for ``url``: ``sqlite:///relative.db``, ``sqlite:////abs/path.db``,
    ``sqlite:///:memory:``, a bare file path, or ``postgresql://user:pw@host/db``."""
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresBackend(url)
    if url.startswith("sqlite:"):
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise StoreError(f"sqlite URL {url!r}: use sqlite:///path (three slashes)")
        path = unquote(parts.path)
        # sqlite:///village.db -> "village.db" (relative); sqlite:////srv/v.db -> "/srv/v.db"
        path = path[1:] if path.startswith("/") else path
        if not path:
            raise StoreError(f"sqlite URL {url!r} names no file")
        return SQLiteBackend(url, path)
    if "://" in url:
        raise StoreError(f"unknown store URL {_redact(url)!r}: use sqlite:///FILE or postgresql://…")
    return SQLiteBackend(f"sqlite:///{url}", url)


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
