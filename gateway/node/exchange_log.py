"""Exchange-log entries for the node's AS4 events (adapter over :mod:`gateway.audit`).

One entry per event (``docs/audit.md`` §1): a user message received or sent
(``request-*`` for ``...Request`` actions, ``response-*`` otherwise), the receipt we
returned or got back, and the error signals either way. ``wire_sha256`` is the
SHA-256 of the HTTP body. Appends happen after the store transaction they describe
committed; a failed append is logged (the exchange itself is already durable), and
entries a crash kept from the log are rebuilt from the store when the node starts
(:meth:`ExchangeLog.reconcile`).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from gateway.audit import AuditError, AuditStore, EventKind, LogEntry, ProofError
from gateway.ebms import UserMessage, parse_envelope, unpack_mime
from gateway.node._wire import split_wire
from gateway.store import Direction, MessageRecord, MessageState, MessageStore

__all__ = ["ExchangeLog", "message_entries"]

_log = logging.getLogger("gateway.node")


def _kind(message: UserMessage, *, sent: bool) -> EventKind:
    request = message.collaboration_info.action.endswith("Request")
    if request:
        return EventKind.REQUEST_SENT if sent else EventKind.REQUEST_RECEIVED
    return EventKind.RESPONSE_SENT if sent else EventKind.RESPONSE_RECEIVED


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def message_entries(message: UserMessage, wire: bytes, *, sent: bool, now: datetime,
                    receipt: bytes | None = None, receipt_id: str | None = None,
                    outcome: str = "ok") -> list[LogEntry]:
    """The entries of one user message event and its receipt."""
    sender = message.from_party.party_id.value
    receiver = message.to_party.party_id.value
    entries = [LogEntry(
        event=_kind(message, sent=sent), time=now, message_id=message.message_id,
        wire_sha256=_sha(wire), sender=sender, receiver=receiver, outcome=outcome,
        conversation_id=message.collaboration_info.conversation_id,
        ref_to_message_id=message.message_info.ref_to_message_id,
        message_time=message.message_info.timestamp)]
    if receipt is not None:
        entries.append(LogEntry(
            event=EventKind.RECEIPT_RECEIVED if sent else EventKind.RECEIPT_SENT,
            time=now, message_id=receipt_id or message.message_id, wire_sha256=_sha(receipt),
            sender=receiver, receiver=sender, ref_to_message_id=message.message_id))
    return entries


def _rebuild(store: MessageStore, record: MessageRecord) -> list[LogEntry]:
    inbound = record.direction is Direction.INBOUND
    if record.receipt_sha256 is None or (
            not inbound and record.state is not MessageState.RECEIPT_RECEIVED):
        return []
    content_type, body = split_wire(store.blob(record.raw_sha256))
    message = parse_envelope(unpack_mime(content_type, body)[0]).single()
    receipt = store.blob(record.receipt_sha256)
    if not isinstance(message, UserMessage):
        return []
    if inbound:  # accept(): the store's `now` is created_at; the receipt's own MessageId
        signal = parse_envelope(receipt).signal_message
        return message_entries(message, body, sent=False, now=record.created_at,
                               receipt=receipt,
                               receipt_id=signal.message_id if signal else None)
    return message_entries(message, body, sent=True, now=record.updated_at, receipt=receipt)


class ExchangeLog:
    """Writes the node's exchange events to the signed log (or nowhere when disabled)."""

    def __init__(self, store: AuditStore | None) -> None:
        """``store=None`` disables the log (``[node] audit = false``)."""
        self._store = store

    def _append(self, entries: list[LogEntry], now: datetime) -> None:
        if self._store is None:
            return
        try:
            self._store.append(entries, now=now)
        except AuditError:
            _log.exception("exchange log append failed for %s", entries[0].message_id)

    def append(self, entry: LogEntry, *, now: datetime) -> None:
        """One entry an adapter outside the node writes (e.g. the Gewerbe assistant's
        ``notification-sent``, issue 9); nothing when the log is disabled."""
        self._append([entry], now)

    def message(self, message: UserMessage, wire: bytes, *, sent: bool, now: datetime,
                receipt: bytes | None = None, receipt_id: str | None = None,
                outcome: str = "ok") -> None:
        """A user message received (with the receipt we returned) or sent (with the receipt
        that came back): one or two entries in one batch. ``now`` must be the time the
        store recorded the event with (what :meth:`reconcile` rebuilds the entry from)."""
        self._append(message_entries(message, wire, sent=sent, now=now, receipt=receipt,
                                     receipt_id=receipt_id, outcome=outcome), now)

    def reconcile(self, store: MessageStore, *, now: datetime, limit: int = 10_000) -> int:
        """Append the entries a crash kept from the log, rebuilt from the store.

        Covers accepted messages (+ the receipt we issued) and messages whose receipt
        came back, among the newest ``limit`` rows changed since 10 minutes before the
        log's last entry. Entries are deterministic (same fields, same times as the
        store's), so one already in the log is recognised by its leaf hash and not
        added twice. Error signals are not rebuilt. Returns how many were appended."""
        if self._store is None:
            return 0
        size = self._store.size()
        cutoff = None
        if size:
            last = LogEntry.from_canonical(self._store.entries(size - 1, size)[0])
            cutoff = last.time - timedelta(minutes=10)
        missing: list[LogEntry] = []
        for record in store.list_messages(limit=limit):
            if cutoff is not None and record.updated_at < cutoff:
                continue
            for entry in _rebuild(store, record):
                leaf = hashlib.sha256(b"\x00" + entry.canonical()).digest()  # RFC 9162 leaf
                try:
                    self._store.index_of(leaf)
                except ProofError:
                    missing.append(entry)
        if missing:
            missing.sort(key=lambda e: e.time)
            self._append(missing, now)
            _log.warning("exchange log: %d entries rebuilt from the store", len(missing))
        return len(missing)

    def error(self, *, message_id: str, ref_to_message_id: str | None, wire: bytes, code: str,
              sender: str, receiver: str, sent: bool, now: datetime) -> None:
        """An error signal we returned (``sent``) or received."""
        self._append([LogEntry(
            event=EventKind.ERROR_SENT if sent else EventKind.ERROR_RECEIVED, time=now,
            message_id=message_id, wire_sha256=_sha(wire), sender=sender, receiver=receiver,
            outcome=code, ref_to_message_id=ref_to_message_id)], now)

    def close(self) -> None:
        """Release the log's database connections."""
        if self._store is not None:
            self._store.close()
