"""Run the Alembic migrations programmatically (startup and ``oots-gateway db upgrade``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from gateway.store.errors import StoreUnavailable

__all__ = ["MIGRATIONS_DIR", "current_revision", "downgrade", "head_revision", "upgrade"]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
"""The Alembic script directory shipped inside the package."""

_PG_MIGRATION_LOCK = 0x0075_7075_6F6F_7473
"""pg_advisory_xact_lock key serialising concurrent upgrades of one database."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest revision shipped with this version of the gateway."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` when never migrated)."""
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as exc:
        raise StoreUnavailable(f"cannot read the schema revision: {exc}") from exc


def _migrate(engine: Engine, step: Callable[[Config], None], failure: str) -> str | None:
    """Run one Alembic ``step`` in one locked transaction; return the revision reached."""
    config = _config()
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            config.attributes["connection"] = conn
            step(config)
            return MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as exc:
        raise StoreUnavailable(f"{failure}: {exc}") from exc


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Migrate the database to ``revision`` in one transaction; return the new revision.

    Safe when several processes start at once: PostgreSQL serialises them with an
    advisory transaction lock, SQLite with ``BEGIN IMMEDIATE`` (see engine.py).
    """
    now_at = _migrate(
        engine, lambda config: command.upgrade(config, revision), "database migration failed"
    )
    return now_at or ""


def downgrade(engine: Engine, revision: str) -> str | None:
    """Revert the database to ``revision`` (``"base"``: empty) in one transaction."""
    return _migrate(
        engine, lambda config: command.downgrade(config, revision), "database downgrade failed"
    )
