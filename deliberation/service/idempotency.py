"""``Idempotency-Key``: a retried request gets the first response and appends nothing.

The first response (success or refusal) is kept with a hash of the request; a retry with the
same key and the same request replays it, with a different request it is refused. The records
of a keyed action are stored under an action id derived from the key, so even when the
response was not kept (two identical requests racing, or a crash between the append and
saving the response), a retry finds that the action already happened instead of doing it
again.

>>> from deliberation.service.db import open_service_store
>>> store = open_service_store("sqlite:///:memory:")
>>> remember(store, "c1", "k1", "h", 200, '{"ok": true}')
>>> recall(store, "c1", "k1")
('h', 200, '{"ok": true}')
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Final

from deliberation.engine.records import canonical_json
from deliberation.service.db import now_text
from deliberation.store import Store

KEY: Final = re.compile(r"^[\x21-\x7e]{1,255}$")


def request_hash(body: Any) -> str:
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


def recall(store: Store, case_id: str, key: str) -> tuple[str, int, str] | None:
    """(request hash, status, body) of the first response to ``key`` on the case."""
    rows = store.backend.execute(
        "SELECT request_hash, status, body FROM service_idempotency "
        "WHERE case_id = ? AND idem_key = ?", (case_id, key))
    return (str(rows[0][0]), int(rows[0][1]), str(rows[0][2])) if rows else None


def remember(store: Store, case_id: str, key: str, req_hash: str, status: int, body: str
             ) -> None:
    """Keep the first response to ``key`` (a later one for the same key is ignored). Inside a
    write transaction, sent without waiting (it commits with the transaction or not at all)."""
    store.backend.send(
        "INSERT INTO service_idempotency (case_id, idem_key, request_hash, status, body, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (case_id, idem_key) DO NOTHING",
        (case_id, key, req_hash, status, body, now_text()))


# :func:`recall` and :func:`action_seqs` in one query; its rows go to :func:`recalled`.
RECALL_OR_DONE: Final = (
    "SELECT request_hash, status, body, NULL FROM service_idempotency "
    "WHERE case_id = ? AND idem_key = ? UNION ALL "
    "SELECT NULL, NULL, NULL, seq FROM records WHERE case_id = ? AND action_id = ?")


def recall_or_done(store: Store, case_id: str, key: str, action_id: str
                   ) -> tuple[tuple[str, int, str] | None, list[int]]:
    """:func:`recall` and :func:`action_seqs` in one query (one round trip per request)."""
    return recalled(store.backend.execute(RECALL_OR_DONE, (case_id, key, case_id, action_id)))


def recalled(rows: list[tuple[Any, ...]]) -> tuple[tuple[str, int, str] | None, list[int]]:
    """The kept answer and the seqs already stored, from the rows of :data:`RECALL_OR_DONE`."""
    first = next(((str(r[0]), int(r[1]), str(r[2])) for r in rows if r[0] is not None), None)
    return first, sorted(int(r[3]) for r in rows if r[3] is not None)


def action_seqs(store: Store, case_id: str, action_id: str) -> list[int]:
    """The seqs of the case's records stored under ``action_id`` (empty: not done)."""
    rows = store.backend.execute(
        "SELECT seq FROM records WHERE case_id = ? AND action_id = ? ORDER BY seq",
        (case_id, action_id))
    return [int(r[0]) for r in rows]
