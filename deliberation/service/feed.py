"""The event feed: every stored record, once, in one order a platform can follow with
``after=``.

Each record gets a feed row with a ``position`` (increasing across the whole database).
:func:`sync_case` appends the rows of a case's records that have none yet. Positions are
committed in the order they are numbered, so a reader that has seen position *n* never later
finds a smaller one appear (on PostgreSQL a plain sequence would not promise that): SQLite
serialises writers, and on PostgreSQL the rows are numbered by the database when their
transaction commits, under one lock held through the commit (service schema 6, see db.py).
It runs after every action; because it fills *every* gap of the case, a crash between an
append and its feed rows is repaired by the next action on that case or by :func:`sync_all`,
which ``deliberation serve`` runs at start-up.

>>> from deliberation.service.db import open_service_store
>>> from deliberation.store.cases import new_case
>>> from deliberation.engine.clock import ManualClock
>>> from deliberation.roster import Roster
>>> store = open_service_store("sqlite:///:memory:")
>>> _ = new_case(store, "four-deliberations", Roster.generate(), case_id="c1",
...              clock=ManualClock())
>>> sync_case(store, "c1", "guzhuang")
1
>>> [(e["position"], e["seq"], e["record"]["kind"]) for e in village_events(store, "guzhuang", 0)]
[(1, 1, 'opened')]
"""

from __future__ import annotations

import json
from typing import Any, Final

from deliberation.store import Store
from deliberation.store.backends import Pending


def sync_case(store: Store, case_id: str, village: str) -> int:
    """Give feed rows to the case's records that have none; returns how many were added."""
    with store.backend.write():
        return sync_locked(store, case_id, village)


def sync_locked(store: Store, case_id: str, village: str, version: int | None = None) -> int:
    """:func:`sync_case` inside a write transaction the caller holds (so other rows, such as a
    kept idempotent response, commit with the feed rows). ``version``: the case's version if
    the caller knows it."""
    return len(send_locked(store, case_id, village, version).rows())


def send_locked(store: Store, case_id: str, village: str, version: int | None = None
                ) -> Pending:
    """:func:`sync_locked` without waiting for the database (see
    :meth:`~deliberation.store.backends.Backend.send`): its rows are the seqs fed."""
    b = store.backend
    if version is None:
        rows = b.execute("SELECT version FROM cases WHERE case_id = ?", (case_id,))
        version = int(rows[0][0]) if rows else 0
    # One statement adds every seq after the last one fed, up to ``version`` (on PostgreSQL
    # without a position yet: the commit numbers them). No lock is held here, so two syncs of
    # one case may race (an action's own feed rows cannot: the case row's lock orders them):
    # the later one skips the rows the other has added.
    return b.send(
        "WITH RECURSIVE missing (seq) AS ("
        " SELECT COALESCE(MAX(seq), 0) + 1 FROM service_feed WHERE case_id = ?"
        " UNION ALL SELECT seq + 1 FROM missing WHERE seq < ?) "
        "INSERT INTO service_feed (village, case_id, seq) "
        "SELECT ?, ?, seq FROM missing WHERE seq <= ? ORDER BY seq "
        "ON CONFLICT (case_id, seq) DO NOTHING RETURNING seq",
        (case_id, version, village, case_id, version))


def sync_all(store: Store) -> int:
    """:func:`sync_case` for every case the service knows (start-up repair)."""
    rows = store.backend.execute(
        "SELECT case_id, village FROM cases WHERE village <> '' ORDER BY created_at, case_id")
    return sum(sync_case(store, str(r[0]), str(r[1])) for r in rows)


_SELECT: Final = (
    "SELECT f.position, f.village, f.case_id, f.seq, r.action_id, r.action_index, r.action_size, "
    "r.prev_hash, r.hash, r.record_json FROM service_feed f "
    "JOIN records r ON r.case_id = f.case_id AND r.seq = f.seq "
)


def _event(r: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "position": int(r[0]),
        "village": str(r[1]),
        "case": str(r[2]),
        "seq": int(r[3]),
        "action": {"id": str(r[4]), "index": int(r[5]), "size": int(r[6])},
        "prev_hash": str(r[7]),
        "hash": str(r[8]),
        "record": json.loads(str(r[9])),
    }


def village_events(store: Store, village: str, after: int, limit: int = 100
                   ) -> list[dict[str, Any]]:
    """The village's events with ``position > after``, in order (at most ``limit``)."""
    return _events_after(store, "village", village, "position", after, limit)


def case_events(store: Store, case_id: str, after: int, limit: int = 100
                ) -> list[dict[str, Any]]:
    """The case's events with ``seq > after``, in order (at most ``limit``)."""
    return _events_after(store, "case_id", case_id, "seq", after, limit)


def _events_after(store: Store, column: str, value: str, order: str, after: int, limit: int
                  ) -> list[dict[str, Any]]:
    # column and order are the two callers' own column names, never input
    rows = store.backend.execute(
        _SELECT + f"WHERE f.{column} = ? AND f.{order} > ? ORDER BY f.{order} LIMIT ?",
        (value, after, limit))
    return [_event(r) for r in rows]
