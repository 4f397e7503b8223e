"""Fixtures of the node tests: the test PKI, a database kind, a DE/NL node pair.

Nodes run as separate processes (``node_app.py``) talking real HTTP on loopback.
``db`` is SQLite; tests parametrised with ``db=["sqlite", "postgresql"]`` (indirect)
also run on PostgreSQL when ``OOTS_TEST_POSTGRES_URL`` is set (required under CI).
Helpers live in uniquely named modules (``node_pair``, ``node_procs``) because every
test folder has its own ``conftest``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from node_pair import Pair
from node_procs import Database

from gateway.settings import Settings
from mocks.pki import TestPki, ensure_pki


@pytest.fixture(scope="session")
def pki(settings: Settings) -> TestPki:
    """The scripted test PKI, built once under var/pki."""
    return ensure_pki(settings.pki_dir)


@pytest.fixture(params=["sqlite"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The database kind (tests override the params to add PostgreSQL)."""
    database = Database(str(request.param), tmp_path)
    yield database
    database.cleanup()


@pytest.fixture
def pair(tmp_path: Path, db: Database, pki: TestPki) -> Iterator[Pair]:
    """DE and NL nodes with the default PMode (RSA, sign+encrypt, retry 3 s / 3 resends)."""
    nodes = Pair(tmp_path, db, pki)
    nodes.write()
    yield nodes
    nodes.close()
