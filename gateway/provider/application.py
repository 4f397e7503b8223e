"""The provider as the node's application (``[node] application =
"gateway.provider.application:application"``, ``docs/node.md``).

``ExecuteQueryRequest`` deliveries go to :class:`~gateway.provider.service.ProviderService`;
the answer is the node's :class:`~gateway.node.Reply` (``ExecuteQueryResponse`` or
``ExceptionResponse``, properties of the request with originalSender/finalRecipient
swapped, so ``ExchangeId``/``SpecificationId`` travel back unchanged). A held v2.0 second
request returns ``None`` (delivered, no reply yet); its answer goes out later through
``node.send`` with the same deterministic MessageId a reply would get
(:func:`~gateway.node.reply_message_id`) and ``RefToMessageId`` = the request, when the
user decides (preview pages) or the preview expires (the sweeper thread).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from gateway.ebms import Property
from gateway.evidence.edm import ExchangeHeader
from gateway.evidence.edm.v2_rules import register_v2_rules
from gateway.evidence.identifiers import load_bris_registers
from gateway.evidence.validation import Validator
from gateway.node.dispatch import Delivery, Reply, reply_message_id, swapped_properties
from gateway.provider.answers import EBRS_MIME
from gateway.provider.config import ProviderConfig, load_provider_config
from gateway.provider.pdf import EvidenceSigner
from gateway.provider.service import Hold, Late, ProviderService
from gateway.registers._transport.handelsregister import HandelsregisterClient
from gateway.registers.codelists import load_register_code_lists
from gateway.settings import Settings

if TYPE_CHECKING:
    from gateway.node import Node

__all__ = ["REQUEST_ACTION", "ProviderApplication", "Route", "application", "build_service"]

REQUEST_ACTION = "ExecuteQueryRequest"
BRIS_CSV = "de/xjustiz/codelists/DERIVED_BRIS_register_identifiers_2.0.csv"
_log = logging.getLogger("gateway.provider")


@dataclass(frozen=True, slots=True)
class Route:
    """Where the answer to one request goes."""

    peer: str
    pmode_id: str
    message_id: str
    conversation_id: str
    properties: tuple[Property, ...]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def build_service(settings: Settings, cfg: ProviderConfig | None = None) -> ProviderService:
    """The provider service from ``[provider]`` (register client, validator, signer)."""
    cfg = cfg or load_provider_config(settings)
    validator = Validator.from_settings(settings)
    register_v2_rules(validator)
    bris = load_bris_registers((settings.shared_dir / BRIS_CSV).read_bytes())
    return ProviderService(
        cfg, register=HandelsregisterClient(cfg.register_url, timeout=cfg.register_timeout,
                                            evidence_type=cfg.evidence_types[-1],
                                            code_lists=load_register_code_lists(
                                                settings.shared_dir)),
        validator=validator, bris=bris,
        signer=EvidenceSigner.from_files(cfg.signing_certificate, cfg.signing_key,
                                         cfg.signing_chain))


class ProviderApplication:
    """The node application of the DE evidence provider."""

    def __init__(self, service: ProviderService, *,
                 clock: Callable[[], datetime] = _utc_now, sweep_seconds: float = 1.0) -> None:
        """``clock`` gives aware UTC ``now``; the sweeper runs every ``sweep_seconds``."""
        self.service = service
        self.clock = clock
        self._node: Node | None = None
        self._stop = threading.Event()
        self._sweep_seconds = sweep_seconds
        self._thread: threading.Thread | None = None

    def handle(self, delivery: Delivery) -> Reply | None:
        """Answer an ``ExecuteQueryRequest``; other actions are only delivered."""
        if delivery.action != REQUEST_ACTION or not delivery.payloads:
            return None
        body = next((p.data for p in delivery.payloads if p.mime_type == EBRS_MIME),
                    delivery.payloads[0].data)
        um = delivery.message
        props = {p.name: p.value for p in um.message_properties}
        header = ExchangeHeader.from_properties(
            conversation_id=um.collaboration_info.conversation_id, properties=props)
        sender = next(((p.value, p.type or "") for p in um.message_properties
                       if p.name == "originalSender"), None)
        route = Route(delivery.peer, delivery.pmode_id, delivery.message_id,
                      um.collaboration_info.conversation_id, tuple(um.message_properties))
        outcome = self.service.handle(body, header, now=self.clock(),
                                      message_id=delivery.message_id, route=route,
                                      sender=sender)
        if isinstance(outcome, Hold):
            return None
        return Reply(action=outcome.action, payloads=outcome.payloads)

    # ------------------------------------------------------------- late answers

    def bind(self, node: Node) -> None:
        """Use ``node`` for late answers and start the expiry sweeper."""
        self._node = node
        if self._thread is None:
            self._thread = threading.Thread(target=self._sweep_loop, name="provider-sweep",
                                            daemon=True)
            self._thread.start()

    def close(self) -> None:
        """Stop the sweeper."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def send_late(self, late: Late) -> None:
        """Queue the answer to a held request (idempotent: deterministic MessageId)."""
        node = self._node
        if node is None:
            raise RuntimeError("ProviderApplication.bind(node) was not called")
        route: Route = late.route
        node.send(peer=route.peer, action=late.answer.action, payloads=late.answer.payloads,
                  properties=swapped_properties(route.properties),
                  conversation_id=route.conversation_id, pmode_id=route.pmode_id,
                  message_id=reply_message_id(route.message_id, node.config.receipt_domain),
                  ref_to_message_id=route.message_id)

    def _sweep_loop(self) -> None:
        while not self._stop.wait(self._sweep_seconds):
            try:
                for late in self.service.sweep(now=self.clock()):
                    self.send_late(late)
            except Exception:  # keep sweeping; the failure is logged
                _log.exception("preview sweep failed")


def application(settings: Settings) -> ProviderApplication:
    """The ``[node] application`` factory."""
    return ProviderApplication(build_service(settings))
