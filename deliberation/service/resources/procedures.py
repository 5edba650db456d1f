"""``/v1/procedures``: the procedures the service knows (built-in and uploaded), one in detail,
linting a posted YAML definition (its diagnostics as JSON, every problem located), and
uploading one (admins; see :mod:`deliberation.service.procedures`)."""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter

from deliberation.definition.loader import check_text, default_library, env_path
from deliberation.definition.wording import describe_rule
from deliberation.diagnostics import Diagnostic
from deliberation.errors import DefinitionError, DeliberationError
from deliberation.i18n import _, as_written
from deliberation.service import procedures as uploads
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
from deliberation.service.views import procedure_summary, procedure_view

router = APIRouter(prefix="/v1/procedures", tags=["procedures"], responses=PROBLEM_RESPONSES)


_SUMMARY: Final = obj({
    "id": {"type": "string"}, "version": {"type": "string"}, "name": {"type": "string"},
    "locality": {"type": "string"},
    "stages": {"type": "array", "items": {"type": "string"}}},
    source={"enum": ["built-in", "uploaded"]},
    content_hash={"type": "string", "description": "SHA-256 of the uploaded text"})


def _uploaded(row: uploads.StoredProcedure) -> dict[str, str]:
    return {"source": "uploaded", "content_hash": row.content_hash}


@router.get("", summary="List the procedures (built-in, then uploaded: the last version of each)",
            responses=ok_schema(obj({"procedures": {"type": "array", "items": _SUMMARY}})))
def list_procedures(ctx: CtxDep) -> Any:
    lib = default_library()
    out = [{**procedure_summary(lib.load(i), ctx.lang), "source": "built-in"} for i in lib.ids()]
    last = {row.procedure_id: row for row in uploads.stored_procedures(ctx.store)}
    for row in last.values():
        procedure = uploads.procedure_for(ctx.store, row.procedure_id, row.bound_version)
        out.append({**procedure_summary(procedure, ctx.lang), **_uploaded(row)})
    return reply({"procedures": out}, ctx.lang)


_DETAIL: Final = obj({
    "id": {"type": "string"}, "version": {"type": "string"},
    "name": {"type": "string"}, "stages": {"type": "array"},
    "basis": {"type": "object"}, "definition": {"type": "object"}},
    source={"enum": ["built-in", "uploaded"]}, content_hash={"type": "string"})


@router.get("/{procedure_id}", summary="One procedure: steps, rules, thresholds and basis",
            responses=ok_schema(_DETAIL))
def get_procedure(procedure_id: str, ctx: CtxDep) -> Any:
    check_id(procedure_id, "procedure")
    lib = default_library()
    if procedure_id in lib.ids():
        return reply({**procedure_view(lib.load(procedure_id), ctx.lang, describe_rule),
                      "source": "built-in"}, ctx.lang)
    row = uploads.latest(ctx.store, procedure_id)
    if row is None:
        raise ServiceProblem(404, "not-found", _(
            "no procedure {procedure_id!r}",
        ).format(procedure_id=procedure_id))
    procedure = uploads.procedure_for(ctx.store, row.procedure_id, row.bound_version)
    return reply({**procedure_view(procedure, ctx.lang, describe_rule), **_uploaded(row)},
                 ctx.lang)


@router.post(
    "",
    status_code=201,
    summary="Upload a procedure definition (YAML; admin): checked, then stored with the hash "
            "of its text, which the cases opened under it bind",
    responses={**ok_schema(_DETAIL, 201), **ok_schema(_DETAIL)},
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/yaml": {"schema": {"type": "string"}},
        "text/plain": {"schema": {"type": "string"}}}}},
)
def upload(raw: BodyDep, ctx: CtxDep) -> Any:
    require(ctx.principal, "manage-procedures", ctx.principal.village)
    if len(raw) > uploads.MAX_BYTES:
        raise ServiceProblem(413, "too-large", _(
            "a procedure definition may have at most {limit} bytes",
        ).format(limit=uploads.MAX_BYTES))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid([Diagnostic("D100", _("the definition is not UTF-8 text"),
                                   "<request>")], ctx.lang) from None
    try:
        added = uploads.add_procedure(ctx.store, text, ctx.principal.village, "<request>")
    except DefinitionError as err:
        raise _invalid(list(err.diagnostics), ctx.lang) from None
    except uploads.ProcedureTaken as err:
        raise ServiceProblem(409, "conflict", err.message) from None
    data = {**procedure_view(added.procedure, ctx.lang, describe_rule),
            **_uploaded(added.stored)}
    return reply(data, ctx.lang, 201 if added.created else 200,
                 {"Location": f"/v1/procedures/{added.procedure.id}"})


def _invalid(diagnostics: list[Diagnostic], lang: str) -> ServiceProblem:
    n = len(diagnostics)
    return ServiceProblem(422, "invalid-body", _(
        "the procedure definition has {n} problem(s)",
    ).format(n=n), {"errors": [_located(d, lang) for d in diagnostics]})


def _located(d: Diagnostic, lang: str) -> dict[str, Any]:
    """A diagnostic as a located error: line, column and YAML path in the posted text."""
    return {**d.to_data(lang), "pointer": "/" + d.path.replace(".", "/") if d.path else ""}


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
        diagnostics = [Diagnostic("D100", _("the definition is not UTF-8 text"), "<request>")]
    else:
        try:
            library = uploads.StoreLibrary(env_path(), store=ctx.store, fresh=True)
            diagnostics = check_text(text, "<request>", library)[1]
        except DeliberationError as err:
            diagnostics = [Diagnostic("D100", err.message, "<request>")]
        except Exception as err:  # a checker bug is reported as a finding, never a 500
            diagnostics = [Diagnostic("D900", _("internal error while checking: {error}").format(
                error=as_written(type(err).__name__)), "<request>")]
    return reply({"ok": not diagnostics,
                  "diagnostics": [d.to_data(ctx.lang) for d in diagnostics]}, ctx.lang)
