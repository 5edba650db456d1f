"""``/v1/health`` (is the store reachable) and ``/v1/ping`` (a write check: inserts one row;
also the baseline the service benchmark compares actions with)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from deliberation.service.db import now_text
from deliberation.service.resources.common import PROBLEM_RESPONSES, CtxDep, obj, ok_schema, reply

router = APIRouter(prefix="/v1", tags=["system"])


_OK = ok_schema(obj({"ok": {"type": "boolean"}}))
_HEALTH = ok_schema(obj({"ok": {"type": "boolean"}}, streams={
    "type": "integer", "minimum": 0,
    "description": "event streams open in the worker that answered"}))


@router.get("/health", summary="The service and its store answer", responses=_HEALTH)
def health(request: Request) -> Any:
    store = request.app.state.pool.get()
    store.schema_version()
    return JSONResponse({"ok": True, "streams": request.app.state.open_streams})


@router.post("/ping", summary="Write check: insert one row (any token)",
             responses={**PROBLEM_RESPONSES, **_OK})
def ping(ctx: CtxDep) -> Any:
    ctx.store.backend.execute("INSERT INTO service_pings (at) VALUES (?)", (now_text(),))
    return reply({"ok": True}, ctx.lang)
