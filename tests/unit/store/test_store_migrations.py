"""Alembic migrations create exactly the schema of gateway.store.schema, on both engines."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from store_backends import Backend

from gateway.errors import ConfigurationError
from gateway.store import MessageStore, current_revision, head_revision, upgrade
from gateway.store.engine import open_engine
from gateway.store.migrate import downgrade
from gateway.store.schema import metadata


def test_migrated_schema_equals_metadata(store: MessageStore) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    assert diff == []
    assert current_revision(store.engine) == head_revision()


def test_upgrade_is_idempotent(store: MessageStore) -> None:
    assert upgrade(store.engine) == head_revision()
    assert upgrade(store.engine) == head_revision()


def test_downgrade_to_base_and_back(backend: Backend) -> None:
    engine = open_engine(backend.new_url())
    upgrade(engine)
    assert downgrade(engine, "base") is None
    assert current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert {"blobs", "messages", "message_events", "rejections"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()


def test_concurrent_startups_migrate_once(backend: Backend) -> None:
    url = backend.new_url()
    barrier = threading.Barrier(4)

    def start(_: int) -> str | None:
        barrier.wait()
        s = MessageStore.open(url)
        try:
            return current_revision(s.engine)
        finally:
            s.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert set(pool.map(start, range(4))) == {head_revision()}


def test_in_memory_sqlite_is_one_shared_database() -> None:
    store = MessageStore.open("sqlite://")
    try:
        assert current_revision(store.engine) == head_revision()
        assert store.list_messages() == []
    finally:
        store.close()


def test_unsupported_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        open_engine("mysql://x@y/z")
    with pytest.raises(ConfigurationError):
        open_engine("not a url")


def test_requester_tables_made_before_revision_0002_are_adopted_with_their_rows(
    backend: Backend,
) -> None:
    """Older gateways created the requester tables themselves (CREATE TABLE IF NOT
    EXISTS); upgrading such a database keeps the tables and their rows."""
    from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table, Text, text

    engine = open_engine(backend.new_url())
    upgrade(engine, "0001")
    old = MetaData()  # the columns the requester used to create on first use
    Table("requester_cases", old, Column("id", String(64), primary_key=True),
          Column("client", String(128), nullable=False, index=True),
          Column("state", String(32), nullable=False), Column("doc", Text, nullable=False))
    Table("requester_request_ids", old, Column("request_id", String(128), primary_key=True),
          Column("case_id", String(64), nullable=False))
    Table("requester_evidence", old, Column("case_id", String(64), primary_key=True),
          Column("idx", Integer, primary_key=True), Column("data", LargeBinary, nullable=False))
    old.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO requester_cases (id, client, state, doc) "
                          "VALUES ('c1', 'wsp', 'delivered', '{}')"))
    assert upgrade(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, client FROM requester_cases")).all() == [
            ("c1", "wsp")]
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    assert diff == []
    engine.dispose()
