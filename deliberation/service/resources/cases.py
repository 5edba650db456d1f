"""``/v1/cases``: open a case, read where it stands, its records (paged), what blocks it,
act on it, verify its chain and export its archive (JSON or printable HTML).

Acting takes ``If-Match`` (the version the action was prepared against; every read of a case
returns it as ``ETag``) and an optional ``Idempotency-Key``.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from deliberation.definition.model import Procedure
from deliberation.engine.case import Case
from deliberation.engine.scenario import ScenarioError, StepResult, step_message
from deliberation.errors import ConcurrencyConflict, DeliberationError, InvalidAction
from deliberation.i18n import Text, _
from deliberation.ids import ID_PATTERN
from deliberation.roster import Roster, RosterError
from deliberation.rules.law import DEFAULT_KIND, KINDS
from deliberation.safetext import printable
from deliberation.service import acting, feed, idempotency
from deliberation.service import procedures as uploads
from deliberation.service.auth import bearer, require, unauthorized
from deliberation.service.problems import MEDIA_TYPE, ServiceProblem, answer, stale_version
from deliberation.service.resources.common import (
    CASE_STATE,
    PROBLEM_RESPONSES,
    STORED_RECORD,
    Ctx,
    CtxDep,
    Unchecked,
    UncheckedDep,
    case_parameters,
    check_id,
    obj,
    ok_schema,
    ref,
    reply,
    unchecked_of,
)
from deliberation.service.rosters import load_roster
from deliberation.service.tokens import (
    ALL_VILLAGES,
    VILLAGE_ID,
    Principal,
    principal_from,
    token_query,
)
from deliberation.service.views import (
    etag,
    explanation_view,
    record_view,
    state_view,
)
from deliberation.store import CaseInfo, Store, UnknownCase
from deliberation.store.archive import archive_data, archive_html
from deliberation.store.evidence import Evidence, check_count, evidence_from_bytes
from deliberation.store.register_pdf import register_pdf

router = APIRouter(tags=["cases"], responses=PROBLEM_RESPONSES)
# The two routes every action takes (reading a case, acting on it): the app matches them
# before every other route (see ``app.create_app``).
action_routes = APIRouter(tags=["cases"], responses=PROBLEM_RESPONSES)


class OpenCase(BaseModel):
    """What opens a case. ``roster`` is an uploaded roster's id, or a roster given inline as
    in a scenario file (``{"generate": {...}}`` or ``{"villagers": [...]}``)."""

    model_config = ConfigDict(extra="forbid")

    procedure: str = Field(pattern=ID_PATTERN, examples=["six-deliberations-guzhuang"])
    roster: str | dict[str, Any]
    matter: str = Field("", max_length=2000)
    kind: str = Field(DEFAULT_KIND, pattern=ID_PATTERN, examples=["land-contracting-plan"],
                      description="the matter's kind: " + ", ".join(KINDS))
    settings: dict[str, Any] = Field(default_factory=dict)
    case_id: str | None = Field(None, pattern=ID_PATTERN)
    village: str | None = Field(None, pattern=ID_PATTERN,
                                description="defaults to the token's village")
    at: datetime | None = Field(None, description="when the case was opened (default: now)")
    actor: str | None = Field(None, max_length=200)


def _village_of(ctx: Ctx, case_id: str, permission: str) -> str:
    check_id(case_id, "case")
    village = acting.case_village(ctx.store, case_id)
    if village is None:
        raise _no_case(ctx.store, ctx.principal, case_id)
    require(ctx.principal, permission, village)
    return village


def _case_of(ctx: Ctx, case_id: str, permission: str) -> CaseInfo:
    """The case's header, once the principal may ``permission`` in its village (404 for a
    case that is not there or belongs to no village)."""
    return _case_and(ctx, case_id, permission)[0]


def _case_and(ctx: Ctx, case_id: str, permission: str, *queries: tuple[str, tuple[Any, ...]]
              ) -> tuple[CaseInfo, list[list[tuple[Any, ...]]]]:
    """:func:`_case_of`, and the rows of each of ``queries`` (SQL, parameters) read with the
    header in one round trip (handed out only once the principal's scope is checked)."""
    check_id(case_id, "case")
    try:
        if queries:
            info, rows = ctx.store.info_and(case_id, *queries)
        else:
            info, rows = ctx.store.info(case_id), []
    except UnknownCase:
        raise _no_case(ctx.store, ctx.principal, case_id) from None
    if not info.village:
        raise _no_case(ctx.store, ctx.principal, case_id)
    require(ctx.principal, permission, info.village)
    return info, rows


def checked_case(req: Unchecked, case_id: str, permission: str,
                 *queries: tuple[str, tuple[Any, ...]]
                 ) -> tuple[Ctx, CaseInfo, list[list[tuple[Any, ...]]]]:
    """The request's token checked (401), the case's header (404), the principal's scope
    (403) — in that order, as :func:`_case_and` after the ``context`` dependency — and the rows
    of each of ``queries``: the token, the header and the queries read in one round trip."""
    token = bearer(req.authorization)
    query = token_query(token) if token is not None else None
    if token is None or query is None:
        raise unauthorized()
    store = req.pool.get()
    header = store.info_query(case_id) if VILLAGE_ID.match(case_id) else None
    token_rows, *rows = store.read_together(query, *((header, *queries) if header else ()))
    principal = principal_from(token, token_rows)
    if principal is None:
        raise unauthorized()
    ctx = Ctx(req.pool, req.settings, req.lang, principal)
    check_id(case_id, "case")
    try:
        info = store.info_from(case_id, rows[0])
    except UnknownCase:
        raise _no_case(store, principal, case_id) from None
    if not info.village:
        raise _no_case(store, principal, case_id)
    require(principal, permission, info.village)
    return ctx, info, rows[1:]


def _case_to_use(req: Unchecked, case_id: str, permission: str
                 ) -> tuple[Ctx, CaseInfo, acting.Fetched | None]:
    """:func:`checked_case`, and the rows the worker's replay of the case lacks, read with it
    (see :func:`acting.catch_up_query`) for :func:`acting.checkout`."""
    held = acting.catch_up_query(req.pool.get(), case_id)
    ctx, info, rows = checked_case(req, case_id, permission, *(held[1:] if held else ()))
    return ctx, info, None if held is None else acting.fetched(held[0], rows[0])


def _read_view(ctx: Ctx, info: CaseInfo, rows: acting.Fetched | None,
               view: Callable[[Case], dict[str, Any]]) -> Any:
    """The answer of a read route: ``view`` of the worker's replay, checked out against the
    header just read (and given back whatever ``view`` does), with the version as its ETag."""
    case, info = acting.checkout_at(ctx.store, info, rows=rows)
    try:
        data = view(case)
    finally:
        acting.keep(case, info.version, info.head_hash)
    return reply(data, ctx.lang, headers={"ETag": etag(info.version)})


def _no_case(store: Store, principal: Principal, case_id: str) -> ServiceProblem:
    """404, naming the nearest case id among the cases the token may see (its village's:
    never one of another village)."""
    every = principal.village == ALL_VILLAGES
    near = store.nearest_case(case_id, None if every else principal.village, in_a_village=True)
    if near is None:
        return ServiceProblem(404, "not-found", _("no case {case_id!r}").format(case_id=case_id))
    return ServiceProblem(404, "not-found", _("no case {case_id!r}; did you mean {near!r}?")
                          .format(case_id=case_id, near=near), {"near": near})


@router.post("/v1/cases", status_code=201, summary="Open a case (clerk, admin)",
             responses=ok_schema(CASE_STATE, 201))
def open_case(body: OpenCase, ctx: CtxDep) -> Any:
    village = body.village or ctx.principal.village
    if village == ALL_VILLAGES:
        raise ServiceProblem(422, "invalid-body", _(
            "say which village the case belongs to ('village')",
        ))
    require(ctx.principal, "open", village)
    if isinstance(body.roster, str):
        found = load_roster(ctx.store, body.roster) if VILLAGE_ID.match(body.roster) else None
        if found is None or found[0] != village:
            raise ServiceProblem(422, "invalid-body", _(
                "village {village} has no roster {roster!r}",
            ).format(village=village, roster=body.roster),
                {"errors": [{"path": "/roster", "message": "unknown roster"}]})
        roster = found[2]
    else:
        _check_generate(body.roster)
        try:
            roster = Roster.from_data(body.roster, "roster")
        except (RosterError, TypeError, ValueError) as err:
            raise ServiceProblem(422, "invalid-body", _("the roster is invalid"),
                {"errors": [{"path": "/roster", "message": str(err)}]}) from None
    if body.procedure not in _procedure_ids() and uploads.latest(ctx.store, body.procedure) is None:
        raise ServiceProblem(422, "invalid-body", _(
            "no procedure {procedure!r}",
        ).format(procedure=body.procedure),
            {"errors": [{"path": "/procedure", "message": "unknown procedure"}]})
    case = acting.open_case(
        ctx.store, village, body.procedure, roster, matter=body.matter,
        settings=body.settings or None, case_id=body.case_id, at=body.at, actor=body.actor,
        skew_s=ctx.settings.clock_skew_s, kind=body.kind)
    return reply(state_view(case, village, ctx.lang), ctx.lang, 201,
                 {"Location": f"/v1/cases/{case.id}", "ETag": etag(case.version)})


# A generated roster larger than any village is a mistake (or an attempt to exhaust memory).
MAX_GENERATED: Final = 20_000


def _check_generate(roster: dict[str, Any]) -> None:
    params = roster.get("generate")
    if not isinstance(params, dict):
        return
    for key, value in params.items():
        ok = (isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
              and (value <= 1 if key == "away_share" else
                   isinstance(value, int) and value <= MAX_GENERATED))
        if not ok:
            raise ServiceProblem(422, "invalid-body", _(
                "roster.generate.{key} must be a whole number from 0 to {MAX_GENERATED}",
            ).format(key=key, MAX_GENERATED=MAX_GENERATED),
                {"errors": [{"path": f"/roster/generate/{key}", "message": "out of range"}]})


def _procedure_ids() -> list[str]:
    from deliberation.definition.loader import default_library

    return default_library().ids()


DayQ = Annotated[date | None, Query(
    description="YYYY-MM-DD, a calendar day in Beijing time (Asia/Shanghai), inclusive")]


@router.get("/v1/villages/{village}/cases",
            summary="The cases of a village, oldest first, filtered and paged by the database",
            responses=ok_schema(obj({"village": {"type": "string"},
                                     "cases": {"type": "array", "items": {"type": "object"}},
                                     "next_after": {"type": ["string", "null"]}})))
def list_cases(
    village: str, ctx: CtxDep,
    after: Annotated[str, Query(max_length=64, description="the page after this case id")] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    state: Annotated[str | None, Query(max_length=64, description="the state it is in now "
                                       "(a stage id or an outcome)")] = None,
    procedure: Annotated[str | None, Query(max_length=64)] = None,
    opened_since: DayQ = None, opened_until: DayQ = None,
    updated_since: DayQ = None, updated_until: DayQ = None,
) -> Any:
    check_id(village, "village")
    require(ctx.principal, "read", village)
    if after and acting.case_village(ctx.store, after) != village:
        raise ServiceProblem(422, "invalid-body", _(
            "village {village} has no case {after!r}",
        ).format(village=village, after=after),
            {"errors": [{"path": "/after", "in": "query", "message": "unknown case"}]})
    found = ctx.store.cases(
        limit=limit, after=after or None, village=village, state=state, procedure=procedure,
        since=_iso(opened_since), until=_iso(opened_until),
        updated_since=_iso(updated_since), updated_until=_iso(updated_until))
    cases = [{"id": c.case_id, "procedure": {"id": c.procedure_id,
                                              "version": c.procedure_version},
              "matter": c.matter, "version": c.version, "state": c.state,
              "created_at": c.created_at, "updated_at": c.updated_at} for c in found]
    return reply({"village": village, "cases": cases,
                  "next_after": cases[-1]["id"] if len(cases) == limit else None}, ctx.lang)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


@action_routes.get("/v1/cases/{case_id}", summary="Where a case stands",
                   responses=ok_schema(CASE_STATE), openapi_extra=case_parameters())
def get_case(request: Request) -> Any:
    # Its parameters are read by hand (see unchecked_of): clients read a case before acting.
    # (one read for the token, the scope check, the version and what the kept replay lacks)
    case_id: str = request.path_params["case_id"]
    ctx, info, rows = _case_to_use(unchecked_of(request), case_id, "read")
    village = info.village
    return _read_view(ctx, info, rows, lambda case: state_view(case, village, ctx.lang))


@router.get("/v1/cases/{case_id}/records", summary="A case's records with their chain fields",
            responses=ok_schema(obj({
                "case": {"type": "string"}, "version": {"type": "integer"},
                "records": {"type": "array", "items": STORED_RECORD},
                "next_after": {"type": ["integer", "null"]}})))
def get_records(
    case_id: str, ctx: CtxDep,
    after: Annotated[int, Query(ge=0, le=2**62, description="records with seq > after")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Any:
    _village_of(ctx, case_id, "read")
    info = ctx.store.info(case_id)
    rows = list(acting.stored_after(ctx.store, case_id, after)[:limit])
    last = rows[-1].seq if rows else after
    return reply({"case": case_id, "version": info.version,
                  "records": [record_view(r) for r in rows],
                  "next_after": last if last < info.version else None},
                 ctx.lang, headers={"ETag": etag(info.version)})


@router.get("/v1/cases/{case_id}/explanation",
            summary="What blocks the case, who may act now, and a readable account",
            responses=ok_schema(obj({
                "case": {"type": "string"}, "version": {"type": "integer"},
                "state": {"type": "string"},
                "blockers": {"type": "array", "items": obj({
                    "rule": {"type": "string"}, "message": {"type": "string"},
                    "messages": ref("Archive_text"), "numbers": {"type": "object"},
                    "basis": {"type": "array", "items": {"type": "string"}}})},
                "actions": {"type": "array", "items": obj({
                    "do": {"type": ["string", "null"]}, "method": {"type": "string"},
                    "body": {"type": ["string", "null"]}, "who": {"type": "string"},
                    "label": {"type": "string"}})},
                "text": {"type": "string"}})))
def get_explanation(case_id: str, req: UncheckedDep) -> Any:
    ctx, info, rows = _case_to_use(req, case_id, "read")
    return _read_view(ctx, info, rows, lambda case: explanation_view(case, ctx.lang))


@router.get("/v1/cases/{case_id}/verification", summary="Check the case's hash chain",
            responses=ok_schema(obj({
                "case": {"type": "string"}, "ok": {"type": "boolean"},
                "records": {"type": "integer"}, "head_hash": {"type": "string"},
                "signature": {"type": "string"}, "summary": {"type": "string"},
                "problems": {"type": "array", "items": {"type": "object"}}})))
def verify(case_id: str, ctx: CtxDep) -> Any:
    info = _case_of(ctx, case_id, "read")
    result = ctx.store.verify(case_id)
    data = result.to_data()
    data["summary"] = result.explain(ctx.lang)
    changed = _procedure_changed(ctx, info)
    if changed is not None:  # the chain binds a procedure text that is no longer there
        data["ok"] = False
        data["problems"].append({"code": "procedure-changed", "seq": None, "detail": "",
                                 "message": changed.to_data()})
        data["summary"] = ("" if result.ok else data["summary"] + "\n") + changed.get(ctx.lang)
    return reply(data, ctx.lang)


def _procedure_changed(ctx: Ctx, info: CaseInfo) -> Text | None:
    """Why the uploaded procedure text a case binds (by hash, in its header) is not the stored
    one, or ``None`` (it is, with the texts of the uploaded ones it extends, or the case runs
    under a built-in)."""
    digest = uploads.bound_hash(info.procedure_version)
    if digest is None or uploads.intact(ctx.store, info.procedure_id, digest):
        return None
    return _("the text of procedure {id} version {version} is missing or changed").format(
        id=info.procedure_id, version=info.procedure_version)


@router.get("/v1/cases/{case_id}/archive", summary="The case's complete archive (JSON)",
            responses=ok_schema(ref("Archive")))
def get_archive(
    case_id: str, ctx: CtxDep,
    attachments: Annotated[bool, Query(description=(
        "also carry the bytes of the case's attachments, base64, under \"attachments\" (as "
        "case export --attachments), so the archive proves the evidence too"))] = False,
) -> Any:
    _village_of(ctx, case_id, "read")
    return reply(archive_data(ctx.store, case_id, attachments=attachments, load=acting.load),
                 ctx.lang)


def _register_procedure(ctx: Ctx, case_id: str) -> Procedure | None:
    """An uploaded procedure a case's register takes its names from: the text its header
    binds by hash, as acting has it. ``None`` for a built-in (the register finds the version
    the case runs under itself) or when it cannot be had (a changed stored text: the register
    prints what it can, and verification says why)."""
    info = ctx.store.info(case_id)
    if uploads.bound_hash(info.procedure_version) is None:
        return None
    try:
        return acting.procedure_of(ctx.store, info)
    except DeliberationError:
        return None


@router.get("/v1/cases/{case_id}/archive.html", response_class=HTMLResponse,
            summary="The case's archive as a printable HTML document",
            responses=ok_schema({"type": "string"}, media="text/html"))
def get_archive_html(case_id: str, ctx: CtxDep) -> Any:
    _village_of(ctx, case_id, "read")
    return HTMLResponse(archive_html(ctx.store, case_id, lang=ctx.lang, load=acting.load,
                                     procedure=_register_procedure(ctx, case_id)),
                        headers={"Content-Language": ctx.lang})


@router.get("/v1/cases/{case_id}/archive.pdf", response_class=Response,
            summary="The case's register as an A4 PDF",
            responses=ok_schema({"type": "string", "format": "binary"}, media="application/pdf"))
def get_archive_pdf(case_id: str, ctx: CtxDep) -> Any:
    _village_of(ctx, case_id, "read")
    return Response(register_pdf(archive_data(ctx.store, case_id, load=acting.load),
                                 lang=ctx.lang, procedure=_register_procedure(ctx, case_id)),
                    media_type="application/pdf", headers={"Content-Language": ctx.lang})


# -- acting ---------------------------------------------------------------------------------


def _expected_version(if_match: str | None) -> int | None:
    """The version in ``If-Match`` (``"12"``, ``W/"12"`` or ``12``); ``None`` for ``*``."""
    if if_match is None or not if_match.strip():
        raise ServiceProblem(428, "precondition-required", _(
            "send the case version the action was prepared against in If-Match (the ETag of your "
            "last read)",
        ))
    value = if_match.strip()
    if value == "*":
        return None
    value = value.removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 12:
        raise ServiceProblem(400, "bad-request", _(
            "If-Match {if_match!r} is not a case version such as \"12\"",
        ).format(if_match=if_match))
    return int(value)


def _result_payload(ctx: Ctx, outcome: acting.ActOutcome, village: str, path: str
                    ) -> tuple[int, dict[str, Any]]:
    result: StepResult = outcome.result
    if result.accepted:
        return 200, {"case": outcome.case.id, "version": outcome.case.version,
                     "action": result.to_data(),
                     "records": [record_view(r) for r in outcome.records],
                     "state": state_view(outcome.case, village, ctx.lang)}
    code = "refused" if result.violations else "invalid-action"
    extra: dict[str, Any] = {"action": result.to_data(), "version": outcome.case.version}
    if result.violations:
        extra["violations"] = list(result.violations)
    else:
        extra["error"] = result.error
    problem = ServiceProblem(422, code, step_message(result), extra)
    return 422, problem.to_data(ctx.lang, path)


def _json_text(body: dict[str, Any]) -> str:
    """``body`` as JSON, as :class:`JSONResponse` writes it."""
    return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _respond(ctx: Ctx, status: int, body: dict[str, Any], replayed: bool = False,
             text: str | None = None) -> Response:
    """The answer to an action: ``body`` (``text``: already as JSON, see :func:`_json_text`)."""
    headers: dict[str, str] = {"Content-Language": ctx.lang}
    if isinstance(body.get("version"), int):
        headers["ETag"] = etag(body["version"])
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(_json_text(body) if text is None else text, status_code=status,
                    headers=headers,
                    media_type=MEDIA_TYPE if status >= 400 else "application/json")


def _diagnostics(err: ScenarioError, lang: str) -> list[dict[str, Any]]:
    """Each problem of an action, located, worded in the request's language (as its detail)."""
    return [{**d.to_data(lang), "pointer": "/" + d.path.replace(".", "/") if d.path else ""}
            for d in err.diagnostics]


def _action_body(raw: bytes) -> tuple[str, dict[str, Any]]:
    """The request's text and its JSON object (400 or 422 when it is not one)."""
    try:
        text = raw.decode("utf-8")
        body = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):  # (nested past the parser's depth)
        raise ServiceProblem(400, "invalid-body", _("the body must be a JSON object")) from None
    if not isinstance(body, dict):
        raise ServiceProblem(422, "invalid-body", _("an action is a JSON object with 'do'"))
    return text, body


def _evidence_of(text: str, body: dict[str, Any]) -> tuple[str, list[Evidence]]:
    """The action's text without its ``attachments``, and those checked: each
    ``{"name", "base64"}`` (optionally ``"media_type"``, which must agree with the content).
    The request body limit bounds them all; each file is held to the evidence limits too."""
    if "attachments" not in body:
        return text, []
    listed = body["attachments"]
    if not isinstance(listed, list) or not listed:
        raise ServiceProblem(422, "invalid-body", _(
            "attachments must be a non-empty list of objects with a name and base64 bytes",
        ))
    out = []
    try:
        check_count(len(listed))
        for item in listed:
            if not isinstance(item, dict) or set(item) - {"name", "base64", "media_type"} or \
                    not isinstance(item.get("name"), str) or \
                    not isinstance(item.get("base64"), str) or \
                    not isinstance(item.get("media_type", ""), str):
                raise ServiceProblem(422, "invalid-body", _(
                    "attachments must be a non-empty list of objects with a name and base64 bytes",
                ))
            try:
                content = base64.b64decode(item["base64"], validate=True)
            except ValueError:
                raise ServiceProblem(422, "invalid-body", _(
                    "the attachment {name} is not valid base64",
                ).format(name=printable(item["name"])[:80])) from None
            out.append(evidence_from_bytes(item["name"], content, item.get("media_type")))
    except InvalidAction as err:
        raise ServiceProblem(422, "invalid-action", err.message) from None
    rest = {k: v for k, v in body.items() if k != "attachments"}
    return json.dumps(rest, ensure_ascii=False), out


def _check_key(key: str) -> None:
    if not idempotency.KEY.match(key):
        raise ServiceProblem(400, "bad-request", _(
            "Idempotency-Key must be 1–255 visible ASCII characters",
        ))


@action_routes.post(
    "/v1/cases/{case_id}/actions",
    summary="Act on a case (clerk, admin): one action of the scenario-file vocabulary",
    responses=ok_schema(obj({
        "case": {"type": "string"}, "version": {"type": "integer"},
        "action": {"type": "object"}, "records": {"type": "array", "items": STORED_RECORD},
        "state": {"anyOf": [CASE_STATE, {"type": "null"}]}})),
    openapi_extra={**case_parameters(
        ("if-match", "If-Match", 'the case version, e.g. "12"'),
        ("idempotency-key", "Idempotency-Key", "a unique key per intended action; a retry "
                                               "with it replays the first response")),
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Action"}}}}},
)
async def act_on_case(request: Request) -> Any:
    # The hottest route: its parameters are read by hand (see unchecked_of), the body here on
    # the event loop, and the rest is blocking work for the thread pool.
    headers = request.headers
    raw = await request.body()
    return await run_in_threadpool(
        _act_on_case, request.path_params["case_id"], raw, unchecked_of(request),
        headers.get("if-match"), headers.get("idempotency-key"))


def _act_on_case(case_id: str, raw: bytes, req: Unchecked, if_match: str | None,
                 idempotency_key: str | None) -> Response:
    ctx, info, kept_rows, action_id, fetched = _header_for_act(req, case_id, idempotency_key)
    village = info.village
    path = f"/v1/cases/{case_id}/actions"
    text, body = _action_body(raw)
    expected = _expected_version(if_match)
    store = ctx.store
    req_hash = ""
    if idempotency_key is not None and kept_rows:  # (no rows: nothing to compare the body to)
        req_hash = idempotency.request_hash(body)
        earlier = _earlier_answer(ctx, case_id, village, kept_rows, idempotency_key, req_hash)
        if earlier is not None:
            return earlier
    if expected is not None and expected != info.version:
        # A stale version is refused before the action is read any further (its attachments
        # decoded, it parsed against the procedure, its hash for the key taken), as RFC 9110
        # evaluates preconditions before the content: under contention most of the requests
        # that fail are these. The lookup above found no stored action for this key: nothing
        # to look for again. (Answered here, not raised through the server's exception
        # handling: the same answer, without the exception's trip through the framework —
        # 2,562 Python calls per stale request against 2,754, see docs/service.md.)
        return answer(stale_version(ConcurrencyConflict(case_id, expected, info.version)),
                      ctx.lang, path)
    if idempotency_key is not None and not req_hash:
        req_hash = idempotency.request_hash(body)
    text, evidence = _evidence_of(text, body)
    procedure = acting.procedure_of(ctx.store, info)
    try:
        step = acting.parse_action(text, procedure, "<request>")
    except ScenarioError as err:
        n = len(err.diagnostics)
        raise ServiceProblem(422, "invalid-body", _("the action has {n} problem(s)").format(n=n),
            {"errors": _diagnostics(err, ctx.lang)}) from None
    kept: list[tuple[int, dict[str, Any], str]] = []

    def finish(outcome: acting.ActOutcome) -> None:
        # Inside the transaction that stores the records: the feed rows and the kept response
        # commit with them, in one round of the database. The feed rows go last, right before
        # the commit: from their lock on, every other action of the database waits, so no
        # work of ours may come between (building the answer took that lock's holder's
        # thread whole turns of the interpreter under load).
        status, payload = _result_payload(ctx, outcome, village, path)
        text = _json_text(payload)  # (once: the answer sent is the answer kept)
        kept.append((status, payload, text))
        if idempotency_key is not None:
            idempotency.remember(store, case_id, idempotency_key, req_hash, status, text)
        feed.send_locked(store, case_id, village, outcome.records[-1].seq)

    try:
        outcome = acting.act(store, case_id, step,
                             expected_version=info.version if expected is None else expected,
                             action_id=action_id, skew_s=ctx.settings.clock_skew_s,
                             info=info, then=finish, evidence=evidence, rows=fetched)
        # (given back only after the payload is built: the next user may act on it)
        try:
            if kept:  # stored, fed and kept
                status, payload, text = kept[0]
                return _respond(ctx, status, payload, text=text)
            status, payload = _result_payload(ctx, outcome, village, path)
        finally:
            outcome.keep()
    except ConcurrencyConflict as err:
        if action_id is not None and idempotency_key is not None:
            done = idempotency.action_seqs(store, case_id, action_id)
            if done:  # an identical request won the race: this one is its retry
                return _already_done(ctx, case_id, village, done, idempotency_key, req_hash)
        return answer(stale_version(err), ctx.lang, path)
    except ServiceProblem as problem:
        if problem.status != 422:
            raise
        status, payload = 422, problem.to_data(ctx.lang, path)
    text = _json_text(payload)
    if idempotency_key is not None:  # a refusal, kept for the key's retries
        with store.backend.write():
            idempotency.remember(store, case_id, idempotency_key, req_hash, status, text)
    return _respond(ctx, status, payload, text=text)


def _header_for_act(req: Unchecked, case_id: str, key: str | None
                    ) -> tuple[Ctx, CaseInfo, list[tuple[Any, ...]], str | None,
                               acting.Fetched | None]:
    """The request's checked context and the case's header (its village and version serve
    every check), the rows of a keyed request's earlier answer or stored action and the
    stored rows the worker's replay of the case lacks (read with the token and the header, in
    one round trip), and the action id its records are stored under."""
    action_id = None
    queries: list[tuple[str, tuple[Any, ...]]] = []
    if key is not None and idempotency.KEY.match(key) and VILLAGE_ID.match(case_id):
        action_id = acting.action_id_for(case_id, key)
        queries.append((idempotency.RECALL_OR_DONE, (case_id, key, case_id, action_id)))
    held = acting.catch_up_query(req.pool.get(), case_id)
    if held is not None:
        queries.append(held[1])
    ctx, info, rows = checked_case(req, case_id, "act", *queries)
    if key is not None:
        _check_key(key)  # (after the scope check, as every other refusal)
    kept = rows[0] if action_id is not None else []
    return (ctx, info, kept, action_id,
            None if held is None else acting.fetched(held[0], rows[-1]))


def _earlier_answer(ctx: Ctx, case_id: str, village: str, rows: list[tuple[Any, ...]],
                    key: str, req_hash: str) -> Response | None:
    """The answer already given to a request with this Idempotency-Key, if any (from the
    rows of :data:`idempotency.RECALL_OR_DONE`)."""
    first, done = idempotency.recalled(rows)
    if first is not None:
        if first[0] != req_hash:
            raise _key_reused()
        return _respond(ctx, first[1], json.loads(first[2]), replayed=True)
    if done:
        return _already_done(ctx, case_id, village, done, key, req_hash)
    return None


def _key_reused() -> ServiceProblem:
    return ServiceProblem(422, "idempotency-key-reused", _(
        "this Idempotency-Key was used for a different request",
    ))


def _already_done(ctx: Ctx, case_id: str, village: str, seqs: list[int], key: str,
                  req_hash: str) -> Response:
    """The response to a keyed action whose records are stored but whose first response was
    not kept: rebuilt from those records and the case as it was right after them."""
    store = ctx.store
    for _unused in range(20):
        # The winner of a race keeps its response a moment after appending: prefer it.
        first = idempotency.recall(store, case_id, key)
        if first is not None:
            if first[0] != req_hash:
                raise _key_reused()
            return _respond(ctx, first[1], json.loads(first[2]), replayed=True)
        time.sleep(0.1)
    rows = tuple(r for r in acting.stored_after(store, case_id, min(seqs) - 1)
                 if r.seq in set(seqs))
    case = acting.load(store, case_id)
    last = max(seqs)
    state = state_view(case, village, ctx.lang) if case.version == last else None
    body = {"case": case_id, "version": last,
            "action": {"accepted": True, "records": [r.kind for r in rows],
                       "at": rows[0].record.at.isoformat() if rows else
                       datetime.now(UTC).isoformat()},
            "records": [record_view(r) for r in rows], "state": state}
    return _respond(ctx, 200, body, replayed=True)
