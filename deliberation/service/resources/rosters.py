"""``/v1/villages/{village}/rosters`` and ``/v1/rosters/{id}``: upload a roster (CSV, YAML or
JSON; strictly checked) for a village, and fetch one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header

from deliberation.i18n import _
from deliberation.service.auth import require
from deliberation.service.problems import ServiceProblem
from deliberation.service.resources.common import (
    PROBLEM_RESPONSES,
    BodyDep,
    CtxDep,
    check_id,
    obj,
    ok_schema,
    reply,
)
from deliberation.service.rosters import load_roster, parse_roster, save_roster, summary

router = APIRouter(tags=["rosters"], responses=PROBLEM_RESPONSES)

_SUMMARY = obj({"id": {"type": "string"}, "village": {"type": "string"},
                "fingerprint": {"type": "string"}, "villagers": {"type": "integer"},
                "households": {"type": "integer"}})
_MEDIA = {"text/csv": "text/csv", "application/yaml": "application/yaml",
          "application/x-yaml": "application/yaml", "text/yaml": "application/yaml",
          "application/json": "application/json"}


@router.post(
    "/v1/villages/{village}/rosters",
    status_code=201,
    summary="Upload a roster (admin)",
    responses=ok_schema(_SUMMARY, 201),
    openapi_extra={"requestBody": {"required": True, "content": {
        "text/csv": {"schema": {"type": "string"}},
        "application/yaml": {"schema": {"type": "string"}},
        "application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}},
)
def upload_roster(village: str, raw: BodyDep, ctx: CtxDep,
                  content_type: Annotated[str | None, Header()] = None) -> Any:
    check_id(village, "village")
    require(ctx.principal, "manage-rosters", village)
    media = _MEDIA.get((content_type or "").split(";")[0].strip().lower())
    if media is None:
        raise ServiceProblem(415, "unsupported-media-type", _(
            "send the roster as text/csv, application/yaml or application/json",
        ))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ServiceProblem(400, "invalid-body", _("the roster must be UTF-8 text")
            ) from None
    roster, problems = parse_roster(text, media, ctx.lang)
    if roster is None:
        n = len(problems)
        raise ServiceProblem(422, "invalid-body", _("the roster has {n} problem(s)").format(n=n),
            {"errors": problems})
    out = save_roster(ctx.store, village, roster)
    return reply(out, ctx.lang, 201, {"Location": f"/v1/rosters/{out['id']}"})


@router.get("/v1/rosters/{roster_id}", summary="A roster: its villagers and fingerprint",
            responses=ok_schema({**_SUMMARY, "properties": {
                **_SUMMARY["properties"],
                "roster": {"type": "array", "items": {"type": "object"}}}}))
def get_roster(roster_id: str, ctx: CtxDep) -> Any:
    check_id(roster_id, "roster")
    found = load_roster(ctx.store, roster_id)
    if found is not None:
        require(ctx.principal, "read", found[0])
    if found is None:
        raise ServiceProblem(404, "not-found", _(
            "no roster {roster_id!r}",
        ).format(roster_id=roster_id))
    village, fp, roster = found
    return reply({**summary(roster_id, village, fp, roster), "roster": roster.to_data()},
                 ctx.lang)
