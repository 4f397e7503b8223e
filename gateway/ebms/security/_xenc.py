"""XML Encryption of MIME attachments (WSS SwA Profile 1.1 §5.4, AS4 §5.1.6-5.1.7).

Each attachment is encrypted whole: ``xenc:EncryptedData`` with
``Type=...#Attachment-Content-Only``, ``MimeType`` = the part's original type,
``xenc:CipherReference URI="cid:..."`` with the ``Attachment-Ciphertext-Transform``;
the part's octets become IV || ciphertext || tag (AES-128-GCM). One content key per
message, carried in one ``xenc:EncryptedKey`` whose ``ReferenceList`` names every
EncryptedData:

- eDelivery AS4 1.15: key transport ``xenc11#rsa-oaep`` with ``ds:DigestMethod`` SHA-256
  and ``xenc11:MGF`` MGF1-SHA256; the recipient certificate is named by its Subject Key
  Identifier (``wsse:KeyIdentifier``, as Domibus' default eDeliveryAS4Policy does). When
  reading, a BST reference, SKI or IssuerSerial is accepted, matched against our own
  decryption certificates only.
- eDelivery AS4 2.0: ``xenc:AgreementMethod`` X25519 ephemeral-static; the ephemeral
  public key in ``xenc:OriginatorKeyInfo/dsig11:DEREncodedKeyValue`` (SPKI DER), the
  recipient certificate (by SKI) in ``xenc:RecipientKeyInfo``; ``xenc11:KeyDerivationMethod``
  HKDF with ``dsig-more:HKDFParams`` (PRF HMAC-SHA256, Salt, Info, KeyLength); the KEK
  wraps the content key with ``kw-aes128`` (RFC 3394).

HKDF parameters (PROFILE.md §2, open point): when *sending* we use a random 32-byte
Salt, Info = the key-wrap algorithm URI and KeyLength 16 - in bytes, as Apache
Santuario's ``HKDFParamsImpl`` (the XML-Enc layer under WSS4J/Domibus) writes it, with
Salt and Info base64 and the originator's X25519 key as ``dsig11:DEREncodedKeyValue``
(Santuario's ``KeyValue`` covers only DSA, RSA and EC keys). When *receiving* we
honour the Salt/Info in the message and accept KeyLength 16 (bytes) or 128 (bits,
another implementer's reading): both mean the 16-byte KEK that ``kw-aes128`` needs,
which is what Santuario derives regardless of KeyLength. Not yet tested against a
Domibus 2.0 node.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa, x25519
from lxml import etree

from gateway.crypto import CryptoFailure, decrepit, primitives
from gateway.ebms.security._dom import (
    b64decode,
    b64encode,
    children,
    first_child,
    new_id,
    qname,
    shaped,
)
from gateway.ebms.security._header import algorithm_element, element
from gateway.ebms.security._profiles import AlgorithmPolicy, SecurityProfile, fail
from gateway.ebms.security._tokens import resolve_key_info, ski_reference
from gateway.ebms.security._trust import DecryptionIdentity
from gateway.errors import EbmsError, EbmsErrorCode
from gateway.namespaces import NS, Algorithm, WssURI

__all__ = ["DecryptedPart", "decrypt_attachments", "encrypt_attachments"]

_DM = NS.DSIG_MORE_2021
_XENC_METHOD = qname(NS.XENC, "EncryptionMethod")
_XENC_CIPHER_DATA = qname(NS.XENC, "CipherData")
_XENC_ENCRYPTED_DATA = qname(NS.XENC, "EncryptedData")
_DS_KEY_INFO = qname(NS.DS, "KeyInfo")
_HKDF_PRFS = frozenset({Algorithm.HMAC_SHA256.value})
_CONTENT_ONLY = Algorithm.SWA_CONTENT_ONLY.value
_CIPHERTEXT_TRANSFORMS = [Algorithm.SWA_CIPHERTEXT.value]
_X25519_SPKI_PREFIX = bytes.fromhex("302a300506032b656e032100")
"""SubjectPublicKeyInfo header of an X25519 key (RFC 8410 §4, OID 1.3.101.110)."""


class DecryptedPart(NamedTuple):
    """An attachment after decryption."""

    content_type: str
    data: bytes


def _agreement(recipient: x509.Certificate) -> tuple[str, bytes]:
    """The X25519 ``xenc:AgreementMethod`` (header text) and the derived KEK."""
    peer = recipient.public_key()
    if not isinstance(peer, x25519.X25519PublicKey):
        raise TypeError("eDelivery AS4 2.0 encryption needs an X25519 recipient certificate")
    ephemeral = x25519.X25519PrivateKey.generate()
    secret = primitives.x25519_shared_secret(ephemeral, peer)
    salt, info = os.urandom(32), Algorithm.KW_AES128.value.encode("ascii")
    kek = primitives.hkdf(Algorithm.HMAC_SHA256.value, secret, salt=salt, info=info, length=16)
    spki = _X25519_SPKI_PREFIX + ephemeral.public_key().public_bytes_raw()
    params = "".join((
        algorithm_element("dsig-more:PRF", Algorithm.HMAC_SHA256.value),
        element("dsig-more:Salt", (), b64encode(salt)),
        element("dsig-more:Info", (), b64encode(info)),
        element("dsig-more:KeyLength", (), "16"),  # bytes, as Santuario
    ))
    xml = element("xenc:AgreementMethod", (("Algorithm", Algorithm.X25519.value),), "".join((
        element("xenc11:KeyDerivationMethod", (("Algorithm", Algorithm.HKDF.value),),
                element("dsig-more:HKDFParams", (), params)),
        element("xenc:OriginatorKeyInfo", (),
                element("dsig11:DEREncodedKeyValue", (), b64encode(spki))),
        element("xenc:RecipientKeyInfo", (), ski_reference(recipient)),
    )))
    return xml, kek


def _key_transport(cek: bytes, recipient: x509.Certificate,
                   profile: SecurityProfile) -> tuple[str, str, bytes]:
    """(EncryptionMethod, KeyInfo content, wrapped key) of the EncryptedKey."""
    if profile is SecurityProfile.EDELIVERY_AS4_1_15:
        public = recipient.public_key()
        if not isinstance(public, rsa.RSAPublicKey):
            raise TypeError("eDelivery AS4 1.15 encryption needs an RSA recipient certificate")
        method = element("xenc:EncryptionMethod", (("Algorithm", Algorithm.RSA_OAEP_XENC11.value),),
                         algorithm_element("ds:DigestMethod", Algorithm.SHA256.value)
                         + algorithm_element("xenc11:MGF", Algorithm.MGF1_SHA256.value))
        wrapped = primitives.rsa_oaep_encrypt(public, cek, digest_uri=Algorithm.SHA256.value,
                                              mgf_uri=Algorithm.MGF1_SHA256.value)
        return method, ski_reference(recipient), wrapped
    agreement, kek = _agreement(recipient)
    method = algorithm_element("xenc:EncryptionMethod", Algorithm.KW_AES128.value)
    return method, agreement, primitives.aes_key_wrap(kek, cek)


def _encrypted_data(ed_id: str, ek_id: str, content_id: str, content_type: str) -> str:
    token = element("wsse:SecurityTokenReference",
                    (("wsse11:TokenType", WssURI.ENCRYPTED_KEY_TOKEN),),
                    element("wsse:Reference", (("URI", f"#{ek_id}"),)))
    transforms = element("xenc:Transforms", (), algorithm_element(
        "ds:Transform", Algorithm.SWA_CIPHERTEXT.value))
    return element("xenc:EncryptedData", (
        ("Id", ed_id), ("MimeType", content_type), ("Type", Algorithm.SWA_CONTENT_ONLY.value),
    ), "".join((
        algorithm_element("xenc:EncryptionMethod", Algorithm.AES128_GCM.value),
        element("ds:KeyInfo", (), token),
        element("xenc:CipherData", (), element(
            "xenc:CipherReference", (("URI", f"cid:{content_id}"),), transforms)),
    )))


def encrypt_attachments(
    attachments: Sequence[tuple[str, str, bytes]],
    recipient: x509.Certificate,
    profile: SecurityProfile,
) -> tuple[str, list[bytes]]:
    """Encrypt each (content id, content type, data) under one content key.

    Returns the ``xenc:EncryptedKey`` and ``xenc:EncryptedData`` elements as header
    text (:mod:`._header`; they come first in ``wsse:Security``) and the ciphertexts
    in order.
    """
    cek = primitives.random_key(Algorithm.AES128_GCM.value)
    ek_id = new_id("EK")
    method, key_info, wrapped = _key_transport(cek, recipient, profile)
    ed_ids = [new_id("ED") for _ in attachments]
    ek = element("xenc:EncryptedKey", (("Id", ek_id),), "".join((
        method,
        element("ds:KeyInfo", (), key_info),
        element("xenc:CipherData", (), element("xenc:CipherValue", (), b64encode(wrapped))),
        element("xenc:ReferenceList", (), "".join(
            element("xenc:DataReference", (("URI", f"#{ed_id}"),)) for ed_id in ed_ids)),
    )))
    data = [_encrypted_data(ed_id, ek_id, content_id, content_type)
            for ed_id, (content_id, content_type, _) in zip(ed_ids, attachments, strict=True)]
    ciphertexts = [primitives.aes_gcm_encrypt(cek, plain) for _, _, plain in attachments]
    return ek + "".join(data), ciphertexts


def _decrypt_failure(message: str) -> Exception:
    return fail(EbmsErrorCode.FAILED_DECRYPTION, message)


_XENC11_KDM = qname(NS.XENC11, "KeyDerivationMethod")
_XENC_OKI = qname(NS.XENC, "OriginatorKeyInfo")
_XENC_RKI = qname(NS.XENC, "RecipientKeyInfo")
_XENC_REFERENCE_LIST = qname(NS.XENC, "ReferenceList")
_EK_SHAPE = (_XENC_METHOD, _DS_KEY_INFO, _XENC_CIPHER_DATA, _XENC_REFERENCE_LIST)
"""xenc:EncryptedKey's children we read, in schema order (XML-Enc §3.5.1)."""
_AM_SHAPE = (_XENC11_KDM, _XENC_OKI, _XENC_RKI)
"""xenc:AgreementMethod's children we read (XML-Enc 1.1 §5.6), in schema order."""
_HKDF_SHAPE = tuple(qname(_DM, local) for local in ("PRF", "Salt", "Info", "KeyLength"))
"""dsig-more:HKDFParams (the 2021 xmldsig-more namespace, as eDelivery AS4 2.0 uses it),
in order."""
_ED_SHAPE = (_XENC_METHOD, _DS_KEY_INFO, _XENC_CIPHER_DATA)


def _derive_kek(am: etree._Element, kdm: etree._Element | None, oki: etree._Element | None,
                private: object, policy: AlgorithmPolicy) -> bytes:
    policy.require("AgreementMethod", policy.key_agreement, am.get("Algorithm"))
    policy.require("KeyDerivationMethod", policy.key_derivation,
                   kdm.get("Algorithm") if kdm is not None else None)
    assert kdm is not None
    params = first_child(kdm, _DM, "HKDFParams")
    if params is None:
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, "HKDF without dsig-more:HKDFParams")
    prf, salt_el, info_el, length_el = shaped(params, _HKDF_SHAPE)
    policy.require("HKDF PRF", _HKDF_PRFS, prf.get("Algorithm") if prf is not None else None)
    salt = b64decode(salt_el.text, "HKDF Salt") if salt_el is not None else b""
    info = b64decode(info_el.text, "HKDF Info") if info_el is not None else b""
    length_text = (length_el.text or "").strip() if length_el is not None else "128"
    if length_text not in ("128", "16"):
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"HKDF KeyLength {length_text!r}")
    der_el = first_child(oki, NS.DSIG11, "DEREncodedKeyValue") if oki is not None else None
    if der_el is None:
        raise _decrypt_failure("AgreementMethod has no originator DEREncodedKeyValue")
    spki = b64decode(der_el.text, "originator key")
    try:
        if len(spki) == 44 and spki.startswith(_X25519_SPKI_PREFIX):  # RFC 8410 §4 fast path
            ephemeral: object = x25519.X25519PublicKey.from_public_bytes(spki[12:])
        else:
            ephemeral = serialization.load_der_public_key(spki)
    except ValueError as exc:
        raise _decrypt_failure("originator key is not a DER public key") from exc
    if not isinstance(ephemeral, x25519.X25519PublicKey) or not isinstance(
        private, x25519.X25519PrivateKey
    ):
        raise _decrypt_failure("X25519 agreement needs X25519 keys on both sides")
    secret = primitives.x25519_shared_secret(private, ephemeral)
    return primitives.hkdf(Algorithm.HMAC_SHA256.value, secret, salt=salt, info=info, length=16)


def _open_key(ek: etree._Element, ids: Mapping[str, etree._Element], identity: DecryptionIdentity,
              security: etree._Element, policy: AlgorithmPolicy) -> bytes:
    """The content key an ``xenc:EncryptedKey`` carries for us."""
    return _open_shaped_key(shaped(ek, _EK_SHAPE), ids, identity, policy)


def _open_shaped_key(ek_parts: Sequence[etree._Element | None],
                     ids: Mapping[str, etree._Element], identity: DecryptionIdentity,
                     policy: AlgorithmPolicy) -> bytes:
    method, key_info, cd, _ = ek_parts
    alg = method.get("Algorithm") if method is not None else None
    policy.require("EncryptedKey", policy.key_transport | policy.key_wrap, alg)
    assert method is not None
    am = first_child(key_info, NS.XENC, "AgreementMethod") if key_info is not None else None
    if am is not None:
        kdm, oki, ref_info = shaped(am, _AM_SHAPE)
    else:
        kdm = oki = None
        ref_info = key_info
    pairs = identity.pairs()
    try:  # our certificates only: SKI / IssuerSerial / a BST holding one of them
        recipient = resolve_key_info(ref_info, ids, [cert for cert, _ in pairs]).certificate
    except EbmsError as exc:
        raise _decrypt_failure(f"the message is not encrypted for us: {exc.message}") from exc
    keys = [key for cert, key in pairs if cert is recipient or cert == recipient]
    if not keys:
        raise _decrypt_failure("the message is not encrypted for our decryption certificate")
    cv = first_child(cd, NS.XENC, "CipherValue") if cd is not None else None
    wrapped = b64decode(cv.text if cv is not None else None, "EncryptedKey CipherValue")
    private = keys[0]
    try:
        if am is not None:
            if alg not in policy.key_wrap:
                raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"key wrap {alg!r}")
            return primitives.aes_key_unwrap(_derive_kek(am, kdm, oki, private, policy), wrapped)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise _decrypt_failure("key transport needs an RSA decryption key")
        digest_el = first_child(method, NS.DS, "DigestMethod")
        digest = digest_el.get("Algorithm") if digest_el is not None else Algorithm.SHA1.value
        if alg == Algorithm.RSA_OAEP_XENC11.value:
            mgf_el = first_child(method, NS.XENC11, "MGF")
            mgf = mgf_el.get("Algorithm") if mgf_el is not None else Algorithm.MGF1_SHA1.value
            policy.require("OAEP DigestMethod", policy.oaep_digest, digest)
            policy.require("OAEP MGF", policy.oaep_mgf, mgf)
            if mgf == Algorithm.MGF1_SHA256.value and digest != Algorithm.SHA1.value:
                assert digest is not None and mgf is not None
                return primitives.rsa_oaep_decrypt(private, wrapped, digest_uri=digest,
                                                   mgf_uri=mgf)
        if not policy.legacy:
            raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"key transport {alg!r} parameters")
        if alg == Algorithm.RSA_1_5.value:
            return decrepit.rsa_v15_decrypt(private, wrapped)
        return decrepit.rsa_oaep_sha1_decrypt(private, wrapped, digest=digest or "")
    except CryptoFailure as exc:
        raise _decrypt_failure(exc.message) from exc


def decrypt_attachments(
    security: etree._Element,
    ids: Mapping[str, etree._Element],
    attachments: Mapping[str, tuple[str, bytes]],
    identity: DecryptionIdentity,
    policy: AlgorithmPolicy,
) -> dict[str, DecryptedPart]:
    """Decrypt every EncryptedData of the header; return content id -> plaintext part."""
    out: dict[str, DecryptedPart] = {}
    opened: list[etree._Element] = []
    keys = children(security, NS.XENC, "EncryptedKey")
    if len(keys) > 1:  # AS4 §5.1.7 one content key per message; more is a decryption DoS
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"{len(keys)} EncryptedKey elements")
    for ek in keys:
        ek_parts = shaped(ek, _EK_SHAPE)
        ref_list = ek_parts[3]
        refs = children(ref_list, NS.XENC, "DataReference") if ref_list is not None else []
        if not refs:
            continue
        cek = _open_shaped_key(ek_parts, ids, identity, policy)
        for ref in refs:
            uri = ref.get("URI") or ""
            ed = ids.get(uri[1:]) if uri.startswith("#") else None
            if ed is None or ed.tag != _XENC_ENCRYPTED_DATA:
                raise _decrypt_failure(f"DataReference {uri!r} names no EncryptedData")
            opened.append(ed)
            content_id, part = _decrypt_data(ed, cek, attachments, policy)
            if content_id in out:
                raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"cid:{content_id} encrypted twice")
            out[content_id] = part
    # every EncryptedData anywhere in the header must be one the EncryptedKey opened
    if any(all(ed is not o for o in opened)
           for ed in security.iter(_XENC_ENCRYPTED_DATA)):
        raise _decrypt_failure("EncryptedData without a key reference in an EncryptedKey")
    return out


def _decrypt_data(ed: etree._Element, cek: bytes, attachments: Mapping[str, tuple[str, bytes]],
                  policy: AlgorithmPolicy) -> tuple[str, DecryptedPart]:
    if ed.get("Type") != _CONTENT_ONLY:
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"EncryptedData Type {ed.get('Type')!r}")
    method, _, cd = shaped(ed, _ED_SHAPE)
    alg = policy.require("EncryptedData", policy.content_encryption,
                         method.get("Algorithm") if method is not None else None)
    cref = first_child(cd, NS.XENC, "CipherReference") if cd is not None else None
    uri = cref.get("URI") if cref is not None else None
    if cref is None or uri is None or not uri.startswith("cid:"):
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, "EncryptedData must reference a cid: part")
    tr = first_child(cref, NS.XENC, "Transforms")
    algos = [t.get("Algorithm") for t in children(tr, NS.DS, "Transform")] if tr is not None else []
    if algos != _CIPHERTEXT_TRANSFORMS:
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"CipherReference transforms {algos}")
    content_id = uri[4:]
    if content_id not in attachments:
        raise _decrypt_failure(f"encrypted attachment {uri} is not in the message")
    content_type, data = attachments[content_id]
    try:
        if alg in decrepit.LEGACY_CONTENT_ENCRYPTION:
            plain = decrepit.aes_cbc_decrypt(cek, data)
        else:
            plain = primitives.aes_gcm_decrypt(cek, data)
    except CryptoFailure as exc:
        raise _decrypt_failure(f"{uri}: {exc.message}") from exc
    return content_id, DecryptedPart(ed.get("MimeType") or content_type, plain)
