"""The durable message store: inbox, outbox, raw bytes, history.

Every public write is ONE transaction containing the state change, its data
(blobs, receipt, error) and its history entry: a failure anywhere rolls all of it
back. Every state change is checked against :data:`gateway.store.states.TRANSITIONS`
and applied with a guarded ``UPDATE`` (optimistic: the row must still be in the
state, attempt count and lease we read), so two writers can never both win.
The store never reads the clock: callers pass an aware UTC ``now``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.exc import IntegrityError

from gateway.store._sql import (
    load_row,
    put_blob,
    transaction,
)
from gateway.store._writes import StoreWrites
from gateway.store.engine import open_engine
from gateway.store.errors import IllegalTransition, StoreError
from gateway.store.migrate import upgrade
from gateway.store.records import Envelope, EventKind, MessageRecord, Rejection, Stored
from gateway.store.schema import messages, rejections
from gateway.store.states import (
    CLAIMABLE,
    Direction,
    MessageState,
    check_initial,
)

__all__ = ["MessageStore"]

_IN = Direction.INBOUND
_OUT = Direction.OUTBOUND
_S = MessageState


class MessageStore(StoreWrites):
    """Inbox and outbox over one SQLAlchemy engine (SQLite or PostgreSQL)."""

    @classmethod
    def open(cls, url: str, *, migrate: bool = True, pool_size: int = 10) -> MessageStore:
        """Open the database at ``url``; run the migrations first unless told not to."""
        engine = open_engine(url, pool_size=pool_size)
        if migrate:
            upgrade(engine)
        return cls(engine)

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    # ------------------------------------------------------------------ inbox

    def receive_inbound(
        self,
        envelope: Envelope,
        *,
        raw: bytes,
        now: datetime,
        receipt: bytes | None = None,
        state: MessageState = MessageState.VERIFIED,
    ) -> Stored:
        """Record an inbound AS4 message, or recognise it as a duplicate.

        ebMS3 Core §6.4 / AS4 §3.2 duplicate elimination: the unique key on
        (direction, MessageId) admits one row; every later (or concurrent) delivery
        of the same MessageId gets ``duplicate=True`` with the ORIGINAL row and the
        ORIGINAL receipt bytes, and writes nothing. ``state`` is ``verified`` (the
        normal case: verify in memory, build the receipt, then store both at once)
        or ``received`` (raw kept before verification; no receipt yet).
        """
        check_initial(_IN, state)
        if (state is _S.VERIFIED) != (receipt is not None):
            raise StoreError("an inbound message has a receipt exactly when it is verified")
        return self._insert_new(_IN, envelope, raw=raw, receipt=receipt, state=state, now=now)

    def mark_verified(self, pk: int, *, receipt: bytes, now: datetime) -> MessageRecord:
        """``received -> verified`` with the receipt issued for the message."""
        with transaction(self._engine) as conn:
            current = load_row(conn, pk, for_update=True)
            digest = put_blob(conn, receipt, now)
            return self._change(conn, current, _S.VERIFIED, now, receipt_sha256=digest)

    def record_rejection(
        self,
        raw: bytes,
        *,
        error_code: str,
        reason: str,
        now: datetime,
        declared_message_id: str | None = None,
    ) -> Rejection:
        """Keep refused inbound bytes for audit; no inbox row is created."""
        with transaction(self._engine) as conn:
            digest = put_blob(conn, raw, now)
            values: dict[str, Any] = {
                "at": now,
                "raw_sha256": digest,
                "error_code": error_code,
                "reason": reason,
                "declared_message_id": declared_message_id,
            }
            pk = conn.execute(insert(rejections).values(**values).returning(rejections.c.id))
            return Rejection(pk=int(pk.scalar_one()), **values)

    def answer_inbound(
        self,
        pk: int,
        answer: Envelope,
        *,
        raw: bytes,
        endpoint_url: str,
        worker: str,
        now: datetime,
    ) -> MessageRecord:
        """``processing -> answered`` and queue the answer in the outbox, atomically.

        Exactly one answer per inbound message: the worker must hold the lease,
        and the answer's MessageId must be new. Returns the new outbox row.
        """
        with transaction(self._engine) as conn:
            current = self._load_leased(conn, pk, worker)
            self._change(conn, current, _S.ANSWERED, now, lease_owner=None, lease_until=None)
            try:
                out = self._insert_row(
                    conn,
                    _OUT,
                    answer,
                    raw_sha256=put_blob(conn, raw, now),
                    receipt_sha256=None,
                    state=_S.QUEUED,
                    now=now,
                    endpoint_url=endpoint_url,
                    related_id=pk,
                    next_attempt_at=now,
                )
            except IntegrityError as exc:  # the whole transaction rolls back
                raise StoreError(
                    f"outbound MessageId {answer.message_id!r} already exists"
                ) from exc
            return out

    def complete_inbound(
        self, pk: int, *, worker: str, now: datetime, note: str = "delivered"
    ) -> MessageRecord:
        """``processing -> answered`` for a message the application took without a reply
        (e.g. a response to one of our requests): one effect, under the worker's lease."""
        with transaction(self._engine) as conn:
            current = self._load_leased(conn, pk, worker)
            return self._change(
                conn, current, _S.ANSWERED, now, note=note, lease_owner=None, lease_until=None
            )

    # ----------------------------------------------------------------- outbox

    def enqueue_outbound(
        self,
        envelope: Envelope,
        *,
        raw: bytes,
        endpoint_url: str,
        now: datetime,
        not_before: datetime | None = None,
        related_pk: int | None = None,
    ) -> Stored:
        """Queue a message for sending; the same MessageId twice is queued once."""
        return self._insert_new(
            _OUT,
            envelope,
            raw=raw,
            receipt=None,
            state=_S.QUEUED,
            now=now,
            endpoint_url=endpoint_url,
            related_id=related_pk,
            next_attempt_at=not_before or now,
        )

    def begin_attempt(
        self, pk: int, *, worker: str, now: datetime, retry_at: datetime
    ) -> MessageRecord:
        """Record a transmission attempt BEFORE the bytes go out (``-> sent``).

        ``retry_at`` is when the message is due again if this attempt never reports
        back (the worker crashed): the write-ahead that makes sending restart-safe.
        """
        with transaction(self._engine) as conn:
            current = self._load_leased(conn, pk, worker)
            return self._change(
                conn,
                current,
                _S.SENT,
                now,
                note=f"attempt {current.attempts + 1}",
                attempts=current.attempts + 1,
                next_attempt_at=retry_at,
            )

    def attempt_failed(
        self,
        pk: int,
        *,
        worker: str,
        now: datetime,
        error_code: str,
        error: str,
        retry_at: datetime,
    ) -> MessageRecord:
        """An attempt ended without a receipt; the message stays ``sent`` until ``retry_at``."""
        with transaction(self._engine) as conn:
            current = self._load_leased(conn, pk, worker)
            if current.state is not _S.SENT:
                raise IllegalTransition(f"no attempt in progress for message {pk}")
            return self._change(
                conn,
                current,
                None,
                now,
                kind=EventKind.ATTEMPT_FAILED,
                note=f"attempt {current.attempts} failed: {error_code}: {error}",
                last_error_code=error_code,
                last_error=error,
                next_attempt_at=retry_at,
                lease_owner=None,
                lease_until=None,
            )

    def receipt_received(
        self, pk: int, *, receipt: bytes, now: datetime, worker: str | None = None
    ) -> MessageRecord:
        """``sent -> receipt-received`` with the peer's receipt bytes."""
        with transaction(self._engine) as conn:
            current = self._load_leased(conn, pk, worker)
            return self._change(
                conn,
                current,
                _S.RECEIPT_RECEIVED,
                now,
                receipt_sha256=put_blob(conn, receipt, now),
                next_attempt_at=None,
                lease_owner=None,
                lease_until=None,
            )

    # ---------------------------------------------------------------- either

    def fail(
        self,
        pk: int,
        *,
        now: datetime,
        error_code: str,
        error: str,
        worker: str | None = None,
    ) -> MessageRecord:
        """Give up on a message (``-> failed``), recording why."""
        with transaction(self._engine) as conn:
            current = self._load_leased(conn, pk, worker)
            return self._change(
                conn,
                current,
                _S.FAILED,
                now,
                note=f"{error_code}: {error}",
                last_error_code=error_code,
                last_error=error,
                next_attempt_at=None,
                lease_owner=None,
                lease_until=None,
            )

    def retry(self, pk: int, *, now: datetime, note: str = "operator retry") -> MessageRecord:
        """Operator retry of a failed message: outbox ``-> queued``, inbox ``-> verified``."""
        with transaction(self._engine) as conn:
            current = load_row(conn, pk, for_update=True)
            if current.direction is _OUT:
                return self._change(
                    conn, current, _S.QUEUED, now, note=note, attempts=0, next_attempt_at=now
                )
            if current.receipt_sha256 is None:
                raise IllegalTransition(
                    f"inbound message {pk} was never verified: there is nothing to process again"
                )
            return self._change(conn, current, _S.VERIFIED, now, note=note, next_attempt_at=now)

    def claim(
        self,
        direction: Direction,
        *,
        worker: str,
        now: datetime,
        lease: timedelta,
        limit: int = 1,
    ) -> list[MessageRecord]:
        """Lease up to ``limit`` due messages to ``worker``; safe with concurrent workers.

        PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` (workers skip each other's
        rows). SQLite: the transaction holds the write lock from ``BEGIN IMMEDIATE``.
        Both: each row is then taken with a guarded ``UPDATE``. Inbox rows move
        ``verified -> processing``; a row whose lease expired is taken over as it is.
        """
        stmt = (
            select(messages)
            .where(
                messages.c.direction == direction.value,
                messages.c.state.in_([s.value for s in CLAIMABLE[direction]]),
                or_(messages.c.next_attempt_at.is_(None), messages.c.next_attempt_at <= now),
                or_(messages.c.lease_until.is_(None), messages.c.lease_until <= now),
            )
            .order_by(messages.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed: list[MessageRecord] = []
        with transaction(self._engine) as conn:
            for row in conn.execute(stmt).mappings().all():
                current = MessageRecord.from_row(row)
                lease_values: dict[str, Any] = {"lease_owner": worker, "lease_until": now + lease}
                target: MessageState | None = None
                kind: EventKind | None = None  # a plain lease is not history
                note: str | None = None
                if current.direction is _IN and current.state is _S.VERIFIED:
                    target = _S.PROCESSING
                    kind, note = EventKind.TRANSITION, f"claimed by {worker}"
                elif current.lease_owner is not None:
                    kind = EventKind.LEASE_TAKEOVER
                    note = f"{worker} took over from {current.lease_owner} (lease expired)"
                claimed.append(
                    self._change(conn, current, target, now, kind=kind, note=note, **lease_values)
                )
        return claimed
