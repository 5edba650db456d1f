"""The event feed: ``/v1/cases/{id}/events`` and ``/v1/villages/{village}/events``.

Long-poll: ``after=`` the last seq (case) or position (village) seen; ``wait=`` seconds to wait
when nothing is new yet. Every record is delivered once, in order: follow ``next_after``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from deliberation.service import feed
from deliberation.service.auth import require
from deliberation.service.resources.cases import _village_of
from deliberation.service.resources.common import (
    PROBLEM_RESPONSES,
    CtxDep,
    check_id,
    obj,
    ok_schema,
    ref,
    reply,
)

router = APIRouter(tags=["events"], responses=PROBLEM_RESPONSES)

AfterQ = Annotated[int, Query(ge=0, le=2**62, description="last seq/position already seen")]
WaitQ = Annotated[float, Query(ge=0, le=60, description="seconds to wait for new events")]
LimitQ = Annotated[int, Query(ge=1, le=1000)]


async def _poll(fetch: Callable[[], list[dict[str, Any]]], wait: float) -> list[dict[str, Any]]:
    deadline = time.monotonic() + wait
    while True:
        events = await run_in_threadpool(fetch)
        if events or time.monotonic() >= deadline:
            return events
        await asyncio.sleep(min(0.2, max(0.0, deadline - time.monotonic())))


_PAGE = ok_schema(obj({"events": {"type": "array", "items": ref("Event")},
                       "next_after": {"type": "integer"}}))


@router.get("/v1/cases/{case_id}/events", summary="A case's events after a seq (long-poll)",
            responses=_PAGE)
async def case_events(case_id: str, ctx: CtxDep, after: AfterQ = 0, wait: WaitQ = 0,
                      limit: LimitQ = 100) -> Any:
    await run_in_threadpool(_village_of, ctx, case_id, "read")
    events = await _poll(lambda: feed.case_events(ctx.store, case_id, after, limit),
                         min(wait, ctx.settings.max_wait_s))
    return reply({"case": case_id, "events": events,
                  "next_after": events[-1]["seq"] if events else after}, ctx.lang)


@router.get("/v1/villages/{village}/events",
            summary="The events of every case of a village after a position (long-poll)",
            responses=_PAGE)
async def village_events(village: str, ctx: CtxDep, after: AfterQ = 0, wait: WaitQ = 0,
                         limit: LimitQ = 100) -> Any:
    check_id(village, "village")
    require(ctx.principal, "read", village)
    events = await _poll(lambda: feed.village_events(ctx.store, village, after, limit),
                         min(wait, ctx.settings.max_wait_s))
    return reply({"village": village, "events": events,
                  "next_after": events[-1]["position"] if events else after}, ctx.lang)
