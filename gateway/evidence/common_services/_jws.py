"""JWS / JAdES protected-header checks for EB/DSD response signatures (see :mod:`.signature`).

RFC 7515 (JWS), RFC 7797 (``b64=false``), ETSI TS 119 182-1 (JAdES: ``sigD``, ``x5t#o``,
``kid`` as DER ``IssuerSerial``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from gateway.evidence.common_services.errors import SignatureRejected
from gateway.namespaces import CommonServicesURI

__all__ = [
    "B64URL_ALPHABET",
    "DIGEST_HEADER",
    "SIGNATURE_HEADER",
    "b64url",
    "certificates",
    "check_header_params",
    "check_leaf_reference",
    "issuer_and_serial_der",
    "protected_header",
    "signed_at",
]

SIGNATURE_HEADER = "oots-response-sig"
"""HTTP header carrying the detached JWS (TDD 3.6.2)."""
DIGEST_HEADER = "digest"
"""HTTP header carrying the body digest (RFC 3230), the only signed header observed."""
_UNDERSTOOD_CRIT = frozenset({"b64", "sigD"})
_ALGORITHMS = frozenset({"ES256", "EdDSA"})
_MAX_CHAIN = 8
_X5T_DIGESTS = {"S256": hashlib.sha256, "S384": hashlib.sha384, "S512": hashlib.sha512}


def b64url(text: str, what: str) -> bytes:
    """Decode unpadded base64url, refusing other alphabets."""
    if not text or any(c not in B64URL_ALPHABET for c in text):
        raise SignatureRejected(f"{what} is not base64url", field=SIGNATURE_HEADER)
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SignatureRejected(f"{what} is not base64url", field=SIGNATURE_HEADER) from exc


B64URL_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON object hook refusing repeated member names."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise SignatureRejected(f"JWS header repeats {key!r}", field=SIGNATURE_HEADER)
        result[key] = value
    return result


def protected_header(encoded: str) -> dict[str, Any]:
    """Decode and parse the JWS protected header (JSON object)."""
    raw = b64url(encoded, "JWS protected header")
    try:
        header = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SignatureRejected("JWS protected header is not JSON", field=SIGNATURE_HEADER) from exc
    if not isinstance(header, dict):
        raise SignatureRejected("JWS protected header is not an object", field=SIGNATURE_HEADER)
    return header


def check_header_params(header: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """Check alg, b64, crit and sigD; return alg and the signed header names."""
    alg = header.get("alg")
    if alg not in _ALGORITHMS:
        raise SignatureRejected(f"JWS alg {alg!r} is not accepted (ES256, EdDSA)", field="alg")
    # RFC 7797 §3, §6: b64=false must be listed in crit; we only sign detached payloads.
    if header.get("b64") is not False:
        raise SignatureRejected("JWS b64 must be false (RFC 7797)", field="b64")
    crit = header.get("crit")
    if (
        not isinstance(crit, list)
        or not all(isinstance(c, str) for c in crit)
        or len(set(crit)) != len(crit)
    ):
        raise SignatureRejected("JWS crit must be a list of unique names", field="crit")
    unknown = set(crit) - _UNDERSTOOD_CRIT
    if unknown:  # RFC 7515 §4.1.11: refuse critical extensions we do not implement
        raise SignatureRejected(f"JWS crit names unsupported {sorted(unknown)}", field="crit")
    if set(crit) != _UNDERSTOOD_CRIT:
        raise SignatureRejected("JWS crit must list b64 and sigD", field="crit")
    sig_d = header.get("sigD")
    if not isinstance(sig_d, dict) or set(sig_d) - {"mId", "pars"}:
        raise SignatureRejected("JAdES sigD must hold only mId and pars", field="sigD")
    if sig_d.get("mId") != CommonServicesURI.JADES_HTTP_HEADERS:
        raise SignatureRejected(f"JAdES sigD mId {sig_d.get('mId')!r} unsupported", field="sigD")
    pars = sig_d.get("pars")
    if (
        not isinstance(pars, list)
        or not pars
        or not all(isinstance(p, str) and p == p.lower() and p for p in pars)
        or len(set(pars)) != len(pars)
    ):
        raise SignatureRejected("JAdES sigD pars must be unique lower-case names", field="sigD")
    if DIGEST_HEADER not in pars:  # otherwise the body would not be covered
        raise SignatureRejected("JAdES sigD does not cover the digest header", field="sigD")
    return alg, tuple(pars)


def certificates(header: dict[str, Any]) -> list[x509.Certificate]:
    """The ``x5c`` chain as certificates, leaf first."""
    x5c = header.get("x5c")
    if not isinstance(x5c, list) or not x5c or not all(isinstance(c, str) for c in x5c):
        raise SignatureRejected("JWS x5c certificate chain is missing", field="x5c")
    if len(x5c) > _MAX_CHAIN:
        raise SignatureRejected(f"JWS x5c holds more than {_MAX_CHAIN} certificates", field="x5c")
    certs = []
    for item in x5c:  # RFC 7515 §4.1.6: standard base64 (not url-safe) DER
        try:
            certs.append(x509.load_der_x509_certificate(base64.b64decode(item, validate=True)))
        except (binascii.Error, ValueError) as exc:
            raise SignatureRejected("JWS x5c holds an unreadable certificate", field="x5c") from exc
    return certs


def check_leaf_reference(header: dict[str, Any], leaf: x509.Certificate) -> None:
    """Check that x5t#o / x5t#S256 (and kid) name the x5c leaf."""
    der = leaf.public_bytes(serialization.Encoding.DER)
    found = False
    x5t_o = header.get("x5t#o")
    if x5t_o is not None:  # JAdES §5.1.8
        if not isinstance(x5t_o, dict) or x5t_o.get("digAlg") not in _X5T_DIGESTS:
            raise SignatureRejected("JAdES x5t#o is malformed", field="x5t#o")
        value = x5t_o.get("digVal")
        if not isinstance(value, str):
            raise SignatureRejected("JAdES x5t#o digVal is missing", field="x5t#o")
        digest = _X5T_DIGESTS[x5t_o["digAlg"]](der).digest()
        if not hmac.compare_digest(b64url(value, "x5t#o digVal"), digest):
            raise SignatureRejected("JAdES x5t#o does not name the x5c leaf", field="x5t#o")
        found = True
    x5t_s256 = header.get("x5t#S256")
    if x5t_s256 is not None:  # RFC 7515 §4.1.8
        if not isinstance(x5t_s256, str) or not hmac.compare_digest(
            b64url(x5t_s256, "x5t#S256"), hashlib.sha256(der).digest()
        ):
            raise SignatureRejected("JWS x5t#S256 does not name the x5c leaf", field="x5t#S256")
        found = True
    if not found:
        raise SignatureRejected("JWS names no signing certificate (x5t#o)", field="x5t#o")
    kid = header.get("kid")
    if kid is not None:  # JAdES §5.1.4: base64 DER IssuerSerial (RFC 5035)
        if not isinstance(kid, str):
            raise SignatureRejected("JWS kid is not a string", field="kid")
        try:
            raw = base64.b64decode(kid, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SignatureRejected("JWS kid is not base64", field="kid") from exc
        if raw != issuer_and_serial_der(leaf):
            raise SignatureRejected("JWS kid does not name the x5c leaf", field="kid")


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    encoded = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(encoded)]) + encoded


def issuer_and_serial_der(cert: x509.Certificate) -> bytes:
    """DER ``IssuerSerial`` (RFC 5035 §6) of ``cert``, the form of the JAdES ``kid``.

    ETSI TS 119 182-1 §5.1.4: ``kid`` is the base64 of a DER ``IssuerSerial``:
    ``SEQUENCE { issuer GeneralNames (one directoryName [4]), serialNumber INTEGER }``.
    """
    serial = cert.serial_number
    serial_bytes = serial.to_bytes(serial.bit_length() // 8 + 1, "big", signed=True)
    integer = b"\x02" + _der_length(len(serial_bytes)) + serial_bytes
    name = cert.issuer.public_bytes()
    directory_name = b"\xa4" + _der_length(len(name)) + name
    general_names = b"\x30" + _der_length(len(directory_name)) + directory_name
    content = general_names + integer
    return b"\x30" + _der_length(len(content)) + content


def signed_at(header: dict[str, Any]) -> dt.datetime | None:
    """The ``iat`` signing time, if present."""
    iat = header.get("iat")
    if iat is None:
        return None
    if isinstance(iat, bool) or not isinstance(iat, int):
        raise SignatureRejected("JWS iat is not an integer", field="iat")
    try:
        return dt.datetime.fromtimestamp(iat, dt.UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise SignatureRejected("JWS iat is out of range", field="iat") from exc
