"""The outbound sender: queue once, push with httpx, judge the receipt, retry, give up.

Queueing (:meth:`Sender.prepare` + the store): the message is built, compressed,
signed and encrypted ONCE (``prepare_outbound``); the exact bytes are stored and every
attempt sends them unchanged, so a resend is a true duplicate the peer eliminates
(AS4 §3.2) and answers with its original receipt, whose NRI matches what we signed.

One attempt (:meth:`Sender.attempt`, called by the worker under a lease):

1. attempts used up -> ``failed`` with ``EBMS:0301 MissingReceipt`` (AS4 §3.2);
2. ``begin_attempt`` is committed BEFORE the bytes go out (write-ahead: a crash after
   this point makes the message due again at ``retry_at`` once the lease expired);
3. POST; the synchronous answer (``replyPattern=response``) is judged by
   ``accept_response``: signature by the peer's certificate, NRI equal to our signed
   references (else ``EBMS:0302``), or the peer's error signal;
4. valid receipt -> ``receipt-received``; HTTP 4xx (the peer refuses this message; the
   same bytes would be refused again) -> ``failed`` with the peer's code; anything else
   (connection failure, timeout, 5xx, an invalid receipt) -> ``attempt_failed`` and a
   resend at the next slot of the PMode's reception awareness, or ``EBMS:0301`` when
   that was the last attempt.

Retry slots follow Domibus' ``timeout;count;CONSTANT``: ``count`` resends spaced
``timeout/count`` apart after the first send (:class:`gateway.ebms.ReceptionAwareness`).
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import httpx

from gateway.ebms import (
    Outbound,
    Payload,
    PMode,
    Property,
    ReceptionAwareness,
    accept_response,
    parse_envelope,
    prepare_outbound,
    signed_references,
    unpack_mime,
)
from gateway.ebms._pmode import RetryStrategy
from gateway.errors import ConfigurationError, EbmsError, EbmsErrorCode, GatewayError
from gateway.node._wire import join_wire, split_wire
from gateway.node.config import NodeConfig, TlsOptions
from gateway.node.exchange_log import ExchangeLog
from gateway.store import Envelope, MessageRecord, MessageStore

__all__ = ["Sender", "max_attempts", "retry_step"]

_log = logging.getLogger("gateway.node")

OUTBOUND_BEGUN = "outbound-attempt-begun"
"""The attempt is recorded; the bytes have not been sent."""
OUTBOUND_POSTED = "outbound-posted"
"""The peer answered the POST; its receipt is not stored yet."""
OUTBOUND_ATTEMPT_FAILED = "outbound-attempt-failed"
"""An attempt failed and the message waits for its next retry slot."""


def max_attempts(ra: ReceptionAwareness) -> int:
    """First send plus the PMode's resends."""
    return 1 if ra.strategy is RetryStrategy.SEND_ONCE else 1 + ra.retries


def retry_step(ra: ReceptionAwareness) -> timedelta:
    """Spacing of the resends (CONSTANT strategy)."""
    return ra.timeout / ra.retries if ra.retries else ra.timeout


def _tls_context(tls: TlsOptions) -> ssl.SSLContext | bool:
    """Server verification (system CAs or a bundle) plus the optional client certificate."""
    if tls.verify is False:
        return False
    try:
        context = ssl.create_default_context(
            cafile=tls.verify if isinstance(tls.verify, str) else None)
        if tls.client_certificate:
            context.load_cert_chain(tls.client_certificate, tls.client_key)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigurationError(f"[node.tls]: cannot load TLS material: {exc}") from exc
    return context


class Sender:
    """Prepares outbound messages and performs transmission attempts."""

    def __init__(self, config: NodeConfig, store: MessageStore, log: ExchangeLog,
                 *, stage: Callable[[str, str], None], clock: Callable[[], datetime]) -> None:
        """``stage`` observes the durable steps; ``clock`` gives aware UTC times."""
        self._config = config
        self._store = store
        self._log = log
        self._stage = stage
        self._clock = clock
        self._clients: dict[str, httpx.Client] = {}

    # ----------------------------------------------------------------- prepare

    def prepare(self, *, pmode_id: str | None, peer: str, action: str,
                payloads: Sequence[Payload], properties: Sequence[Property],
                conversation_id: str, message_id: str, now: datetime,
                ref_to_message_id: str | None = None) -> tuple[Outbound, Envelope, bytes]:
        """Build, compress, sign and encrypt once; return the store's envelope and bytes."""
        pmode = self._pmode_for(pmode_id, peer)
        keys = self._config.peer_keys.get(peer)
        if keys is None:
            raise ConfigurationError(f"no certificates configured for peer {peer!r}")
        out = prepare_outbound(
            pmode, peer=peer, action=action, conversation_id=conversation_id,
            payloads=payloads, properties=properties, identities=self._config.identities,
            peer_keys=keys, now=now, message_id=message_id, ref_to_message_id=ref_to_message_id)
        if not out.endpoint:
            raise ConfigurationError(f"PMode {pmode.id!r}: peer {peer!r} has no endpoint")
        um = out.message
        envelope = Envelope(
            message_id=um.message_id, ref_to_message_id=ref_to_message_id,
            conversation_id=conversation_id, from_party=um.from_party.party_id.value,
            to_party=um.to_party.party_id.value, service=um.collaboration_info.service.value,
            action=action, pmode_id=pmode.id)
        return out, envelope, join_wire(out.content_type, out.body)

    def _pmode_for(self, pmode_id: str | None, peer: str) -> PMode:
        if pmode_id is not None:
            return self._config.pmode(pmode_id)
        found = [p for p in self._config.pmodes if any(x.name == peer for x in p.peers)]
        if len(found) != 1:
            raise ConfigurationError(f"peer {peer!r} is in {len(found)} PModes; name the PMode")
        return found[0]

    def rebuild(self, record: MessageRecord) -> Outbound:
        """The :class:`Outbound` of a stored message (after a restart: from its bytes)."""
        pmode = self._config.pmode(record.envelope.pmode_id or "")
        peer = next((p for p in pmode.peers if p.party_id.value == record.envelope.to_party),
                    None)
        if peer is None:
            raise ConfigurationError(f"PMode {pmode.id!r} no longer has peer "
                                     f"{record.envelope.to_party!r}")
        content_type, body = split_wire(self._store.blob(record.raw_sha256))
        soap, _ = unpack_mime(content_type, body)
        message = parse_envelope(soap).single()
        return Outbound(message, content_type, body, record.endpoint_url, peer.name,  # type: ignore[arg-type]
                        pmode.profile_for(peer), signed_references(soap))

    # ----------------------------------------------------------------- attempt

    def _client(self, pmode_id: str) -> httpx.Client:
        client = self._clients.get(pmode_id)
        if client is None:
            client = httpx.Client(verify=_tls_context(self._config.tls_for(pmode_id)),
                                  timeout=self._config.send_timeout_seconds,
                                  limits=httpx.Limits(max_connections=64))
            self._clients[pmode_id] = client
        return client

    def close(self) -> None:
        """Close the HTTP clients."""
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def attempt(self, record: MessageRecord, *, worker: str) -> MessageRecord:
        """One transmission attempt of a claimed outbox message (see the module docstring)."""
        pmode = self._config.pmode(record.envelope.pmode_id or "")
        ra = pmode.reception_awareness
        now = self._clock()
        pk, limit = record.pk, max_attempts(ra)
        if record.attempts >= limit:
            return self._give_up(record, worker, now, limit)
        out = self.rebuild(record)
        self._store.begin_attempt(pk, worker=worker, now=now, retry_at=now + retry_step(ra))
        self._stage(OUTBOUND_BEGUN, record.message_id)
        try:
            response = self._client(pmode.id).post(
                str(record.endpoint_url), content=out.body,
                headers={"Content-Type": out.content_type})
        except httpx.HTTPError as exc:
            return self._retry_later(record, worker, limit, EbmsErrorCode.CONNECTION_FAILURE.value,
                                     f"{type(exc).__name__}: {exc}")
        self._stage(OUTBOUND_POSTED, record.message_id)
        now = self._clock()
        keys = self._config.peer_keys[out.peer]
        try:
            accept_response(response.headers.get("content-type", ""), response.content,
                            outbound=out, trust=self._config.trust, peer_keys=keys, now=now)
        except GatewayError as exc:
            code = exc.code if isinstance(exc, EbmsError) else EbmsErrorCode.INVALID_RECEIPT.value
            text = f"HTTP {response.status_code}: {exc.message}"
            if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
                self._log.message(out.message, out.body, sent=True, now=now, outcome=code)
                return self._store.fail(pk, now=now, error_code=code, error=text, worker=worker)
            return self._retry_later(record, worker, limit, code, text)
        done = self._store.receipt_received(pk, receipt=response.content, now=now, worker=worker)
        self._log.message(out.message, out.body, sent=True, now=now, receipt=response.content)
        return done

    def _retry_later(self, record: MessageRecord, worker: str, limit: int, code: str,
                     text: str) -> MessageRecord:
        now = self._clock()
        pmode = self._config.pmode(record.envelope.pmode_id or "")
        if record.attempts + 1 >= limit:
            return self._give_up(record, worker, now, limit, f"{code}: {text}")
        _log.info("attempt %d of %s failed: %s %s", record.attempts + 1, record.message_id,
                  code, text)
        done = self._store.attempt_failed(
            record.pk, worker=worker, now=now, error_code=code, error=text[:2000],
            retry_at=now + retry_step(pmode.reception_awareness))
        self._stage(OUTBOUND_ATTEMPT_FAILED, record.message_id)
        return done

    def _give_up(self, record: MessageRecord, worker: str, now: datetime, limit: int,
                 last: str | None = None) -> MessageRecord:
        last = last or (f"{record.last_error_code}: {record.last_error}"
                        if record.last_error_code else "no answer recorded")
        text = f"no valid receipt after {limit} attempt(s); last: {last}"
        _log.warning("giving up on %s: %s", record.message_id, text)
        return self._store.fail(record.pk, now=now, worker=worker,
                                error_code=EbmsErrorCode.MISSING_RECEIPT.value, error=text[:2000])
