"""Who we are (signing / decryption identities) and whom we trust (trust policies).

A :class:`TrustPolicy` is a one-method protocol, ``validate(...)``, that raises
EBMS:0101 FailedAuthentication when a certificate must not be accepted. Policies
compose with :class:`AllOf`. :func:`standard_trust` gives the usual stack:

1. :class:`AnchoredChain` - the certificate chains (through the message's own
   intermediates) to a configured anchor; every link's signature verifies and every
   certificate is valid at ``now`` (RFC 5280 §6.1, simplified: no name constraints
   or policy processing; basicConstraints cA and keyCertSign on issuers);
2. :class:`KeyUsageCheck` - the leaf's keyUsage allows the purpose (signing:
   digitalSignature or nonRepudiation);
3. :class:`RevocationCheck` - a hook (CRL/OCSP adapter, or a static set of serials).

The PMode's expected peer is checked separately with a :class:`PeerCertificateMatcher`.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, Protocol

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa, x25519

from gateway.crypto.memo import IdentityMemo
from gateway.ebms.security._profiles import fail
from gateway.errors import EbmsErrorCode

__all__ = [
    "AllOf",
    "AnchoredChain",
    "DecryptionIdentity",
    "ExpectedPeer",
    "KeyPurpose",
    "KeyUsageCheck",
    "PeerCertificateMatcher",
    "RevocationCheck",
    "SigningIdentity",
    "TrustPolicy",
    "standard_trust",
]


class KeyPurpose(enum.Enum):
    """What a certificate is being accepted for."""

    SIGNING = "signing"
    ENCRYPTION = "encryption"


@dataclass(frozen=True, slots=True)
class SigningIdentity:
    """Our signing certificate and key (RSA for 1.15, Ed25519 for 2.0)."""

    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
    chain: tuple[x509.Certificate, ...] = ()
    """Intermediates, sent in an ``#X509PKIPathv1`` token when non-empty."""


@dataclass(frozen=True, slots=True)
class DecryptionIdentity:
    """Our decryption certificate(s) and key(s) (RSA for 1.15, X25519 for 2.0).

    Several pairs may be configured during a key roll-over; the EncryptedKey's
    recipient reference (BST, SKI or IssuerSerial) selects one.
    """

    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey | x25519.X25519PrivateKey
    previous: tuple[
        tuple[x509.Certificate, rsa.RSAPrivateKey | x25519.X25519PrivateKey], ...
    ] = ()

    def pairs(
        self,
    ) -> tuple[tuple[x509.Certificate, rsa.RSAPrivateKey | x25519.X25519PrivateKey], ...]:
        """Current pair first, then the previous ones."""
        return ((self.certificate, self.private_key), *self.previous)


class TrustPolicy(Protocol):
    """Decides whether a certificate is acceptable; raises EBMS:0101 when it is not."""

    def validate(
        self,
        certificate: x509.Certificate,
        *,
        intermediates: Sequence[x509.Certificate],
        now: datetime,
        purpose: KeyPurpose,
    ) -> None:
        """Raise :class:`~gateway.errors.EbmsError` (EBMS:0101) to refuse ``certificate``."""


class PeerCertificateMatcher(Protocol):
    """The PMode's expectation about the peer's certificate."""

    @property
    def certificates(self) -> Sequence[x509.Certificate]:
        """Known certificates, used to resolve SKI / IssuerSerial references."""

    def check(self, certificate: x509.Certificate) -> None:
        """Raise EBMS:0101 when ``certificate`` is not the expected peer's."""


def _refuse(message: str, certificate: x509.Certificate) -> None:
    raise fail(
        EbmsErrorCode.FAILED_AUTHENTICATION,
        message,
        detail=f"certificate subject={certificate.subject.rfc4514_string()} "
        f"serial={certificate.serial_number:x}",
    )


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every policy must accept (checked in order)."""

    policies: tuple[TrustPolicy, ...]

    def validate(
        self,
        certificate: x509.Certificate,
        *,
        intermediates: Sequence[x509.Certificate],
        now: datetime,
        purpose: KeyPurpose,
    ) -> None:
        """Run each policy; the first refusal propagates."""
        for policy in self.policies:
            policy.validate(certificate, intermediates=intermediates, now=now, purpose=purpose)


def _valid_at(cert: x509.Certificate, now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if now < cert.not_valid_before_utc:
        _refuse(f"certificate is not valid before {cert.not_valid_before_utc.isoformat()}", cert)
    if now > cert.not_valid_after_utc:
        _refuse(f"certificate expired at {cert.not_valid_after_utc.isoformat()}", cert)


def _may_issue(cert: x509.Certificate) -> bool:
    try:
        bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    if not bc.ca:
        return False
    try:
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return ku.key_cert_sign


@functools.lru_cache(maxsize=1024)
def _issued_by(child: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether ``issuer``'s key signed ``child`` (memoised: a pure function of both DERs)."""
    try:
        child.verify_directly_issued_by(issuer)
    except Exception:
        return False
    return True


@dataclass(frozen=True, slots=True)
class AnchoredChain:
    """The certificate chains to one of ``anchors``; validity at ``now`` on every link.

    A certificate that *is* an anchor (e.g. a pinned self-signed partner certificate)
    is accepted directly, subject to its own validity.
    """

    anchors: tuple[x509.Certificate, ...]
    max_depth: int = 5

    def validate(
        self,
        certificate: x509.Certificate,
        *,
        intermediates: Sequence[x509.Certificate],
        now: datetime,
        purpose: KeyPurpose,
    ) -> None:
        """Build the path leaf -> anchor and check every link (validity at ``now``)."""
        chain = _path_for(certificate, tuple(intermediates), self.anchors, self.max_depth)
        if isinstance(chain, str):
            _refuse(chain, certificate)
            return
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        if not chain.not_before <= now <= chain.not_after:
            for cert in chain.path:  # which link is out of its validity period
                _valid_at(cert, now)


class _Chain(NamedTuple):
    """A built path and the period in which every link of it is valid."""

    path: tuple[x509.Certificate, ...]
    not_before: datetime
    not_after: datetime


def _chain(path: tuple[x509.Certificate, ...] | str) -> _Chain | str:
    if isinstance(path, str):
        return path
    return _Chain(path, max(c.not_valid_before_utc for c in path),
                  min(c.not_valid_after_utc for c in path))


_CHAINS = IdentityMemo[_Chain | str]()


def _path_for(
    leaf: x509.Certificate,
    intermediates: tuple[x509.Certificate, ...],
    anchors: tuple[x509.Certificate, ...],
    max_depth: int,
) -> _Chain | str:
    """:func:`_build_path` with the path's common validity period, memoised by object
    identity (:mod:`gateway.crypto.memo`)."""
    return _CHAINS.get((max_depth, len(intermediates)), (leaf, *intermediates, *anchors),
                       lambda: _chain(_build_path(leaf, intermediates, anchors, max_depth)))


@functools.lru_cache(maxsize=256)
def _build_path(
    leaf: x509.Certificate,
    intermediates: tuple[x509.Certificate, ...],
    anchors: tuple[x509.Certificate, ...],
    max_depth: int,
) -> tuple[x509.Certificate, ...] | str:
    """The certificates from ``leaf`` to an anchor (inclusive), or why there is none.

    A pure function of its inputs (signatures and names only; validity is checked by
    the caller at its ``now``), so it is memoised.
    """
    if leaf in anchors:
        return (leaf,)
    pool = [c for c in intermediates if c != leaf]
    path = [leaf]
    current = leaf
    for _ in range(max_depth):
        for issuer in (*anchors, *pool):
            if issuer.subject != current.issuer or not _may_issue(issuer):
                continue
            if not _issued_by(current, issuer):
                continue
            path.append(issuer)
            if issuer in anchors:
                return tuple(path)
            pool.remove(issuer)
            current = issuer
            break
        else:
            return "certificate does not chain to a trusted anchor"
    return "certificate chain is too long"


@dataclass(frozen=True, slots=True)
class KeyUsageCheck:
    """The leaf's keyUsage extension (when present) allows the purpose."""

    def validate(
        self,
        certificate: x509.Certificate,
        *,
        intermediates: Sequence[x509.Certificate],
        now: datetime,
        purpose: KeyPurpose,
    ) -> None:
        """Signing needs digitalSignature or nonRepudiation; encryption needs
        keyEncipherment (RSA) or keyAgreement (X25519)."""
        if not _usage_allows(certificate, purpose):
            _refuse(f"certificate keyUsage does not allow {purpose.value}", certificate)


_USAGE = IdentityMemo[bool]()


def _usage_allows(certificate: x509.Certificate, purpose: KeyPurpose) -> bool:
    """Whether the keyUsage extension (when present) allows ``purpose`` (memoised by
    object identity)."""
    return _USAGE.get(purpose, (certificate,), lambda: _read_usage(certificate, purpose))


def _read_usage(certificate: x509.Certificate, purpose: KeyPurpose) -> bool:
    try:
        ku = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    if purpose is KeyPurpose.SIGNING:
        return bool(ku.digital_signature or ku.content_commitment)
    return bool(ku.key_encipherment or ku.key_agreement)


@dataclass(frozen=True, slots=True)
class RevocationCheck:
    """Revocation hook: ``is_revoked(cert, now)`` (a CRL/OCSP adapter supplies it)."""

    is_revoked: Callable[[x509.Certificate, datetime], bool]

    @classmethod
    def from_serials(cls, serials: frozenset[int]) -> RevocationCheck:
        """A static revocation list by serial number (tests, emergency block lists)."""
        return cls(lambda cert, _now: cert.serial_number in serials)

    def validate(
        self,
        certificate: x509.Certificate,
        *,
        intermediates: Sequence[x509.Certificate],
        now: datetime,
        purpose: KeyPurpose,
    ) -> None:
        """Refuse revoked certificates."""
        if self.is_revoked(certificate, now):
            _refuse("certificate is revoked", certificate)


def standard_trust(
    anchors: Sequence[x509.Certificate],
    *,
    revoked: Callable[[x509.Certificate, datetime], bool] | None = None,
) -> AllOf:
    """Chain to ``anchors`` + key usage + the revocation hook (when given)."""
    policies: list[TrustPolicy] = [AnchoredChain(tuple(anchors)), KeyUsageCheck()]
    if revoked is not None:
        policies.append(RevocationCheck(revoked))
    return AllOf(tuple(policies))


@dataclass(frozen=True, slots=True)
class ExpectedPeer:
    """The PMode names the peer's certificate(s); the signer must be one of them."""

    expected: tuple[x509.Certificate, ...]
    name: str = field(default="peer")

    @property
    def certificates(self) -> Sequence[x509.Certificate]:
        """The expected certificates."""
        return self.expected

    def check(self, certificate: x509.Certificate) -> None:
        """Exact match of the DER encoding."""
        if not _is_one_of(certificate, self.expected):
            _refuse(f"the signing certificate is not the one configured for {self.name}",
                    certificate)


_MATCHES = IdentityMemo[bool]()


def _is_one_of(certificate: x509.Certificate, expected: tuple[x509.Certificate, ...]) -> bool:
    """``certificate in expected`` (DER equality), memoised by object identity
    (:mod:`gateway.crypto.memo`): comparing certificates re-encodes their DER, which
    costs more per message than the rest of the peer check."""
    return _MATCHES.get(None, (certificate, *expected), lambda: certificate in expected)
