"""HTTP adapters of the requester: EB/DSD GETs and the portal's signed webhooks.

Both use one ``httpx.Client`` each (TLS verification per ``[requester] tls_verify``).
The webhook sender posts from a daemon thread, three attempts (1 s, 2 s apart), and
never blocks the worker; the portal can always fall back to polling.
"""

from __future__ import annotations

import json
import logging
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import httpx

from gateway.errors import GatewayError, Origin
from gateway.evidence.common_services import HttpQuery
from gateway.requester import webhook
from gateway.requester.model import Case

__all__ = ["CommonServicesUnavailable", "HttpFetch", "WebhookSender", "case_notice", "tls_verify"]

_log = logging.getLogger("gateway.requester")


def tls_verify(verify: bool | str) -> bool | ssl.SSLContext:
    """httpx's ``verify``: a CA bundle path becomes an SSL context."""
    return ssl.create_default_context(cafile=verify) if isinstance(verify, str) else verify


class CommonServicesUnavailable(GatewayError):
    """The EB or DSD did not answer (transport failure or an HTTP error status)."""

    default_code = "GW:CS-UNAVAILABLE"
    default_origin = Origin.REMOTE


class HttpFetch:
    """``fetch(service, query)`` over HTTP for :func:`gateway.requester.discovery.discover`."""

    def __init__(self, *, eb_url: str, dsd_url: str, verify: bool | str,
                 timeout: float = 30.0) -> None:
        """Base URLs as configured (``.../eb``, ``.../dsd``)."""
        self._bases = {"eb": eb_url, "dsd": dsd_url}
        self._client = httpx.Client(verify=tls_verify(verify), timeout=timeout)

    def __call__(self, service: str, query: HttpQuery) -> tuple[bytes, Mapping[str, str]]:
        """GET the query; the body and the (lower-case) response headers."""
        url = query.url(self._bases[service])
        try:
            response = self._client.get(url, headers=dict(query.headers))
        except httpx.HTTPError as exc:
            raise CommonServicesUnavailable(f"{service.upper()} unreachable: {exc}") from exc
        if response.status_code != 200:  # the services answer 200 also for errors (KD 9)
            raise CommonServicesUnavailable(f"{service.upper()} answered HTTP "
                                            f"{response.status_code}")
        return response.content, {k.lower(): v for k, v in response.headers.items()}

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()


def case_notice(case: Case) -> dict[str, Any]:
    """The webhook body: what changed, never evidence bytes."""
    return {"id": case.id, "state": case.state.value, "preview_url": case.preview_url,
            "error_code": case.error_code, "documents": len(case.evidence),
            "updated_at": case.updated_at.isoformat()}


class WebhookSender:
    """Posts signed notices (:mod:`gateway.requester.webhook`) to the client's URL."""

    def __init__(self, secrets: Mapping[str, str], *, verify: bool | str,
                 clock: Callable[[], datetime], attempts: int = 3) -> None:
        """``secrets``: client name -> HMAC key."""
        self._secrets = dict(secrets)
        self._verify = verify
        self._clock = clock
        self._attempts = attempts

    def can_notify(self, client: str) -> bool:
        """True when a webhook key is configured for ``client``."""
        return client in self._secrets

    def __call__(self, case: Case) -> None:
        """Notify in the background (no-op without a URL or key)."""
        if not case.webhook_url or case.client not in self._secrets:
            return
        body = json.dumps(case_notice(case), separators=(",", ":")).encode()
        threading.Thread(target=self._post, args=(case.client, case.webhook_url, body),
                         daemon=True, name="portal-webhook").start()

    def _post(self, client: str, url: str, body: bytes) -> None:
        key = self._secrets[client].encode()
        with httpx.Client(verify=tls_verify(self._verify), timeout=10.0) as http:
            for attempt in range(self._attempts):
                headers = {"Content-Type": "application/json",
                           webhook.SIGNATURE_HEADER: webhook.sign(key, body, now=self._clock())}
                try:
                    if http.post(url, content=body, headers=headers).status_code < 300:
                        return
                except httpx.HTTPError as exc:
                    _log.info("webhook to %s failed: %s", url, exc)
                time.sleep(2 ** attempt)
        _log.warning("webhook to %s given up after %d attempts", url, self._attempts)
