"""Engine construction: SQLite (embedded default) and PostgreSQL via psycopg 3.

SQLite: WAL journal, ``synchronous=FULL`` (a committed message survives a power
cut, not just a process kill), a busy timeout, foreign keys on, and every
transaction opened with ``BEGIN IMMEDIATE`` so that read-then-write sequences in
one transaction are serialised (pysqlite's own implicit BEGIN would start
transactions late and let two writers read the same state). Read-only
transactions use a plain ``BEGIN`` (a WAL snapshot, no write lock).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from gateway.errors import ConfigurationError

__all__ = ["SQLITE_BUSY_TIMEOUT_MS", "normalise_url", "open_engine"]

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for the write lock before failing."""


def normalise_url(url: str) -> URL:
    """Parse a database URL; ``postgresql://`` and ``postgres://`` select psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(f"invalid database URL: {exc}") from exc
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ConfigurationError(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql"
        )
    return parsed


def open_engine(url: str, *, pool_size: int = 10, max_overflow: int = 40) -> Engine:
    """Create the engine for ``url`` with the store's connection settings."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return create_engine(
        parsed,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        # READ COMMITTED + row locks (FOR UPDATE SKIP LOCKED, guarded UPDATEs) is enough
        # for every operation of the store; see docs/store.md.
        isolation_level="READ COMMITTED",
    )


def _enter_wal(cursor: sqlite3.Cursor) -> None:
    """``PRAGMA journal_mode = WAL``, retried while another connection holds the lock.

    Switching a new database file to WAL needs an exclusive lock, and SQLite may
    answer "database is locked" at once instead of calling the busy handler (it does
    so when waiting could deadlock), e.g. when several processes start on a fresh
    file together. Retry with backoff for up to the busy timeout.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if ("locked" not in text and "busy" not in text) or time.monotonic() > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _sqlite_engine(parsed: URL) -> Engine:
    database = parsed.database or ""
    in_memory = database in {"", ":memory:"}
    if not in_memory and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        parsed,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        # an in-memory database exists per connection: share one (tests, scratch use)
        **({"poolclass": StaticPool} if in_memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite (SQLAlchemy docs, "Serializable
        # isolation / Savepoints / Transactional DDL" recipe for pysqlite).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            _enter_wal(cursor)
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Read-only transactions (gateway.store._sql.READ_ONLY) read a WAL snapshot
        # without the write lock; everything else takes the write lock up front.
        read_only = conn.get_execution_options().get("oots_read_only", False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine
