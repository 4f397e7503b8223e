"""Fixtures of the exchange-log tests: database URLs, a signer, entry factories."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from gateway.audit._checkpoint import NoteSigner, generate_signer_key
from gateway.audit._entry import LogEntry
from gateway.audit._storage import AuditStore, metadata

from ._support import ORIGIN, make_entry, require


def _postgres_url() -> str:
    url = os.environ.get("OOTS_TEST_POSTGRES_URL", "")
    require(bool(url), "OOTS_TEST_POSTGRES_URL is not set (PostgreSQL tests)")
    return url


@pytest.fixture
def signer() -> NoteSigner:
    """The log's signing key (a fixed test seed)."""
    return generate_signer_key(ORIGIN, hashlib.sha256(b"test log key").digest())


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty exchange-log database on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.sqlite3'}"
        return
    url = _postgres_url()
    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()
    yield url
    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def store(db_url: str, signer: NoteSigner) -> Iterator[AuditStore]:
    """An open, empty exchange log."""
    log = AuditStore.open(db_url, origin=ORIGIN, signer=signer)
    yield log
    log.close()


@pytest.fixture
def entry_factory() -> Callable[..., LogEntry]:
    """:func:`make_entry` as a fixture."""
    return make_entry
