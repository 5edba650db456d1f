"""Bearer tokens: created by ``deliberation token create``, stored hashed, revocable.

A token reads ``dlb_<id>_<secret>``. Only SHA-256 of the secret is stored: the secret is 256
random bits, so a slow password hash would add nothing, and a stolen database grants nothing.

>>> from deliberation.service.db import open_service_store
>>> store = open_service_store("sqlite:///:memory:")
>>> issued = create_token(store, "clerk", "guzhuang")
>>> find_token(store, issued.token).role
'clerk'
>>> revoke_token(store, issued.token_id)
True
>>> find_token(store, issued.token) is None
True
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from typing import Any, Final, Literal

import attrs

from deliberation.errors import DeliberationError
from deliberation.i18n import _
from deliberation.ids import ID_RE
from deliberation.service.db import now_text
from deliberation.store import Store

Role = Literal["clerk", "auditor", "admin"]
ROLES: Final[tuple[Role, ...]] = ("clerk", "auditor", "admin")
ALL_VILLAGES: Final = "*"
VILLAGE_ID: Final = ID_RE  # the one id rule (deliberation.ids)
_TOKEN: Final = re.compile(r"^dlb_([0-9a-f]{16})_([A-Za-z0-9_-]{20,100})$")


@attrs.frozen
class Principal:
    """Who a request acts as: a token's id, role and village (``*``: every village)."""

    token_id: str
    role: Role
    village: str

    def covers(self, village: str) -> bool:
        return self.village in (ALL_VILLAGES, village)


@attrs.frozen
class IssuedToken:
    """A token just created: ``token`` is shown once and never stored."""

    token_id: str
    token: str
    role: Role
    village: str
    label: str


def check_village(village: str, *, allow_all: bool = False) -> str:
    if (allow_all and village == ALL_VILLAGES) or VILLAGE_ID.match(village):
        return village
    raise DeliberationError(_(
        "village id {village!r} is invalid: use letters, digits, '.', '_' and '-'",
    ).format(village=village))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(store: Store, role: str, village: str, label: str = "") -> IssuedToken:
    """Create a token for ``role`` in ``village`` (``*`` for every village)."""
    if role not in ROLES:
        raise DeliberationError(_(
            "role {role!r} is invalid: use clerk, auditor or admin",
        ).format(role=role))
    check_village(village, allow_all=True)
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    store.backend.execute(
        "INSERT INTO service_tokens (token_id, secret_hash, role, village, label, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (token_id, _hash(secret), role, village, label, now_text()),
    )
    r: Role = role  # checked against ROLES above
    return IssuedToken(token_id, f"dlb_{token_id}_{secret}", r, village, label)


def find_token(store: Store, token: str) -> Principal | None:
    """The principal a presented token stands for; ``None`` if unknown, wrong or revoked."""
    query = token_query(token)
    return None if query is None else principal_from(token, store.backend.execute(*query))


def token_query(token: str) -> tuple[str, tuple[str]] | None:
    """The query (SQL, parameters) of the stored token that ``token`` names, whose rows
    :func:`principal_from` checks it against (so it can be read together with other reads);
    ``None`` for a text that is not a token at all."""
    m = _TOKEN.match(token)
    if not m:
        return None
    return ("SELECT secret_hash, role, village, revoked_at FROM service_tokens "
            "WHERE token_id = ?", (m.group(1),))


def principal_from(token: str, rows: Sequence[Sequence[Any]]) -> Principal | None:
    """The principal of ``token`` given the rows of its :func:`token_query`; ``None`` if
    unknown, wrong or revoked (checked on every request: a revocation takes effect at once)."""
    m = _TOKEN.match(token)
    if not m or not rows or rows[0][3] is not None:
        return None
    if not hmac.compare_digest(str(rows[0][0]), _hash(m.group(2))):
        return None
    role = str(rows[0][1])
    if role not in ROLES:
        return None
    return Principal(m.group(1), role, str(rows[0][2]))


def revoke_token(store: Store, token_id: str) -> bool:
    """Revoke a token by id; ``False`` if there is no such live token."""
    with store.backend.write():
        rows = store.backend.execute(
            "SELECT 1 FROM service_tokens WHERE token_id = ? AND revoked_at IS NULL", (token_id,))
        if not rows:
            return False
        store.backend.execute("UPDATE service_tokens SET revoked_at = ? WHERE token_id = ?",
                              (now_text(), token_id))
    return True


def list_tokens(store: Store) -> list[dict[str, str | None]]:
    """Every token's id, role, village, label and dates (never a secret or its hash)."""
    rows = store.backend.execute(
        "SELECT token_id, role, village, label, created_at, revoked_at FROM service_tokens "
        "ORDER BY created_at")
    keys = ("id", "role", "village", "label", "created_at", "revoked_at")
    return [dict(zip(keys, (None if v is None else str(v) for v in r), strict=True))
            for r in rows]
