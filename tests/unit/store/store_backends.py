"""Store test helpers: the backends every store test runs on (SQLite, PostgreSQL).

PostgreSQL needs ``OOTS_TEST_POSTGRES_URL`` (``.ci/run`` starts a server and sets it).
Locally the PostgreSQL variants skip without it; under CI (``CI`` set) they fail.
Each PostgreSQL test gets its own schema (``search_path``), dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from gateway.store.engine import normalise_url

T0 = datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC)
"""The explicit 'now' store tests start from (the store never reads the clock)."""


def postgres_url() -> str:
    """The PostgreSQL test server, or skip (locally) / fail (CI) without one."""
    url = os.environ.get("OOTS_TEST_POSTGRES_URL", "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("required in CI: OOTS_TEST_POSTGRES_URL (PostgreSQL for store tests)")
        pytest.skip("OOTS_TEST_POSTGRES_URL is not set (PostgreSQL store tests)")
    return url


class Backend:
    """Creates databases of one engine kind for a test."""

    def __init__(self, kind: str, tmp_path: Path) -> None:
        self.kind = kind
        self._tmp = tmp_path
        self._schemas: list[str] = []
        self._base = postgres_url() if kind == "postgresql" else ""

    def new_url(self) -> str:
        """A URL of an empty database (SQLite file or fresh PostgreSQL schema)."""
        if self.kind == "sqlite":
            return f"sqlite:///{self._tmp / f'store-{uuid.uuid4().hex[:8]}.sqlite3'}"
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(normalise_url(self._base))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        self._schemas.append(schema)
        url = make_url(normalise_url(self._base)).update_query_dict(
            {"options": f"-csearch_path={schema}"}
        )
        return url.render_as_string(hide_password=False)

    def cleanup(self) -> None:
        """Drop the PostgreSQL schemas this test created."""
        if not self._schemas:
            return
        admin = create_engine(normalise_url(self._base))
        with admin.begin() as conn:
            for schema in self._schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
