"""``/v1/procedures``: the procedures the service knows, one in detail, and linting a posted
YAML definition (its diagnostics as JSON, every problem located)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from deliberation.definition.loader import check_text, default_library
from deliberation.definition.wording import describe_rule
from deliberation.diagnostics import Diagnostic
from deliberation.errors import DeliberationError
from deliberation.i18n import _
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
from deliberation.service.views import procedure_summary, procedure_view

router = APIRouter(prefix="/v1/procedures", tags=["procedures"], responses=PROBLEM_RESPONSES)


@router.get("", summary="List the procedures", responses=ok_schema(obj({
    "procedures": {"type": "array", "items": obj({
        "id": {"type": "string"}, "version": {"type": "string"}, "name": {"type": "string"},
        "locality": {"type": "string"},
        "stages": {"type": "array", "items": {"type": "string"}}})}})))
def list_procedures(ctx: CtxDep) -> Any:
    lib = default_library()
    return reply({"procedures": [procedure_summary(lib.load(i), ctx.lang) for i in lib.ids()]},
                 ctx.lang)


@router.get("/{procedure_id}", summary="One procedure: steps, rules, thresholds and basis",
            responses=ok_schema(obj({
                "id": {"type": "string"}, "version": {"type": "string"},
                "name": {"type": "string"}, "stages": {"type": "array"},
                "basis": {"type": "object"}, "definition": {"type": "object"}})))
def get_procedure(procedure_id: str, ctx: CtxDep) -> Any:
    check_id(procedure_id, "procedure")
    lib = default_library()
    if procedure_id not in lib.ids():
        raise ServiceProblem(404, "not-found", _(
            "no procedure {procedure_id!r}",
        ).format(procedure_id=procedure_id))
    return reply(procedure_view(lib.load(procedure_id), ctx.lang, describe_rule), ctx.lang)


@router.post(
    "/lint",
    summary="Check a procedure definition (YAML) and return every diagnostic",
    responses=ok_schema(obj({"ok": {"type": "boolean"}, "diagnostics": {
        "type": "array", "items": obj({"code": {"type": "string"},
                                       "message": {"type": "string"},
                                       "line": {"type": "integer"}})}})),
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/yaml": {"schema": {"type": "string"}},
        "text/plain": {"schema": {"type": "string"}}}}},
)
def lint(raw: BodyDep, ctx: CtxDep) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        diagnostics = [Diagnostic("D100", "the definition is not UTF-8 text", "<request>")]
    else:
        try:
            diagnostics = check_text(text, "<request>", default_library())[1]
        except DeliberationError as err:
            diagnostics = [Diagnostic("D100", err.message.en, "<request>")]
        except Exception as err:  # a checker bug is reported as a finding, never a 500
            diagnostics = [Diagnostic("D900", f"internal error while checking: "
                                      f"{type(err).__name__}", "<request>")]
    return reply({"ok": not diagnostics, "diagnostics": [d.to_data() for d in diagnostics]},
                 ctx.lang)
