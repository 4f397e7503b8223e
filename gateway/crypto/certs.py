"""Certificates: loading, WS-Security token decoding and key-identifier matching.

- X.509 Token Profile 1.1.1 §3.1: ``#X509v3`` (one DER certificate) and
  ``#X509PKIPathv1`` (DER ``SEQUENCE OF Certificate``, issuer first, leaf last).
- §3.2: references by Subject Key Identifier (the extension value, or, absent the
  extension, RFC 5280 §4.2.1.2 method 1 over the subjectPublicKey) and by issuer
  distinguished name + serial number.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from gateway.crypto import CryptoFailure
from gateway.crypto.memo import IdentityMemo

__all__ = [
    "certificate_from_der",
    "decode_pkipath",
    "load_certificate",
    "load_pem_or_der_certificate",
    "load_pkcs12",
    "matches_issuer_serial",
    "subject_key_identifier",
]


@functools.lru_cache(maxsize=512)
def _parse_der(data: bytes) -> x509.Certificate:
    return x509.load_der_x509_certificate(data)


def certificate_from_der(data: bytes) -> x509.Certificate:
    """One DER certificate; raise :class:`CryptoFailure` when it does not parse.

    Parsed certificates are immutable and memoised by their DER bytes (peers send the
    same few certificates in every message).
    """
    try:
        return _parse_der(data)
    except ValueError as exc:
        raise CryptoFailure(f"not a DER X.509 certificate: {exc}") from exc


def load_pem_or_der_certificate(data: bytes) -> x509.Certificate:
    """One certificate, PEM (its first block) or DER; like the ``cryptography`` loaders it
    raises ``ValueError`` when the bytes do not parse (callers wrap it in their own error)."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def load_certificate(path: Path) -> x509.Certificate:
    """A certificate file, PEM or DER."""
    data = path.read_bytes()
    try:
        return load_pem_or_der_certificate(data)
    except ValueError as exc:
        raise CryptoFailure(f"{path} is not an X.509 certificate: {exc}") from exc


def load_pkcs12(data: bytes, password: bytes | None) -> pkcs12.PKCS12KeyAndCertificates:
    """A PKCS#12 (``.pfx``/``.p12``) key store."""
    try:
        return pkcs12.load_pkcs12(data, password)
    except ValueError as exc:
        raise CryptoFailure(f"cannot open PKCS#12 store: {exc}") from exc


def _der_length(data: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(data):
        raise CryptoFailure("truncated DER length")
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    count = first & 0x7F
    if count == 0 or count > 4 or pos + 1 + count > len(data):
        raise CryptoFailure("unsupported DER length")
    return int.from_bytes(data[pos + 1 : pos + 1 + count], "big"), pos + 1 + count


def decode_pkipath(data: bytes, *, max_certificates: int = 10) -> tuple[x509.Certificate, ...]:
    """``#X509PKIPathv1`` token content: certificates issuer-first, leaf last."""
    if not data or data[0] != 0x30:
        raise CryptoFailure("PKIPath is not a DER SEQUENCE")
    length, pos = _der_length(data, 1)
    end = pos + length
    if end != len(data):
        raise CryptoFailure("PKIPath has trailing or missing bytes")
    certs: list[x509.Certificate] = []
    while pos < end:
        if data[pos] != 0x30:
            raise CryptoFailure("PKIPath element is not a certificate SEQUENCE")
        inner, body = _der_length(data, pos + 1)
        if body + inner > end:
            raise CryptoFailure("PKIPath element overruns the sequence")
        certs.append(certificate_from_der(data[pos : body + inner]))
        if len(certs) > max_certificates:
            raise CryptoFailure("PKIPath holds too many certificates")
        pos = body + inner
    if not certs:
        raise CryptoFailure("PKIPath is empty")
    return tuple(certs)


_SKI = IdentityMemo[bytes]()


def subject_key_identifier(certificate: x509.Certificate) -> bytes:
    """The SKI the X.509 Token Profile matches ``#X509SubjectKeyIdentifier`` against
    (memoised by object identity, :mod:`gateway.crypto.memo`: our own and the PMode's
    certificates are asked every message)."""
    return _SKI.get(None, (certificate,), lambda: _read_ski(certificate))


def _read_ski(certificate: x509.Certificate) -> bytes:
    try:
        ext = certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        return ext.value.digest
    except x509.ExtensionNotFound:
        return x509.SubjectKeyIdentifier.from_public_key(certificate.public_key()).digest


def matches_issuer_serial(certificate: x509.Certificate, issuer: str, serial: int) -> bool:
    """True when ``certificate`` has this serial and an issuer DN equal to ``issuer``.

    DNs are compared after normalising RFC 4514 strings (case of attribute types,
    spaces after commas), which covers the forms WSS4J and .NET emit.
    """
    if certificate.serial_number != serial:
        return False
    return _norm_dn(certificate.issuer.rfc4514_string()) == _norm_dn(issuer)


def _norm_dn(dn: str) -> tuple[tuple[str, str], ...]:
    parts: list[tuple[str, str]] = []
    for rdn in _split_unescaped(dn, ","):
        key, _, value = rdn.partition("=")
        key = key.strip().upper()
        key = {"E": "EMAILADDRESS", "S": "ST", "1.2.840.113549.1.9.1": "EMAILADDRESS"}.get(key, key)
        parts.append((key, value.strip()))
    return tuple(sorted(parts))


def _split_unescaped(text: str, sep: str) -> Sequence[str]:
    out: list[str] = []
    cur: list[str] = []
    escaped = False
    for ch in text:
        if escaped:
            cur.append(ch)
            escaped = False
        elif ch == "\\":
            cur.append(ch)
            escaped = True
        elif ch == sep:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [p for p in out if p.strip()]
