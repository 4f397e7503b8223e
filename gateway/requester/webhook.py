"""Signed webhooks to the portal (HMAC-SHA256), and their verification (no I/O).

When a case reaches a state the portal must act on (``preview-required``, ``delivered``,
``failed``) the gateway POSTs a JSON notice to the client's ``webhook_url`` with::

    Content-Type: application/json
    X-OOTS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>." + body)>

``key`` is the client's ``[portal] webhook_secrets`` entry. The receiver recomputes the
HMAC over the exact body bytes, compares in constant time and refuses timestamps more
than :data:`TOLERANCE_SECONDS` away from its clock (replay window). The notice carries
no evidence bytes: the portal fetches them with its bearer token (poll endpoint).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from gateway.errors import InvalidInput, Origin

__all__ = ["SIGNATURE_HEADER", "TOLERANCE_SECONDS", "WebhookRejected", "sign", "verify"]

SIGNATURE_HEADER = "X-OOTS-Signature"
TOLERANCE_SECONDS = 300


class WebhookRejected(InvalidInput):
    """A webhook whose signature or timestamp does not verify."""

    default_code = "GW:WEBHOOK-SIGNATURE"
    default_origin = Origin.REMOTE


def _mac(key: bytes, timestamp: int, body: bytes) -> str:
    return hmac.new(key, str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def sign(key: bytes, body: bytes, *, now: datetime) -> str:
    """The :data:`SIGNATURE_HEADER` value for ``body`` sent at ``now``."""
    timestamp = int(now.timestamp())
    return f"t={timestamp},v1={_mac(key, timestamp, body)}"


def verify(key: bytes, body: bytes, header: str | None, *, now: datetime,
           tolerance: int = TOLERANCE_SECONDS) -> None:
    """Raise :class:`WebhookRejected` unless ``header`` signs ``body`` recently with ``key``."""
    if not header:
        raise WebhookRejected(f"the webhook has no {SIGNATURE_HEADER} header")
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError) as exc:
        raise WebhookRejected(f"malformed {SIGNATURE_HEADER}: {header[:100]!r}") from exc
    if abs(now.timestamp() - timestamp) > tolerance:
        raise WebhookRejected("the webhook timestamp is outside the replay window")
    if not hmac.compare_digest(_mac(key, timestamp, body), given):
        raise WebhookRejected("the webhook signature does not match its body")
