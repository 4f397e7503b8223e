"""Produce EB/DSD response signature headers the way the EC Common Services do (TDD 3.6.2).

Used by the mock Evidence Broker / DSD and by tests. The output is the pair of HTTP
headers ``digest`` and ``oots-response-sig`` that :func:`signature.verify_response`
checks; the protected header has the members observed on the acceptance environment
(``alg``, ``kid``, ``x5t#o``, ``x5c``, ``typ``, ``b64``, ``iat``, ``sigD``, ``crit``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from gateway.evidence.common_services._jws import (
    DIGEST_HEADER,
    SIGNATURE_HEADER,
    issuer_and_serial_der,
)
from gateway.evidence.common_services.errors import BuildError
from gateway.namespaces import CommonServicesURI

__all__ = ["SigningKey", "sign_response"]

SigningKey = ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey
"""Private key types accepted for signing (ES256 needs P-256)."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_response(
    body: bytes,
    *,
    key: SigningKey,
    chain: tuple[x509.Certificate, ...],
    now: dt.datetime,
) -> dict[str, str]:
    """The ``digest`` and ``oots-response-sig`` headers for ``body``, signed at ``now``.

    ``chain`` starts with the certificate of ``key``; the algorithm follows the key
    (P-256: ES256, Ed25519/Ed448: EdDSA).
    """
    if now.tzinfo is None:
        raise TypeError("now must be an aware datetime")
    if not chain:
        raise BuildError("the signing chain is empty", field="chain")
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if key.curve.name != "secp256r1":
            raise BuildError("ES256 needs a P-256 key", field="key")
        alg = "ES256"
    else:
        alg = "EdDSA"
    leaf = chain[0]
    leaf_der = leaf.public_bytes(serialization.Encoding.DER)
    header = {
        "alg": alg,
        "kid": base64.b64encode(issuer_and_serial_der(leaf)).decode("ascii"),
        "x5t#o": {"digAlg": "S512", "digVal": _b64url(hashlib.sha512(leaf_der).digest())},
        "x5c": [
            base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii")
            for c in chain
        ],
        "typ": "jose",
        "b64": False,
        "iat": int(now.timestamp()),
        "sigD": {"mId": CommonServicesURI.JADES_HTTP_HEADERS, "pars": [DIGEST_HEADER]},
        "crit": ["b64", "sigD"],
    }
    protected = _b64url(json.dumps(header, separators=(",", ":")).encode("utf-8"))
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")
    data = f"{protected}.{DIGEST_HEADER}: {digest}".encode("ascii")
    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        signature = key.sign(data)
    return {DIGEST_HEADER: digest, SIGNATURE_HEADER: f"{protected}..{_b64url(signature)}"}
