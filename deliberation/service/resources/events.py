"""The event feed: ``/v1/cases/{id}/events`` and ``/v1/villages/{village}/events``.

Two ways to follow, on the same paths:

- **Long-poll** (JSON): ``after=`` the last seq (case) or position (village) seen; ``wait=``
  seconds to wait when nothing is new yet. Follow ``next_after``.
- **Server-Sent Events**: send ``Accept: text/event-stream``. Each record is one ``record``
  event whose ``id:`` is its seq (case) or position (village) and whose ``data:`` is the same
  Event JSON as a long-poll page holds. A comment line is sent every ``keepalive_s`` seconds of
  quiet so proxies keep the connection open. A reconnecting client sends ``Last-Event-ID``
  (browsers' ``EventSource`` does so by itself) and resumes after it; the header wins over
  ``after=``. The stream ends when the client goes away or the server shuts down.

Either way every record is delivered once, in order.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, Final

import anyio
from fastapi import APIRouter, Header, Query, Request
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from deliberation.service import feed
from deliberation.service.auth import require
from deliberation.service.resources.cases import _village_of
from deliberation.service.resources.common import (
    PROBLEM_RESPONSES,
    Ctx,
    CtxDep,
    check_id,
    obj,
    ref,
    reply,
)

router = APIRouter(tags=["events"], responses=PROBLEM_RESPONSES)

AfterQ = Annotated[int, Query(ge=0, le=2**62, description="last seq/position already seen")]
WaitQ = Annotated[float, Query(ge=0, le=60, description="seconds to wait for new events")]
LimitQ = Annotated[int, Query(ge=1, le=1000)]
LastEventH = Annotated[int | None, Header(
    ge=0, le=2**62, description="the id of the last event received (Server-Sent Events "
    "resumption); takes precedence over after=")]

EVENT_STREAM: Final = "text/event-stream"
# How often a stream looks for new rows while it has nothing to send. A stream costs one small
# indexed query per interval; 0.25 s keeps delivery prompt without loading the database.
_STREAM_POLL_S: Final = 0.25
# How long a stream may take to end by itself when the server shuts down (one poll and a send).
_GRACE_S: Final = 2.0
# What a browser's EventSource waits before reconnecting after the stream broke.
_RETRY_MS: Final = 2000


async def _poll(fetch: Callable[[], list[dict[str, Any]]], wait: float) -> list[dict[str, Any]]:
    deadline = time.monotonic() + wait
    while True:
        events = await run_in_threadpool(fetch)
        if events or time.monotonic() >= deadline:
            return events
        await asyncio.sleep(min(0.2, max(0.0, deadline - time.monotonic())))


def wants_stream(request: Request) -> bool:
    """Whether the client asked for Server-Sent Events (``Accept: text/event-stream``)."""
    accept = request.headers.get("accept", "")
    return any(part.split(";")[0].strip().lower() == EVENT_STREAM for part in accept.split(","))


def _stream(request: Request, fetch: Callable[[int], list[dict[str, Any]]], cursor: int,
            key: str, keepalive: float) -> EventSourceResponse:
    """A Server-Sent Events response delivering ``fetch(cursor)`` pages from ``cursor`` on;
    ``key`` is the event member that is its id (``seq`` or ``position``)."""
    state = request.app.state
    # Set when the server shuts down: the stream then ends as a complete response (the client
    # sees a clean end and reconnects elsewhere with Last-Event-ID), not a cut connection.
    shutdown = anyio.Event()

    async def events() -> AsyncIterator[ServerSentEvent]:
        nonlocal cursor
        state.open_streams += 1
        try:
            yield ServerSentEvent(comment="deliberation event feed", retry=_RETRY_MS)
            while not shutdown.is_set():
                page = await run_in_threadpool(fetch, cursor)
                for event in page:
                    cursor = int(event[key])
                    yield ServerSentEvent(data=json.dumps(event, ensure_ascii=False),
                                          event="record", id=str(cursor))
                if not page:
                    with anyio.move_on_after(_STREAM_POLL_S):
                        await shutdown.wait()
        finally:
            # Runs when the client disconnects (the response cancels this generator) and when
            # the server shuts down: nothing is left behind.
            state.open_streams -= 1

    return EventSourceResponse(
        events(), ping=keepalive, shutdown_event=shutdown, shutdown_grace_period=_GRACE_S,
        ping_message_factory=lambda: ServerSentEvent(comment="keep-alive"),
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


_PAGE_SCHEMA: Final = obj({"events": {"type": "array", "items": ref("Event")},
                           "next_after": {"type": "integer"}})


async def _answer(request: Request, ctx: Ctx, fetch: Callable[[int], list[dict[str, Any]]],
                  start: int, key: str, wait: float, scope: dict[str, Any]) -> Any:
    """The events ``fetch`` pages from ``start`` on, as a stream when the client asks for one,
    else as one long-polled page beside ``scope`` with the cursor to ask for next
    (``key``: the event member that is its id, ``seq`` or ``position``)."""
    if wants_stream(request):
        return _stream(request, fetch, start, key, ctx.settings.keepalive_s)
    events = await _poll(lambda: fetch(start), min(wait, ctx.settings.max_wait_s))
    return reply({**scope, "events": events,
                  "next_after": events[-1][key] if events else start}, ctx.lang)


def _responses(what: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": "OK", "content": {
        "application/json": {"schema": _PAGE_SCHEMA},
        EVENT_STREAM: {"schema": {
            "type": "string",
            "description": (
                f"Server-Sent Events (send Accept: {EVENT_STREAM}): one 'record' event per "
                f"record, id = {what}, data = an Event (see components); comment lines keep "
                "the connection alive; resume with Last-Event-ID.")}}}}}


@router.get("/v1/cases/{case_id}/events",
            summary="A case's events after a seq (long-poll or Server-Sent Events)",
            responses=_responses("its seq"))
async def case_events(case_id: str, request: Request, ctx: CtxDep, after: AfterQ = 0,
                      wait: WaitQ = 0, limit: LimitQ = 100,
                      last_event_id: LastEventH = None) -> Any:
    await run_in_threadpool(_village_of, ctx, case_id, "read")
    return await _answer(request, ctx, lambda c: feed.case_events(ctx.store, case_id, c, limit),
                         after if last_event_id is None else last_event_id, "seq", wait,
                         {"case": case_id})


@router.get("/v1/villages/{village}/events",
            summary="The events of every case of a village after a position (long-poll or "
                    "Server-Sent Events)",
            responses=_responses("its feed position"))
async def village_events(village: str, request: Request, ctx: CtxDep, after: AfterQ = 0,
                         wait: WaitQ = 0, limit: LimitQ = 100,
                         last_event_id: LastEventH = None) -> Any:
    check_id(village, "village")
    require(ctx.principal, "read", village)
    return await _answer(request, ctx,
                         lambda c: feed.village_events(ctx.store, village, c, limit),
                         after if last_event_id is None else last_event_id, "position", wait,
                         {"village": village})
