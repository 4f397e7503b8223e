"""The DE node with every part issue 9 needs: AS4, requester, DE provider + preview, assistant.

``python -m gateway.web.gewerbe.serve --config FILE --port N [--https-port M --tls-cert C
--tls-key K]`` serves :func:`create_gewerbe_app`: plain HTTP on ``--port`` (AS4 from the
peers, the Gewerbeamt client side) and, with ``--https-port``, the same app over TLS for the
browser pages (the preview's return URL must be ``https://``, TDD 4.9). Only the HTTP server
runs the app's lifespan (the node starts once).

Configuration: the usual ``[node]`` (``application`` may be the DE provider),
``[requester]``, ``[common_services]``, ``[provider]`` when the provider is on, and::

    [gewerbe]
    public_url = "https://127.0.0.1:8443"   # where a browser reaches the pages
    gewerbeamt_url = "http://127.0.0.1:8495"  # the Gewerbeamt inboxes (mocks/de_authorities)
    token_key = "<random, >= 16 chars>"      # HMAC key of the resume tokens
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI

from gateway.errors import ConfigurationError
from gateway.settings import Settings
from gateway.web import create_app
from gateway.web.gewerbe import gewerbe_router
from gateway.web.gewerbe.service import AssistantConfig, AssistantService

__all__ = ["assistant_config", "create_gewerbe_app", "main"]


def assistant_config(settings: Settings) -> AssistantConfig:
    """Read ``[gewerbe]``."""
    section = settings.section("gewerbe")
    for key in ("public_url", "gewerbeamt_url", "token_key"):
        if not isinstance(section.get(key), str) or not section[key]:
            raise ConfigurationError(f"[gewerbe] {key} is required")
    if len(section["token_key"]) < 16:
        raise ConfigurationError("[gewerbe] token_key must have at least 16 characters")
    return AssistantConfig(public_url=section["public_url"],
                           gewerbeamt_url=section["gewerbeamt_url"],
                           key=section["token_key"].encode(),
                           procedure=str(section.get("procedure", "X1")),
                           party_id=settings.party_id)


def create_gewerbe_app(settings: Settings) -> FastAPI:
    """The gateway app with the preview space (when the provider is on) and the assistant."""
    from gateway.provider.application import ProviderApplication
    from gateway.requester.wiring import RequesterApplication, install
    from gateway.web.preview import preview_router

    app = create_app(settings, routers=[preview_router()])
    node = app.state.node
    if node is None:
        raise ConfigurationError("the assistant needs the [node] section")
    handler = node.application
    if not isinstance(handler, RequesterApplication):  # no [portal]: wire the requester here
        requester, _ = install(settings, node)
        handler = node.application
    else:
        requester = handler.service
    assert isinstance(handler, RequesterApplication)
    if isinstance(handler.fallback, ProviderApplication):
        handler.fallback.bind(node)
    service = AssistantService(
        assistant_config(settings), requester, settings.var_dir / "gewerbe", clock=node.clock,
        audit=lambda entry: node.log.append(entry, now=entry.time))
    app.state.gewerbe = service
    app.include_router(gewerbe_router(service))
    return app


async def _serve(app: FastAPI, args: argparse.Namespace) -> None:
    import uvicorn

    servers = [uvicorn.Server(uvicorn.Config(app, host=args.host, port=args.port,
                                             log_level=args.log_level))]
    if args.https_port:
        servers.append(uvicorn.Server(uvicorn.Config(
            app, host=args.host, port=args.https_port, log_level=args.log_level,
            lifespan="off", ssl_certfile=str(args.tls_cert), ssl_keyfile=str(args.tls_key))))

    async def run(server: uvicorn.Server) -> None:
        await server.serve()
        for other in servers:  # one stops (signal, error): all stop
            other.should_exit = True

    await asyncio.gather(*(run(s) for s in servers))


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the node with the assistant."""
    parser = argparse.ArgumentParser(prog="python -m gateway.web.gewerbe.serve")
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--https-port", type=int)
    parser.add_argument("--tls-cert", type=Path)
    parser.add_argument("--tls-key", type=Path)
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    if args.https_port and not (args.tls_cert and args.tls_key):
        parser.error("--https-port needs --tls-cert and --tls-key")
    settings = Settings.load(config_file=args.config, environ={})
    asyncio.run(_serve(create_gewerbe_app(settings), args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
