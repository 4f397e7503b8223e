"""The store's tables (SQLAlchemy Core). Alembic migrations create exactly this schema.

``tests/unit/store/test_store_migrations.py`` compares a migrated database with
:data:`metadata`, so a change here without a migration fails the tests.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

from gateway.store.states import Direction, MessageState

__all__ = [
    "UtcDateTime",
    "blobs",
    "message_events",
    "messages",
    "metadata",
    "rejections",
    "requester_cases",
    "requester_evidence",
    "requester_request_ids",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
"""All tables of the store, with stable constraint names for migrations."""


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC timestamp; naive datetimes are refused on the way in.

    PostgreSQL stores ``timestamptz``; SQLite stores naive UTC text (which sorts and
    compares correctly because every value is UTC in the same format).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Check awareness and normalise to UTC."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("the store takes aware UTC datetimes only")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Return aware UTC datetimes whatever the driver gives back."""
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


_PK = BigInteger().with_variant(Integer(), "sqlite")


def _values(enum_cls: type[Direction] | type[MessageState]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum_cls)


blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True, comment="hex SHA-256 of content"),
    Column("size", BigInteger, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    comment="raw inbound/outbound message bytes and receipts, content-addressed, stored once",
)
"""Content-addressed raw bytes (messages, receipts): each distinct content once."""

messages = Table(
    "messages",
    metadata,
    Column("id", _PK, primary_key=True, autoincrement=True),
    Column("direction", String(16), nullable=False),
    Column("message_id", String(255), nullable=False, comment="ebMS3 eb:MessageId"),
    Column("ref_to_message_id", String(255)),
    Column("conversation_id", String(255)),
    Column("from_party", String(255)),
    Column("to_party", String(255)),
    Column("service", String(255)),
    Column("action", String(255)),
    Column("pmode_id", String(255)),
    Column("endpoint_url", String(2048), comment="outbox: where to send"),
    Column("state", String(32), nullable=False),
    Column("raw_sha256", String(64), ForeignKey("blobs.sha256"), nullable=False),
    Column(
        "receipt_sha256",
        String(64),
        ForeignKey("blobs.sha256"),
        comment="inbox: the receipt we issued; outbox: the receipt we got",
    ),
    Column("related_id", _PK, ForeignKey("messages.id"), comment="outbox: inbox row answered"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime),
    Column("last_error_code", String(64)),
    Column("last_error", Text),
    Column("lease_owner", String(128)),
    Column("lease_until", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # ebMS3 Core §6.4 / AS4 §3.2 duplicate elimination: one row per MessageId and direction
    UniqueConstraint("direction", "message_id"),
    CheckConstraint(f"direction IN ({_values(Direction)})", name="direction"),
    CheckConstraint(f"state IN ({_values(MessageState)})", name="state"),
    CheckConstraint("attempts >= 0", name="attempts"),
    Index(None, "direction", "state", "next_attempt_at"),
    comment="inbox and outbox",
)
"""Inbox and outbox rows, one per (direction, MessageId)."""

message_events = Table(
    "message_events",
    metadata,
    Column("id", _PK, primary_key=True, autoincrement=True),
    Column("message_pk", _PK, ForeignKey("messages.id"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("from_state", String(32)),
    Column("to_state", String(32), nullable=False),
    Column(
        "kind", String(32), nullable=False, comment="transition, attempt-failed, lease-takeover"
    ),
    Column("attempt", Integer, nullable=False),
    Column("note", Text),
    Index(None, "message_pk", "id"),
    comment="every state change, written in the same transaction as the change",
)
"""History of every state change (what ``oots-gateway messages show`` prints)."""

rejections = Table(
    "rejections",
    metadata,
    Column("id", _PK, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("raw_sha256", String(64), ForeignKey("blobs.sha256"), nullable=False),
    Column("error_code", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("declared_message_id", String(255), comment="as the peer sent it, unverified"),
    comment="inbound messages refused before they became inbox rows (raw kept for audit)",
)
"""Inbound bytes refused before acceptance; they never create inbox rows."""


# The requester role's tables (gateway.requester.repository; revision 0002).
requester_cases = Table(
    "requester_cases",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("client", String(128), nullable=False, index=True),
    Column("state", String(32), nullable=False),
    Column("doc", Text, nullable=False),
)
"""One row per evidence request of the portal API: the case as JSON in ``doc``."""

requester_request_ids = Table(
    "requester_request_ids",
    metadata,
    Column("request_id", String(128), primary_key=True),
    Column("case_id", String(64), nullable=False),
)
"""EDM request id -> case: how an answer finds its case."""

requester_evidence = Table(
    "requester_evidence",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)
"""The bytes of the documents delivered for a case, in order."""
