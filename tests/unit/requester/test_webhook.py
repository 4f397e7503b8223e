"""HMAC-SHA256 webhook signatures: what verifies and what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from requester_support import NOW

from gateway.requester.webhook import WebhookRejected, sign, verify

KEY = b"k" * 32
BODY = b'{"id":"1","state":"delivered"}'


def test_a_signed_body_verifies() -> None:
    verify(KEY, BODY, sign(KEY, BODY, now=NOW), now=NOW + timedelta(seconds=10))


@pytest.mark.parametrize(("body", "key", "header"), [
    (BODY + b" ", KEY, None),                       # body changed after signing
    (BODY, b"other key", None),                     # signed with another key
    (BODY, KEY, ""),                                # no header
    (BODY, KEY, "t=abc,v1=00"),                     # malformed timestamp
    (BODY, KEY, "v1=00"),                           # no timestamp
])
def test_changed_or_malformed_webhooks_are_refused(body: bytes, key: bytes,
                                                   header: str | None) -> None:
    signed = sign(KEY, BODY, now=NOW) if header is None else header
    with pytest.raises(WebhookRejected) as caught:
        verify(key, body, signed, now=NOW)
    assert caught.value.code == "GW:WEBHOOK-SIGNATURE"


def test_an_old_signature_is_a_replay() -> None:
    with pytest.raises(WebhookRejected, match="replay"):
        verify(KEY, BODY, sign(KEY, BODY, now=NOW), now=NOW + timedelta(minutes=6))
