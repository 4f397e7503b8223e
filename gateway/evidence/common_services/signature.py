"""Verify the detached JAdES signature of an Evidence Broker / DSD HTTP response.

TDD 3.6.2 ("Common Services API", signed responses): every EB/DSD response carries

* ``digest: SHA-256=<base64(SHA-256(body))>`` (RFC 3230 instance digest), and
* ``oots-response-sig: <b64url(protected)>..<b64url(signature)>``, a compact JWS with a
  detached, unencoded payload (RFC 7797 ``b64=false``) following ETSI TS 119 182-1
  (JAdES) §5.2.8 ``sigD`` with ``mId`` = ``http://uri.etsi.org/19182/HttpHeaders``: the
  signed data is the HTTP header fields named in ``pars``, each as ``name: value`` (name
  in lower case), joined with ``\\n``. The JWS signing input is therefore
  ``<protected> "." "digest: SHA-256=..."``.

Verification (all steps must pass, otherwise :class:`SignatureRejected`):

1. the protected header is well-formed JSON with ``b64`` false, ``crit`` listing exactly
   the extensions we implement (``b64``, ``sigD``), ``sigD`` over ``digest``;
2. ``alg`` is ``ES256`` (observed) or ``EdDSA`` (3.6.2: EdDSA SHOULD) and matches the key;
3. the ``digest`` header equals the digest of the exact body bytes;
4. the signature verifies with the ``x5c`` leaf key;
5. the leaf is the certificate ``x5t#o`` / ``x5t#S256`` (and ``kid``, when present) name;
6. ``x5c`` chains to one of the configured trust anchors at the explicit ``now``, and the
   leaf was valid at the signing time ``iat``.

Only the verified body bytes leave this module (:class:`VerifiedResponse`); callers parse
those, never the raw HTTP response. Revocation (CRL/OCSP) is not checked here: that needs
network access and belongs to an adapter.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.verification import (
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from gateway.evidence.common_services.errors import SignatureRejected
from gateway.namespaces import CommonServicesURI

__all__ = [
    "DIGEST_HEADER",
    "SIGNATURE_HEADER",
    "SignerInfo",
    "TrustAnchors",
    "VerifiedResponse",
    "verify_response",
]

_log = logging.getLogger(__name__)

SIGNATURE_HEADER = "oots-response-sig"
"""HTTP header carrying the detached JWS (TDD 3.6.2)."""
DIGEST_HEADER = "digest"
"""HTTP header carrying the body digest (RFC 3230), the only signed header observed."""

_UNDERSTOOD_CRIT = frozenset({"b64", "sigD"})
_ALGORITHMS = frozenset({"ES256", "EdDSA"})
_DIGESTS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}
_X5T_DIGESTS = {"S256": hashlib.sha256, "S384": hashlib.sha384, "S512": hashlib.sha512}
_MAX_HEADER_CHARS = 64 * 1024


@dataclass(frozen=True, slots=True)
class TrustAnchors:
    """The root certificates EB/DSD response signatures must chain to."""

    certificates: tuple[x509.Certificate, ...]

    def __post_init__(self) -> None:
        if not self.certificates:
            raise SignatureRejected("no trust anchor configured", field="anchors")

    @classmethod
    def from_pem(cls, *pem_blobs: bytes) -> TrustAnchors:
        """Anchors from PEM data (one or more certificates per blob)."""
        certs: list[x509.Certificate] = []
        for blob in pem_blobs:
            try:
                certs.extend(x509.load_pem_x509_certificates(blob))
            except ValueError as exc:
                raise SignatureRejected(f"trust anchor is not PEM: {exc}", field="anchors") from exc
        return cls(tuple(certs))


@dataclass(frozen=True, slots=True)
class SignerInfo:
    """Who signed a verified response, and when."""

    subject: str
    issuer: str
    serial_number: int
    not_before: dt.datetime
    not_after: dt.datetime
    algorithm: str
    signed_at: dt.datetime | None
    chain: tuple[str, ...]
    """Subjects from the leaf to the trust anchor."""
    certificate_sha512: str
    """Hex SHA-512 of the leaf certificate (DER)."""


@dataclass(frozen=True, slots=True)
class VerifiedResponse:
    """The body bytes of a response, returned only after its signature verified.

    ``signer`` is ``None`` only when the caller passed ``unsafe_accept_unsigned=True`` and
    the signature was missing or wrong; ``unsafe_reason`` then says why.
    """

    body: bytes
    signer: SignerInfo | None
    unsafe_reason: str | None = None

    @property
    def verified(self) -> bool:
        """True when the signature was verified against a trust anchor."""
        return self.signer is not None


def verify_response(
    body: bytes,
    headers: Mapping[str, str],
    *,
    anchors: TrustAnchors,
    now: dt.datetime,
    unsafe_accept_unsigned: bool = False,
    max_clock_skew: dt.timedelta = dt.timedelta(minutes=5),
) -> VerifiedResponse:
    """Verify ``body`` against the ``digest`` and ``oots-response-sig`` ``headers``.

    ``now`` must be an aware datetime; certificates are checked for validity at ``now``.
    ``unsafe_accept_unsigned=True`` (tests and mocks only) turns a refusal into a logged
    warning and an unverified :class:`VerifiedResponse`.
    """
    if not isinstance(body, bytes):
        raise TypeError("verify_response takes the body as bytes")
    if now.tzinfo is None or now.utcoffset() is None:
        raise TypeError("now must be an aware datetime")
    try:
        signer = _verify(body, headers, anchors, now.astimezone(dt.UTC), max_clock_skew)
    except SignatureRejected as exc:
        if not unsafe_accept_unsigned:
            raise
        _log.warning(
            "UNSAFE: accepting a Common Services response whose signature failed (%s) "
            "because unsafe_accept_unsigned=True",
            exc,
        )
        return VerifiedResponse(body=body, signer=None, unsafe_reason=str(exc))
    return VerifiedResponse(body=body, signer=signer)


# ---------------------------------------------------------------------------


def _header(headers: Mapping[str, str], name: str) -> str | None:
    found = [value for key, value in headers.items() if key.lower() == name]
    if not found:
        return None
    if len(found) > 1:
        raise SignatureRejected(f"header {name!r} appears more than once", field=name)
    value = found[0]
    if not isinstance(value, str) or len(value) > _MAX_HEADER_CHARS:
        raise SignatureRejected(f"header {name!r} is not a usable string", field=name)
    return value.strip()


def _b64url(text: str, what: str) -> bytes:
    if not text or any(c not in _B64URL_ALPHABET for c in text):
        raise SignatureRejected(f"{what} is not base64url", field=SIGNATURE_HEADER)
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SignatureRejected(f"{what} is not base64url", field=SIGNATURE_HEADER) from exc


_B64URL_ALPHABET = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise SignatureRejected(f"JWS header repeats {key!r}", field=SIGNATURE_HEADER)
        result[key] = value
    return result


def _protected_header(encoded: str) -> dict[str, Any]:
    raw = _b64url(encoded, "JWS protected header")
    try:
        header = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SignatureRejected("JWS protected header is not JSON", field=SIGNATURE_HEADER) from exc
    if not isinstance(header, dict):
        raise SignatureRejected("JWS protected header is not an object", field=SIGNATURE_HEADER)
    return header


def _check_header_params(header: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
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


def _check_digest(body: bytes, value: str) -> None:
    seen = False
    for item in value.split(","):
        name, sep, encoded = item.strip().partition("=")
        if not sep:
            raise SignatureRejected("digest header is malformed", field=DIGEST_HEADER)
        algo = _DIGESTS.get(name.strip().lower())
        if algo is None:
            continue
        try:
            expected = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SignatureRejected("digest value is not base64", field=DIGEST_HEADER) from exc
        if not hmac.compare_digest(expected, algo(body).digest()):
            raise SignatureRejected(
                f"{name.strip()} digest does not match the body", field=DIGEST_HEADER
            )
        seen = seen or name.strip().lower() == "sha-256"
    if not seen:
        raise SignatureRejected("digest header has no SHA-256 value", field=DIGEST_HEADER)


def _certificates(header: dict[str, Any]) -> list[x509.Certificate]:
    x5c = header.get("x5c")
    if not isinstance(x5c, list) or not x5c or not all(isinstance(c, str) for c in x5c):
        raise SignatureRejected("JWS x5c certificate chain is missing", field="x5c")
    certs = []
    for item in x5c:  # RFC 7515 §4.1.6: standard base64 (not url-safe) DER
        try:
            certs.append(x509.load_der_x509_certificate(base64.b64decode(item, validate=True)))
        except (binascii.Error, ValueError) as exc:
            raise SignatureRejected("JWS x5c holds an unreadable certificate", field="x5c") from exc
    return certs


def _check_leaf_reference(header: dict[str, Any], leaf: x509.Certificate) -> None:
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
        if not hmac.compare_digest(_b64url(value, "x5t#o digVal"), digest):
            raise SignatureRejected("JAdES x5t#o does not name the x5c leaf", field="x5t#o")
        found = True
    x5t_s256 = header.get("x5t#S256")
    if x5t_s256 is not None:  # RFC 7515 §4.1.8
        if not isinstance(x5t_s256, str) or not hmac.compare_digest(
            _b64url(x5t_s256, "x5t#S256"), hashlib.sha256(der).digest()
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


def _signed_at(header: dict[str, Any]) -> dt.datetime | None:
    iat = header.get("iat")
    if iat is None:
        return None
    if isinstance(iat, bool) or not isinstance(iat, int):
        raise SignatureRejected("JWS iat is not an integer", field="iat")
    try:
        return dt.datetime.fromtimestamp(iat, dt.UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise SignatureRejected("JWS iat is out of range", field="iat") from exc


def _check_signature(alg: str, leaf: x509.Certificate, signature: bytes, data: bytes) -> None:
    key = leaf.public_key()
    try:
        if alg == "ES256":  # RFC 7518 §3.4: P-256, SHA-256, raw R||S of 2 x 32 bytes
            if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
                raise SignatureRejected("ES256 needs a P-256 signing key", field="alg")
            if len(signature) != 64:
                raise SignatureRejected("ES256 signature is not 64 bytes", field=SIGNATURE_HEADER)
            der = encode_dss_signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            )
            key.verify(der, data, ec.ECDSA(hashes.SHA256()))
        else:  # RFC 8037 §3.1: EdDSA with Ed25519 or Ed448
            if not isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
                raise SignatureRejected("EdDSA needs an Ed25519/Ed448 key", field="alg")
            key.verify(signature, data)
    except InvalidSignature as exc:
        raise SignatureRejected(
            "signature does not verify with the x5c leaf key", field=SIGNATURE_HEADER
        ) from exc


def _check_chain(
    certs: list[x509.Certificate], anchors: TrustAnchors, now: dt.datetime
) -> tuple[str, ...]:
    builder = (
        PolicyBuilder()
        .store(Store(list(anchors.certificates)))
        .time(now)
        .extension_policies(
            ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ExtensionPolicy.permit_all()
        )
    )
    try:
        verified = builder.build_client_verifier().verify(certs[0], certs[1:])
    except VerificationError as exc:
        raise SignatureRejected(
            f"x5c does not chain to a trust anchor at {now.isoformat()}: {exc}", field="x5c"
        ) from exc
    try:
        usage = certs[0].extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise SignatureRejected("signing certificate may not sign (key usage)", field="x5c")
    return tuple(c.subject.rfc4514_string() for c in verified.chain)


def _verify(
    body: bytes,
    headers: Mapping[str, str],
    anchors: TrustAnchors,
    now: dt.datetime,
    skew: dt.timedelta,
) -> SignerInfo:
    compact = _header(headers, SIGNATURE_HEADER)
    if compact is None:
        raise SignatureRejected("response is not signed (no oots-response-sig header)")
    digest = _header(headers, DIGEST_HEADER)
    if digest is None:
        raise SignatureRejected("response has no digest header", field=DIGEST_HEADER)
    parts = compact.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise SignatureRejected("oots-response-sig is not a detached compact JWS")
    header = _protected_header(parts[0])
    alg, pars = _check_header_params(header)
    _check_digest(body, digest)
    certs = _certificates(header)
    leaf = certs[0]
    _check_leaf_reference(header, leaf)
    signed_values = []
    for name in pars:
        value = digest if name == DIGEST_HEADER else _header(headers, name)
        if value is None:
            raise SignatureRejected(f"signed header {name!r} is missing", field=name)
        signed_values.append(f"{name}: {value}")
    try:
        data = (parts[0] + "." + "\n".join(signed_values)).encode("ascii")
    except UnicodeEncodeError as exc:
        raise SignatureRejected("signed headers are not ASCII", field=SIGNATURE_HEADER) from exc
    _check_signature(alg, leaf, _b64url(parts[2], "JWS signature"), data)
    signed_at = _signed_at(header)
    if signed_at is not None:
        if signed_at > now + skew:
            raise SignatureRejected("response was signed in the future", field="iat")
        if not leaf.not_valid_before_utc <= signed_at <= leaf.not_valid_after_utc:
            raise SignatureRejected("signing certificate was not valid at iat", field="iat")
    chain = _check_chain(certs, anchors, now)
    return SignerInfo(
        subject=leaf.subject.rfc4514_string(),
        issuer=leaf.issuer.rfc4514_string(),
        serial_number=leaf.serial_number,
        not_before=leaf.not_valid_before_utc,
        not_after=leaf.not_valid_after_utc,
        algorithm=alg,
        signed_at=signed_at,
        chain=chain,
        certificate_sha512=hashlib.sha512(leaf.public_bytes(serialization.Encoding.DER)).hexdigest(),
    )
