"""The write primitives of the store: insert, guarded change, history (internal)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from gateway.store._sql import (
    insert_ignoring_conflicts,
    load_blob,
    load_row,
    put_blob,
    transaction,
)
from gateway.store.errors import ConcurrentUpdate
from gateway.store.reads import StoreReads
from gateway.store.records import Envelope, EventKind, MessageRecord, Stored
from gateway.store.schema import message_events, messages
from gateway.store.states import Direction, MessageState, check_transition

__all__ = ["StoreWrites"]


class _Duplicate(Exception):
    """Internal: the insert hit the (direction, MessageId) unique key; roll back."""


class StoreWrites(StoreReads):
    """Checked, guarded writes; :class:`gateway.store.MessageStore` builds on them."""

    def _insert_new(
        self,
        direction: Direction,
        envelope: Envelope,
        *,
        raw: bytes,
        receipt: bytes | None,
        state: MessageState,
        now: datetime,
        **extra: Any,
    ) -> Stored:
        try:
            with transaction(self._engine) as conn:
                raw_sha = put_blob(conn, raw, now)
                receipt_sha = put_blob(conn, receipt, now) if receipt is not None else None
                record = self._insert_row(
                    conn,
                    direction,
                    envelope,
                    raw_sha256=raw_sha,
                    receipt_sha256=receipt_sha,
                    state=state,
                    now=now,
                    ignore_conflict=True,
                    **extra,
                )
                return Stored(record=record, duplicate=False, receipt=receipt)
        except _Duplicate:
            pass  # rolled back: the duplicate wrote nothing, not even its blobs
        with transaction(self._engine, read_only=True) as conn:
            row = (
                conn.execute(
                    select(messages).where(
                        messages.c.direction == direction.value,
                        messages.c.message_id == envelope.message_id,
                    )
                )
                .mappings()
                .one()
            )
            original = MessageRecord.from_row(row)
            receipt_bytes = (
                load_blob(conn, original.receipt_sha256) if original.receipt_sha256 else None
            )
        return Stored(record=original, duplicate=True, receipt=receipt_bytes)

    def _insert_row(
        self,
        conn: Connection,
        direction: Direction,
        envelope: Envelope,
        *,
        raw_sha256: str,
        receipt_sha256: str | None,
        state: MessageState,
        now: datetime,
        ignore_conflict: bool = False,
        **extra: Any,
    ) -> MessageRecord:
        values: dict[str, Any] = {
            "direction": direction.value,
            "message_id": envelope.message_id,
            "ref_to_message_id": envelope.ref_to_message_id,
            "conversation_id": envelope.conversation_id,
            "from_party": envelope.from_party,
            "to_party": envelope.to_party,
            "service": envelope.service,
            "action": envelope.action,
            "pmode_id": envelope.pmode_id,
            "state": state.value,
            "raw_sha256": raw_sha256,
            "receipt_sha256": receipt_sha256,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
            **extra,
        }
        if ignore_conflict:
            stmt = (
                insert_ignoring_conflicts(conn, messages)
                .values(**values)
                .on_conflict_do_nothing(
                    index_elements=[messages.c.direction, messages.c.message_id]
                )
                .returning(*messages.c)
            )
        else:
            stmt = insert(messages).values(**values).returning(*messages.c)
        row = conn.execute(stmt).mappings().first()
        if row is None:
            raise _Duplicate
        record = MessageRecord.from_row(row)
        self._event(conn, record.pk, now, EventKind.TRANSITION, None, state, 0, "stored")
        return record

    @staticmethod
    def _check_lease(current: MessageRecord, worker: str) -> None:
        if current.lease_owner != worker:
            raise ConcurrentUpdate(
                f"message {current.pk} is leased to {current.lease_owner!r}, not {worker!r}"
            )

    @classmethod
    def _load_leased(cls, conn: Connection, pk: int, worker: str | None) -> MessageRecord:
        """Lock row ``pk`` for update; when ``worker`` is given it must hold the lease."""
        current = load_row(conn, pk, for_update=True)
        if worker is not None:
            cls._check_lease(current, worker)
        return current

    def _change(
        self,
        conn: Connection,
        current: MessageRecord,
        target: MessageState | None,
        now: datetime,
        *,
        kind: EventKind | None = EventKind.TRANSITION,
        note: str | None = None,
        **values: Any,
    ) -> MessageRecord:
        """Apply one checked, guarded change of ``current``; record it unless ``kind`` is None."""
        if target is not None:
            check_transition(current.direction, current.state, target)
        owner = messages.c.lease_owner
        guard = [
            messages.c.id == current.pk,
            messages.c.state == current.state.value,
            messages.c.attempts == current.attempts,
            owner.is_(None) if current.lease_owner is None else owner == current.lease_owner,
        ]
        new_state = target or current.state
        row = (
            conn.execute(
                update(messages)
                .where(*guard)
                .values(state=new_state.value, updated_at=now, **values)
                .returning(*messages.c)
            )
            .mappings()
            .first()
        )
        if row is None:
            raise ConcurrentUpdate(f"message {current.pk} changed concurrently; try again")
        changed = MessageRecord.from_row(row)
        if kind is not None:
            self._event(
                conn, current.pk, now, kind, current.state, new_state, changed.attempts, note
            )
        return changed

    @staticmethod
    def _event(
        conn: Connection,
        pk: int,
        now: datetime,
        kind: EventKind,
        source: MessageState | None,
        target: MessageState,
        attempt: int,
        note: str | None,
    ) -> None:
        conn.execute(
            insert(message_events).values(
                message_pk=pk,
                at=now,
                kind=kind.value,
                from_state=source.value if source else None,
                to_state=target.value,
                attempt=attempt,
                note=note,
            )
        )
