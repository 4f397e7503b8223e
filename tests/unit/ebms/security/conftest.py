"""Fixtures for the WS-Security tests: the scripted test PKI (cached under pki_dir)."""

from __future__ import annotations

import pytest

from gateway.settings import Settings
from mocks.pki import TestPki, ensure_pki


@pytest.fixture(scope="session")
def pki(settings: Settings) -> TestPki:
    """The test PKI, built once into ``settings.pki_dir`` and reused across runs."""
    return ensure_pki(settings.pki_dir)
