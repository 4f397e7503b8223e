"""WS-Security X.509 tokens: writing BinarySecurityTokens, resolving token references.

Written (as header text, :mod:`._header`): ``wsse:BinarySecurityToken`` with ValueType
``#X509v3`` (or ``#X509PKIPathv1`` when the identity has intermediates) referenced by
``wsse:Reference`` (X.509 Token Profile 1.1.1 §3.2.1, the layout of Domibus'
``eDeliveryAS4Policy_BST``).

Read (``resolve_key_info``): a direct reference to a BST (X509v3 or X509PKIPathv1),
``wsse:KeyIdentifier`` of type ``#X509SubjectKeyIdentifier``, ``ds:X509Data`` with
``ds:X509IssuerSerial`` (inside or outside an STR) and ``ds:X509Data/ds:X509Certificate``.
SKI and IssuerSerial are resolved only against certificates we already know (the
PMode peer's, or tokens in the same header): they name a key, they do not carry one.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

from gateway.crypto import CryptoFailure
from gateway.crypto.certs import (
    certificate_from_der,
    decode_pkipath,
    matches_issuer_serial,
    subject_key_identifier,
)
from gateway.ebms.security._dom import (
    b64decode,
    b64encode,
    children,
    first_child,
    first_children,
    new_id,
    qname,
)
from gateway.ebms.security._header import element
from gateway.ebms.security._profiles import fail
from gateway.errors import EbmsErrorCode
from gateway.namespaces import NS, WssURI

__all__ = [
    "ResolvedToken",
    "bst_element",
    "bst_reference",
    "resolve_key_info",
    "ski_reference",
    "tokens_in",
]


@dataclass(frozen=True, slots=True)
class ResolvedToken:
    """The certificate a KeyInfo names, with any intermediates the message carried."""

    certificate: x509.Certificate
    intermediates: tuple[x509.Certificate, ...] = ()
    how: str = "BST"
    """Which reference form was used (BST, PKIPath, SKI, IssuerSerial, X509Data)."""


@functools.lru_cache(maxsize=64)
def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


@functools.lru_cache(maxsize=64)
def _der_b64(cert: x509.Certificate) -> str:
    return b64encode(_der(cert))


def _pkipath(certs: Sequence[x509.Certificate]) -> bytes:
    body = b"".join(_der(c) for c in certs)
    n = len(body)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return b"\x30" + length + body


def bst_element(
    certificate: x509.Certificate, chain: Sequence[x509.Certificate] = ()
) -> tuple[str, str, str]:
    """A BST for ``certificate`` (+ chain as PKIPath), as header text (see :mod:`._header`).

    Returns (token id, ValueType, the ``wsse:BinarySecurityToken`` element).
    """
    token_id = new_id("X509")
    if chain:
        value_type = WssURI.X509_PKIPATH_V1
        value = b64encode(_pkipath([*reversed(chain), certificate]))
    else:
        value_type = WssURI.X509V3
        value = _der_b64(certificate)
    xml = element("wsse:BinarySecurityToken", (
        ("EncodingType", WssURI.BASE64_BINARY), ("ValueType", value_type), ("wsu:Id", token_id),
    ), value)
    return token_id, value_type, xml


def bst_reference(token_id: str, value_type: str) -> str:
    """``wsse:SecurityTokenReference/wsse:Reference`` to the BST ``token_id``, as text."""
    ref = element("wsse:Reference", (("URI", f"#{token_id}"), ("ValueType", value_type)))
    return element("wsse:SecurityTokenReference", (("wsu:Id", new_id("STR")),), ref)


def ski_reference(certificate: x509.Certificate) -> str:
    """``wsse:SecurityTokenReference/wsse:KeyIdentifier`` (``#X509SubjectKeyIdentifier``)
    naming ``certificate``, as text - how Domibus' default eDeliveryAS4Policy names the
    recipient."""
    key_id = element("wsse:KeyIdentifier", (
        ("EncodingType", WssURI.BASE64_BINARY), ("ValueType", WssURI.X509_SKI),
    ), b64encode(subject_key_identifier(certificate)))
    return element("wsse:SecurityTokenReference", (), key_id)


def _read_bst(bst: etree._Element) -> ResolvedToken:
    encoding = bst.get("EncodingType")
    if encoding not in (None, WssURI.BASE64_BINARY):
        raise fail(EbmsErrorCode.FAILED_AUTHENTICATION, f"BST EncodingType {encoding!r}")
    return _decode_bst(bst.get("ValueType"), bst.text or "")


@functools.lru_cache(maxsize=256)
def _decode_bst(value_type: str | None, text: str) -> ResolvedToken:
    """Token content -> certificates (memoised: peers send the same tokens every time;
    only successful decodings are cached, failures raise)."""
    data = b64decode(text, "BinarySecurityToken")
    try:
        if value_type == WssURI.X509V3:
            return ResolvedToken(certificate_from_der(data), how="BST")
        if value_type == WssURI.X509_PKIPATH_V1:
            certs = decode_pkipath(data)
            return ResolvedToken(certs[-1], tuple(certs[:-1]), how="PKIPath")
    except CryptoFailure as exc:
        raise fail(EbmsErrorCode.FAILED_AUTHENTICATION,
                   f"BinarySecurityToken content does not match ValueType: {exc.message}") from exc
    raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"BST ValueType {value_type!r} not supported")


def tokens_in(security: etree._Element) -> list[ResolvedToken]:
    """Every X.509 BST of the security header (undecodable ones skipped)."""
    found: list[ResolvedToken] = []
    for bst in children(security, NS.WSSE, "BinarySecurityToken"):
        try:
            found.append(_read_bst(bst))
        except Exception:  # noqa: S112 - a broken unrelated token is not our signer
            continue
    return found


def _issuer_serial(x509data: etree._Element, known: Sequence[x509.Certificate]) -> ResolvedToken:
    cert_el = first_child(x509data, NS.DS, "X509Certificate")
    if cert_el is not None:
        der = b64decode(cert_el.text, "X509Certificate")
        try:
            return ResolvedToken(certificate_from_der(der), how="X509Data")
        except CryptoFailure as exc:
            raise fail(EbmsErrorCode.FAILED_AUTHENTICATION, exc.message) from exc
    serial_el = first_child(x509data, NS.DS, "X509IssuerSerial")
    if serial_el is None:
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, "unsupported ds:X509Data content")
    name_el = first_child(serial_el, NS.DS, "X509IssuerName")
    number_el = first_child(serial_el, NS.DS, "X509SerialNumber")
    name = (name_el.text or "") if name_el is not None else ""
    number = (number_el.text or "") if number_el is not None else ""
    try:
        serial = int(number.strip())
    except ValueError as exc:
        raise fail(EbmsErrorCode.FAILED_AUTHENTICATION, "X509SerialNumber is not a number") from exc
    for cert in known:
        if matches_issuer_serial(cert, name.strip(), serial):
            return ResolvedToken(cert, how="IssuerSerial")
    raise fail(EbmsErrorCode.FAILED_AUTHENTICATION, "no known certificate has this IssuerSerial",
               detail=f"issuer={name.strip()} serial={serial}")


def resolve_key_info(
    key_info: etree._Element | None,
    ids: Mapping[str, etree._Element],
    known: Sequence[x509.Certificate],
    security: etree._Element | None = None,
) -> ResolvedToken:
    """The certificate named by a ``ds:KeyInfo`` (or ``xenc:RecipientKeyInfo``).

    SKI / IssuerSerial references are matched against ``known`` and, when
    ``security`` is given, the header's own BinarySecurityTokens.
    """
    if key_info is None:
        raise fail(EbmsErrorCode.FAILED_AUTHENTICATION, "the signature has no ds:KeyInfo")
    kids = first_children(key_info)
    x509data = kids.get(_DS_X509DATA)
    str_el = kids.get(_WSSE_STR)
    str_kids = first_children(str_el) if str_el is not None else {}
    ref = str_kids.get(_WSSE_REFERENCE)
    if security is not None and ref is None:  # names a key: may be one of the header's BSTs
        known = [*known, *(t.certificate for t in tokens_in(security))]
    if x509data is not None:
        return _issuer_serial(x509data, known)
    if str_el is None:
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, "KeyInfo holds no SecurityTokenReference")
    if ref is not None:
        uri = ref.get("URI") or ""
        target = ids.get(uri[1:]) if uri.startswith("#") else None
        if target is None or target.tag != _WSSE_BST:
            raise fail(EbmsErrorCode.FAILED_AUTHENTICATION,
                       f"token reference {uri!r} does not name a BinarySecurityToken")
        return _read_bst(target)
    key_id = str_kids.get(_WSSE_KEY_IDENTIFIER)
    if key_id is not None:
        if key_id.get("ValueType") != WssURI.X509_SKI:
            raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE,
                       f"KeyIdentifier ValueType {key_id.get('ValueType')!r} not supported")
        ski = b64decode(key_id.text, "KeyIdentifier")
        for cert in known:
            if subject_key_identifier(cert) == ski:
                return ResolvedToken(cert, how="SKI")
        raise fail(EbmsErrorCode.FAILED_AUTHENTICATION,
                   "no known certificate has this Subject Key Identifier")
    x509data = str_kids.get(_DS_X509DATA)
    if x509data is not None:
        return _issuer_serial(x509data, known)
    raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, "unsupported SecurityTokenReference form")


_DS_X509DATA = qname(NS.DS, "X509Data")
_WSSE_STR = qname(NS.WSSE, "SecurityTokenReference")
_WSSE_REFERENCE = qname(NS.WSSE, "Reference")
_WSSE_KEY_IDENTIFIER = qname(NS.WSSE, "KeyIdentifier")
_WSSE_BST = qname(NS.WSSE, "BinarySecurityToken")

