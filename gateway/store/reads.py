"""Read-only queries of the store (CLI listings, metrics, readiness)."""

from __future__ import annotations

from sqlalchemy import Engine, func, select, text

from gateway.store._sql import load_blob, load_row, transaction
from gateway.store.errors import MessageNotFound
from gateway.store.records import EventKind, MessageEvent, MessageRecord, Rejection
from gateway.store.schema import blobs, message_events, messages, rejections
from gateway.store.states import Direction, MessageState

__all__ = ["StoreReads"]


class StoreReads:
    """Queries over the store; :class:`gateway.store.MessageStore` adds the writes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for migrations and tests)."""
        return self._engine

    def ping(self) -> None:
        """Raise :class:`~gateway.store.errors.StoreUnavailable` unless the database answers."""
        with transaction(self._engine, read_only=True) as conn:
            conn.execute(text("SELECT 1"))

    def get(self, pk: int) -> MessageRecord:
        """The message with primary key ``pk``."""
        with transaction(self._engine, read_only=True) as conn:
            return load_row(conn, pk)

    def find(self, direction: Direction, message_id: str) -> MessageRecord:
        """The message with ebMS ``message_id`` in ``direction``."""
        with transaction(self._engine, read_only=True) as conn:
            row = (
                conn.execute(
                    select(messages).where(
                        messages.c.direction == direction.value,
                        messages.c.message_id == message_id,
                    )
                )
                .mappings()
                .first()
            )
        if row is None:
            raise MessageNotFound(f"no {direction.value} message with MessageId {message_id!r}")
        return MessageRecord.from_row(row)

    def list_messages(
        self,
        *,
        direction: Direction | None = None,
        state: MessageState | None = None,
        limit: int = 50,
    ) -> list[MessageRecord]:
        """The newest messages first, optionally filtered."""
        stmt = select(messages).order_by(messages.c.id.desc()).limit(limit)
        if direction is not None:
            stmt = stmt.where(messages.c.direction == direction.value)
        if state is not None:
            stmt = stmt.where(messages.c.state == state.value)
        with transaction(self._engine, read_only=True) as conn:
            return [MessageRecord.from_row(r) for r in conn.execute(stmt).mappings()]

    def events(self, pk: int) -> list[MessageEvent]:
        """The history of message ``pk``, oldest first."""
        stmt = (
            select(message_events)
            .where(message_events.c.message_pk == pk)
            .order_by(message_events.c.id)
        )
        with transaction(self._engine, read_only=True) as conn:
            return [
                MessageEvent(
                    at=r["at"],
                    kind=EventKind(r["kind"]),
                    from_state=MessageState(r["from_state"]) if r["from_state"] else None,
                    to_state=MessageState(r["to_state"]),
                    attempt=int(r["attempt"]),
                    note=r["note"],
                )
                for r in conn.execute(stmt).mappings()
            ]

    def blob(self, digest: str) -> bytes:
        """Raw bytes (a message or a receipt) by SHA-256 hex digest."""
        with transaction(self._engine, read_only=True) as conn:
            return load_blob(conn, digest)

    def has_blob(self, digest: str) -> bool:
        """True when bytes with this SHA-256 hex digest are stored."""
        stmt = select(func.count()).select_from(blobs).where(blobs.c.sha256 == digest)
        with transaction(self._engine, read_only=True) as conn:
            return bool(conn.execute(stmt).scalar_one())

    def rejections(self, *, limit: int = 50) -> list[Rejection]:
        """Refused inbound messages, newest first."""
        stmt = select(rejections).order_by(rejections.c.id.desc()).limit(limit)
        with transaction(self._engine, read_only=True) as conn:
            return [
                Rejection(
                    pk=int(r["id"]),
                    at=r["at"],
                    raw_sha256=r["raw_sha256"],
                    error_code=r["error_code"],
                    reason=r["reason"],
                    declared_message_id=r["declared_message_id"],
                )
                for r in conn.execute(stmt).mappings()
            ]

    def counts(self) -> dict[tuple[Direction, MessageState], int]:
        """Number of messages per (direction, state); absent pairs are zero."""
        stmt = select(messages.c.direction, messages.c.state, func.count()).group_by(
            messages.c.direction, messages.c.state
        )
        with transaction(self._engine, read_only=True) as conn:
            return {(Direction(d), MessageState(s)): int(n) for d, s, n in conn.execute(stmt).all()}

    def retries_total(self) -> int:
        """Outbox transmission retries ever made (``sent -> sent`` transitions).

        Counted from the append-only history, so it never decreases (a Prometheus
        counter), not even when an operator retry resets a message's attempt budget.
        """
        stmt = select(func.count()).where(
            message_events.c.kind == EventKind.TRANSITION.value,
            message_events.c.from_state == MessageState.SENT.value,
            message_events.c.to_state == MessageState.SENT.value,
        )
        with transaction(self._engine, read_only=True) as conn:
            return int(conn.execute(stmt).scalar_one())
