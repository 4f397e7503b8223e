"""Wire the requester into a running node (adapter: reads the configuration and files).

:func:`install` builds the :class:`~.service.RequesterService` over the node's database,
routes the node's inbound ``ExecuteQueryResponse`` / ``ExceptionResponse`` to it (every
other Service/Action stays with the application the ``[node]`` section configured, e.g.
the DE provider), and returns it for the portal API.
"""

from __future__ import annotations

from datetime import timedelta

from gateway.errors import ConfigurationError
from gateway.evidence.common_services import TrustAnchors
from gateway.evidence.common_services.config import trust_anchor_paths
from gateway.node import Delivery, Node, Reply
from gateway.node.dispatch import Application
from gateway.requester.adapters import HttpFetch, WebhookSender
from gateway.requester.config import load_portal_config, load_requester_config
from gateway.requester.repository import CaseRepository
from gateway.requester.service import (
    ERROR_ACTION,
    RESPONSE_ACTION,
    RequesterService,
    Status,
    Validate,
)
from gateway.settings import Settings
from gateway.store import MessageNotFound

__all__ = ["RequesterApplication", "install"]


class RequesterApplication:
    """Answers to our requests go to the requester, everything else to ``fallback``."""

    def __init__(self, service: RequesterService, fallback: Application) -> None:
        """Wrap the node's configured application."""
        self.service = service
        self.fallback = fallback

    def handle(self, delivery: Delivery) -> Reply | None:
        """Dispatch by action (TDD 4.7: responses and errors answer a request)."""
        if delivery.action in (RESPONSE_ACTION, ERROR_ACTION):
            return self.service.handle(delivery)
        return self.fallback.handle(delivery)


def install(settings: Settings, node: Node) -> tuple[RequesterService, WebhookSender]:
    """Build the requester over ``node`` and hook it into the node's dispatch."""
    config = load_requester_config(settings)
    portal = load_portal_config(settings)
    try:
        anchors = TrustAnchors.from_pem(*(p.read_bytes() for p in trust_anchor_paths(
            settings.section("common_services"), settings.shared_dir)))
    except OSError as exc:
        raise ConfigurationError(f"[common_services] trust anchors unreadable: {exc}") from exc
    peers = {p.party_id.value: p.name for pm in node.config.pmodes for p in pm.peers}
    webhooks = WebhookSender(portal.webhook_secrets, verify=config.tls_verify, clock=node.clock)
    service = RequesterService(
        config, CaseRepository(settings.effective_database_url),
        fetch=HttpFetch(eb_url=config.eb_url, dsd_url=config.dsd_url, verify=config.tls_verify),
        anchors=anchors, send=node.send, peers=peers, clock=node.clock,
        receipt_domain=node.config.receipt_domain, notify=webhooks, status=_status_of(node),
        answer_timeout=timedelta(seconds=config.answer_timeout_seconds),
        validate=_validator(settings) if config.validate_answers else None)
    node.application = RequesterApplication(service, node.application)
    return service, webhooks


def _validator(settings: Settings) -> Validate:
    """The gateway's validator over the installed kits (``[requester] validate_answers``)."""
    from gateway.evidence.validator_factory import build_validator

    validator = build_validator(settings)

    def validate(data: bytes) -> str | None:
        report = validator.validate(data)
        # known defect 101 (R-EDM-ERR-C022 cannot be evaluated on a correct v1.0
        # PreviewRequired error) is annotated by the engine and tolerated here
        if report.valid or report.valid_except_known_defects:
            return None
        return ", ".join(report.failing_rule_ids) or "invalid"
    return validate


def _status_of(node: Node) -> Status:
    def status(message_id: str) -> tuple[str, str | None, str | None]:
        try:
            record = node.status(message_id)
        except MessageNotFound:
            return "unknown", None, None
        return record.state.value, record.last_error_code, record.last_error
    return status
