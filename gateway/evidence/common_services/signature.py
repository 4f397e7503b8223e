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
import logging
from collections.abc import Mapping
from dataclasses import dataclass

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

from gateway.evidence.common_services._jws import (
    DIGEST_HEADER,
    SIGNATURE_HEADER,
    b64url,
    certificates,
    check_header_params,
    check_leaf_reference,
    protected_header,
    signed_at,
)
from gateway.evidence.common_services.errors import SignatureRejected

__all__ = [
    "DIGEST_HEADER",
    "SIGNATURE_HEADER",
    "SignerInfo",
    "TrustAnchors",
    "VerifiedResponse",
    "verify_response",
]

_log = logging.getLogger(__name__)


_DIGESTS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}
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
    header = protected_header(parts[0])
    alg, pars = check_header_params(header)
    _check_digest(body, digest)
    certs = certificates(header)
    leaf = certs[0]
    check_leaf_reference(header, leaf)
    when = signed_at(header)
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
    _check_signature(alg, leaf, b64url(parts[2], "JWS signature"), data)
    if when is not None:
        if when > now + skew:
            raise SignatureRejected("response was signed in the future", field="iat")
        if not leaf.not_valid_before_utc <= when <= leaf.not_valid_after_utc:
            raise SignatureRejected("signing certificate was not valid at iat", field="iat")
    chain = _check_chain(certs, anchors, now)
    return SignerInfo(
        subject=leaf.subject.rfc4514_string(),
        issuer=leaf.issuer.rfc4514_string(),
        serial_number=leaf.serial_number,
        not_before=leaf.not_valid_before_utc,
        not_after=leaf.not_valid_after_utc,
        algorithm=alg,
        signed_at=when,
        chain=chain,
        certificate_sha512=hashlib.sha512(
            leaf.public_bytes(serialization.Encoding.DER)
        ).hexdigest(),
    )
