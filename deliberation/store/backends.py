"""Database connections behind the store: the stdlib ``sqlite3`` and ``psycopg`` 3.

The store speaks one small interface (:class:`Backend`): run a statement, and open a write or
read transaction. SQL is written with ``?`` placeholders; the PostgreSQL backend rewrites them.
Everything that must be atomic relies on the database's transactions, never on process locks,
so several processes (and, on PostgreSQL, several machines) can share one store.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Final, Protocol
from urllib.parse import quote, unquote, urlsplit

import attrs

from deliberation.i18n import _, as_written
from deliberation.reprs import fields_repr
from deliberation.store.errors import NoStoreFile, StoreError
from deliberation.store.migrations import Dialect

Row = tuple[Any, ...]


class Backend(Protocol):
    """What the store needs from a database connection."""

    dialect: Dialect
    url: str

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def send(self, sql: str, params: Sequence[Any] = ()) -> Pending:
        """Run a statement inside :meth:`write` without waiting for it: its rows (and any
        error) come with the next statement that waits, or with :meth:`Pending.rows`, or at
        the commit. On PostgreSQL, statements sent one after another reach the server in one
        round trip (pipeline mode); on SQLite (in-process) it runs at once."""

    def write(self, at_once: bool = False) -> Any:
        """A context manager: one write transaction, serialised against other writers of the
        rows it locks; rolled back if the block raises.

        ``at_once``: the block's first statement sent is a :meth:`send_guarded` one, and the
        statements it sends after it write rows (``INSERT``, ``UPDATE``, ``DELETE``) without
        reading what another of them writes. Where the database can (PostgreSQL), they then
        go as one statement, its own transaction, when the block ends — unless the block
        needs an answer before that (it executes a statement or reads a sent one's rows), when
        they are sent ahead into a transaction as without ``at_once``. Rows of a statement sent
        as one cannot be read after the block."""

    def read(self) -> Any:
        """A context manager: one consistent snapshot for reading."""

    def read_many(self, queries: Sequence[tuple[str, Sequence[Any]]]) -> list[list[Row]]:
        """The rows of each of ``queries`` (SQL, parameters), in that order, read in one
        round trip. Their columns hold text, integers, booleans or NULL (on PostgreSQL the
        rows travel as JSON, one statement for them all, one snapshot)."""

    def is_unique_violation(self, err: BaseException) -> bool: ...

    def send_guarded(self, sql: str, params: Sequence[Any] = ()) -> Pending | None:
        """:meth:`send` ``sql`` (a statement with ``RETURNING``) made to fail, aborting its
        transaction, when it returns no row — so a transaction can be committed without
        waiting to read that row first (:meth:`is_guard_failure` tells the failure); ``None``,
        sending nothing, where that is not possible (the caller sends it as it is and reads
        its rows before committing)."""

    def is_guard_failure(self, err: BaseException) -> bool:
        """Whether ``err`` is a statement made by :meth:`send_guarded` that returned no row."""

    def is_database_error(self, err: BaseException) -> bool:
        """Whether ``err`` comes from the database driver (not from our own code)."""

    def has_table(self, name: str) -> bool: ...

    def close(self) -> None: ...


class Pending(Protocol):
    """A statement sent by :meth:`Backend.send`."""

    def rows(self) -> list[Row]:
        """Its rows (waiting for them if need be); raises the statement's error if it failed."""


@fields_repr
@attrs.frozen(repr=False, eq=False)  # never compared: no __eq__ to compile (start-up speed)
class _Ran:
    """A statement that has already run (SQLite)."""

    result: list[Row]

    def rows(self) -> list[Row]:
        return self.result


class SQLiteBackend:
    """An SQLite file in WAL mode. Appends take the write lock up front (``BEGIN IMMEDIATE``), so
    the version check and the insert happen under one lock, across processes."""

    dialect: Dialect = "sqlite"

    def __init__(
        self,
        url: str,
        path: str,
        busy_timeout_s: float = 60.0,
        *,
        readonly: bool = False,
        create: bool = True,
    ) -> None:
        self.url = url
        self.readonly = readonly
        if (readonly or not create) and (path == ":memory:" or not Path(path).is_file()):
            raise NoStoreFile(path)
        if readonly:
            # mode=ro: never create or write the file (nor its journal), whatever the caller.
            target = "file:" + quote(str(Path(path).resolve())) + "?mode=ro"
        else:
            if path != ":memory:":
                try:
                    Path(path).parent.mkdir(parents=True, exist_ok=True)
                except OSError as err:
                    raise StoreError(_("{where}: {problem}").format(
                        where=path, problem=as_written(str(err.strerror)))) from None
            target = path
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction is exactly the
        # block we mean, not whatever the sqlite3 module guesses.
        try:
            self.conn = sqlite3.connect(target, isolation_level=None, timeout=busy_timeout_s,
                                        uri=readonly)
            if readonly:
                self.conn = _readable(self.conn, target, path, busy_timeout_s)
            self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            if path != ":memory:" and not readonly:
                # The first statement that reads the file: "file is not a database" shows here.
                self.conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a committed action survives power loss too, not only a killed process.
            self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as err:
            raise StoreError(_("{where}: {problem}").format(
                where=path, problem=as_written(str(err)))) from None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [tuple(r) for r in self.conn.execute(sql, tuple(params)).fetchall()]

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.conn.executemany(sql, [tuple(r) for r in rows])

    def send(self, sql: str, params: Sequence[Any] = ()) -> Pending:
        return _Ran(self.execute(sql, params))

    @contextmanager
    def write(self, at_once: bool = False) -> Iterator[None]:
        # (in-process: each statement runs when sent, there is no round trip to save)
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            # SQLite may already have rolled back itself (a full disk, an I/O error); a second
            # ROLLBACK would then hide the real error behind "no transaction is active".
            if self.conn.in_transaction:
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

    def read_many(self, queries: Sequence[tuple[str, Sequence[Any]]]) -> list[list[Row]]:
        return [self.execute(sql, params) for sql, params in queries]

    def is_unique_violation(self, err: BaseException) -> bool:
        return isinstance(err, sqlite3.IntegrityError) and "UNIQUE" in str(err).upper()

    def send_guarded(self, sql: str, params: Sequence[Any] = ()) -> Pending | None:
        # (SQLite takes no UPDATE in WITH; in-process, reading the rows first costs nothing)
        return None

    def is_guard_failure(self, err: BaseException) -> bool:
        return False

    def is_database_error(self, err: BaseException) -> bool:
        return isinstance(err, sqlite3.Error)

    def has_table(self, name: str) -> bool:
        return bool(self.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ))

    def close(self) -> None:
        self.conn.close()


def _readable(
    conn: sqlite3.Connection, target: str, path: str, timeout: float
) -> sqlite3.Connection:
    """``conn``, or, for a WAL-mode file in a folder we may not write (an archived copy, a
    read-only mount), an ``immutable`` connection, which needs no ``-shm`` file. That is only
    sound when no write-ahead log holds records not yet in the file, so then we refuse."""
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchall()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        wal = Path(path + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise
    return sqlite3.connect(target + "&immutable=1", isolation_level=None, timeout=timeout,
                           uri=True)


class _FollowOnFilter(logging.Filter):
    """Drops psycopg's warning that closing a pipeline found it aborted ("error ignored
    terminating … pipeline aborted"). psycopg logs it only while an error from a statement of
    the same pipeline is already being raised to us — an aborted pipeline is that error's
    consequence, nothing more — and a lost race at an append's guard (see
    :meth:`PostgresBackend.send_guarded`) raises such an error by design: one warning per lost
    race would bury the log."""

    def __init__(self, aborted: type[BaseException]) -> None:
        super().__init__()
        self.aborted = aborted

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not (record.msg == "error ignored terminating %r: %s" and len(args) == 2
                    and isinstance(args[1], self.aborted))


class PostgresBackend:
    """A PostgreSQL database through psycopg 3. Appends lock the case row (``FOR UPDATE``, or
    the conditional ``UPDATE`` that moves its version).

    Transactions run in psycopg's pipeline mode: ``BEGIN`` travels with the first statement,
    :meth:`send` queues a statement without waiting for the server, and :meth:`execute` waits
    (a sync point) as outside a pipeline. An append sends its statements and waits once, then
    commits: two round trips where waiting for each statement took several.
    """

    dialect: Dialect = "postgresql"

    def __init__(self, url: str, *, readonly: bool = False) -> None:
        try:
            import psycopg
        except ImportError:
            raise StoreError(_("PostgreSQL needs psycopg 3: {command}").format(
                command=as_written("pip install 'deliberation[postgres]'"))) from None
        self.url = url
        self._psycopg = psycopg
        psycopg_log = logging.getLogger("psycopg")
        if not any(isinstance(f, _FollowOnFilter) for f in psycopg_log.filters):
            psycopg_log.addFilter(_FollowOnFilter(psycopg.errors.PipelineAborted))
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except (psycopg.Error, ValueError) as err:
            # libpq's messages run over several lines (server tried, hint): keep the first.
            first = next((line.strip() for line in str(err).splitlines() if line.strip()), "")
            raise StoreError(f"cannot connect to {redact(url)}: {first}".rstrip(": ")) from None
        self.readonly = readonly
        self._pipe: Any = None  # the pipeline of the transaction open now, if any
        # The statements an at-once write holds, not sent yet, and what closes its transaction
        # if it has to begin one after all (see write).
        self._held: list[_Held] | None = None
        self._held_exit: ExitStack | None = None
        if readonly:
            # The server refuses any write in this session, whatever the user's rights.
            self.conn.execute("SET default_transaction_read_only = on")

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self._send_held()
        cur = self.conn.execute(self._sql(sql), tuple(params))
        if self._pipe is not None:
            self._pipe.sync()  # wait for it (and what was sent before it), as callers expect
        # Rows when it has columns (what ``cur.description`` tells, without making a Column
        # object for each column of every statement: about 10,000 instructions a column).
        res = cur.pgresult
        return [tuple(r) for r in cur.fetchall()] if res and res.nfields else []

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._send_held()
        with self.conn.cursor() as cur:
            # (in a pipeline, the rows go with the next statement that waits, or the commit)
            cur.executemany(self._sql(sql), [tuple(r) for r in rows])

    def send(self, sql: str, params: Sequence[Any] = ()) -> Pending:
        if self._held is not None:
            held = _Held(self, sql, tuple(params))
            self._held.append(held)
            return held
        if self._pipe is None:
            return _Ran(self.execute(sql, params))
        return _Queued(self.conn.execute(self._sql(sql), tuple(params)), self._pipe)

    @contextmanager
    def write(self, at_once: bool = False) -> Iterator[None]:
        if not at_once or self._pipe is not None or self._held is not None:
            self._send_held()  # (inside an at-once write: its transaction begins here)
            with self._pipelined():
                yield
            return
        # Statements sent are held (send); the first that needs an answer begins the
        # transaction with them (_send_held), else they go as one statement at the end.
        with ExitStack() as transaction:
            self._held, self._held_exit = [], transaction
            try:
                yield
                held = self._held
            finally:
                self._held = self._held_exit = None
            if held:
                self._at_once(held)

    def _send_held(self) -> None:
        """Begin the transaction of the at-once write that holds statements, if any, and send
        them into it (it commits when the write's block ends)."""
        held, transaction = self._held, self._held_exit
        if held is None or transaction is None:
            return
        self._held = None
        transaction.callback(setattr, self, "_pipe", self._pipe)
        self._pipe = transaction.enter_context(self.conn.pipeline())
        transaction.enter_context(self.conn.transaction())
        for h in held:
            h.sent = _Queued(self.conn.execute(self._sql(h.sql), h.params), self._pipe)

    def _at_once(self, held: list[_Held]) -> None:
        """Run the statements of an at-once write as one: each a common table expression of
        one ``WITH``, whose query is the guard of the first. That query runs first (so the
        guard's row lock is taken before the others write); then PostgreSQL runs every other
        one to completion. One statement is its own transaction: all of it commits, or, if
        one fails (the guard included), none."""
        # (the statements after the guard are checked to write rows: a query among them would
        # not run at all as a part of one WITH that nothing reads)
        guard = held[0].guard
        if guard is None or not all(re.match(_WRITES_ROWS, h.sql) for h in held[1:]):
            with ExitStack() as transaction:  # (not the shape at_once promises: as without it)
                self._held, self._held_exit = held, transaction
                try:
                    self._send_held()
                finally:
                    self._held = self._held_exit = None
            return
        parts = [f"s0 AS ({guard})", *(f"s{i} AS ({h.sql})" for i, h in enumerate(held) if i)]
        for h in held:
            h.sent = _AtOnce()
        self.execute(f"WITH {', '.join(parts)} SELECT 1 / COUNT(*) FROM s0",
                     [p for h in held for p in h.params])

    @contextmanager
    def read(self) -> Iterator[None]:
        self._send_held()
        with self._pipelined():
            self.send("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield

    def read_many(self, queries: Sequence[tuple[str, Sequence[Any]]]) -> list[list[Row]]:
        if len(queries) == 1:
            return [self.execute(*queries[0])]
        # Each query's rows as one JSON array (of objects, whose values in column order are
        # the row): one statement, where a pipeline of several cost three times the Python.
        # A subquery with ORDER BY is not merged into the one around it: json_agg takes its
        # rows in that order.
        sql = "SELECT " + ", ".join(f"(SELECT json_agg(q)::text FROM ({q}) q)" for q, _ in queries)
        row = self.execute(sql, [p for _, params in queries for p in params])[0]
        return [[] if text is None else [tuple(r) for r in _JSON_ROWS.decode(text)]
                for text in row]

    @contextmanager
    def _pipelined(self) -> Iterator[None]:
        """A transaction in pipeline mode (see the class docstring); an error in any statement
        sent rolls it back, raised at the latest when it commits."""
        outer = self._pipe
        with self.conn.pipeline() as pipe, self.conn.transaction():
            self._pipe = pipe
            try:
                yield
            finally:
                self._pipe = outer

    def is_unique_violation(self, err: BaseException) -> bool:
        return isinstance(err, self._psycopg.errors.UniqueViolation)

    def send_guarded(self, sql: str, params: Sequence[Any] = ()) -> Pending:
        # SQL has no statement that raises; dividing by the number of rows returned does,
        # when there are none (and no statement of ours divides otherwise).
        if self._held is not None:  # (an at-once write keeps what it guards, to run as one)
            held = _Held(self, _GUARD.format(sql), tuple(params), guard=sql)
            self._held.append(held)
            return held
        return self.send(_GUARD.format(sql), params)

    def is_guard_failure(self, err: BaseException) -> bool:
        return isinstance(err, self._psycopg.errors.DivisionByZero)

    def is_database_error(self, err: BaseException) -> bool:
        return isinstance(err, self._psycopg.Error)

    def has_table(self, name: str) -> bool:
        # to_regclass follows the search_path, as every other statement does.
        return self.execute("SELECT to_regclass(?)", (name,))[0][0] is not None

    def close(self) -> None:
        self.conn.close()


_GUARD: Final = "WITH guarded AS ({}) SELECT 1 / COUNT(*) FROM guarded"


# A statement that writes rows, perhaps after a WITH of its own: what at-once writes may hold.
# (A pattern, compiled by re on first use: only PostgreSQL's at-once writes read it.)
_WRITES_ROWS: Final = r"(?si)\s*(?:WITH\b.*\)\s*)?(?:INSERT|UPDATE|DELETE)\b"


def _values_in_order(pairs: list[tuple[str, Any]]) -> list[Any]:
    # (by position: a row's columns may share a name, e.g. two NULLs)
    return [value for _name, value in pairs]


_JSON_ROWS: Final = json.JSONDecoder(object_pairs_hook=_values_in_order)


class _Held:
    """A statement an at-once write holds (see :meth:`PostgresBackend.write`)."""

    def __init__(self, backend: PostgresBackend, sql: str, params: tuple[Any, ...], *,
                 guard: str | None = None) -> None:
        self.backend = backend
        self.sql = sql  # (what is sent, if it is sent on its own)
        self.params = params
        # a statement :meth:`PostgresBackend.send_guarded` sent: the statement it guards
        self.guard = guard
        self.sent: _Queued | _AtOnce | None = None

    def rows(self) -> list[Row]:
        if self.sent is None:
            self.backend._send_held()  # (an answer is needed now: the transaction begins)
        if self.sent is None:
            raise RuntimeError("a statement of a write that was given up has no rows")
        return self.sent.rows()


class _AtOnce:
    """A statement that ran in one with others: its rows were not kept."""

    def rows(self) -> list[Row]:
        raise RuntimeError("a statement sent as part of one at-once write has no rows to read")


@fields_repr
@attrs.frozen(repr=False, eq=False)  # never compared: no __eq__ to compile (start-up speed)
class _Queued:
    """A statement sent in a pipeline; reading its rows waits for them."""

    cursor: Any
    pipe: Any

    def rows(self) -> list[Row]:
        if self.cursor.pgresult is None:
            # A sync point, not a mere flush: every statement sent so far has answered when it
            # returns, and the first that failed raises here, leaving nothing pending behind.
            self.pipe.sync()
        return [tuple(r) for r in self.cursor.fetchall()]


def connect(url: str, *, readonly: bool = False, create: bool = True) -> Backend:
    """A backend for ``url``: ``sqlite:///relative.db``, ``sqlite:////abs/path.db``,
    ``sqlite:///:memory:``, a bare file path, or ``postgresql://user:pw@host/db``.
    ``readonly``: open an existing database for reading only; ``create=False``: an SQLite file
    must exist already (a command acting on a case never creates an empty store)."""
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresBackend(url, readonly=readonly)
    if url.startswith("sqlite:"):
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise StoreError(_("sqlite URL {url!r}: use {form} (three slashes)").format(
                url=url, form=as_written("sqlite:///path")))
        path = unquote(parts.path)
        # sqlite:///village.db -> "village.db" (relative); sqlite:////srv/v.db -> "/srv/v.db"
        path = path[1:] if path.startswith("/") else path
        if not path:
            raise StoreError(_("sqlite URL {url!r} names no file").format(url=url))
        return SQLiteBackend(url, path, readonly=readonly, create=create)
    if "://" in url:
        raise StoreError(_("unknown store URL {url!r}: use {sqlite} or {postgres}").format(
            url=redact(url), sqlite=as_written("sqlite:///FILE"),
            postgres=as_written("postgresql://…")))
    return SQLiteBackend(f"sqlite:///{url}", url, readonly=readonly, create=create)


def redact(url: str) -> str:
    """``url`` with its password replaced by ``***``, fit for a message."""
    try:
        parts = urlsplit(url)
    except ValueError:  # not even a URL (e.g. an unclosed "[")
        return url.split("@")[-1] if "@" in url else url
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
