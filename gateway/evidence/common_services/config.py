"""Which trust anchors EB/DSD response signatures must chain to (configuration, no I/O).

``[common_services]`` in the gateway TOML (read by the caller through
``Settings.section("common_services")``):

* ``environment`` = ``"acc"`` (default) or ``"prod"``: picks the EC root of that
  environment from the reference kit (TDD 2.0.1 README, "How the EB/DSD responses are
  signed": *European Commission Root CA - 2 test* for acceptance, *- 2* for production);
* ``trust_anchors`` = list of PEM files: replaces the kit default (e.g. a pinned copy).

Wiring (adapter side)::

    paths = trust_anchor_paths(settings.section("common_services"), settings.shared_dir)
    anchors = TrustAnchors.from_pem(*(p.read_bytes() for p in paths))
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gateway.errors import ConfigurationError

__all__ = ["KIT_ANCHORS", "trust_anchor_paths"]

KIT_ANCHORS = Path("oots-tdd-2.0") / "common-services" / "trust-anchors"
"""Folder of the EC roots inside the reference kit."""

_FILES = {"acc": "services_communs_acc.pem", "prod": "services_communs_prod.pem"}


def trust_anchor_paths(section: Mapping[str, Any], shared_dir: Path) -> tuple[Path, ...]:
    """The PEM files to load, from the ``[common_services]`` section."""
    configured = section.get("trust_anchors")
    if configured is not None:
        if (
            not isinstance(configured, list)
            or not configured
            or not all(isinstance(p, str) and p for p in configured)
        ):
            raise ConfigurationError("[common_services] trust_anchors must list PEM files")
        return tuple(Path(p).expanduser() for p in configured)
    environment = section.get("environment", "acc")
    if environment not in _FILES:
        raise ConfigurationError(
            f"[common_services] environment must be acc or prod, not {environment!r}"
        )
    return (shared_dir / KIT_ANCHORS / _FILES[environment],)
