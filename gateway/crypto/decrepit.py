"""Legacy algorithms, reachable only through an explicit ``unsafe_`` algorithm policy.

Found in old samples of the kit (PROFILE.md §2 "Legacy algorithms you will meet"):
SHA-1 digests and RSA-SHA1 signatures, ``xmlenc#rsa-oaep-mgf1p`` (OAEP with SHA-1 and
MGF1-SHA1), RSA PKCS#1 v1.5 key transport (``xmlenc#rsa-1_5``, Bleichenbacher-prone)
and AES-CBC content encryption (unauthenticated). None of them is ever *sent*; the
eDelivery AS4 1.15 / 2.0 allow-lists refuse them with EBMS:0103 unless a test passes a
legacy-accepting policy.
"""

from __future__ import annotations

from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from gateway.crypto import CryptoFailure, UnsupportedAlgorithm
from gateway.namespaces import Algorithm

__all__ = [
    "LEGACY_CONTENT_ENCRYPTION",
    "LEGACY_DIGESTS",
    "LEGACY_KEY_TRANSPORT",
    "LEGACY_SIGNATURES",
    "aes_cbc_decrypt",
    "legacy_digest",
    "legacy_verify",
    "rsa_oaep_sha1_decrypt",
    "rsa_v15_decrypt",
]

LEGACY_DIGESTS: Final = frozenset({Algorithm.SHA1.value})
LEGACY_SIGNATURES: Final = frozenset({Algorithm.RSA_SHA1.value})
LEGACY_KEY_TRANSPORT: Final = frozenset({Algorithm.RSA_OAEP_MGF1P.value, Algorithm.RSA_1_5.value})
LEGACY_CONTENT_ENCRYPTION: Final = frozenset(
    {Algorithm.AES128_CBC.value, Algorithm.AES256_CBC.value}
)


def legacy_digest(uri: str, data: bytes) -> bytes:
    """SHA-1 ``DigestValue``."""
    if uri != Algorithm.SHA1.value:
        raise UnsupportedAlgorithm(f"{uri!r} is not a legacy digest")
    h = hashes.Hash(hashes.SHA1())  # noqa: S303 - legacy, policy-gated
    h.update(data)
    return h.finalize()


def legacy_verify(key: object, uri: str, signature: bytes, data: bytes) -> None:
    """RSA-SHA1 signature check."""
    if uri != Algorithm.RSA_SHA1.value or not isinstance(key, rsa.RSAPublicKey):
        raise UnsupportedAlgorithm(f"{uri!r} is not a legacy signature for this key")
    try:
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    except InvalidSignature as exc:
        raise CryptoFailure("the SignatureValue does not verify") from exc


def rsa_oaep_sha1_decrypt(key: rsa.RSAPrivateKey, ciphertext: bytes, *, digest: str) -> bytes:
    """``xmlenc#rsa-oaep-mgf1p``: OAEP with MGF1-SHA1 and the named digest (default SHA-1)."""
    algo: hashes.HashAlgorithm = hashes.SHA1()  # noqa: S303
    if digest == Algorithm.SHA256.value:
        algo = hashes.SHA256()
    try:
        return key.decrypt(
            ciphertext,
            padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=algo, label=None),  # noqa: S303
        )
    except ValueError as exc:
        raise CryptoFailure("RSA-OAEP-MGF1P decryption failed") from exc


def rsa_v15_decrypt(key: rsa.RSAPrivateKey, ciphertext: bytes) -> bytes:
    """``xmlenc#rsa-1_5`` key transport."""
    try:
        return key.decrypt(ciphertext, padding.PKCS1v15())
    except ValueError as exc:
        raise CryptoFailure("RSA PKCS#1 v1.5 decryption failed") from exc


def aes_cbc_decrypt(key: bytes, data: bytes) -> bytes:
    """XML-Enc AES-CBC: IV || ciphertext; the last octet gives the padding length."""
    if len(data) < 32 or len(data) % 16:
        raise CryptoFailure("AES-CBC ciphertext has a bad length")
    try:
        dec = Cipher(algorithms.AES(key), modes.CBC(data[:16])).decryptor()
        plain = dec.update(data[16:]) + dec.finalize()
    except ValueError as exc:
        raise CryptoFailure(f"AES-CBC decryption failed: {exc}") from exc
    pad = plain[-1]
    if not 1 <= pad <= 16:
        raise CryptoFailure("AES-CBC padding is invalid")
    return plain[:-pad]
