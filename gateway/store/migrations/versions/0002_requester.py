"""The requester role's tables: requester_cases, requester_request_ids, requester_evidence.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 15:30:00

Before this revision the requester created these tables itself on first use
(``CREATE TABLE IF NOT EXISTS``, same columns). A table that already exists is
therefore adopted as it is, with its rows, instead of being created again.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _exists(name: str) -> bool:
    return bool(sa.inspect(op.get_bind()).has_table(name))


def upgrade() -> None:
    """Apply this revision."""
    if not _exists("requester_cases"):
        op.create_table(
            "requester_cases",
            sa.Column("id", sa.String(length=64), nullable=False),
            sa.Column("client", sa.String(length=128), nullable=False),
            sa.Column("state", sa.String(length=32), nullable=False),
            sa.Column("doc", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_requester_cases")),
        )
        op.create_index(op.f("ix_requester_cases_client"), "requester_cases", ["client"],
                        unique=False)
    if not _exists("requester_request_ids"):
        op.create_table(
            "requester_request_ids",
            sa.Column("request_id", sa.String(length=128), nullable=False),
            sa.Column("case_id", sa.String(length=64), nullable=False),
            sa.PrimaryKeyConstraint("request_id", name=op.f("pk_requester_request_ids")),
        )
    if not _exists("requester_evidence"):
        op.create_table(
            "requester_evidence",
            sa.Column("case_id", sa.String(length=64), nullable=False),
            sa.Column("idx", sa.Integer(), nullable=False),
            sa.Column("data", sa.LargeBinary(), nullable=False),
            sa.PrimaryKeyConstraint("case_id", "idx", name=op.f("pk_requester_evidence")),
        )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("requester_evidence")
    op.drop_table("requester_request_ids")
    op.drop_index(op.f("ix_requester_cases_client"), table_name="requester_cases")
    op.drop_table("requester_cases")
