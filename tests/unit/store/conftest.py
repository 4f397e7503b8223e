"""Store fixtures: every store test runs on SQLite and on PostgreSQL (see store_backends)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_backends import Backend

from gateway.store import MessageStore


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """The database engine kind under test."""
    b = Backend(str(request.param), tmp_path)
    yield b
    b.cleanup()


@pytest.fixture
def store(backend: Backend) -> Iterator[MessageStore]:
    """A migrated, empty store on the backend under test."""
    s = MessageStore.open(backend.new_url(), pool_size=20)
    yield s
    s.close()
