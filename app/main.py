"""create_app(): the Litestar application with the GraphQL endpoint, health check and request ids."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request, Response, get
from litestar.datastructures import MutableScopeHeaders, State
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app import clients, jobs, logs, runtime
from app.admission import Gate, admission_middleware
from app.api import graphiql
from app.api.endpoint import graphql_controller
from app.api.http_errors import http_error
from app.api.read_cache import ReadCache
from app.api.response_store import build_store
from app.config import get_settings
from app.db import database_lifespan, ping, shared_connection
from app.documents.http import ROUTES as DOCUMENT_ROUTES
from app.requestid import _request_id
from app.security_headers import add_security_headers
from billing import subscriptions  # noqa: F401 - registers billing on the bus (milestone accepted → invoice draft)
from billing.http import ROUTES as BILLING_ROUTES
from catalog.requests.http import ROUTES as REQUEST_ROUTES
from projects import subscriptions as project_subscriptions  # noqa: F401 - milestone accepted → its minutes
from projects.http import ROUTES as PROJECT_ROUTES

log = logging.getLogger("app.http")


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Gives every request an id (or keeps a sane X-Request-ID), logs it, and returns it as a header."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
        token = _request_id.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableScopeHeaders.from_message(message)["x-request-id"] = request_id
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            _request_id.reset(token)

    return middleware


def shared_connection_middleware(app: ASGIApp) -> ASGIApp:
    """On SQLite, one connection per request for statements outside transactions (see app.db)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        async with shared_connection():
            await app(scope, receive, send)

    return middleware


@get("/health", include_in_schema=False)
async def health() -> Response[dict[str, Any]]:
    ok = await ping()
    return Response({"status": "ok" if ok else "unavailable", "database": ok}, status_code=200 if ok else 503)


def _internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, str]]:
    log.error("unhandled", exc_info=exc)
    return Response({"error": "Unexpected error"}, status_code=500)


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    async with database_lifespan():
        runtime.tune_gc(get_settings())
        try:
            yield
        finally:
            await jobs.shutdown()
            await app.state.read_cache.close()


def create_app() -> Litestar:
    settings = get_settings()
    logs.configure(settings.log_level)
    clients.trusted_proxies()  # a malformed TRUSTED_PROXIES entry stops start-up, not the first request
    routes: list[Any] = [graphql_controller(settings), health]
    if settings.graphiql:
        routes.append(graphiql.assets_router())
    read_cache = ReadCache(settings, build_store(settings))
    return Litestar(
        route_handlers=[*routes, *PROJECT_ROUTES, *REQUEST_ROUTES, *BILLING_ROUTES, *DOCUMENT_ROUTES],
        # The read cache inside the shared connection: its version read and key lookup use it on SQLite;
        # behind the admission gate, so a cache hit waits its turn too (it is quick).
        middleware=[
            request_id_middleware,
            admission_middleware(
                lambda: Gate(
                    settings.max_concurrent_requests, settings.max_queued_requests, settings.queue_timeout_ms / 1000
                ),
                lambda: settings.retry_after_seconds,
            ),
            shared_connection_middleware,
            read_cache.middleware,
        ],
        state=State({"read_cache": read_cache}),
        before_send=[add_security_headers],
        # Files plus `operations` and `map`: more parts than that is refused before they are parsed.
        multipart_form_part_limit=settings.max_upload_files + 2,
        lifespan=[lifespan],
        exception_handlers={HTTPException: http_error, 500: _internal_error},
        debug=False,
        logging_config=None,  # our JSON logging (app.logs), not Litestar's default handlers
    )
