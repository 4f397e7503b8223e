"""Alembic environment: migrate the connection :mod:`gateway.store.migrate` hands over.

Run through ``gateway.store.migrate.upgrade`` (startup, ``oots-gateway db
upgrade``); the caller's connection and transaction are used as they are, so a
whole upgrade commits or rolls back as one (PostgreSQL and SQLite both have
transactional DDL).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from gateway.store.schema import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_connection = config.attributes.get("connection")
if not isinstance(_connection, Connection):
    raise RuntimeError("run migrations through gateway.store.migrate (oots-gateway db upgrade)")
_run(_connection)
