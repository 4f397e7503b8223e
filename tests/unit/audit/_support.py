"""Helpers of the exchange-log tests: constants, entry factory, the CI-aware ``require``."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta

import pytest

from gateway.audit._entry import EventKind, LogEntry, subject_digest

ORIGIN = "oots.example.de/exchange-log"
SALT = b"operator-held-salt-for-tests-0001"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def require(condition: bool, reason: str) -> None:
    """Skip locally, fail under CI (``CI`` set), when ``condition`` does not hold."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def make_entry(n: int, *, company: str | None = None) -> LogEntry:
    """The ``n``-th entry of a scripted exchange (request, response, receipt, ...)."""
    kinds = list(EventKind)
    subjects = (subject_digest(SALT, "LegalPersonIdentifier", company),) if company else ()
    return LogEntry(
        event=kinds[n % len(kinds)],
        time=T0 + timedelta(seconds=n),
        message_id=f"msg-{n}@oots.example.de",
        wire_sha256=hashlib.sha256(f"wire bytes {n}".encode()).hexdigest(),
        sender="urn:oasis:names:tc:ebcore:partyid-type:unregistered:DE-OOTS-GW",
        receiver="urn:oasis:names:tc:ebcore:partyid-type:unregistered:AT-OOTS-GW",
        query_id=f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        procedure="T1",
        evidence_type="https://sr.oots.tech.ec.europa.eu/evidencetypeclassifications/DE/abc",
        subjects=subjects,
    )
