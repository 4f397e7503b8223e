"""The mocked Handelsregister: a separate process answering over real HTTP.

``python -m mocks.de_registers --port 8491 [--slow-seconds 10]``

* ``POST /noots/evidence-request``: body ``DE.EvidenceRequest.0301`` (XNachweis-shaped,
  :mod:`gateway.registers.xnachweis`) -> 200 ``nachricht.reg.0400003`` for a known company,
  404 for an unknown number (scenario ``unknown-number``), 400 for an unreadable request;
  the key :data:`~mocks.de_registers.companies.SLOW` answers after ``--slow-seconds``
  (scenario ``register-timeout``).
* ``GET /companies``: the demo companies (scenario, EUID, name) as JSON.
* ``GET /healthz``.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

from fastapi import FastAPI, Request, Response

from gateway.errors import GatewayError
from gateway.registers.xnachweis import parse_register_query
from mocks.de_registers.companies import COMPANIES, SLOW, by_key
from mocks.de_registers.xjustiz_build import register_content

__all__ = ["create_app", "main"]


def create_app(*, slow_seconds: float = 10.0) -> FastAPI:
    """The mock register's ASGI app."""
    app = FastAPI(title="Mock Handelsregister")
    app.state.requests = 0

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok"}

    @app.get("/companies")
    async def companies() -> list[dict[str, str]]:
        """The demo companies."""
        return [{"scenario": c.scenario, "euid": c.euid, "name": c.name} for c in COMPANIES]

    @app.post("/noots/evidence-request")
    async def evidence_request(request: Request) -> Response:
        """Answer one register question."""
        app.state.requests += 1
        try:
            query = parse_register_query(await request.body())
        except GatewayError as exc:
            return Response(exc.message, status_code=400, media_type="text/plain")
        key = (query.key.court, query.key.register_type, query.key.number)
        if key == SLOW:
            await asyncio.sleep(slow_seconds)
        company = by_key(*key)
        if company is None:
            return Response(f"unknown {' '.join(key)}", status_code=404, media_type="text/plain")
        return Response(register_content(company, now=datetime.now(UTC)),
                        media_type="application/xml")

    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the mock register."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m mocks.de_registers")
    parser.add_argument("--port", type=int, default=8491)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--slow-seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    uvicorn.run(create_app(slow_seconds=args.slow_seconds), host=args.host, port=args.port,
                log_level="warning")
    return 0
