"""Initial schema: blobs, messages, message_events, rejections.

Revision ID: 0001
Revises:
Create Date: 2026-12-01 08:19:42.456602
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False, comment="hex SHA-256 of content"),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs")),
        comment="raw inbound/outbound message bytes and receipts, content-addressed, stored once",
    )
    op.create_table(
        "messages",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column(
            "message_id", sa.String(length=255), nullable=False, comment="ebMS3 eb:MessageId"
        ),
        sa.Column("ref_to_message_id", sa.String(length=255), nullable=True),
        sa.Column("conversation_id", sa.String(length=255), nullable=True),
        sa.Column("from_party", sa.String(length=255), nullable=True),
        sa.Column("to_party", sa.String(length=255), nullable=True),
        sa.Column("service", sa.String(length=255), nullable=True),
        sa.Column("action", sa.String(length=255), nullable=True),
        sa.Column("pmode_id", sa.String(length=255), nullable=True),
        sa.Column(
            "endpoint_url", sa.String(length=2048), nullable=True, comment="outbox: where to send"
        ),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("raw_sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "receipt_sha256",
            sa.String(length=64),
            nullable=True,
            comment="inbox: the receipt we issued; outbox: the receipt we got",
        ),
        sa.Column("related_id", _PK, nullable=True, comment="outbox: inbox row answered"),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error_code", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("lease_owner", sa.String(length=128), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "direction IN ('inbound', 'outbound')", name=op.f("ck_messages_direction")
        ),
        sa.CheckConstraint(
            "state IN ('received', 'verified', 'processing', 'answered',"
            " 'queued', 'sent', 'receipt-received', 'failed')",
            name=op.f("ck_messages_state"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_messages_attempts")),
        sa.ForeignKeyConstraint(
            ["raw_sha256"], ["blobs.sha256"], name=op.f("fk_messages_raw_sha256_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["receipt_sha256"], ["blobs.sha256"], name=op.f("fk_messages_receipt_sha256_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["related_id"], ["messages.id"], name=op.f("fk_messages_related_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint(
            "direction", "message_id", name=op.f("uq_messages_direction_message_id")
        ),
        comment="inbox and outbox",
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_messages_direction_state_next_attempt_at"),
            ["direction", "state", "next_attempt_at"],
            unique=False,
        )

    op.create_table(
        "rejections",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raw_sha256", sa.String(length=64), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "declared_message_id",
            sa.String(length=255),
            nullable=True,
            comment="as the peer sent it, unverified",
        ),
        sa.ForeignKeyConstraint(
            ["raw_sha256"], ["blobs.sha256"], name=op.f("fk_rejections_raw_sha256_blobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejections")),
        comment="inbound messages refused before they became inbox rows (raw kept for audit)",
    )
    op.create_table(
        "message_events",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("message_pk", _PK, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_state", sa.String(length=32), nullable=True),
        sa.Column("to_state", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.String(length=32),
            nullable=False,
            comment="transition, attempt-failed, lease-takeover",
        ),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_pk"], ["messages.id"], name=op.f("fk_message_events_message_pk_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_events")),
        comment="every state change, written in the same transaction as the change",
    )
    with op.batch_alter_table("message_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_events_message_pk_id"), ["message_pk", "id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("message_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_events_message_pk_id"))

    op.drop_table("message_events")
    op.drop_table("rejections")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_direction_state_next_attempt_at"))

    op.drop_table("messages")
    op.drop_table("blobs")
