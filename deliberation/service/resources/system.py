"""``/v1/health`` (is the store reachable) and ``/v1/ping`` (a write check: inserts one row;
also the baseline the service benchmark compares actions with).

``ping`` is served as the two routes of every action are (see ``app.create_app``): as a plain
route that reads its parameters itself. A baseline served through more of the framework than
what it is compared with would make an action look cheaper beside it than it is.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from deliberation.service.auth import authenticate
from deliberation.service.db import now_text
from deliberation.service.resources.common import (
    PROBLEM_RESPONSES,
    obj,
    ok_schema,
    reply,
    request_parameters,
    unchecked_of,
)

router = APIRouter(prefix="/v1", tags=["system"])
# served plainly (see the module docstring and ``app.create_app``)
plain_routes = APIRouter(prefix="/v1", tags=["system"])


_OK = ok_schema(obj({"ok": {"type": "boolean"}}))
_HEALTH = ok_schema(obj({"ok": {"type": "boolean"}}, streams={
    "type": "integer", "minimum": 0,
    "description": "event streams open in the worker that answered"}))


@router.get("/health", summary="The service and its store answer", responses=_HEALTH)
def health(request: Request) -> Any:
    store = request.app.state.pool.get()
    store.schema_version()
    return JSONResponse({"ok": True, "streams": request.app.state.open_streams})


@plain_routes.post("/ping", summary="Write check: insert one row (any token)",
                   responses={**PROBLEM_RESPONSES, **_OK}, openapi_extra=request_parameters())
def ping(request: Request) -> Any:
    req = unchecked_of(request)
    store = req.pool.get()
    authenticate(store, req.authorization)
    store.backend.execute("INSERT INTO service_pings (at) VALUES (?)", (now_text(),))
    return reply({"ok": True}, req.lang)
