"""The FastAPI application factory of the gateway service.

``create_app(settings)`` opens (and migrates) the store, mounts ``/healthz``,
``/readyz`` and ``/metrics``, installs the body-size limit and the exception
handlers that route EVERY error through :func:`gateway.web.errors.to_wire`, and
includes whatever routers the caller adds (the AS4 endpoint, the portal API).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway import __version__
from gateway.errors import GatewayError, InvalidInput
from gateway.settings import Settings
from gateway.store import MessageStore
from gateway.web.errors import to_wire
from gateway.web.health import ReadinessCheck, database_check, run_checks, schema_kits_check
from gateway.web.limits import BodySizeLimit
from gateway.web.metrics import CONTENT_TYPE, GatewayMetrics

__all__ = ["Clock", "create_app"]

Clock = Callable[[], datetime]
"""Where the web adapter gets the time (cores and the store take it as an argument)."""

_log = logging.getLogger("gateway.web")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: Settings,
    *,
    store: MessageStore | None = None,
    readiness: Sequence[ReadinessCheck] | None = None,
    routers: Sequence[APIRouter] = (),
    clock: Clock = _utc_now,
) -> FastAPI:
    """Build the ASGI app; opens and migrates the store unless one is given."""
    owns_store = store is None
    if store is None:
        store = MessageStore.open(settings.effective_database_url)
    checks = (
        list(readiness)
        if readiness is not None
        else [database_check(store), schema_kits_check(settings)]
    )
    metrics = GatewayMetrics(store)
    opened = store
    node = None
    if settings.section("node"):  # the AS4 node (gateway/node, docs/node.md)
        from gateway.node import Node

        node = Node.from_settings(settings, store, clock=clock, observe=metrics.observe)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if node is not None:
            node.start()
        yield
        if node is not None:
            node.stop()
        if owns_store:
            opened.close()

    app = FastAPI(
        lifespan=lifespan,
        title="OOTS gateway (DE)",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.metrics = metrics
    app.state.clock = clock
    _install_error_handlers(app, settings, clock)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_message_bytes)
    app.add_middleware(_Latency, metrics=metrics)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """Liveness: the process serves requests."""
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        """Readiness: database reachable and migrated, schema kits installed."""
        results = run_checks(checks)
        ready = all(r.ok for r in results)
        return JSONResponse(
            {
                "status": "ready" if ready else "not ready",
                "checks": {r.name: "ok" if r.ok else r.problem for r in results},
            },
            status_code=200 if ready else 503,
        )

    @app.get("/metrics")
    def metrics_endpoint() -> Response:
        """Prometheus text exposition."""
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    app.state.node = node
    if node is not None:
        from gateway.web.as4 import as4_router

        app.include_router(as4_router(node))
        if settings.section("portal"):  # the portal API for the WSP (docs/requester.md)
            from gateway.requester.config import load_portal_config
            from gateway.requester.wiring import install
            from gateway.web.portal import mount_portal

            requester, webhooks = install(settings, node)
            mount_portal(app, requester, load_portal_config(settings),
                         can_notify=webhooks.can_notify)
    for router in routers:
        app.include_router(router)
    return app


def _install_error_handlers(app: FastAPI, settings: Settings, clock: Clock) -> None:
    async def handle(request: Request, exc: Exception) -> Response:
        incident = uuid.uuid4().hex[:12]
        if isinstance(exc, RequestValidationError):
            exc = InvalidInput("the request does not match the endpoint", detail=str(exc))
        wire = to_wire(
            exc,
            now=clock(),
            message_id=f"{uuid.uuid4()}@{settings.party_id}",
            incident=incident,
        )
        if wire.status >= 500:
            _log.error(
                "incident %s on %s %s", incident, request.method, request.url.path, exc_info=exc
            )
        else:
            _log.info("refused %s %s: %s", request.method, request.url.path, exc)
        return Response(
            wire.body, status_code=wire.status, media_type=wire.media_type, headers=wire.headers
        )

    # Exception covers GatewayError and everything else; Starlette runs it as the
    # last-resort handler, so no stack trace is ever rendered to the client.
    app.add_exception_handler(RequestValidationError, handle)
    app.add_exception_handler(GatewayError, handle)
    app.add_exception_handler(Exception, handle)


class _Latency:
    """Pure ASGI middleware timing every HTTP request (no task group around ``receive``,
    so errors raised while reading the body reach the exception handlers unchanged)."""

    def __init__(self, app: ASGIApp, *, metrics: GatewayMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observing_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, observing_send)
        finally:
            route = scope.get("route")
            label = str(getattr(route, "path", "unmatched"))
            self.metrics.http_latency.labels(scope["method"], label, str(status)).observe(
                time.perf_counter() - started
            )
