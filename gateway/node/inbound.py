"""The inbound AS4 pipeline: POSTed bytes in, the (original) signed receipt out.

Steps (AS4 §3, §5; ebMS3 Core §6.4): ``receive`` (MIME caps -> SOAP 1.2 envelope ->
PMode leg match -> decrypt + verify per the leg's security profile, signed header
equal to the header read -> decompress -> NRI receipt signed when the PMode says
so) -> ONE store transaction that keeps the raw bytes, the header values and the
receipt (``verified``), or recognises a duplicate MessageId and returns the ORIGINAL
receipt bytes -> exchange-log entries. Application dispatch happens later, in the
worker, from the durable ``verified`` row; nothing here calls the application.

A refused message raises :class:`~gateway.errors.EbmsError` (the web layer answers it
with an ebMS error signal) after its bytes were kept in ``rejections``; it never
becomes an inbox row. Unsigned or unencrypted messages are refused unless the PMode
says ``sign``/``encrypt = false`` (the core enforces the leg's requirements).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from gateway.ebms import MimeLimits, Received, receive
from gateway.errors import EbmsError
from gateway.node._wire import join_wire, split_wire
from gateway.node.config import NodeConfig
from gateway.node.dispatch import Delivery
from gateway.node.exchange_log import ExchangeLog
from gateway.store import Direction, Envelope, MessageRecord, MessageStore

__all__ = ["Accepted", "InboundPipeline", "Stage"]

Stage = Callable[[str, str], None]
"""Observer called as ``stage(name, message_id)`` at the node's durable steps."""

INBOUND_STORED = "inbound-stored"
"""The message and its receipt are committed; the HTTP answer has not been sent."""


@dataclass(frozen=True, slots=True)
class Accepted:
    """What the endpoint returns: the receipt bytes (the original one for a duplicate)."""

    receipt: bytes
    content_type: str
    record: MessageRecord
    duplicate: bool


def envelope_of(got: Received) -> Envelope:
    """The store's header values of a verified message."""
    um = got.message
    return Envelope(
        message_id=um.message_id,
        ref_to_message_id=um.message_info.ref_to_message_id,
        conversation_id=um.collaboration_info.conversation_id,
        from_party=um.from_party.party_id.value,
        to_party=um.to_party.party_id.value,
        service=um.collaboration_info.service.value,
        action=um.collaboration_info.action,
        pmode_id=got.match.pmode.id,
    )


class InboundPipeline:
    """Accepts pushed user messages for one node."""

    def __init__(self, config: NodeConfig, store: MessageStore, log: ExchangeLog,
                 *, stage: Stage, max_bytes: int,
                 observe: Callable[[str, float], None] | None = None) -> None:
        """``stage`` is the node's step observer; ``observe(stage, seconds)`` feeds metrics."""
        self._config = config
        self._store = store
        self._log = log
        self._stage = stage
        self._observe = observe or (lambda _stage, _seconds: None)
        self._limits = MimeLimits(max_total_bytes=max_bytes)

    def _receive(self, content_type: str, body: bytes, now: datetime, *,
                 sign_receipt: bool = True) -> Received:
        cfg = self._config
        return receive(content_type, body, pmodes=cfg.pmodes, identities=cfg.identities,
                       trust=cfg.trust, peer_keys=cfg.peer_keys, now=now,
                       receipt_domain=cfg.receipt_domain, limits=self._limits,
                       sign_receipt=sign_receipt)

    def accept(self, content_type: str, body: bytes, *, now: datetime) -> Accepted:
        """Verify, store (or recognise a duplicate) and return the receipt to answer with."""
        started = time.perf_counter()
        try:
            got = self._receive(content_type, body, now)
        except EbmsError as exc:
            if exc.is_remote:  # keep the refused bytes for audit; no inbox row
                self._store.record_rejection(
                    join_wire(content_type.replace("\r", " ").replace("\n", " "), body),
                    error_code=exc.code, reason=exc.message[:2000], now=now,
                    declared_message_id=exc.ref_to_message_id)
            raise
        self._observe("verify", time.perf_counter() - started)
        stored = self._store.receive_inbound(envelope_of(got), raw=join_wire(content_type, body),
                                             receipt=got.receipt, now=now)
        self._stage(INBOUND_STORED, got.message.message_id)
        if stored.duplicate:
            # ebMS3 Core §6.4 / AS4 §3.2: one effect; the peer gets the original receipt.
            receipt = stored.receipt if stored.receipt is not None else got.receipt
        else:
            receipt = got.receipt
            self._log.message(got.message, body, sent=False, now=now, receipt=got.receipt,
                              receipt_id=got.receipt_id)
        self._observe("receive", time.perf_counter() - started)
        return Accepted(receipt, got.receipt_content_type, stored.record, stored.duplicate)

    def reopen(self, record: MessageRecord) -> Delivery:
        """Decrypt and verify a stored inbox message again (at its reception time) for the
        application: the store keeps only the bytes as they came over the wire."""
        if record.direction is not Direction.INBOUND:
            raise ValueError("reopen() takes inbox rows")
        content_type, body = split_wire(self._store.blob(record.raw_sha256))
        got = self._receive(content_type, body, record.created_at, sign_receipt=False)
        return Delivery(record.pk, got.message, got.payloads, got.match.pmode.id,
                        got.match.peer.name)
