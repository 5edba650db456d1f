"""Who may do what: a bearer token's role, within its village.

- **clerk**: opens cases and acts on the cases of their village, reads them;
- **auditor**: reads, verifies and exports the cases of their village, follows its feed;
- **admin**: everything a clerk may, and manages the village's rosters and uploads
  procedures (which every village can then use).

Anything outside a token's scope is 403 and changes nothing (checked before any work).

>>> p = Principal("t1", "auditor", "guzhuang")
>>> allowed(p, "act", "guzhuang"), allowed(p, "read", "guzhuang"), allowed(p, "read", "lijin")
(False, True, False)
"""

from __future__ import annotations

from typing import Final

from deliberation.i18n import _
from deliberation.service.problems import ServiceProblem, forbidden
from deliberation.service.tokens import Principal, Role, find_token
from deliberation.store import Store

__all__ = ["PERMISSIONS", "Principal", "allowed", "authenticate", "bearer", "require",
           "unauthorized"]

PERMISSIONS: Final[dict[str, tuple[Role, ...]]] = {
    "read": ("clerk", "auditor", "admin"),
    "act": ("clerk", "admin"),
    "open": ("clerk", "admin"),
    "manage-rosters": ("admin",),
    "manage-procedures": ("admin",),
}


def allowed(principal: Principal, permission: str, village: str) -> bool:
    return principal.role in PERMISSIONS[permission] and principal.covers(village)


def require(principal: Principal, permission: str, village: str) -> None:
    """Raise a 403 problem unless ``principal`` has ``permission`` in ``village``."""
    if principal.role not in PERMISSIONS[permission]:
        raise forbidden(_(
            "the {role} role may not do this ({permission})",
        ).format(role=principal.role, permission=permission))
    if not principal.covers(village):
        raise forbidden(_(
            "this token is for village {village}, not {village2}",
        ).format(village=principal.village, village2=village))


def authenticate(store: Store, authorization: str | None) -> Principal:
    """The principal of an ``Authorization: Bearer …`` header, or a 401 problem."""
    token = bearer(authorization)
    principal = find_token(store, token) if token is not None else None
    if principal is None:
        raise unauthorized()
    return principal


def bearer(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header (``None``: another scheme or none)."""
    scheme, _unused, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def unauthorized() -> ServiceProblem:
    return ServiceProblem(401, "unauthorized", _(
        "give a valid token in the Authorization header (Bearer)",
    ),
        headers={"WWW-Authenticate": 'Bearer realm="deliberation"'})
