"""secure / open AS4 user messages, sign / verify signals.

Sending (AS4 §5.1, eDelivery AS4 1.15 §3 / 2.0): compress (caller) -> sign
``eb:Messaging``, the SOAP Body and every attachment -> encrypt every attachment.
Receiving reverses it: decrypt, then verify, and hand back only what was signed.

Error codes (ebMS3 Core §6.7.2, PROFILE.md §5):

- EBMS:0101 FailedAuthentication - bad SignatureValue or digest, unresolvable or
  ambiguous (duplicate) ids, a signed id found away from the header/Body it should
  be (signature wrapping), untrusted / expired / revoked / wrong-peer certificates;
- EBMS:0102 FailedDecryption - not for our key, bad key or tag;
- EBMS:0103 PolicyNoncompliance - unsigned or unencrypted where required, reference
  set not equal to {eb:Messaging, Body, each attachment}, algorithms off the profile's
  allow-list (downgrades to SHA-1, RSA-1_5, rsa-oaep-mgf1p, AES-CBC);
- EBMS:0009 InvalidHeader - no SOAP envelope / Messaging header to secure;
- EBMS:0007 MimeInconsistency - an attachment over the size cap, duplicate content ids.

Why not ``signxml``: it verifies enveloped/enveloping/detached signatures over one
document, but has no ``cid:`` dereferencing with the SwA Attachment-Content-Signature
transform, no WS-Security token references (BST / SKI / IssuerSerial inside
``wsse:SecurityTokenReference``), and no way to insist that the reference set equals an
expected set of elements at fixed positions. Its XML-Enc support does not cover
CipherReference attachments or X25519/HKDF key agreement either. We therefore build
and check ``ds:Signature`` with lxml exclusive C14N and ``cryptography`` directly
(:mod:`._dsig`, :mod:`._xenc`), keeping the code small and the checks explicit. The
outgoing header is written as text (:mod:`._header` says why and under which rules).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from cryptography import x509
from lxml import etree

from gateway.crypto import CryptoFailure, UnsupportedAlgorithm
from gateway.ebms._mime import MimePart
from gateway.ebms.security._dom import (
    SoapParts,
    children,
    first_child,
    index_ids,
    new_id,
    qname,
    soap_parts,
)
from gateway.ebms.security._dsig import (
    AttachmentContent,
    CheckedReference,
    SignedReference,
    build_signature,
    check_signature,
    precheck,
)
from gateway.ebms.security._header import security_element, serialize_with_header
from gateway.ebms.security._profiles import AlgorithmPolicy, SecurityProfile, fail, policy_for
from gateway.ebms.security._tokens import bst_element, bst_reference, resolve_key_info
from gateway.ebms.security._trust import (
    DecryptionIdentity,
    KeyPurpose,
    PeerCertificateMatcher,
    SigningIdentity,
    TrustPolicy,
)
from gateway.ebms.security._xenc import decrypt_attachments, encrypt_attachments
from gateway.errors import EbmsError, EbmsErrorCode, XmlRejected
from gateway.namespaces import NS
from gateway.xml import DEFAULT_LIMITS, ParseLimits, parse_xml

__all__ = [
    "VerifiedMessage",
    "VerifiedSignal",
    "open_message",
    "secure_message",
    "sign_signal",
    "verify_signal",
]

MAX_PART_BYTES = 64 * 1024 * 1024


@dataclasses.dataclass(frozen=True, slots=True)
class VerifiedMessage:
    """What a verified (and decrypted) user message proves - nothing else."""

    messaging: bytes
    """The signed ``eb:Messaging`` element: the canonical octets its digest covers."""
    attachments: tuple[MimePart, ...]
    """Decrypted attachments whose digests matched (still compressed if the leg compresses)."""
    signer: x509.Certificate
    references: tuple[SignedReference, ...]
    """The signed references, in signature order (for the receipt's NRI)."""


@dataclasses.dataclass(frozen=True, slots=True)
class VerifiedSignal:
    """A verified signal message (receipt, error): its signed Messaging header."""

    messaging: bytes
    signer: x509.Certificate
    references: tuple[SignedReference, ...]


def _parse(envelope: bytes, limits: ParseLimits) -> etree._Element:
    try:
        return parse_xml(envelope, limits=limits, what="SOAP envelope")
    except XmlRejected as exc:
        raise EbmsError(exc.message, ebms_code=EbmsErrorCode.INVALID_HEADER) from exc


def _ensure_id(element: etree._Element, kind: str) -> str:
    for attr in (qname(NS.WSU, "Id"), "Id", "id"):
        value = element.get(attr)
        if value:
            return value
    value = new_id(kind)
    element.set(qname(NS.WSU, "Id"), value)
    return value


def _no_security_yet(parts: SoapParts) -> None:
    if parts.security is not None:
        raise fail(EbmsErrorCode.OTHER, "the envelope already carries a wsse:Security header")


def _check_signing(signing: SigningIdentity, profile: SecurityProfile, now: datetime) -> None:
    cert = signing.certificate
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise fail(EbmsErrorCode.OTHER, "our signing certificate is not valid now",
                   detail=f"profile {profile.value}, now {now.isoformat()}")


def signature_block(targets: Sequence[tuple[str, etree._Element]],
                    attachments: Sequence[MimePart], signing: SigningIdentity,
                    policy: AlgorithmPolicy) -> str:
    """BinarySecurityToken + ``ds:Signature`` over ``targets`` and ``attachments``, as
    header text (:mod:`._header`)."""
    token_id, value_type, token = bst_element(signing.certificate, signing.chain)
    content = [(p.content_id, AttachmentContent(p.content_type, p.data)) for p in attachments]
    try:
        signature = build_signature(targets, content, key=signing.private_key, policy=policy,
                                    key_info=bst_reference(token_id, value_type))
    except UnsupportedAlgorithm as exc:
        raise fail(EbmsErrorCode.OTHER, f"cannot sign: {exc.message}") from exc
    return token + signature


def _as4_targets(parts: SoapParts) -> list[tuple[str, etree._Element]]:
    """AS4 §5.1.4: the signed elements are eb:Messaging and the SOAP Body."""
    return [(_ensure_id(parts.messaging, "ebm"), parts.messaging),
            (_ensure_id(parts.body, "body"), parts.body)]


def secure_message(
    envelope: bytes,
    attachments: Sequence[MimePart],
    *,
    signing: SigningIdentity,
    recipient: x509.Certificate | None,
    profile: SecurityProfile,
    now: datetime,
) -> tuple[bytes, tuple[MimePart, ...]]:
    """Sign (Messaging, Body, every attachment) and, given ``recipient``, encrypt every
    attachment. Returns the secured envelope and the parts to put on the wire."""
    ids = [p.content_id for p in attachments]
    if len(set(ids)) != len(ids):
        raise fail(EbmsErrorCode.MIME_INCONSISTENCY, "attachment content ids are not unique")
    _check_signing(signing, profile, now)
    root = _parse(envelope, DEFAULT_LIMITS)
    parts = soap_parts(root, require_security=False)
    _no_security_yet(parts)
    signed = signature_block(_as4_targets(parts), attachments, signing, policy_for(profile))
    if recipient is None or not attachments:
        return (serialize_with_header(root, parts.header, security_element(parts.soap_ns, signed)),
                tuple(attachments))
    try:
        encrypted, ciphertexts = encrypt_attachments(
            [(p.content_id, p.content_type, p.data) for p in attachments], recipient, profile)
    except TypeError as exc:
        raise fail(EbmsErrorCode.OTHER, str(exc)) from exc
    wire = tuple(
        dataclasses.replace(p, data=c, content_type="application/octet-stream")
        for p, c in zip(attachments, ciphertexts, strict=True)
    )
    block = security_element(parts.soap_ns, encrypted + signed)
    return serialize_with_header(root, parts.header, block), wire


def sign_signal(envelope: bytes, *, signing: SigningIdentity, profile: SecurityProfile,
                now: datetime) -> bytes:
    """Sign a signal envelope (receipt, error): eb:Messaging and the Body."""
    _check_signing(signing, profile, now)
    root = _parse(envelope, DEFAULT_LIMITS)
    parts = soap_parts(root, require_security=False)
    _no_security_yet(parts)
    signed = signature_block(_as4_targets(parts), (), signing, policy_for(profile))
    return serialize_with_header(root, parts.header, security_element(parts.soap_ns, signed))


def _verify(
    parts: SoapParts,
    ids: dict[str, etree._Element],
    content: dict[str, AttachmentContent],
    *,
    trust: TrustPolicy,
    expected_peer: PeerCertificateMatcher | None,
    policy: AlgorithmPolicy,
    now: datetime,
) -> tuple[x509.Certificate, tuple[CheckedReference, ...]]:
    assert parts.security is not None
    signatures = children(parts.security, NS.DS, "Signature")
    if len(signatures) != 1:
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE,
                   f"expected one ds:Signature in wsse:Security, found {len(signatures)}")
    signature = signatures[0]
    signed_info = precheck(signature, policy)
    uris = [shape.uri for shape in signed_info.references]
    if len(uris) != len(set(uris)) or len(uris) > 2 + len(content):
        # before any digest: repeated or surplus references could make us hash a large
        # attachment many times (denial of service); the set must be exactly AS4's.
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE,
                   f"{len(uris)} references ({len(set(uris))} distinct) for "
                   f"{len(content)} attachments: not the AS4 reference set")
    known = list(expected_peer.certificates) if expected_peer is not None else []
    token = resolve_key_info(signed_info.key_info, ids, known, parts.security)
    trust.validate(token.certificate, intermediates=token.intermediates, now=now,
                   purpose=KeyPurpose.SIGNING)
    if expected_peer is not None:
        expected_peer.check(token.certificate)
    try:
        checked = check_signature(signature, token.certificate.public_key(), ids, content, policy,
                                  prechecked=signed_info)
    except CryptoFailure as exc:
        raise fail(EbmsErrorCode.FAILED_AUTHENTICATION, exc.message) from exc
    _expect_exactly(parts, checked, set(content))
    return token.certificate, checked


def _expect_exactly(parts: SoapParts, checked: Sequence[CheckedReference],
                    content_ids: set[str]) -> None:
    """The reference set must equal {eb:Messaging, Body, each attachment} (AS4 §5.1.4)."""
    messaging = body = 0
    seen_cids: list[str] = []
    for ref in checked:
        target = ref.target
        if target is not None:
            if target is parts.messaging:
                messaging += 1
            elif target is parts.body:
                body += 1
            elif target.tag == _MESSAGING or target.tag == f"{{{parts.soap_ns}}}Body":
                raise fail(EbmsErrorCode.FAILED_AUTHENTICATION,
                           f"signed element {ref.reference.uri} is not the message's own "
                           "Messaging header or Body (signature wrapping)")
            else:
                raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE,
                           f"unexpected signed element {ref.reference.uri}")
        elif ref.content_id is not None:
            seen_cids.append(ref.content_id)
    for count, name in ((messaging, "eb:Messaging"), (body, "the SOAP Body")):
        if count != 1:
            raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE,
                       f"{name} is signed {count} times (expected once)")
    if len(seen_cids) != len(content_ids) or set(seen_cids) != content_ids:
        unsigned = sorted(content_ids - set(seen_cids))
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE,
                   "the signed attachments differ from the message's attachments",
                   detail=f"unsigned: {unsigned}")


_MESSAGING = qname(NS.EB, "Messaging")


def _signed_messaging(parts: SoapParts, checked: Sequence[CheckedReference]) -> bytes:
    """The eb:Messaging octets the signature covers: its Exclusive C14N as digested
    ("see what is signed"; :func:`_expect_exactly` ensured there is one)."""
    return next(ref.octets for ref in checked if ref.target is parts.messaging)


def _policy(profile: SecurityProfile, unsafe: AlgorithmPolicy | None) -> AlgorithmPolicy:
    return unsafe if unsafe is not None else policy_for(profile)


def open_message(
    envelope: bytes,
    attachments: Sequence[MimePart],
    *,
    decryption: DecryptionIdentity | None,
    trust: TrustPolicy,
    expected_peer: PeerCertificateMatcher | None,
    profile: SecurityProfile,
    now: datetime,
    require_encryption: bool = True,
    max_part_bytes: int = MAX_PART_BYTES,
    limits: ParseLimits = DEFAULT_LIMITS,
    unsafe_algorithm_policy: AlgorithmPolicy | None = None,
) -> VerifiedMessage:
    """Decrypt, then verify; return only signed content (see the module docstring)."""
    policy = _policy(profile, unsafe_algorithm_policy)
    by_cid: dict[str, MimePart] = {}
    for part in attachments:
        if len(part.data) > max_part_bytes:
            raise fail(EbmsErrorCode.MIME_INCONSISTENCY,
                       f"attachment cid:{part.content_id} exceeds {max_part_bytes} bytes")
        by_cid[part.content_id] = part
    if len(by_cid) != len(attachments):
        raise fail(EbmsErrorCode.MIME_INCONSISTENCY, "attachment content ids are not unique")
    root = _parse(envelope, limits)
    parts = soap_parts(root, require_security=True)
    assert parts.security is not None
    ids = index_ids(root)
    decrypted = {}
    if (first_child(parts.security, NS.XENC, "EncryptedKey") is not None
            or first_child(parts.security, NS.XENC, "EncryptedData") is not None):
        if decryption is None:
            raise fail(EbmsErrorCode.FAILED_DECRYPTION, "encrypted message but no decryption key")
        decrypted = decrypt_attachments(
            parts.security, ids, {c: (p.content_type, p.data) for c, p in by_cid.items()},
            decryption, policy)
    if require_encryption and attachments and len(decrypted) != len(by_cid):
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, "not every attachment is encrypted",
                   detail=f"unencrypted: {sorted(set(by_cid) - set(decrypted))}")
    opened = {
        c: (MimePart(c, decrypted[c].content_type, decrypted[c].data, p.headers)
            if c in decrypted else p)
        for c, p in by_cid.items()
    }
    content = {c: AttachmentContent(p.content_type, p.data) for c, p in opened.items()}
    signer, checked = _verify(parts, ids, content, trust=trust, expected_peer=expected_peer,
                              policy=policy, now=now)
    return VerifiedMessage(
        messaging=_signed_messaging(parts, checked),
        attachments=tuple(opened[p.content_id] for p in attachments),
        signer=signer,
        references=tuple(c.reference for c in checked),
    )


def verify_signal(
    envelope: bytes,
    *,
    trust: TrustPolicy,
    expected_peer: PeerCertificateMatcher | None,
    profile: SecurityProfile,
    now: datetime,
    unsafe_algorithm_policy: AlgorithmPolicy | None = None,
) -> VerifiedSignal:
    """Verify a signed signal: the references must be exactly {eb:Messaging, Body}."""
    root = _parse(envelope, DEFAULT_LIMITS)
    parts = soap_parts(root, require_security=True)
    ids = index_ids(root)
    signer, checked = _verify(parts, ids, {}, trust=trust, expected_peer=expected_peer,
                              policy=_policy(profile, unsafe_algorithm_policy), now=now)
    return VerifiedSignal(_signed_messaging(parts, checked), signer,
                          tuple(c.reference for c in checked))
