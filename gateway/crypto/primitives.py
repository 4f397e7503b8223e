"""The cryptographic operations of eDelivery AS4 1.15 and 2.0, keyed by algorithm URI.

PROFILE.md §2 (algorithm table):

- digests SHA-256 (SHA-384/512 readable);
- signatures RSA PKCS#1 v1.5 with SHA-256 (1.15) and EdDSA Ed25519 (2.0, RFC 9231);
- key transport RSA-OAEP ``xmlenc11#rsa-oaep`` with an explicit digest and MGF (1.15);
- key agreement X25519 ephemeral-static, HKDF-SHA256, AES key wrap RFC 3394 (2.0);
- content encryption AES-GCM, ciphertext = 12-byte IV || ciphertext || 16-byte tag
  (XML Encryption 1.1 §5.2.4).

Legacy algorithms live in :mod:`gateway.crypto.decrepit`, never here.
"""

from __future__ import annotations

import os
from typing import Final

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, keywrap
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from gateway.crypto import CryptoFailure, UnsupportedAlgorithm
from gateway.namespaces import Algorithm

__all__ = [
    "GCM_IV_BYTES",
    "PrivateSigningKey",
    "PublicSigningKey",
    "aes_gcm_decrypt",
    "aes_gcm_encrypt",
    "aes_key_unwrap",
    "aes_key_wrap",
    "digest",
    "hash_for_uri",
    "hkdf",
    "random_key",
    "rsa_oaep_decrypt",
    "rsa_oaep_encrypt",
    "sign",
    "verify",
    "x25519_shared_secret",
]

GCM_IV_BYTES: Final = 12
GCM_TAG_BYTES: Final = 16

PrivateSigningKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
PublicSigningKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey

_HASHES: Final[dict[str, type[hashes.HashAlgorithm]]] = {
    Algorithm.SHA256.value: hashes.SHA256,
    Algorithm.SHA384.value: hashes.SHA384,
    Algorithm.SHA512.value: hashes.SHA512,
    Algorithm.MGF1_SHA256.value: hashes.SHA256,
}

_RSA_SIGNATURES: Final[dict[str, type[hashes.HashAlgorithm]]] = {
    Algorithm.RSA_SHA256.value: hashes.SHA256,
    Algorithm.RSA_SHA384.value: hashes.SHA384,
    Algorithm.RSA_SHA512.value: hashes.SHA512,
}

_GCM_KEY_BYTES: Final[dict[str, int]] = {
    Algorithm.AES128_GCM.value: 16,
    Algorithm.AES256_GCM.value: 32,
}


def hash_for_uri(uri: str) -> hashes.HashAlgorithm:
    """The SHA-2 hash named by a DigestMethod or MGF URI."""
    try:
        return _HASHES[uri]()
    except KeyError:
        raise UnsupportedAlgorithm(f"digest algorithm {uri!r} is not supported") from None


def digest(uri: str, data: bytes) -> bytes:
    """``DigestValue`` octets of ``data`` under the DigestMethod ``uri``."""
    h = hashes.Hash(hash_for_uri(uri))
    h.update(data)
    return h.finalize()


def sign(key: PrivateSigningKey, uri: str, data: bytes) -> bytes:
    """Sign ``data`` (canonical SignedInfo) with the SignatureMethod ``uri``."""
    if uri == Algorithm.EDDSA_ED25519.value:
        if not isinstance(key, ed25519.Ed25519PrivateKey):
            raise UnsupportedAlgorithm("eddsa-ed25519 needs an Ed25519 key")
        return key.sign(data)
    if uri in _RSA_SIGNATURES:
        if not isinstance(key, rsa.RSAPrivateKey):
            raise UnsupportedAlgorithm(f"{uri} needs an RSA key")
        return key.sign(data, padding.PKCS1v15(), _RSA_SIGNATURES[uri]())
    raise UnsupportedAlgorithm(f"signature algorithm {uri!r} is not supported")


def verify(key: object, uri: str, signature: bytes, data: bytes) -> None:
    """Check ``signature`` over ``data``; raise :class:`CryptoFailure` when it does not hold."""
    try:
        if uri == Algorithm.EDDSA_ED25519.value:
            if not isinstance(key, ed25519.Ed25519PublicKey):
                raise UnsupportedAlgorithm("eddsa-ed25519 needs an Ed25519 certificate")
            key.verify(signature, data)
            return
        if uri in _RSA_SIGNATURES:
            if not isinstance(key, rsa.RSAPublicKey):
                raise UnsupportedAlgorithm(f"{uri} needs an RSA certificate")
            key.verify(signature, data, padding.PKCS1v15(), _RSA_SIGNATURES[uri]())
            return
    except InvalidSignature as exc:
        raise CryptoFailure("the SignatureValue does not verify") from exc
    raise UnsupportedAlgorithm(f"signature algorithm {uri!r} is not supported")


def random_key(uri: str) -> bytes:
    """A fresh content-encryption key for the EncryptionMethod ``uri``."""
    try:
        return os.urandom(_GCM_KEY_BYTES[uri])
    except KeyError:
        raise UnsupportedAlgorithm(f"content encryption {uri!r} is not supported") from None


def aes_gcm_encrypt(key: bytes, plaintext: bytes) -> bytes:
    """IV || ciphertext || tag, with a random 96-bit IV (XML Encryption 1.1 §5.2.4)."""
    iv = os.urandom(GCM_IV_BYTES)
    return iv + AESGCM(key).encrypt(iv, plaintext, None)


def aes_gcm_decrypt(key: bytes, data: bytes) -> bytes:
    """Open ``IV || ciphertext || tag``; raise :class:`CryptoFailure` on a bad tag."""
    if len(data) < GCM_IV_BYTES + GCM_TAG_BYTES:
        raise CryptoFailure("AES-GCM ciphertext is shorter than IV and tag")
    if len(key) not in (16, 24, 32):
        raise CryptoFailure(f"AES-GCM key of {len(key)} bytes")
    try:
        # a memoryview, not a slice: no copy of a large attachment before decrypting it
        return AESGCM(key).decrypt(data[:GCM_IV_BYTES], memoryview(data)[GCM_IV_BYTES:], None)
    except InvalidTag as exc:
        raise CryptoFailure("AES-GCM authentication tag does not match") from exc


def rsa_oaep_encrypt(
    key: rsa.RSAPublicKey, plaintext: bytes, *, digest_uri: str, mgf_uri: str
) -> bytes:
    """RSA-OAEP (``xmlenc11#rsa-oaep``) with the named digest and MGF1 hash."""
    return key.encrypt(
        plaintext,
        padding.OAEP(
            mgf=padding.MGF1(hash_for_uri(mgf_uri)), algorithm=hash_for_uri(digest_uri), label=None
        ),
    )


def rsa_oaep_decrypt(
    key: rsa.RSAPrivateKey, ciphertext: bytes, *, digest_uri: str, mgf_uri: str
) -> bytes:
    """Inverse of :func:`rsa_oaep_encrypt`; raise :class:`CryptoFailure` on bad padding."""
    try:
        return key.decrypt(
            ciphertext,
            padding.OAEP(
                mgf=padding.MGF1(hash_for_uri(mgf_uri)),
                algorithm=hash_for_uri(digest_uri),
                label=None,
            ),
        )
    except ValueError as exc:
        raise CryptoFailure("RSA-OAEP decryption failed") from exc


def x25519_shared_secret(
    private_key: x25519.X25519PrivateKey, public_key: x25519.X25519PublicKey
) -> bytes:
    """The X25519 shared secret (RFC 7748 §6.1); refuses the all-zero output."""
    try:
        secret = private_key.exchange(public_key)
    except ValueError as exc:
        raise CryptoFailure("X25519 key agreement produced no shared secret") from exc
    if not any(secret):
        raise CryptoFailure("X25519 shared secret is all zero (small-order public key)")
    return secret


def hkdf(prf_uri: str, secret: bytes, *, salt: bytes, info: bytes, length: int) -> bytes:
    """HKDF (RFC 5869) with the PRF named by ``prf_uri`` (only HMAC-SHA256 here)."""
    if prf_uri != Algorithm.HMAC_SHA256.value:
        raise UnsupportedAlgorithm(f"HKDF PRF {prf_uri!r} is not supported")
    if not 1 <= length <= 64:
        raise CryptoFailure(f"HKDF output length {length} is out of range")
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt or None, info=info).derive(
        secret
    )


def aes_key_wrap(kek: bytes, key: bytes) -> bytes:
    """AES key wrap (RFC 3394, ``xmlenc#kw-aes128``)."""
    return keywrap.aes_key_wrap(kek, key)


def aes_key_unwrap(kek: bytes, wrapped: bytes) -> bytes:
    """Inverse of :func:`aes_key_wrap`; raise :class:`CryptoFailure` on an integrity failure."""
    try:
        return keywrap.aes_key_unwrap(kek, wrapped)
    except (keywrap.InvalidUnwrap, ValueError) as exc:
        raise CryptoFailure("AES key unwrap failed its integrity check") from exc
