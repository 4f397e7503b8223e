"""Fixtures of the provider end-to-end tests: the process world, validator, PAdES anchors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # provider_pages.py

from gateway.evidence.edm.v2_rules import register_v2_rules
from gateway.evidence.validation import Validator
from gateway.settings import Settings
from mocks.de_registers.world import World
from mocks.pki import TestPki, ensure_pki


@pytest.fixture(scope="session")
def pki(settings: Settings) -> TestPki:
    """The scripted test PKI (var/pki)."""
    return ensure_pki(settings.pki_dir)


@pytest.fixture(scope="session")
def validator(settings: Settings) -> Validator:
    """The validation engine with the project's v2.0 rules."""
    v = Validator.from_settings(settings)
    register_v2_rules(v)
    return v


@pytest.fixture(scope="module")
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          pki: TestPki, settings: Settings) -> Iterator[World]:
    """Register, eID, DE node (provider) and NL access point as separate processes
    (a test module may set ``PREVIEW_TTL`` seconds)."""
    w = World(tmp_path_factory.mktemp("provider-e2e"), pki, settings.shared_dir,
              preview_ttl=float(getattr(request.module, "PREVIEW_TTL", 60.0)))
    try:
        w.start()
    except RuntimeError as exc:
        w.stop()
        pytest.fail(str(exc))
    try:
        yield w
    finally:
        w.stop()
