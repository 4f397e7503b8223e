"""Thin wrappers over ``cryptography`` and lxml C14N for the gateway's protocols.

- :mod:`gateway.crypto.primitives`: the algorithms eDelivery AS4 1.15 and 2.0 use
  (SHA-2 digests, RSA PKCS#1 v1.5 / Ed25519 signatures, RSA-OAEP, X25519 + HKDF +
  AES key wrap, AES-GCM), keyed by their XML-DSig/XML-Enc algorithm URIs.
- :mod:`gateway.crypto.c14n`: exclusive XML canonicalization of an element.
- :mod:`gateway.crypto.certs`: certificate loading, token decoding (PKIPath), key ids.
- :mod:`gateway.crypto.decrepit`: legacy algorithms (SHA-1, RSA-SHA1, RSA-OAEP-MGF1P,
  RSA PKCS#1 v1.5 key transport, AES-CBC) used only under an explicit ``unsafe_`` policy.

Every failure raises :class:`CryptoFailure`, which callers translate into their
protocol's code (e.g. EBMS:0101 / EBMS:0102).
"""

from __future__ import annotations

from gateway.errors import InvalidInput

__all__ = ["CryptoFailure", "UnsupportedAlgorithm"]


class CryptoFailure(InvalidInput):
    """A signature, tag, padding or key check failed, or key material is unusable."""

    default_code = "GW:CRYPTO"


class UnsupportedAlgorithm(CryptoFailure):
    """An algorithm URI that this module does not implement (or not for that key type)."""

    default_code = "GW:CRYPTO-ALGORITHM"
