"""The service's own tables, beside the store's, in the same database.

The store keeps cases and their hash-chained records; the service adds what only a shared,
multi-user front needs: bearer tokens (hashed), which village a case or roster belongs to,
idempotency keys with the response they got, the ordered event feed, uploaded procedures,
and a table the write-check endpoint inserts into. They are versioned in ``service_schema``
like the store's own migrations (a step is never edited; a change is a new step).

>>> store = open_service_store("sqlite:///:memory:")
>>> service_schema_version(store)
6
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from typing import Final

import attrs

from deliberation.store import Store, open_store

# An arbitrary constant: the PostgreSQL advisory lock that serialises the service's migrations.
_MIGRATION_LOCK: Final = 7_364_311
# Another: the PostgreSQL advisory lock held while feed rows are numbered (service schema 6).
FEED_LOCK: Final = 7_364_312


@attrs.frozen
class _Step:
    version: int
    sqlite: tuple[str, ...]
    postgresql: tuple[str, ...]


def _v1(serial: str) -> tuple[str, ...]:
    return (
        # Only a hash of each token's secret is kept: a copy of the database grants nothing.
        """CREATE TABLE service_tokens (
            token_id TEXT PRIMARY KEY,
            secret_hash TEXT NOT NULL,
            role TEXT NOT NULL,
            village TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            revoked_at TEXT
        )""",
        """CREATE TABLE service_cases (
            case_id TEXT PRIMARY KEY,
            village TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX service_cases_by_village ON service_cases (village, created_at)",
        """CREATE TABLE service_rosters (
            roster_id TEXT PRIMARY KEY,
            village TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            roster_json TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        # The first response to a request with an Idempotency-Key, replayed to its retries.
        """CREATE TABLE service_idempotency (
            case_id TEXT NOT NULL,
            idem_key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            status INTEGER NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (case_id, idem_key)
        )""",
        # One row per stored record, numbered in the order they were fed (see feed.py).
        f"""CREATE TABLE service_feed (
            position {serial},
            village TEXT NOT NULL,
            case_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            UNIQUE (case_id, seq)
        )""",
        "CREATE INDEX service_feed_by_village ON service_feed (village, position)",
        f"CREATE TABLE service_pings (id {serial}, at TEXT NOT NULL)",
    )


# Store schema v6 keeps each case's village in the cases table (under the chain for cases
# created from then on), which the service now reads; service_cases, where the service kept it
# before, is copied over and no longer written.
_V2: Final = (
    "UPDATE cases SET village = (SELECT s.village FROM service_cases s "
    "WHERE s.case_id = cases.case_id) "
    "WHERE village = '' AND case_id IN (SELECT case_id FROM service_cases)",
)

# Procedures an admin uploaded (see procedures.py): the YAML exactly as posted, by id and
# version, with the SHA-256 of its text, which a case opened under it binds in its header.
_V3: Final = (
    """CREATE TABLE service_procedures (
        procedure_id TEXT NOT NULL,
        version TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE,
        yaml_text TEXT NOT NULL,
        village TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (procedure_id, version)
    )""",
)

# An uploaded procedure may extend another uploaded one: the id and binding hash of the one it
# extends, as resolved when it was uploaded ('' for none or a built-in), under its own hash.
_V4: Final = (
    "ALTER TABLE service_procedures ADD COLUMN base_id TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE service_procedures ADD COLUMN base_hash TEXT NOT NULL DEFAULT ''",
)

# A keyed action's request asks whether records are stored under its action id
# (idempotency.RECALL_OR_DONE) — on every act, stale ones included. Without this index the
# database reads every record row of the case to answer (one heap page each on PostgreSQL:
# 0.4 ms at 60 records, growing with the case). The store's own reads never ask by action id.
_V5: Final = ("CREATE INDEX service_records_by_action ON records (case_id, action_id)",)

# On PostgreSQL, feed rows are numbered at COMMIT, by the database: they are inserted without
# a position, and a deferred constraint trigger (fired when the transaction commits, after
# every statement of it) takes the feed lock and numbers the transaction's unnumbered rows in
# (case, seq) order. The lock is released only when the transaction has ended, after it is
# visible as committed, so positions still commit in the order they are numbered (a reader that
# has seen position n never later finds a smaller one) — but it is now held for the commit
# alone, not from an INSERT through a worker thread's turn to send COMMIT (48 ms of waiting
# per append under load, see docs/service.md). Rows are only ever unnumbered inside their own
# uncommitted transaction: no reader sees one. The former primary key on position becomes a
# unique index (which admits those NULLs). SQLite needs nothing: its writers are serialised
# (BEGIN IMMEDIATE), so numbering at INSERT is numbering in commit order.
_V6_POSTGRESQL: Final = (
    "ALTER TABLE service_feed DROP CONSTRAINT service_feed_pkey",
    "ALTER TABLE service_feed ALTER COLUMN position DROP NOT NULL",
    "ALTER TABLE service_feed ALTER COLUMN position DROP DEFAULT",
    "CREATE UNIQUE INDEX service_feed_by_position ON service_feed (position)",
    "CREATE INDEX service_feed_unnumbered ON service_feed (case_id, seq) "
    "WHERE position IS NULL",
    # (the loop numbers in (case, seq) order for certain; an UPDATE's order is unspecified)
    f"""CREATE FUNCTION service_feed_number() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        r record;
    BEGIN
        PERFORM pg_advisory_xact_lock({FEED_LOCK});
        FOR r IN SELECT ctid FROM service_feed WHERE position IS NULL
                 ORDER BY case_id, seq LOOP
            UPDATE service_feed SET position = nextval('service_feed_position_seq')
            WHERE ctid = r.ctid;
        END LOOP;
        RETURN NULL;
    END
    $$""",
    # (constraint triggers are row triggers; the first firing numbers every row of the
    # transaction, the others find none left)
    "CREATE CONSTRAINT TRIGGER service_feed_numbered AFTER INSERT ON service_feed "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION service_feed_number()",
)

_STEPS: Final = (
    _Step(1, _v1("INTEGER PRIMARY KEY AUTOINCREMENT"), _v1("BIGSERIAL PRIMARY KEY")),
    _Step(2, _V2, _V2),
    _Step(3, _V3, _V3),
    _Step(4, _V4, _V4),
    _Step(5, _V5, _V5),
    _Step(6, (), _V6_POSTGRESQL),
)
LATEST: Final = _STEPS[-1].version


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def migrate(store: Store, upto: int = LATEST) -> None:
    """Bring the service's tables to :data:`LATEST` (idempotent; safe from many processes).
    ``upto``: an earlier version to stop at (to test an upgrade from it)."""
    b = store.backend
    with b.write():
        if b.dialect == "postgresql":
            b.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
        b.execute("CREATE TABLE IF NOT EXISTS service_schema (version INTEGER PRIMARY KEY, "
                  "applied_at TEXT NOT NULL)")
        current = int(b.execute("SELECT MAX(version) FROM service_schema")[0][0] or 0)
        for step in _STEPS:
            if current < step.version <= upto:
                for sql in step.sqlite if b.dialect == "sqlite" else step.postgresql:
                    b.execute(sql)
                b.execute("INSERT INTO service_schema (version, applied_at) VALUES (?, ?)",
                          (step.version, now_text()))


def service_schema_version(store: Store) -> int:
    return int(store.backend.execute("SELECT MAX(version) FROM service_schema")[0][0] or 0)


def open_service_store(url: str) -> Store:
    """Open the store at ``url`` with the service's tables in place."""
    store = open_store(url)
    migrate(store)
    return store


class StorePool:
    """One :class:`Store` per thread (a Store holds one connection and is not thread-safe); the
    server runs blocking handlers in a thread pool, so each thread keeps its own.

    The pool's threads come and go (an idle worker thread ends after a few seconds and a new
    one is started when work comes), so the stores of threads that have ended are closed
    whenever a new thread opens one: otherwise their connections would pile up until the
    database refuses more clients."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self._all: list[tuple[threading.Thread, Store]] = []
        self._lock = threading.Lock()
        # Migrate once up front so no request pays for it (and errors show at start-up).
        first = open_service_store(url)
        self._local.store = first
        self._all.append((threading.current_thread(), first))

    def get(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            with self._lock:
                ended = [s for t, s in self._all if not t.is_alive()]
                self._all = [(t, s) for t, s in self._all if t.is_alive()]
            for s in ended:
                _close(s)
            store = open_store(self.url)
            self._local.store = store
            with self._lock:
                self._all.append((threading.current_thread(), store))
        return store

    def open_count(self) -> int:
        """How many stores (connections) the pool holds."""
        with self._lock:
            return len(self._all)

    def close(self) -> None:
        """Close every thread's store."""
        with self._lock:
            for _thread, s in self._all:
                _close(s)
            self._all.clear()


def _close(store: Store) -> None:
    # An SQLite connection can only be closed by the thread that opened it; such a one closes
    # when the process ends (a file handle, not a server's connection slot).
    try:
        store.close()
    except sqlite3.ProgrammingError:
        pass
