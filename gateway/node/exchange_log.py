"""Exchange-log entries for the node's AS4 events (adapter over :mod:`gateway.audit`).

One entry per event (``docs/audit.md`` §1): a user message received or sent
(``request-*`` for ``...Request`` actions, ``response-*`` otherwise), the receipt we
returned or got back, and the error signals either way. ``wire_sha256`` is the
SHA-256 of the HTTP body. Appends happen after the store transaction they describe
committed; a failed append is logged (the exchange itself is already durable).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from gateway.audit import AuditError, AuditStore, EventKind, LogEntry
from gateway.ebms import UserMessage

__all__ = ["ExchangeLog"]

_log = logging.getLogger("gateway.node")


def _kind(message: UserMessage, *, sent: bool) -> EventKind:
    request = message.collaboration_info.action.endswith("Request")
    if request:
        return EventKind.REQUEST_SENT if sent else EventKind.REQUEST_RECEIVED
    return EventKind.RESPONSE_SENT if sent else EventKind.RESPONSE_RECEIVED


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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

    def message(self, message: UserMessage, wire: bytes, *, sent: bool, now: datetime,
                receipt: bytes | None = None, receipt_id: str | None = None,
                outcome: str = "ok") -> None:
        """A user message received (with the receipt we returned) or sent (with the receipt
        that came back): one or two entries in one batch."""
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
        self._append(entries, now)

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
