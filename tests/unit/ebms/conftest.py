"""Fixtures for the ebMS tests: the AS4 reference kit folder and the test PKI."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.settings import Settings
from mocks.pki import TestPki, ensure_pki


@pytest.fixture(scope="session")
def as4_kit(shared_dir: Path) -> Path:
    """``<shared>/as4`` (read-only reference kit)."""
    path = shared_dir / "as4"
    if not (path / "messages").is_dir():
        pytest.fail(f"AS4 reference kit not found at {path}")
    return path


@pytest.fixture(scope="session")
def pki(settings: Settings) -> TestPki:
    """The scripted test PKI (AS4-security's ``mocks.pki``), built once under var/pki."""
    return ensure_pki(settings.pki_dir)
