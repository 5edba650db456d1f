"""What every route needs: the request's store, settings, language and principal.

Handlers are plain (blocking) functions: the server runs them in its thread pool, and each
thread has its own store connection (:class:`~deliberation.service.db.StorePool`).
"""

from __future__ import annotations

import copy
from typing import Annotated, Any, Final

import attrs
from fastapi import Depends, Header, Query, Request
from fastapi.responses import JSONResponse

from deliberation.i18n import Lang, _
from deliberation.service.auth import authenticate
from deliberation.service.db import StorePool
from deliberation.service.lang import negotiate
from deliberation.service.problems import ServiceProblem
from deliberation.service.settings import ServiceSettings
from deliberation.service.tokens import VILLAGE_ID, Principal
from deliberation.store import Store


@attrs.frozen
class Ctx:
    """One request's context. ``store`` is the calling thread's: the server may run a
    request's dependencies and its handler on different threads of its pool."""

    pool: StorePool
    settings: ServiceSettings
    lang: Lang
    principal: Principal

    @property
    def store(self) -> Store:
        return self.pool.get()


LANG_DESCRIPTION: Final = "zh-Hans, zh-Hant or en; overrides Accept-Language"


async def language(
    lang: Annotated[str | None, Query(description=LANG_DESCRIPTION)] = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> Lang:
    # async (it waits for nothing): a plain function would be sent to the thread pool, a
    # thread hop on every request for a few string operations
    return negotiate(accept_language, lang)


def context(
    request: Request,
    lang: Annotated[Lang, Depends(language)],
    authorization: Annotated[str | None, Header(description="Bearer TOKEN")] = None,
) -> Ctx:
    pool: StorePool = request.app.state.pool
    return Ctx(pool, request.app.state.settings, lang, authenticate(pool.get(), authorization))


@attrs.frozen
class Unchecked:
    """A request's context before its token is checked, for the routes on one case: they
    check it in the round trip that reads the case's header (``cases.checked_case``), which
    gives the :class:`Ctx`. It has no store: nothing can be read through it."""

    pool: StorePool
    settings: ServiceSettings
    lang: Lang
    authorization: str | None


async def unchecked_context(
    request: Request,
    lang: Annotated[Lang, Depends(language)],
    authorization: Annotated[str | None, Header(description="Bearer TOKEN")] = None,
) -> Unchecked:
    # async: it reads nothing (a plain function would be a thread-pool hop per request)
    return Unchecked(request.app.state.pool, request.app.state.settings, lang, authorization)


def unchecked_of(request: Request) -> Unchecked:
    """:func:`unchecked_context` read straight from the request, for the routes every client
    calls for every action (acting, and reading a case's version): FastAPI's solving of
    declared dependencies and parameters cost those requests more server CPU than the case's
    own work. The same headers and query parameter, read the same way (the first
    ``Authorization`` and ``Accept-Language`` header, the last ``lang``); such a route
    describes them in OpenAPI with :func:`case_parameters`."""
    headers = request.headers
    return Unchecked(request.app.state.pool, request.app.state.settings,
                     negotiate(headers.get("accept-language"), request.query_params.get("lang")),
                     headers.get("authorization"))


def _optional(name: str, where: str, title: str, description: str | None = None
              ) -> dict[str, Any]:
    """An optional string parameter, described as FastAPI describes ``str | None`` ones."""
    schema: dict[str, Any] = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    if description is not None:
        schema["description"] = description
    schema["title"] = title
    param: dict[str, Any] = {"name": name, "in": where, "required": False, "schema": schema}
    if description is not None:
        param["description"] = description
    return param


def request_parameters(*headers: tuple[str, str, str]) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads its parameters with :func:`unchecked_of`:
    ``lang``, then ``headers`` (name, title, description) of its own, then ``Authorization``
    and ``Accept-Language`` — the description FastAPI gives the routes that declare them (a
    test holds the two equal)."""
    return {"parameters": [
        _optional("lang", "query", "Lang", LANG_DESCRIPTION),
        *(_optional(name, "header", title, description)
          for name, title, description in headers),
        _optional("authorization", "header", "Authorization", "Bearer TOKEN"),
        _optional("accept-language", "header", "Accept-Language"),
    ]}


def case_parameters(*headers: tuple[str, str, str]) -> dict[str, Any]:
    """:func:`request_parameters` for a route on one case: the path's ``case_id`` first."""
    return {"parameters": [
        {"name": "case_id", "in": "path", "required": True,
         "schema": {"type": "string", "title": "Case Id"}},
        *request_parameters(*headers)["parameters"],
    ]}


async def raw_body(request: Request) -> bytes:
    """The request body as sent (read here, on the event loop, for a blocking handler)."""
    return await request.body()


CtxDep = Annotated[Ctx, Depends(context)]
UncheckedDep = Annotated[Unchecked, Depends(unchecked_context)]
BodyDep = Annotated[bytes, Depends(raw_body)]
LangDep = Annotated[Lang, Depends(language)]


def reply(data: Any, lang: str, status: int = 200, headers: dict[str, str] | None = None
          ) -> JSONResponse:
    return JSONResponse(data, status_code=status,
                        headers={"Content-Language": lang, **(headers or {})})


def check_id(value: str, what: str) -> str:
    if not VILLAGE_ID.match(value):
        raise ServiceProblem(404, "not-found", _(
            "no {what} {value!r}",
        ).format(what=what, value=value))
    return value


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": desc, "content": {"application/problem+json": {
        "schema": {"$ref": "#/components/schemas/Problem"}}}}
    for code, desc in ((401, "no valid token"), (403, "outside the token's scope"),
                       (404, "not found"), (422, "invalid request or refused action"),
                       ("default", "any other error (400, 405, 409, 413, 415, 428, 503…)"))
}


def ok_schema(schema: dict[str, Any], status: int = 200, media: str = "application/json"
              ) -> dict[int | str, dict[str, Any]]:
    """An OpenAPI success response with ``schema`` (copied: FastAPI adds to what it is given)."""
    return {status: {"description": "OK",
                     "content": {media: {"schema": copy.deepcopy(schema)}}}}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: dict[str, Any], **optional: Any) -> dict[str, Any]:
    """A JSON object schema with these required properties (and optional ones)."""
    return {"type": "object", "required": list(required),
            "properties": {**required, **optional}}


STORED_RECORD: Final = obj({k: v for k, v in (
    ("seq", {"type": "integer"}), ("action", {"type": "object"}),
    ("prev_hash", {"type": "string"}), ("hash", {"type": "string"}),
    ("record", ref("Record")))})
CASE_STATE: Final = obj({
    "id": {"type": "string"}, "village": {"type": "string"}, "procedure": {"type": "object"},
    "matter": {"type": "string"}, "state": {"type": "string"},
    "stage": {"type": ["object", "null"]}, "outcome": {"type": ["object", "null"]},
    "closed": {"type": "boolean"}, "suspended": {"type": "boolean"},
    "level": {"type": ["string", "null"]}, "version": {"type": "integer", "minimum": 1},
    "opened_at": {"type": ["string", "null"]}, "last_at": {"type": ["string", "null"]}})
