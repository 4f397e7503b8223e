"""Fixtures for the ebMS tests: the AS4 reference kit folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def as4_kit(shared_dir: Path) -> Path:
    """``<shared>/as4`` (read-only reference kit)."""
    path = shared_dir / "as4"
    if not (path / "messages").is_dir():
        pytest.fail(f"AS4 reference kit not found at {path}")
    return path
