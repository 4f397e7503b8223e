"""``oots-gateway`` commands of the evidence layer (filled in by the validation engine)."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add this layer's sub-commands to ``sub`` (an argparse sub-parsers action)."""
    del sub


def _unused(args: argparse.Namespace) -> None:  # pragma: no cover
    del args
