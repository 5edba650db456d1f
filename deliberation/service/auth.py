"""Who may do what: a bearer token's role, within its village.

- **clerk**: opens cases and acts on the cases of their village, reads them;
- **auditor**: reads, verifies and exports the cases of their village, follows its feed;
- **admin**: everything a clerk may, and manages the village's rosters.

Anything outside a token's scope is 403 and changes nothing (checked before any work).

>>> p = Principal("t1", "auditor", "guzhuang")
>>> allowed(p, "act", "guzhuang"), allowed(p, "read", "guzhuang"), allowed(p, "read", "lijin")
(False, True, False)
"""

from __future__ import annotations

from typing import Final

from deliberation.i18n import T
from deliberation.service.problems import ServiceProblem, forbidden
from deliberation.service.tokens import Principal, Role, find_token
from deliberation.store import Store

__all__ = ["PERMISSIONS", "Principal", "allowed", "authenticate", "require"]

PERMISSIONS: Final[dict[str, tuple[Role, ...]]] = {
    "read": ("clerk", "auditor", "admin"),
    "act": ("clerk", "admin"),
    "open": ("clerk", "admin"),
    "manage-rosters": ("admin",),
}


def allowed(principal: Principal, permission: str, village: str) -> bool:
    return principal.role in PERMISSIONS[permission] and principal.covers(village)


def require(principal: Principal, permission: str, village: str) -> None:
    """Raise a 403 problem unless ``principal`` has ``permission`` in ``village``."""
    if principal.role not in PERMISSIONS[permission]:
        raise forbidden(T(
            f"角色 {principal.role} 无权办理此事({permission})",
            f"角色 {principal.role} 無權辦理此事({permission})",
            f"the {principal.role} role may not do this ({permission})"))
    if not principal.covers(village):
        raise forbidden(T(
            f"凭证只适用于 {principal.village},不适用于 {village}",
            f"憑證只適用於 {principal.village},不適用於 {village}",
            f"this token is for village {principal.village}, not {village}"))


def authenticate(store: Store, authorization: str | None) -> Principal:
    """The principal of an ``Authorization: Bearer …`` header, or a 401 problem."""
    scheme, _, token = (authorization or "").partition(" ")
    principal = find_token(store, token.strip()) if scheme.lower() == "bearer" else None
    if principal is None:
        raise ServiceProblem(401, "unauthorized", T(
            "请在 Authorization 头中提供有效的令牌(Bearer)",
            "請在 Authorization 標頭中提供有效的權杖(Bearer)",
            "give a valid token in the Authorization header (Bearer)"),
            headers={"WWW-Authenticate": 'Bearer realm="deliberation"'})
    return principal
