"""The DE node's web app with the provider: AS4 endpoint + preview pages.

``create_provider_app(settings)`` is :func:`gateway.web.create_app` with the preview
router added; it binds the node's :class:`~.application.ProviderApplication` to the node
(late answers, expiry sweeper). ``[node] application`` must name
``gateway.provider.application:application``. ``python -m gateway.provider.web --config
FILE --port N`` serves it (tests, demo); ``oots-gateway serve`` needs the same router
(``docs/provider.md``, "Wiring").
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI

from gateway.errors import ConfigurationError
from gateway.provider.application import ProviderApplication
from gateway.settings import Settings
from gateway.web import create_app
from gateway.web.preview import preview_router

__all__ = ["create_provider_app", "main"]


def create_provider_app(settings: Settings) -> FastAPI:
    """The gateway app with the preview space; the provider bound to its node."""
    app = create_app(settings, routers=[preview_router()])
    node = app.state.node
    if node is None or not isinstance(node.application, ProviderApplication):
        raise ConfigurationError("[node] application must be "
                                 "gateway.provider.application:application")
    node.application.bind(node)
    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the provider node."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m gateway.provider.web")
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    settings = Settings.load(config_file=args.config, environ={})
    uvicorn.run(create_provider_app(settings), host=args.host, port=args.port,
                log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
