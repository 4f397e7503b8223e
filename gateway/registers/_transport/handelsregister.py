"""The Handelsregister over HTTP: POST the XNachweis question, read the XJustiz answer.

``POST <base_url>/noots/evidence-request`` with ``Content-Type: application/xml`` and the
``DE.EvidenceRequest.0301`` body; 200 carries ``nachricht.reg.0400003``, 404 means no such
company. Any other status, a timeout or an unreadable answer is
:class:`~gateway.registers.RegisterUnavailable` (answered to the EU as EDM:ERR:0005).
The real register sits behind NOOTS/SAK (PEERS.md §2); this path is the mock's
(``mocks/de_registers``) and the configuration's ``[provider] register_url``.
"""

from __future__ import annotations

from datetime import datetime

import httpx

from gateway.registers.codelists import RegisterCodeLists
from gateway.registers.model import (
    CompanyNotFound,
    CompanyRecord,
    RegisterKey,
    RegisterUnavailable,
)
from gateway.registers.xjustiz import parse_register_content
from gateway.registers.xnachweis import RegisterQuery, build_register_query

__all__ = ["EVIDENCE_PATH", "HandelsregisterClient"]

EVIDENCE_PATH = "/noots/evidence-request"


class HandelsregisterClient:
    """A :class:`~gateway.registers.CompanyRegister` over HTTP (thread-safe: httpx.Client)."""

    def __init__(self, base_url: str, *, timeout: float = 5.0,
                 evidence_type: str, requester: str = "EU-OOTS",
                 code_lists: RegisterCodeLists | None = None) -> None:
        """``base_url`` of the register service; ``timeout`` per request in seconds;
        ``evidence_type`` the classification named in the XNachweis question."""
        self._client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)
        self._evidence_type = evidence_type
        self._requester = requester
        self._lists = code_lists

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def lookup(self, key: RegisterKey, *, now: datetime, request_id: str) -> CompanyRecord:
        """Ask the register for ``key`` (see the module docstring for the mapping)."""
        body = build_register_query(RegisterQuery(request_id, now, key, self._evidence_type,
                                                  self._requester))
        try:
            response = self._client.post(EVIDENCE_PATH, content=body,
                                         headers={"Content-Type": "application/xml"})
        except httpx.TimeoutException as exc:
            raise RegisterUnavailable(f"Handelsregister timed out: {exc}") from exc
        except httpx.HTTPError as exc:
            raise RegisterUnavailable(f"Handelsregister unreachable: {exc}") from exc
        if response.status_code == 404:
            raise CompanyNotFound(key)
        if response.status_code != 200:
            raise RegisterUnavailable(f"Handelsregister answered HTTP {response.status_code}")
        record = parse_register_content(response.content, self._lists)
        if record.key != key:
            raise RegisterUnavailable(f"Handelsregister answered for {record.key}, not {key}")
        return record
