"""The web app: GraphQL at /graphql (GraphiQL for browsers), reconciliation at /reconcile, /healthz and /readyz.

`create_app(settings)` builds it; `serve(settings)` runs it with uvicorn. Every
response carries an `X-Request-ID`; the same id is logged with any unexpected
error and returned to the client in place of the error's details.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import uuid
from pathlib import Path
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
import uvicorn
from cross_web import HTTPException as TransportError
from fastapi import FastAPI, Request
from starlette.requests import HTTPConnection
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET

from api import auth, curation, graphiql, intake
from api.auth.identity import caller_of
from api.deps import StoreProvider
from api.downloads import router as downloads_router
from api.json_input import JsonInputError, parse_json
from api.ratelimit import RateLimitMiddleware
from api.reconcile import router as reconciliation
from api.schema import build_schema
from api.schema.context import Context
from api.schema.errors import ErrorCode
from api.search import Search
from api.settings import Settings, get_settings
from api.watches import page as watch_page
from api.watches import routes as watch_routes
from api.watches.service import WatchService
from api.watches.store import WatchStore
from graph.errors import StoreError
from api.pages import install, internal_error_page
from graph.ranking.cache import use_cache_dir
from graph.ranking.embedding import default_embedder

__all__ = ["create_app", "serve"]

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
API_PATHS = ("/graphql", "/healthz", "/readyz", "/reconcile")
"""Paths that answer JSON; every other path is a page."""
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
"""The Content-Security-Policy of JSON responses: nothing to load, never framed."""
GRAPHIQL_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline' https://unpkg.com; "
    "style-src 'self' 'unsafe-inline' https://unpkg.com; font-src 'self' https://unpkg.com data:; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""The policy of the GraphiQL page strawberry renders (its inline script and its assets), never framed."""
_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _error_body(message: str, code: ErrorCode, request_id: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code.value, "requestId": request_id}}]}


def _request_id_of(scope: Scope) -> str:
    return str(scope.get("state", {}).get("request_id", "unknown"))


class ResponseHeadersMiddleware:
    """Give each request an id (a sane client-sent `X-Request-ID`, or a new one), echo it, and add the
    `_security_headers` to every response, keeping a Content-Security-Policy a route set itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope["headers"]).get(REQUEST_ID_HEADER.lower().encode(), b"").decode("latin-1")
        request_id = sent if _CLIENT_REQUEST_ID.match(sent) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                present = {name.lower() for name, _ in headers}
                content_type = next((value for name, value in headers if name.lower() == b"content-type"), b"")
                for name, value in _security_headers(content_type.decode("latin-1")):
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Refuse request bodies over `max_bytes` with 413 and a GraphQL error (LIMIT_EXCEEDED).

    The body is read up to the limit before the app sees it, so a chunked upload
    without Content-Length is cut off just the same.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                await self._refuse(scope, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        response = JSONResponse(
            _error_body(
                f"The request body is larger than {self.max_bytes} bytes.",
                ErrorCode.LIMIT_EXCEEDED,
                _request_id_of(scope),
            ),
            status_code=413,
        )
        await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


class _GraphQLRouter(GraphQLRouter[Context, None]):
    """Strawberry's router, answering malformed requests with GraphQL errors instead of plain text."""

    def decode_json(self, data: str | bytes) -> object:
        """A request body or `variables` parameter: bounded JSON, and a body must be an object (or a batch)."""
        try:
            value = parse_json(data)
        except JsonInputError as exc:
            raise TransportError(400, f"The request is not acceptable JSON: {exc}.") from None
        if not isinstance(value, dict | list):
            raise TransportError(400, "The request body must be a JSON object such as {\"query\": \"{ stats { nodeTotal } }\"}.")
        return value

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Run the operation; a transport error becomes `{"errors": [...]}` with its status code."""
        try:
            return await super().run(request, context=context, root_value=root_value)
        except TransportError as exc:
            code = ErrorCode.NOT_FOUND if exc.status_code == 404 else ErrorCode.BAD_USER_INPUT
            request_id = _request_id_of(request.scope)
            return JSONResponse(_error_body(exc.reason, code, request_id), status_code=exc.status_code)

    async def render_graphql_ide(self, request: Any) -> HTMLResponse:
        """GraphiQL from the app's own files (see `api.graphiql`), never from a CDN."""
        return graphiql.page()


def _graphql_router(settings: Settings) -> GraphQLRouter[Context, None]:
    async def context_getter(request: HTTPConnection) -> Context:
        return Context(
            settings=settings,
            stores=request.app.state.stores,
            caller=caller_of(request),
            request_id=_request_id_of(request.scope),
            watches=request.app.state.watch_service,
            accept_language=request.headers.get("accept-language"),
        )

    return _GraphQLRouter(
        build_schema(settings),
        context_getter=context_getter,
        graphql_ide="graphiql" if settings.graphiql else None,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
    )


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the store at start (a failure only logs: /readyz reports it), run the watches, close at the end."""
    stores: StoreProvider = app.state.stores
    try:
        await anyio.to_thread.run_sync(stores.get)
    except StoreError as exc:
        log.warning("the store is unavailable at start; retrying on each request: %s", exc)
    search: Search = app.state.search
    search.start()
    service: WatchService | None = app.state.watch_service
    running = asyncio.create_task(service.run()) if service else None
    yield
    if running is not None:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    if service is not None:
        service.watches.close()
    await anyio.to_thread.run_sync(search.stop)
    await anyio.to_thread.run_sync(stores.close)


def _watch_service(settings: Settings, stores: StoreProvider) -> WatchService | None:
    if not settings.watches:
        return None
    return WatchService(
        WatchStore(settings.watch_store_path),
        stores.get,
        default_embedder(),
        allow_private_targets=settings.allow_private_webhooks,
    )


def _ready(stores: StoreProvider) -> bool:
    try:
        store = stores.get()
    except StoreError as exc:
        log.warning("readiness: store unavailable: %s", exc)
        return False
    try:
        store.revision()
    except StoreError as exc:
        log.warning("readiness: store failed: %s", exc)
        stores.discard(store)
        return False
    return True


async def _healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


async def _readyz(request: Request) -> JSONResponse:
    """200 when the store can be reached and queries can be answered, else 503; says whether the languages and the
    rest of the store are still being read ("readAhead") and how many embeddings wait."""
    search: Search = request.app.state.search
    if not await anyio.to_thread.run_sync(_ready, request.app.state.stores):
        return JSONResponse({"status": "unavailable", "detail": "The graph store cannot be reached."}, status_code=503)
    if not await anyio.to_thread.run_sync(search.ensure_ready):
        return JSONResponse({"status": "starting", "detail": "The search index is being loaded."}, status_code=503)
    pending = search.embeddings_pending
    return JSONResponse(
        {
            "status": "ready",
            "readAhead": "done" if search.is_read_ahead else "reading",
            "embeddings": {
                "model": search.model,
                "pending": pending,
                "state": "unknown" if pending is None else "pending" if pending else "current",
            },
        }
    )


async def _internal_error(request: Request, exc: Exception) -> Response:
    """Anything no handler caught: logged with the request id; the client gets only the id.

    Pages answer with an HTML error page, everything else with a GraphQL-style error;
    both carry the security headers (this response bypasses the middleware).
    """
    request_id = _request_id_of(request.scope)
    log.error("request %s: unhandled error", request_id, exc_info=exc)
    if not request.url.path.startswith(API_PATHS):
        response = internal_error_page(request, request_id)
    else:
        response = JSONResponse(
            _error_body(
                f"Internal error; quote request id {request_id} when reporting it.", ErrorCode.INTERNAL, request_id
            ),
            status_code=500,
        )
    response.headers[REQUEST_ID_HEADER] = request_id
    for name, value in _security_headers(response.headers.get("content-type", "")):
        response.headers.setdefault(name, value)
    return response


def _security_headers(content_type: str) -> list[tuple[str, str]]:
    """Headers every response carries; a CSP for responses that bring none of their own."""
    policy = GRAPHIQL_POLICY if content_type.startswith("text/html") else API_POLICY
    return [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Content-Security-Policy", policy),
    ]


def create_app(settings: Settings | None = None) -> FastAPI:
    """The FastAPI app for `settings` (the environment's when None).

    `app.state.settings` and `app.state.stores` (see `api.deps.get_store`) are
    there for other routers, such as the HTML pages.
    """
    settings = settings or get_settings()
    use_cache_dir(Path(settings.cache_dir))
    app = FastAPI(
        title="Behovsgraf",
        lifespan=_lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.stores = StoreProvider(settings)
    app.state.search = Search(app.state.stores, embed_in_background=settings.embed_in_background)
    app.state.watch_service = _watch_service(settings, app.state.stores)
    app.include_router(_graphql_router(settings), prefix="/graphql")
    app.include_router(watch_routes.router)
    app.add_api_route("/healthz", _healthz, methods=["GET"])
    app.add_api_route("/readyz", _readyz, methods=["GET"])
    graphiql.install(app)
    app.include_router(reconciliation)
    app.include_router(downloads_router)
    install(app)
    app.include_router(intake.router)
    app.include_router(curation.router)
    app.include_router(watch_page.router)
    app.add_exception_handler(Exception, _internal_error)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RateLimitMiddleware, settings=settings)
    auth.install(app, settings)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type", REQUEST_ID_HEADER],
        expose_headers=[REQUEST_ID_HEADER],
        max_age=600,
    )
    app.add_middleware(ResponseHeadersMiddleware)
    return app


KEEP_ALIVE_SECONDS = 75
"""How long an idle connection stays open: longer than a reverse proxy's or a browser's idle pool (60 s for
nginx and most load balancers), so the server never closes a connection just as a client reuses it."""


def serve(settings: Settings) -> None:
    """Run the app with uvicorn on `settings.host`:`settings.port` until interrupted."""
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        server_header=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
