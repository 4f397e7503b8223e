"""Web fixtures: server processes (see web_servers) and a PostgreSQL schema."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from web_servers import Servers

from gateway.store.engine import normalise_url


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    """Servers stopped at the end of the test."""
    s = Servers(tmp_path)
    yield s
    s.stop_all()


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A fresh schema on the PostgreSQL test server (``OOTS_TEST_POSTGRES_URL``).

    Skips locally without the server; fails under CI (``CI`` set), where ``.ci/run``
    starts one.
    """
    base = os.environ.get("OOTS_TEST_POSTGRES_URL", "")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("required in CI: OOTS_TEST_POSTGRES_URL")
        pytest.skip("OOTS_TEST_POSTGRES_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = normalise_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="module")
def module_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """Servers shared by the tests of one module."""
    s = Servers(tmp_path_factory.mktemp("servers"))
    yield s
    s.stop_all()
