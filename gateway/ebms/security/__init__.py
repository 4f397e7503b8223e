"""WS-Security for eDelivery AS4 1.15 (RSA) and 2.0 (Ed25519 / X25519).

``secure_message`` / ``open_message`` for user messages with MIME attachments,
``sign_signal`` / ``verify_signal`` for receipts and errors; trust policies and
identities in :mod:`._trust`; algorithm allow-lists per :class:`SecurityProfile`.
See :mod:`gateway.ebms.security._api` for the error codes and why signxml is not used.
"""

from gateway.ebms.security._api import (
    VerifiedMessage,
    VerifiedSignal,
    open_message,
    secure_message,
    sign_signal,
    verify_signal,
)
from gateway.ebms.security._dsig import SignedReference
from gateway.ebms.security._profiles import (
    AlgorithmPolicy,
    SecurityProfile,
    policy_for,
    unsafe_legacy_policy,
)
from gateway.ebms.security._trust import (
    AllOf,
    AnchoredChain,
    DecryptionIdentity,
    ExpectedPeer,
    KeyPurpose,
    KeyUsageCheck,
    PeerCertificateMatcher,
    RevocationCheck,
    SigningIdentity,
    TrustPolicy,
    standard_trust,
)

__all__ = [
    "AlgorithmPolicy",
    "AllOf",
    "AnchoredChain",
    "DecryptionIdentity",
    "ExpectedPeer",
    "KeyPurpose",
    "KeyUsageCheck",
    "PeerCertificateMatcher",
    "RevocationCheck",
    "SecurityProfile",
    "SignedReference",
    "SigningIdentity",
    "TrustPolicy",
    "VerifiedMessage",
    "VerifiedSignal",
    "open_message",
    "policy_for",
    "secure_message",
    "sign_signal",
    "standard_trust",
    "unsafe_legacy_policy",
    "verify_signal",
]
