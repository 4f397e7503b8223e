"""Security profiles and their algorithm allow-lists (PROFILE.md §2).

A message whose SignatureMethod, DigestMethod, canonicalization, key transport,
key agreement, key derivation, key wrap or content encryption is not on the
profile's allow-list is refused with EBMS:0103 PolicyNoncompliance before any
cryptography runs. Legacy algorithms (SHA-1, RSA-SHA1, rsa-oaep-mgf1p, RSA-1_5,
AES-CBC) are reachable only through :func:`unsafe_legacy_policy`, meant for tests
that read old samples.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from gateway.crypto import decrepit
from gateway.errors import EbmsError, EbmsErrorCode
from gateway.namespaces import Algorithm

__all__ = ["AlgorithmPolicy", "SecurityProfile", "fail", "policy_for", "unsafe_legacy_policy"]


class SecurityProfile(enum.Enum):
    """The WS-Security suite a PMode leg uses."""

    EDELIVERY_AS4_1_15 = "eDelivery-AS4-1.15"
    """RSA-SHA256, RSA-OAEP (SHA-256, MGF1-SHA256), AES-128-GCM."""
    EDELIVERY_AS4_2_0 = "eDelivery-AS4-2.0"
    """Ed25519, X25519 + HKDF-SHA256 + AES-128 key wrap, AES-128-GCM."""


def fail(code: EbmsErrorCode, message: str, *, detail: str | None = None) -> EbmsError:
    """A security-origin ebMS error (``eb:Error/@origin="security"``)."""
    return EbmsError(message, ebms_code=code, detail=detail, security=True)


@dataclass(frozen=True, slots=True)
class AlgorithmPolicy:
    """The algorithm URIs accepted when *reading* a message, and those used when writing."""

    signature: frozenset[str]
    digest: frozenset[str]
    c14n: frozenset[str] = field(default=frozenset({Algorithm.EXC_C14N.value}))
    key_transport: frozenset[str] = frozenset()
    oaep_digest: frozenset[str] = frozenset({Algorithm.SHA256.value})
    oaep_mgf: frozenset[str] = frozenset({Algorithm.MGF1_SHA256.value})
    key_agreement: frozenset[str] = frozenset()
    key_derivation: frozenset[str] = frozenset()
    key_wrap: frozenset[str] = frozenset()
    content_encryption: frozenset[str] = frozenset({Algorithm.AES128_GCM.value})
    send_signature: str = Algorithm.RSA_SHA256.value
    send_digest: str = Algorithm.SHA256.value
    legacy: bool = False
    """True only for :func:`unsafe_legacy_policy` results."""

    def require(self, kind: str, allowed: frozenset[str], uri: str | None) -> str:
        """Return ``uri`` when allowed; otherwise raise EBMS:0103 (a downgrade)."""
        if uri is None or uri not in allowed:
            raise fail(
                EbmsErrorCode.POLICY_NONCOMPLIANCE,
                f"{kind} algorithm {uri!r} is not allowed by the security policy",
                detail=f"allowed: {sorted(allowed)}",
            )
        return uri


_AS4_1_15 = AlgorithmPolicy(
    signature=frozenset({Algorithm.RSA_SHA256.value}),
    digest=frozenset({Algorithm.SHA256.value}),
    key_transport=frozenset({Algorithm.RSA_OAEP_XENC11.value}),
)

_AS4_2_0 = AlgorithmPolicy(
    signature=frozenset({Algorithm.EDDSA_ED25519.value}),
    digest=frozenset({Algorithm.SHA256.value}),
    key_agreement=frozenset({Algorithm.X25519.value}),
    key_derivation=frozenset({Algorithm.HKDF.value}),
    key_wrap=frozenset({Algorithm.KW_AES128.value}),
    send_signature=Algorithm.EDDSA_ED25519.value,
)


def policy_for(profile: SecurityProfile) -> AlgorithmPolicy:
    """The strict allow-list of ``profile`` (eDelivery AS4 1.15 §3 / 2.0 common profile)."""
    return _AS4_1_15 if profile is SecurityProfile.EDELIVERY_AS4_1_15 else _AS4_2_0


def unsafe_legacy_policy(
    profile: SecurityProfile, *, extra_signature: frozenset[str] = frozenset()
) -> AlgorithmPolicy:
    """``profile``'s allow-list widened by the legacy algorithms of :mod:`decrepit`.

    ``extra_signature`` adds further signature URIs (e.g. RSA-SHA384 used by the
    AS4.NET samples). Only for tests reading old samples; never in production.
    """
    base = policy_for(profile)
    return replace(
        base,
        signature=base.signature | decrepit.LEGACY_SIGNATURES | extra_signature,
        digest=base.digest | decrepit.LEGACY_DIGESTS,
        key_transport=base.key_transport | decrepit.LEGACY_KEY_TRANSPORT,
        oaep_digest=base.oaep_digest | decrepit.LEGACY_DIGESTS,
        oaep_mgf=base.oaep_mgf | {Algorithm.MGF1_SHA1.value},
        content_encryption=base.content_encryption | decrepit.LEGACY_CONTENT_ENCRYPTION,
        legacy=True,
    )
