"""The running node: inbound pipeline, sender, application and worker over one store.

:class:`Node` is what the web app (``gateway/web/as4.py``), the CLI and other
processes' code use (``docs/node.md``):

- ``node.accept(content_type, body)``: the AS4 endpoint's work (receipt bytes out);
- ``node.send(peer=..., action=..., payloads=..., properties=...)``: queue a message;
  the worker pushes it, retries per the PMode, and records ``receipt-received`` or
  ``failed`` (``EBMS:0301`` when no receipt came) in the store;
- ``node.status(message_id)``: the outbox/inbox row, as ``messages show`` prints it;
- ``node.stages``: observers called as ``stage(name, message_id)`` at each durable step
  (metrics, tests' fault injection);
- ``node.start()`` / ``node.stop()``: the worker (the app's lifespan calls them).
"""

from __future__ import annotations

import importlib
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from gateway.audit import open_store
from gateway.ebms import Payload, Property
from gateway.errors import ConfigurationError, EbmsError, GatewayError
from gateway.node.config import NodeConfig, load_node_config
from gateway.node.dispatch import (
    Application,
    DeliverOnly,
    Delivery,
    Reply,
    reply_message_id,
    swapped_properties,
)
from gateway.node.exchange_log import ExchangeLog
from gateway.node.inbound import Accepted, InboundPipeline
from gateway.node.outbound import Sender
from gateway.node.worker import Worker
from gateway.settings import Settings
from gateway.store import ConcurrentUpdate, Direction, MessageRecord, MessageStore

__all__ = ["INBOUND_HANDLED", "Node", "StageObserver"]

_log = logging.getLogger("gateway.node")

StageObserver = Callable[[str, str], None]
"""``observer(stage, message_id)``; stage names are the ``*_STAGE`` constants of the
node modules: ``inbound-stored``, ``inbound-handled``, ``outbound-attempt-begun``,
``outbound-posted``, ``outbound-attempt-failed``."""

INBOUND_HANDLED = "inbound-handled"
"""The application returned; its result is not committed yet."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _load_application(spec: str | None, settings: Settings) -> Application:
    if not spec:
        return DeliverOnly()
    module_name, _, attr = spec.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attr or "application")
    except (ImportError, AttributeError) as exc:
        raise ConfigurationError(f"[node] application {spec!r} cannot be imported: {exc}") from exc
    app = factory(settings)
    if not callable(getattr(app, "handle", None)):
        raise ConfigurationError(f"[node] application {spec!r} returned no .handle()")
    return app  # type: ignore[no-any-return]


class Node:
    """One AS4 access point: accept, send, dispatch; durable in ``store``."""

    def __init__(self, config: NodeConfig, store: MessageStore, *, log: ExchangeLog,
                 application: Application | None = None,
                 clock: Callable[[], datetime] = _utc_now, max_bytes: int = 32 << 20,
                 observe: Callable[[Direction, str, float], None] | None = None) -> None:
        """Wire the parts; nothing runs until :meth:`start`."""
        if config.lease_seconds <= config.send_timeout_seconds:
            raise ConfigurationError("[node] lease_seconds must exceed send_timeout_seconds")
        self.config = config
        self.store = store
        self.log = log
        self.application = application or DeliverOnly()
        self.stages: list[StageObserver] = []
        self._clock = clock
        self.clock = clock
        """Where the node takes ``now`` from (aware UTC)."""
        metric = observe or (lambda _d, _s, _t: None)
        self.inbound = InboundPipeline(
            config, store, log, stage=self._stage, max_bytes=max_bytes,
            observe=lambda stage, seconds: metric(Direction.INBOUND, stage, seconds))
        self.sender = Sender(config, store, log, stage=self._stage, clock=clock)
        self.worker = Worker(
            store, send=self._send_step, process=self.process_inbound, clock=clock,
            lease=timedelta(seconds=config.lease_seconds), poll_seconds=config.poll_seconds,
            concurrency=config.send_concurrency)
        self._metric = metric

    @classmethod
    def from_settings(cls, settings: Settings, store: MessageStore, *,
                      clock: Callable[[], datetime] = _utc_now,
                      observe: Callable[[Direction, str, float], None] | None = None) -> Node:
        """Build the node described by ``settings`` (``[node]`` section) over ``store``."""
        config = load_node_config(settings)
        for pmode in config.pmodes:  # visible: a PMode that relaxes AS4 §5.1 security
            if not (pmode.security.sign and pmode.security.encrypt):
                _log.warning("PMode %s accepts messages with sign=%s encrypt=%s",
                             pmode.id, pmode.security.sign, pmode.security.encrypt)
        log = ExchangeLog(open_store(settings) if config.audit else None)
        return cls(config, store, log=log,
                   application=_load_application(config.application, settings), clock=clock,
                   max_bytes=settings.max_message_bytes, observe=observe)

    # ------------------------------------------------------------- lifecycle

    def start(self) -> None:
        """Rebuild exchange-log entries a crash lost, then start the worker (which resumes
        whatever the store holds)."""
        try:
            self.log.reconcile(self.store, now=self._clock())
        except GatewayError as exc:  # the log must not keep the node from serving
            _log.error("exchange log reconciliation failed: %s", exc.diagnostics())
        self.worker.start()

    def stop(self) -> None:
        """Stop the worker and close HTTP clients and the exchange log."""
        self.worker.stop()
        self.sender.close()
        self.log.close()

    def _stage(self, stage: str, message_id: str) -> None:
        for observer in self.stages:
            observer(stage, message_id)

    # --------------------------------------------------------------- inbound

    def accept(self, content_type: str, body: bytes) -> Accepted:
        """The AS4 endpoint's work for one POST (raises EbmsError for a refusal)."""
        accepted = self.inbound.accept(content_type, body, now=self._clock())
        if not accepted.duplicate:
            self.worker.wake()
        return accepted

    def process_inbound(self, record: MessageRecord, worker: str) -> MessageRecord:
        """Hand a claimed inbox row to the application; commit its reply or completion."""
        started = time.perf_counter()
        try:
            delivery = self.inbound.reopen(record)
            reply = self.application.handle(delivery)
            self._stage(INBOUND_HANDLED, record.message_id)
            done = self._commit(record, delivery, reply, worker)
        except ConcurrentUpdate:
            raise  # another worker holds the row now
        except GatewayError as exc:
            return self.store.fail(record.pk, now=self._clock(), error_code=exc.code,
                                   error=exc.message[:2000], worker=worker)
        except Exception as exc:  # the application's bug must not block the inbox
            _log.exception("application failed on message %s", record.pk)
            return self.store.fail(record.pk, now=self._clock(), error_code="GW:APPLICATION",
                                   error=f"{type(exc).__name__}: {exc}"[:2000], worker=worker)
        self._metric(Direction.INBOUND, "dispatch", time.perf_counter() - started)
        return done

    def _commit(self, record: MessageRecord, delivery: Delivery, reply: Reply | None,
                worker: str) -> MessageRecord:
        now = self._clock()
        if reply is None:
            return self.store.complete_inbound(record.pk, worker=worker, now=now)
        um = delivery.message
        props = (reply.properties if reply.properties is not None
                 else swapped_properties(um.message_properties)) + reply.extra_properties
        _, envelope, raw = self.sender.prepare(
            pmode_id=delivery.pmode_id, peer=delivery.peer, action=reply.action,
            payloads=reply.payloads, properties=props,
            conversation_id=um.collaboration_info.conversation_id,
            message_id=reply_message_id(um.message_id, self.config.receipt_domain),
            ref_to_message_id=um.message_id, now=now)
        self.store.answer_inbound(record.pk, envelope, raw=raw,
                                  endpoint_url=self._endpoint(delivery.pmode_id, delivery.peer),
                                  worker=worker, now=now)
        self.worker.wake()
        return self.store.get(record.pk)

    def _endpoint(self, pmode_id: str, peer: str) -> str:
        pmode = self.config.pmode(pmode_id)
        target = next(p for p in pmode.peers if p.name == peer)
        if not target.endpoint:
            raise ConfigurationError(f"PMode {pmode_id!r}: peer {peer!r} has no endpoint")
        return target.endpoint

    # -------------------------------------------------------------- outbound

    def send(self, *, peer: str, action: str, payloads: Sequence[Payload],
             properties: Sequence[Property], conversation_id: str | None = None,
             pmode_id: str | None = None, message_id: str | None = None,
             ref_to_message_id: str | None = None) -> MessageRecord:
        """Queue a user message for ``peer`` (signed and encrypted now, sent by the worker).

        The same ``message_id`` twice is queued once (the store's unique key)."""
        now = self._clock()
        out, envelope, raw = self.sender.prepare(
            pmode_id=pmode_id, peer=peer, action=action, payloads=payloads,
            properties=properties, conversation_id=conversation_id or str(uuid.uuid4()),
            message_id=message_id or f"{uuid.uuid4()}@{self.config.receipt_domain}",
            ref_to_message_id=ref_to_message_id, now=now)
        stored = self.store.enqueue_outbound(envelope, raw=raw, endpoint_url=str(out.endpoint),
                                             now=now)
        self.worker.wake()
        return stored.record

    def _send_step(self, record: MessageRecord, worker: str) -> MessageRecord:
        started = time.perf_counter()
        try:
            return self.sender.attempt(record, worker=worker)
        except (ConfigurationError, EbmsError) as exc:
            # the message cannot be sent as configured (peer removed from the PMode, stored
            # bytes unreadable): failed and visible, `messages retry` once fixed
            _log.error("cannot send message %s: %s", record.pk, exc.diagnostics())
            return self.store.fail(record.pk, now=self._clock(), error_code=exc.code,
                                   error=exc.message[:2000], worker=worker)
        finally:
            self._metric(Direction.OUTBOUND, "attempt", time.perf_counter() - started)

    def status(self, message_id: str, direction: Direction = Direction.OUTBOUND) -> MessageRecord:
        """The current row of a message (``MessageNotFound`` when unknown)."""
        return self.store.find(direction, message_id)
