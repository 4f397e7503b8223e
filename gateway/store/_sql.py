"""SQL helpers shared by the store's read and write halves (internal)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import (
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)

from gateway.store.errors import MessageNotFound, StoreError, StoreUnavailable
from gateway.store.records import MessageRecord
from gateway.store.schema import blobs, messages

__all__ = [
    "READ_ONLY",
    "insert_ignoring_conflicts",
    "load_blob",
    "load_row",
    "put_blob",
    "transaction",
]


READ_ONLY = "oots_read_only"
"""Execution option marking a read-only transaction (SQLite: plain deferred ``BEGIN``)."""


@contextmanager
def transaction(engine: Engine, *, read_only: bool = False) -> Iterator[Connection]:
    """One transaction; commits on success, rolls back on any exception.

    Connection-level failures (server down, network cut, lock timeout) become
    :class:`StoreUnavailable` (retry later); any other SQLAlchemy error is a
    :class:`StoreError` (a constraint, a bad value: our bug). The cause is kept.
    ``read_only`` transactions on SQLite do not take the write lock (WAL snapshot reads),
    so metrics scrapes and listings never wait for, or block, writers.
    """
    try:
        with engine.connect() as conn:
            if read_only:
                conn = conn.execution_options(**{READ_ONLY: True})
            with conn.begin():
                yield conn
    except (OperationalError, InterfaceError, DisconnectionError) as exc:
        raise StoreUnavailable(f"database unavailable: {type(exc).__name__}") from exc
    except SQLAlchemyError as exc:
        raise StoreError(f"database operation refused: {type(exc).__name__}: {exc}") from exc


def insert_ignoring_conflicts(conn: Connection, table: Any) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` for the connection's dialect."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def put_blob(conn: Connection, content: bytes, now: datetime) -> str:
    """Store ``content`` once under its SHA-256 (content addressing); return the hex digest."""
    digest = hashlib.sha256(content).hexdigest()
    stmt = (
        insert_ignoring_conflicts(conn, blobs)
        .values(sha256=digest, size=len(content), content=content, created_at=now)
        .on_conflict_do_nothing(index_elements=[blobs.c.sha256])
    )
    conn.execute(stmt)
    return digest


def load_blob(conn: Connection, digest: str) -> bytes:
    """The bytes stored under ``digest``."""
    content = conn.execute(select(blobs.c.content).where(blobs.c.sha256 == digest)).scalar()
    if content is None:
        raise MessageNotFound(f"no stored content with sha256 {digest}")
    return bytes(content)


def load_row(conn: Connection, pk: int, *, for_update: bool = False) -> MessageRecord:
    """The message row ``pk`` (locked ``FOR UPDATE`` on PostgreSQL when asked)."""
    stmt = select(messages).where(messages.c.id == pk)
    if for_update:
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).mappings().first()
    if row is None:
        raise MessageNotFound(f"no message with pk {pk}")
    return MessageRecord.from_row(row)
