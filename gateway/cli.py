"""The ``oots-gateway`` command line.

Each subsystem contributes its commands from its own ``cli`` module, listed in
:data:`_COMMAND_MODULES`; each module exposes ``register(subparsers)`` that adds
its sub-commands and sets ``func(args, settings) -> int`` as the handler.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from gateway.errors import GatewayError
from gateway.settings import Settings

__all__ = ["main"]

_COMMAND_MODULES: tuple[str, ...] = (
    "gateway.evidence.cli",
    "gateway.audit.cli",
    "gateway.ebms.cli",
    "gateway.web.cli",
    "gateway.node.cli",
    "gateway.gewerbe.cli",
)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oots-gateway",
        description="Germany's OOTS evidence exchange gateway (eDelivery AS4, OOTS EDM).",
    )
    parser.add_argument("--config", type=Path, help="TOML configuration file")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        settings = Settings.load(config_file=args.config)
        code: int = args.func(args, settings)
    except GatewayError as exc:
        print(exc.diagnostics(), file=sys.stderr)
        return 2 if not exc.is_remote else 1
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
