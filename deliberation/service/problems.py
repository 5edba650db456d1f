"""Errors as ``application/problem+json`` (RFC 9457), in the request's language and all three.

Every error the service answers with is a :class:`ServiceProblem`: a status, a stable ``code``
(the last part of ``type``), a title and a detail as :class:`~deliberation.i18n.Text`, and any
extension members (a refusal's violations, a malformed body's located errors). No traceback or
file path ever goes into one: unexpected errors become a bare 500 (see ``app``).

>>> p = ServiceProblem(409, "stale-version", detail=_("stale"), extra={"version": 3})
>>> data = p.to_data("en", "/v1/cases/c1/actions")
>>> data["type"], data["title"], data["detail"], data["version"]
('urn:deliberation:problem:stale-version', 'Stale version', 'stale', 3)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from starlette.responses import JSONResponse

from deliberation.errors import ConcurrencyConflict
from deliberation.i18n import Text, _

MEDIA_TYPE: Final = "application/problem+json"
TYPE_PREFIX: Final = "urn:deliberation:problem:"

# code -> title; the code is the stable part clients match on.
TITLES: Final[Mapping[str, Text]] = {
    "bad-request": _("Bad request"),
    "invalid-body": _("Invalid request body"),
    "unauthorized": _("Not authenticated"),
    "forbidden": _("Forbidden"),
    "not-found": _("Not found"),
    "method-not-allowed": _("Method not allowed"),
    "not-acceptable": _("Not acceptable"),
    "conflict": _("Conflict"),
    "stale-version": _("Stale version"),
    "precondition-required": _("Precondition required"),
    "too-large": _("Request body too large"),
    "unsupported-media-type": _("Unsupported media type"),
    "refused": _("Action refused"),
    "invalid-action": _("Action does not fit the case"),
    "idempotency-key-reused": _("Idempotency key reused"),
    "in-progress": _("Request in progress"),
    "unavailable": _("Temporarily unavailable"),
    "internal": _("Internal server error"),
}


class ServiceProblem(Exception):
    """An error answered as problem+json. ``extra`` members are added to the payload as is."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: Text | None = None,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if code not in TITLES:
            raise ValueError(f"unknown problem code {code!r}")
        self.status = status
        self.code = code
        self.detail = detail or TITLES[code]
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})
        super().__init__()

    def __str__(self) -> str:
        # (worded when asked: most problems are answered, never printed)
        return self.detail.en

    def to_data(self, lang: str, instance: str | None = None) -> dict[str, Any]:
        messages = self.detail.to_data()  # (the detail in every language, worded once)
        out: dict[str, Any] = {
            "type": TYPE_PREFIX + self.code,
            "title": TITLES[self.code].get(lang),
            "status": self.status,
            "detail": messages[lang] if lang in messages else self.detail.get(lang),
            "code": self.code,
            "messages": messages,
        }
        if instance:
            out["instance"] = instance
        out.update(self.extra)
        return out


def answer(problem: ServiceProblem, lang: str, instance: str) -> JSONResponse:
    """The response of ``problem``, worded in ``lang``, about the request at path ``instance``."""
    return JSONResponse(problem.to_data(lang, instance), status_code=problem.status,
                        media_type=MEDIA_TYPE,
                        headers={"Content-Language": lang, **problem.headers})


def stale_version(err: ConcurrencyConflict) -> ServiceProblem:
    """409 for a write prepared against a version the case has moved on from; its ETag is the
    version now (what a retry sends as If-Match)."""
    return ServiceProblem(409, "stale-version", err.message, {"version": err.actual_version},
                          headers={"ETag": f'"{err.actual_version}"'})


def not_found(what: Text) -> ServiceProblem:
    return ServiceProblem(404, "not-found", what)


def forbidden(why: Text) -> ServiceProblem:
    return ServiceProblem(403, "forbidden", why)
