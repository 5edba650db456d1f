"""The ASGI application: routes from :mod:`deliberation.service.resources`, problem+json
errors, a request body limit, and the store pool.

FastAPI (on Starlette) generates the OpenAPI 3.1 description (``/openapi.json``) and the
interactive docs (``/docs``) from the routes themselves, so they cannot drift apart.

>>> from deliberation.service.settings import ServiceSettings
>>> app = create_app(ServiceSettings(db_url="sqlite:///:memory:"))
>>> app.openapi()["openapi"]
'3.1.0'
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, MutableMapping
from contextlib import asynccontextmanager
from types import FunctionType
from typing import Any, Final, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute, APIRouter
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from deliberation import __version__
from deliberation.definition.loader import default_library
from deliberation.errors import ConcurrencyConflict, DeliberationError
from deliberation.i18n import LANGS, _, catalog
from deliberation.service import schemas
from deliberation.service.db import StorePool
from deliberation.service.feed import sync_all
from deliberation.service.lang import negotiate
from deliberation.service.problems import ServiceProblem, answer, stale_version
from deliberation.service.resources import cases, events, procedures, rosters, system
from deliberation.service.settings import ServiceSettings
from deliberation.store import StoreError, UnknownCase

log = logging.getLogger("deliberation.service")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def problem_response(request: Request, problem: ServiceProblem) -> JSONResponse:
    lang = negotiate(request.headers.get("accept-language"), request.query_params.get("lang"))
    return answer(problem, lang, request.url.path)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, by the declared length and while
    streaming (a chunked body has no length to trust)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        too_big = False
        try:
            too_big = declared is not None and int(declared) > self.limit
        except ValueError:
            too_big = True
        if too_big:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = ServiceProblem(413, "too-large", _(
            "the request body is larger than {limit} bytes",
        ).format(limit=self.limit))
        await problem_response(Request(scope, receive), problem)(scope, receive, send)


class _TooLarge(Exception):
    pass


# The route modules, in the order the description (``/openapi.json``) lists their paths.
MODULES: Final = (procedures, rosters, cases, events, system)


def _as_written(paths: dict[str, Any], routers: Iterable[APIRouter]) -> dict[str, Any]:
    """The description's ``paths`` listed module by module (:data:`MODULES`), each module's in
    the order its routes are written. FastAPI lists them in the order it matches routes, and
    the routes every action takes are matched first (see :func:`create_app`): the description
    stays as it was before, byte for byte."""
    modules = [module.__name__ for module in MODULES]
    last = (len(modules), 0)  # (a path of no module's: after theirs, in FastAPI's order)
    place: dict[str, tuple[int, int]] = {}
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute):
                endpoint = cast(FunctionType, route.endpoint)
                module = endpoint.__module__
                where = (modules.index(module), endpoint.__code__.co_firstlineno
                         ) if module in modules else last
                place[route.path] = min(place.get(route.path, where), where)
    return dict(sorted(paths.items(), key=lambda item: place.get(item[0], last)))


def _plain(route: APIRoute) -> Route:
    """A Starlette route serving ``route``'s endpoint (which takes the request and returns a
    Response) on its path, for exactly its methods (Starlette would add HEAD to GET)."""
    methods = set(route.methods or ())
    plain = Route(route.path, route.endpoint, methods=sorted(methods), name=route.name)
    plain.methods = methods
    return plain


def _load_now() -> None:
    """Load every procedure and message catalog now, not on the first request that needs
    one: the first answer of a worker that words a message in every language (a 409, a
    refusal) read and parsed both catalogs (56 M instructions, about 15 ms)."""
    library = default_library()
    for procedure_id in library.ids():
        library.load(procedure_id)
    for lang in LANGS:
        if lang != "en":  # (English is the message ids themselves)
            catalog(lang)


def create_app(settings: ServiceSettings) -> FastAPI:
    """The service for ``settings`` (opening the store, and migrating it, on start-up)."""
    pool = StorePool(settings.db_url)
    _load_now()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        sync_all(pool.get())
        yield
        pool.close()

    app = FastAPI(
        title="deliberation",
        version=__version__,
        summary="Village deliberation procedures (四议两公开, 六议两公开) as a service.",
        description=(
            "Open cases under a procedure, act on them with the scenario-file vocabulary, "
            "follow their events and verify their hash chains. Errors are "
            "application/problem+json (RFC 9457). See docs/service.md."
        ),
        lifespan=lifespan,
    )
    # The two routes of every action (a read of the case, the action) are served as plain
    # Starlette routes, tried first: a FastAPI route's request passes through FastAPI's routers
    # and request handler (dependencies solved, a response for sub-dependencies made) for
    # nothing, as they read their parameters themselves (see ``common.unchecked_of``) and answer
    # a Response — a fifth of the Python calls on the event loop for each request of an action
    # (docs/service.md). ``POST /v1/ping``, the benchmark's baseline, is served the same way
    # (resources/system.py). Their APIRoutes are included after them as well, so that FastAPI
    # describes them with the others; a request never reaches those, as the plain route for the
    # same path and methods is tried first (a method it lacks is 405 there as here).
    plain = (cases.action_routes, system.plain_routes)
    app.router.routes[:0] = [_plain(route) for router in plain for route in router.routes
                             if isinstance(route, APIRoute)]
    routers = (*plain, *(module.router for module in MODULES))
    for router in routers:
        app.include_router(router)
    base_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = base_openapi()
            spec["paths"] = _as_written(spec["paths"], routers)
            components = spec.setdefault("components", {}).setdefault("schemas", {})
            components.update(schemas.openapi_components())
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.state.pool = pool
    app.state.settings = settings
    # Server-Sent Events streams open in this worker (shown by /v1/health).
    app.state.open_streams = 0

    @app.exception_handler(ServiceProblem)
    async def on_problem(request: Request, exc: ServiceProblem) -> Response:
        return problem_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"path": "/" + "/".join(str(p) for p in e.get("loc", ())[1:]),
                   "in": str(e.get("loc", ("body",))[0]), "message": str(e.get("msg", ""))}
                  for e in exc.errors()]
        return problem_response(request, ServiceProblem(422, "invalid-body", _(
            "the request has {len} problem(s)",
        ).format(len=len(errors)), {"errors": errors}))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not-found", 405: "method-not-allowed", 406: "not-acceptable",
                413: "too-large", 415: "unsupported-media-type"}.get(exc.status_code,
                                                                     "bad-request")
        status = exc.status_code if code != "bad-request" else 400
        return problem_response(request, ServiceProblem(status, code))

    @app.exception_handler(ConcurrencyConflict)
    async def on_conflict(request: Request, exc: ConcurrencyConflict) -> Response:
        return problem_response(request, stale_version(exc))

    @app.exception_handler(UnknownCase)
    async def on_unknown(request: Request, exc: UnknownCase) -> Response:
        return problem_response(request, ServiceProblem(404, "not-found", exc.message))

    @app.exception_handler(StoreError)
    async def on_store(request: Request, exc: StoreError) -> Response:
        # A store that cannot be used (or a case that no longer replays) is the operator's
        # matter: logged in full, answered without details.
        log.error("store error on %s %s: %s", request.method, request.url.path, exc)
        return problem_response(request, ServiceProblem(503, "unavailable"))

    @app.exception_handler(DeliberationError)
    async def on_error(request: Request, exc: DeliberationError) -> Response:
        return problem_response(request, ServiceProblem(422, "invalid-action", exc.message))

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> Response:
        # Logged for the operator; the client learns nothing about the insides.
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem_response(request, ServiceProblem(500, "internal"))

    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app
