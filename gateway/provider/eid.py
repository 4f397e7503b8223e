"""The eID assertion between the (mock) eID service and the preview space (no I/O).

Stands in for the Servicekonto.NRW / eIDAS SAML response: after login the eID service
redirects the browser to the preview space with ``assertion=<payload>.<mac>``, where
``payload`` is base64url JSON (person id, names, birth date, level of assurance, the
preview ``state`` it was issued for, issue time) and ``mac`` is HMAC-SHA256 under the key
shared with the eID service (``[provider] eid_secret``). :func:`verify_assertion` checks
the MAC (constant time), the state binding and the age. The same token, kept in an
HttpOnly cookie, is the preview page's login session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import date, datetime, timedelta

from gateway.errors import EdmErrorCode, EvidenceError, Origin
from gateway.evidence.preview import Identity

__all__ = ["EidRejected", "form_token", "issue_assertion", "verify_assertion"]


class EidRejected(EvidenceError):
    """The assertion is forged, for another preview, or too old (EDM:ERR:0001 family)."""

    def __init__(self, message: str) -> None:
        """``message`` says why."""
        super().__init__(message, edm_code=EdmErrorCode.FAILED_AUTHENTICATION,
                         origin=Origin.REMOTE, field="assertion")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_assertion(who: Identity, *, state: str, now: datetime, secret: bytes) -> str:
    """What the eID service hands back after a successful login."""
    payload = json.dumps({
        "sub": who.person_id, "given": who.given_name, "family": who.family_name,
        "birth": who.birth_date.isoformat(), "loa": who.level_of_assurance, "state": state,
        "iat": int(now.timestamp())}, separators=(",", ":"), sort_keys=True).encode()
    mac = hmac.new(secret, payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def verify_assertion(token: str, *, state: str, now: datetime, secret: bytes,
                     max_age: timedelta) -> Identity:
    """The identity in ``token``; :class:`EidRejected` unless genuine, for ``state`` and
    issued within ``max_age`` before ``now``."""
    try:
        payload_text, mac_text = token.split(".", 1)
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except ValueError as exc:
        raise EidRejected("malformed eID assertion") from exc
    if not hmac.compare_digest(mac, hmac.new(secret, payload, hashlib.sha256).digest()):
        raise EidRejected("the eID assertion's signature does not verify")
    try:
        claims = json.loads(payload)
        issued = datetime.fromtimestamp(int(claims["iat"]), tz=now.tzinfo)
        who = Identity(str(claims["sub"]), str(claims["given"]), str(claims["family"]),
                       date.fromisoformat(str(claims["birth"])), str(claims["loa"]))
        bound = str(claims["state"])
    except (ValueError, KeyError, TypeError) as exc:
        raise EidRejected("the eID assertion lacks claims") from exc
    if not hmac.compare_digest(bound, state):
        raise EidRejected("the eID assertion was issued for another preview")
    if not timedelta(seconds=-30) <= now - issued <= max_age:
        raise EidRejected("the eID assertion has expired")
    return who


def form_token(secret: bytes, session_id: str, person_id: str) -> str:
    """The anti-CSRF token of the decision form (bound to session and person)."""
    return _b64(hmac.new(secret, f"form|{session_id}|{person_id}".encode(),
                         hashlib.sha256).digest())
