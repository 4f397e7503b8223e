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
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa, x25519
from lxml import etree

from gateway.crypto import CryptoFailure, decrepit, primitives
from gateway.ebms.security._dom import b64decode, b64encode, children, first_child, new_id, qname
from gateway.ebms.security._profiles import AlgorithmPolicy, SecurityProfile, fail
from gateway.ebms.security._tokens import resolve_key_info, ski_reference
from gateway.ebms.security._trust import DecryptionIdentity
from gateway.errors import EbmsError, EbmsErrorCode
from gateway.namespaces import NS, Algorithm, WssURI

__all__ = ["DecryptedPart", "decrypt_attachments", "encrypt_attachments"]

_DM = NS.DSIG_MORE_2021
_X25519_SPKI_PREFIX = bytes.fromhex("302a300506032b656e032100")
"""SubjectPublicKeyInfo header of an X25519 key (RFC 8410 §4, OID 1.3.101.110)."""


@dataclass(frozen=True, slots=True)
class DecryptedPart:
    """An attachment after decryption."""

    content_type: str
    data: bytes


def _method(parent: etree._Element, ns: str, algorithm: str) -> etree._Element:
    el = etree.SubElement(parent, qname(ns, "EncryptionMethod"))
    el.set("Algorithm", algorithm)
    return el


def _agreement(key_info: etree._Element, recipient: x509.Certificate) -> bytes:
    """Write the X25519 AgreementMethod; return the derived KEK."""
    peer = recipient.public_key()
    if not isinstance(peer, x25519.X25519PublicKey):
        raise TypeError("eDelivery AS4 2.0 encryption needs an X25519 recipient certificate")
    ephemeral = x25519.X25519PrivateKey.generate()
    secret = primitives.x25519_shared_secret(ephemeral, peer)
    salt, info = os.urandom(32), Algorithm.KW_AES128.value.encode("ascii")
    kek = primitives.hkdf(Algorithm.HMAC_SHA256.value, secret, salt=salt, info=info, length=16)
    am = etree.SubElement(key_info, qname(NS.XENC, "AgreementMethod"),
                          nsmap={"xenc": NS.XENC, "xenc11": NS.XENC11, "dsig-more": _DM,
                                 "dsig11": NS.DSIG11})
    am.set("Algorithm", Algorithm.X25519.value)
    kdm = etree.SubElement(am, qname(NS.XENC11, "KeyDerivationMethod"))
    kdm.set("Algorithm", Algorithm.HKDF.value)
    params = etree.SubElement(kdm, qname(_DM, "HKDFParams"))
    etree.SubElement(params, qname(_DM, "PRF")).set("Algorithm", Algorithm.HMAC_SHA256.value)
    etree.SubElement(params, qname(_DM, "Salt")).text = b64encode(salt)
    etree.SubElement(params, qname(_DM, "Info")).text = b64encode(info)
    etree.SubElement(params, qname(_DM, "KeyLength")).text = "16"  # bytes, as Santuario
    oki = etree.SubElement(am, qname(NS.XENC, "OriginatorKeyInfo"))
    spki = ephemeral.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    etree.SubElement(oki, qname(NS.DSIG11, "DEREncodedKeyValue")).text = b64encode(spki)
    rki = etree.SubElement(am, qname(NS.XENC, "RecipientKeyInfo"))
    ski_reference(rki, recipient)
    return kek


def encrypt_attachments(
    security: etree._Element,
    attachments: Sequence[tuple[str, str, bytes]],
    recipient: x509.Certificate,
    profile: SecurityProfile,
) -> list[bytes]:
    """Encrypt each (content id, content type, data); insert EncryptedKey/Data at the
    top of ``security``; return the ciphertexts in order."""
    cek = primitives.random_key(Algorithm.AES128_GCM.value)
    ek = etree.Element(qname(NS.XENC, "EncryptedKey"), nsmap={"xenc": NS.XENC})
    ek_id = new_id("EK")
    ek.set("Id", ek_id)
    security.insert(0, ek)
    key_info = etree.Element(qname(NS.DS, "KeyInfo"), nsmap={"ds": NS.DS})
    if profile is SecurityProfile.EDELIVERY_AS4_1_15:
        public = recipient.public_key()
        if not isinstance(public, rsa.RSAPublicKey):
            raise TypeError("eDelivery AS4 1.15 encryption needs an RSA recipient certificate")
        em = _method(ek, NS.XENC, Algorithm.RSA_OAEP_XENC11.value)
        etree.SubElement(em, qname(NS.DS, "DigestMethod"), nsmap={"ds": NS.DS}).set(
            "Algorithm", Algorithm.SHA256.value)
        etree.SubElement(em, qname(NS.XENC11, "MGF"), nsmap={"xenc11": NS.XENC11}).set(
            "Algorithm", Algorithm.MGF1_SHA256.value)
        ski_reference(key_info, recipient)
        wrapped = primitives.rsa_oaep_encrypt(public, cek, digest_uri=Algorithm.SHA256.value,
                                              mgf_uri=Algorithm.MGF1_SHA256.value)
    else:
        _method(ek, NS.XENC, Algorithm.KW_AES128.value)
        wrapped = primitives.aes_key_wrap(_agreement(key_info, recipient), cek)
    ek.append(key_info)
    cd = etree.SubElement(ek, qname(NS.XENC, "CipherData"))
    etree.SubElement(cd, qname(NS.XENC, "CipherValue")).text = b64encode(wrapped)
    ref_list = etree.SubElement(ek, qname(NS.XENC, "ReferenceList"))
    out: list[bytes] = []
    for pos, (content_id, content_type, data) in enumerate(attachments):
        ed_id = new_id("ED")
        etree.SubElement(ref_list, qname(NS.XENC, "DataReference")).set("URI", f"#{ed_id}")
        ed = etree.Element(qname(NS.XENC, "EncryptedData"), nsmap={"xenc": NS.XENC})
        ed.set("Id", ed_id)
        ed.set("MimeType", content_type)
        ed.set("Type", Algorithm.SWA_CONTENT_ONLY.value)
        _method(ed, NS.XENC, Algorithm.AES128_GCM.value)
        ki = etree.SubElement(ed, qname(NS.DS, "KeyInfo"), nsmap={"ds": NS.DS})
        str_el = etree.SubElement(ki, qname(NS.WSSE, "SecurityTokenReference"),
                                  nsmap={"wsse": NS.WSSE, "wsse11": NS.WSSE11})
        str_el.set(qname(NS.WSSE11, "TokenType"), WssURI.ENCRYPTED_KEY_TOKEN)
        etree.SubElement(str_el, qname(NS.WSSE, "Reference")).set("URI", f"#{ek_id}")
        cref = etree.SubElement(etree.SubElement(ed, qname(NS.XENC, "CipherData")),
                                qname(NS.XENC, "CipherReference"))
        cref.set("URI", f"cid:{content_id}")
        transforms = etree.SubElement(cref, qname(NS.XENC, "Transforms"))
        etree.SubElement(transforms, qname(NS.DS, "Transform"), nsmap={"ds": NS.DS}).set(
            "Algorithm", Algorithm.SWA_CIPHERTEXT.value)
        security.insert(1 + pos, ed)
        out.append(primitives.aes_gcm_encrypt(cek, data))
    return out


def _decrypt_failure(message: str) -> Exception:
    return fail(EbmsErrorCode.FAILED_DECRYPTION, message)


def _derive_kek(am: etree._Element, private: object, policy: AlgorithmPolicy) -> bytes:
    policy.require("AgreementMethod", policy.key_agreement, am.get("Algorithm"))
    kdm = first_child(am, NS.XENC11, "KeyDerivationMethod")
    policy.require("KeyDerivationMethod", policy.key_derivation,
                   kdm.get("Algorithm") if kdm is not None else None)
    assert kdm is not None
    params = first_child(kdm, _DM, "HKDFParams")
    if params is None:
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, "HKDF without dsig-more:HKDFParams")
    prf = first_child(params, _DM, "PRF")
    prf_uri = prf.get("Algorithm") if prf is not None else None
    policy.require("HKDF PRF", frozenset({Algorithm.HMAC_SHA256.value}), prf_uri)
    salt_el, info_el = first_child(params, _DM, "Salt"), first_child(params, _DM, "Info")
    salt = b64decode(salt_el.text, "HKDF Salt") if salt_el is not None else b""
    info = b64decode(info_el.text, "HKDF Info") if info_el is not None else b""
    length_el = first_child(params, _DM, "KeyLength")
    length_text = (length_el.text or "").strip() if length_el is not None else "128"
    if length_text not in ("128", "16"):
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"HKDF KeyLength {length_text!r}")
    oki = first_child(am, NS.XENC, "OriginatorKeyInfo")
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
    method = first_child(ek, NS.XENC, "EncryptionMethod")
    alg = method.get("Algorithm") if method is not None else None
    policy.require("EncryptedKey", policy.key_transport | policy.key_wrap, alg)
    assert method is not None
    key_info = first_child(ek, NS.DS, "KeyInfo")
    am = first_child(key_info, NS.XENC, "AgreementMethod") if key_info is not None else None
    ref_info = first_child(am, NS.XENC, "RecipientKeyInfo") if am is not None else key_info
    ours = [cert for cert, _ in identity.pairs()]
    try:  # our certificates only: SKI / IssuerSerial / a BST holding one of them
        recipient = resolve_key_info(ref_info, ids, ours).certificate
    except EbmsError as exc:
        raise _decrypt_failure(f"the message is not encrypted for us: {exc.message}") from exc
    keys = [key for cert, key in identity.pairs() if cert is recipient or cert == recipient]
    if not keys:
        raise _decrypt_failure("the message is not encrypted for our decryption certificate")
    cd = first_child(ek, NS.XENC, "CipherData")
    cv = first_child(cd, NS.XENC, "CipherValue") if cd is not None else None
    wrapped = b64decode(cv.text if cv is not None else None, "EncryptedKey CipherValue")
    private = keys[0]
    try:
        if am is not None:
            if alg not in policy.key_wrap:
                raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"key wrap {alg!r}")
            return primitives.aes_key_unwrap(_derive_kek(am, private, policy), wrapped)
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
    keys = children(security, NS.XENC, "EncryptedKey")
    if len(keys) > 1:  # AS4 §5.1.7 one content key per message; more is a decryption DoS
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"{len(keys)} EncryptedKey elements")
    for ek in keys:
        ref_list = first_child(ek, NS.XENC, "ReferenceList")
        refs = children(ref_list, NS.XENC, "DataReference") if ref_list is not None else []
        if not refs:
            continue
        cek = _open_key(ek, ids, identity, security, policy)
        for ref in refs:
            uri = ref.get("URI") or ""
            ed = ids.get(uri[1:]) if uri.startswith("#") else None
            if ed is None or ed.tag != qname(NS.XENC, "EncryptedData"):
                raise _decrypt_failure(f"DataReference {uri!r} names no EncryptedData")
            content_id, part = _decrypt_data(ed, cek, attachments, policy)
            if content_id in out:
                raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"cid:{content_id} encrypted twice")
            out[content_id] = part
    orphans = [ed for ed in security.iter(qname(NS.XENC, "EncryptedData"))
               if ed.get("Id") is None or not any(
                   ed is ids.get(r.get("URI", "")[1:])
                   for r in security.iter(qname(NS.XENC, "DataReference")))]
    if orphans:
        raise _decrypt_failure("EncryptedData without a key reference in an EncryptedKey")
    return out


def _decrypt_data(ed: etree._Element, cek: bytes, attachments: Mapping[str, tuple[str, bytes]],
                  policy: AlgorithmPolicy) -> tuple[str, DecryptedPart]:
    if ed.get("Type") != Algorithm.SWA_CONTENT_ONLY.value:
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"EncryptedData Type {ed.get('Type')!r}")
    method = first_child(ed, NS.XENC, "EncryptionMethod")
    alg = policy.require("EncryptedData", policy.content_encryption,
                         method.get("Algorithm") if method is not None else None)
    cd = first_child(ed, NS.XENC, "CipherData")
    cref = first_child(cd, NS.XENC, "CipherReference") if cd is not None else None
    uri = cref.get("URI") if cref is not None else None
    if cref is None or uri is None or not uri.startswith("cid:"):
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, "EncryptedData must reference a cid: part")
    tr = first_child(cref, NS.XENC, "Transforms")
    algos = [t.get("Algorithm") for t in children(tr, NS.DS, "Transform")] if tr is not None else []
    if algos != [Algorithm.SWA_CIPHERTEXT.value]:
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
