"""Read-only summary of a message's ``wsse:Security`` header, for operators.

Lists what the peer claims (algorithms, references, tokens, encrypted parts)
without verifying anything; verification is :mod:`gateway.ebms.security`'s job.
Bytes in, frozen values out. Names follow WSS 1.1.1, XML-DSig and XML-Enc.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, x25519
from lxml import etree

from gateway.crypto import CryptoFailure
from gateway.crypto.certs import decode_pkipath
from gateway.errors import XmlRejected
from gateway.namespaces import NS, WssURI
from gateway.xml import parse_xml

__all__ = [
    "EncryptedDataInfo",
    "EncryptedKeyInfo",
    "SecuritySummary",
    "SignatureInfo",
    "TokenInfo",
    "security_summary",
]

_WSSE = NS.WSSE
_TOKEN_PROFILE = WssURI.X509V3.split("#", 1)[0] + "#"  # X.509 token profile ValueType prefix


def _q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


def _alg(el: etree._Element | None) -> str | None:
    return el.get("Algorithm") if el is not None else None


def _id(el: etree._Element) -> str | None:
    return el.get(_q(NS.WSU, "Id")) or el.get("Id") or el.get("id")


@dataclass(frozen=True, slots=True)
class ReferenceInfo:
    """One ``ds:Reference`` as claimed."""

    uri: str
    transforms: tuple[str, ...]
    digest_method: str | None


@dataclass(frozen=True, slots=True)
class SignatureInfo:
    """One ``ds:Signature``."""

    id: str | None
    canonicalization: str | None
    signature_method: str | None
    references: tuple[ReferenceInfo, ...]
    key_reference: str
    """How the signer is referenced: ``BST #id``, ``SKI``, ``IssuerSerial``, ``KeyValue``..."""


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A ``wsse:BinarySecurityToken`` (certificate details when it parses)."""

    id: str | None
    value_type: str
    subject: str | None = None
    issuer: str | None = None
    serial: str | None = None
    not_before: datetime | None = None
    not_after: datetime | None = None
    key: str | None = None
    problem: str | None = None
    chain: str | None = None


@dataclass(frozen=True, slots=True)
class EncryptedKeyInfo:
    """An ``xenc:EncryptedKey`` (key transport, or key agreement for AS4 2.0)."""

    id: str | None
    method: str | None
    digest_method: str | None
    mgf: str | None
    agreement_method: str | None
    key_derivation: str | None
    recipient_reference: str
    data_references: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EncryptedDataInfo:
    """An ``xenc:EncryptedData`` for an attachment (``CipherReference cid:``)."""

    id: str | None
    method: str | None
    type: str | None
    mime_type: str | None
    cipher_reference: str | None
    transforms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SecuritySummary:
    """Everything the ``wsse:Security`` header(s) claim."""

    present: bool
    signatures: tuple[SignatureInfo, ...] = ()
    tokens: tuple[TokenInfo, ...] = ()
    encrypted_keys: tuple[EncryptedKeyInfo, ...] = ()
    encrypted_data: tuple[EncryptedDataInfo, ...] = ()
    other: tuple[str, ...] = ()
    """Clark names of further children (e.g. ``wsu:Timestamp``)."""


def _key_reference(key_info: etree._Element | None) -> str:
    if key_info is None:
        return "none"
    parts: list[str] = []
    for str_el in key_info.iter(_q(_WSSE, "SecurityTokenReference")):
        for child in str_el:
            if not isinstance(child.tag, str):
                continue
            local = etree.QName(child).localname
            if local == "Reference":
                parts.append(f"token reference {child.get('URI')}")
            elif local == "KeyIdentifier":
                vt = (child.get("ValueType") or "").rsplit("#", 1)[-1]
                parts.append(f"KeyIdentifier {vt} {(child.text or '').strip()}")
            elif local == "X509Data":
                names = [etree.QName(c).localname for c in child if isinstance(c.tag, str)]
                parts.append("X509Data " + "/".join(names))
            else:
                parts.append(local)
    for child in key_info:
        if isinstance(child.tag, str) and child.tag != _q(_WSSE, "SecurityTokenReference"):
            parts.append(etree.QName(child).localname)
    return "; ".join(parts) or "empty KeyInfo"


def _signature(sig: etree._Element) -> SignatureInfo:
    si = sig.find(_q(NS.DS, "SignedInfo"))
    refs: list[ReferenceInfo] = []
    if si is not None:
        for ref in si.findall(_q(NS.DS, "Reference")):
            transforms = tuple(t.get("Algorithm") or "?" for t in ref.iter(_q(NS.DS, "Transform")))
            refs.append(ReferenceInfo(ref.get("URI", ""), transforms,
                                      _alg(ref.find(_q(NS.DS, "DigestMethod")))))
    return SignatureInfo(
        id=_id(sig),
        canonicalization=_alg(si.find(_q(NS.DS, "CanonicalizationMethod"))) if si is not None
        else None,
        signature_method=_alg(si.find(_q(NS.DS, "SignatureMethod"))) if si is not None else None,
        references=tuple(refs),
        key_reference=_key_reference(sig.find(_q(NS.DS, "KeyInfo"))),
    )


def _key_name(key: object) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA-{key.key_size}"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, x25519.X25519PublicKey):
        return "X25519"
    return type(key).__name__


def _token(bst: etree._Element) -> TokenInfo:
    value_type = (bst.get("ValueType") or "").replace(_TOKEN_PROFILE, "#")
    try:
        der = base64.b64decode("".join((bst.text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        return TokenInfo(_id(bst), value_type, problem="content is not base64")
    if not der:
        return TokenInfo(_id(bst), value_type, problem="empty token")
    chain_note = None
    try:
        if value_type.endswith("PKIPathv1"):
            chain = decode_pkipath(der)
            cert, chain_note = chain[-1], f"PKIPath of {len(chain)}, leaf shown"
        else:
            cert = x509.load_der_x509_certificate(der)
    except (ValueError, CryptoFailure):
        try:
            decode_pkipath(der)
            kind = "a PKIPath chain, not the one certificate its ValueType says"
        except (ValueError, CryptoFailure):
            kind = "not an X.509 certificate or PKIPath"
        return TokenInfo(_id(bst), value_type, problem=f"content is {kind}")
    try:
        key = _key_name(cert.public_key())
    except (ValueError, TypeError):  # unsupported key type
        key = "unsupported key"
    return TokenInfo(
        id=_id(bst), value_type=value_type, subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(), serial=f"{cert.serial_number:x}",
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc, key=key,
        problem=None, chain=chain_note,
    )


def _encrypted_key(ek: etree._Element) -> EncryptedKeyInfo:
    method = ek.find(_q(NS.XENC, "EncryptionMethod"))
    agreement = next(ek.iter(_q(NS.XENC, "AgreementMethod")), None)
    derivation = next(ek.iter(_q(NS.XENC11, "KeyDerivationMethod")), None)
    data_refs = tuple(r.get("URI", "") for r in ek.iter(_q(NS.XENC, "DataReference")))
    return EncryptedKeyInfo(
        id=_id(ek),
        method=_alg(method),
        digest_method=_alg(method.find(_q(NS.DS, "DigestMethod"))) if method is not None
        else None,
        mgf=_alg(method.find(_q(NS.XENC11, "MGF"))) if method is not None else None,
        agreement_method=_alg(agreement),
        key_derivation=_alg(derivation),
        recipient_reference=_key_reference(ek.find(_q(NS.DS, "KeyInfo"))),
        data_references=data_refs,
    )


def _encrypted_data(ed: etree._Element) -> EncryptedDataInfo:
    cref = next(ed.iter(_q(NS.XENC, "CipherReference")), None)
    transforms = tuple(t.get("Algorithm") or "?" for t in ed.iter(_q(NS.DS, "Transform")))
    return EncryptedDataInfo(
        id=_id(ed), method=_alg(ed.find(_q(NS.XENC, "EncryptionMethod"))), type=ed.get("Type"),
        mime_type=ed.get("MimeType"), cipher_reference=cref.get("URI") if cref is not None
        else None, transforms=transforms,
    )


def security_summary(envelope: bytes) -> SecuritySummary:
    """Summarise every ``wsse:Security`` header block of ``envelope``."""
    try:
        root = parse_xml(envelope, what="SOAP envelope")
    except XmlRejected:
        return SecuritySummary(present=False)
    headers = [c for c in root if isinstance(c.tag, str) and etree.QName(c).localname == "Header"]
    blocks = [b for h in headers for b in h if b.tag == _q(_WSSE, "Security")]
    if not blocks:
        return SecuritySummary(present=False)
    sigs, tokens, keys, data, other = [], [], [], [], []
    for block in blocks:
        for child in block:
            if not isinstance(child.tag, str):
                continue
            if child.tag == _q(NS.DS, "Signature"):
                sigs.append(_signature(child))
            elif child.tag == _q(_WSSE, "BinarySecurityToken"):
                tokens.append(_token(child))
            elif child.tag == _q(NS.XENC, "EncryptedKey"):
                keys.append(_encrypted_key(child))
            elif child.tag == _q(NS.XENC, "EncryptedData"):
                data.append(_encrypted_data(child))
            else:
                other.append(str(child.tag))
    return SecuritySummary(True, tuple(sigs), tuple(tokens), tuple(keys), tuple(data),
                           tuple(other))
