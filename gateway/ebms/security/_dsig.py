"""XML-DSig inside ``wsse:Security``: build and check one ``ds:Signature``.

References (AS4 §5.1.4-5.1.5 via eDelivery AS4 1.15 §3; WSS SwA Profile 1.1 §5.3):

- ``#id`` same-document references to ``eb:Messaging`` and the SOAP Body, with the
  single transform Exclusive C14N (optionally with an ``InclusiveNamespaces`` list);
- ``cid:`` references to each MIME attachment with the single transform
  ``Attachment-Content-Signature-Transform``: the digest input is the part's content
  octets, or, for XML content types (``text/xml``, ``application/xml``,
  ``application/*+xml``), their Exclusive C14N (SwA Profile 1.1 §5.4.2, as WSS4J does).

Any other transform (XPath, XSLT, enveloped-signature) or reference form (external
URIs, the empty URI) is refused with EBMS:0103 before any digest is computed.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from gateway.crypto import CryptoFailure, UnsupportedAlgorithm, decrepit, primitives
from gateway.crypto.c14n import exc_c14n
from gateway.ebms.security._dom import b64decode, b64encode, children, first_child, new_id, qname
from gateway.ebms.security._profiles import AlgorithmPolicy, fail
from gateway.errors import EbmsErrorCode, XmlRejected
from gateway.namespaces import NS, Algorithm
from gateway.xml import ParseLimits, parse_xml

__all__ = [
    "AttachmentContent",
    "CheckedReference",
    "Prechecked",
    "SignedReference",
    "attachment_digest_input",
    "build_signature",
    "check_reference",
    "check_signature",
    "inclusive_prefixes",
    "precheck",
]

_XML_TYPE = re.compile(r"^\s*(text/xml|application/xml|application/[^;\s]*\+xml)\s*(;|$)", re.I)


@dataclass(frozen=True, slots=True)
class SignedReference:
    """One ``ds:Reference`` as signed, for non-repudiation information (ebbp NRI)."""

    uri: str
    transforms: tuple[str, ...]
    digest_method: str
    digest_value: bytes
    element: bytes = b""
    """The ``ds:Reference`` element as received (serialized with its namespace
    declarations), so a receipt's NRI can repeat it exactly, PrefixLists included."""

    @property
    def digest_value_b64(self) -> str:
        """``DigestValue`` as base64 text."""
        return b64encode(self.digest_value)


@dataclass(frozen=True, slots=True)
class AttachmentContent:
    """What the signature transform sees of one attachment."""

    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class CheckedReference:
    """A reference whose digest matched, with what it resolved to."""

    reference: SignedReference
    target: etree._Element | None
    """The element of a same-document reference; None for ``cid:``."""
    content_id: str | None


def attachment_digest_input(content_type: str, data: bytes) -> bytes:
    """The Attachment-Content-Signature-Transform output (SwA Profile 1.1 §5.4.2)."""
    if not _XML_TYPE.match(content_type or ""):
        return data
    try:
        doc = parse_xml(
            data,
            limits=ParseLimits(max_bytes=max(len(data), 1), max_depth=256),
            what="XML attachment",
        )
    except XmlRejected as exc:
        raise fail(EbmsErrorCode.FAILED_AUTHENTICATION,
                   f"XML attachment cannot be canonicalized: {exc.message}") from exc
    return exc_c14n(doc)


def _transform(parent: etree._Element, algorithm: str) -> None:
    etree.SubElement(parent, qname(NS.DS, "Transform")).set("Algorithm", algorithm)


def _reference(signed_info: etree._Element, uri: str, transform: str, value: bytes,
               digest_uri: str) -> None:
    ref = etree.SubElement(signed_info, qname(NS.DS, "Reference"))
    ref.set("URI", uri)
    _transform(etree.SubElement(ref, qname(NS.DS, "Transforms")), transform)
    etree.SubElement(ref, qname(NS.DS, "DigestMethod")).set("Algorithm", digest_uri)
    etree.SubElement(ref, qname(NS.DS, "DigestValue")).text = b64encode(value)


def build_signature(
    security: etree._Element,
    targets: Sequence[tuple[str, etree._Element]],
    attachments: Sequence[tuple[str, AttachmentContent]],
    *,
    key: primitives.PrivateSigningKey,
    policy: AlgorithmPolicy,
    key_info: etree._Element,
) -> etree._Element:
    """Append a ``ds:Signature`` over ``targets`` (id, element) and ``attachments``."""
    digest_uri = policy.send_digest
    sig = etree.SubElement(security, qname(NS.DS, "Signature"), nsmap={"ds": NS.DS})
    sig.set("Id", new_id("SIG"))
    si = etree.SubElement(sig, qname(NS.DS, "SignedInfo"))
    etree.SubElement(si, qname(NS.DS, "CanonicalizationMethod")).set(
        "Algorithm", Algorithm.EXC_C14N.value
    )
    etree.SubElement(si, qname(NS.DS, "SignatureMethod")).set("Algorithm", policy.send_signature)
    for ident, element in targets:
        value = primitives.digest(digest_uri, exc_c14n(element))
        _reference(si, f"#{ident}", Algorithm.EXC_C14N.value, value, digest_uri)
    for content_id, part in attachments:
        value = primitives.digest(digest_uri,
                                  attachment_digest_input(part.content_type, part.data))
        _reference(si, f"cid:{content_id}", Algorithm.SWA_CONTENT_SIGNATURE.value, value,
                   digest_uri)
    sv = etree.SubElement(sig, qname(NS.DS, "SignatureValue"))
    sv.text = b64encode(primitives.sign(key, policy.send_signature, exc_c14n(si)))
    ki = etree.SubElement(sig, qname(NS.DS, "KeyInfo"))
    ki.set("Id", new_id("KI"))
    ki.append(key_info)
    return sig


def _algorithm(parent: etree._Element, local: str) -> tuple[str | None, etree._Element | None]:
    el = first_child(parent, NS.DS, local)
    return (el.get("Algorithm") if el is not None else None), el


def inclusive_prefixes(method: etree._Element | None) -> tuple[str, ...]:
    """The ``InclusiveNamespaces PrefixList`` of an exc-c14n method/transform element."""
    if method is None:
        return ()
    inc = first_child(method, Algorithm.EXC_C14N.value, "InclusiveNamespaces")
    if inc is None:
        return ()
    return tuple(p for p in (inc.get("PrefixList") or "").split() if p != "#default")


def _digest(policy: AlgorithmPolicy, uri: str, data: bytes) -> bytes:
    if policy.legacy and uri in decrepit.LEGACY_DIGESTS:
        return decrepit.legacy_digest(uri, data)
    return primitives.digest(uri, data)


def _shape(ref: etree._Element, policy: AlgorithmPolicy) -> tuple[str, tuple[str, ...], str]:
    """URI form, transforms and DigestMethod against the allow-list (before any crypto)."""
    uri = ref.get("URI") or ""
    transforms_el = first_child(ref, NS.DS, "Transforms")
    transforms = children(transforms_el, NS.DS, "Transform") if transforms_el is not None else []
    algos = tuple(t.get("Algorithm") or "" for t in transforms)
    digest_uri = policy.require("DigestMethod", policy.digest, _algorithm(ref, "DigestMethod")[0])
    if uri.startswith("#") and len(uri) > 1:
        if len(algos) != 1:
            raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"reference {uri}: transforms {algos}")
        policy.require("Transform", policy.c14n, algos[0])
    elif uri.startswith("cid:"):
        if algos != (Algorithm.SWA_CONTENT_SIGNATURE.value,):
            raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE,
                       f"reference {uri}: transforms {algos} (want Attachment-Content-Signature)")
    else:
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"reference URI {uri!r} is not allowed")
    return uri, algos, digest_uri


def check_reference(
    ref: etree._Element,
    ids: Mapping[str, etree._Element],
    attachments: Mapping[str, AttachmentContent],
    policy: AlgorithmPolicy,
    shape: tuple[str, tuple[str, ...], str] | None = None,
) -> CheckedReference:
    """Resolve one reference, apply its transform, compare its digest (EBMS:0101).

    ``shape`` is what :func:`precheck` already established for this reference.
    """
    uri, algos, digest_uri = shape if shape is not None else _shape(ref, policy)
    value_el = first_child(ref, NS.DS, "DigestValue")
    expected = b64decode(value_el.text if value_el is not None else None, "DigestValue")
    target: etree._Element | None = None
    content_id: str | None = None
    if uri.startswith("#"):
        target = ids.get(uri[1:])
        if target is None:
            raise fail(EbmsErrorCode.FAILED_AUTHENTICATION, f"reference {uri} cannot be resolved")
        transforms = first_child(ref, NS.DS, "Transforms")
        assert transforms is not None  # _shape checked there is exactly one
        data = exc_c14n(target, inclusive_prefixes(children(transforms, NS.DS, "Transform")[0]))
    else:
        content_id = uri[4:]
        part = attachments.get(content_id)
        if part is None:
            raise fail(EbmsErrorCode.FAILED_AUTHENTICATION,
                       f"signed attachment {uri} is not in the message")
        data = attachment_digest_input(part.content_type, part.data)
    actual = _digest(policy, digest_uri, data)
    if not hmac.compare_digest(actual, expected):
        raise fail(EbmsErrorCode.FAILED_AUTHENTICATION, f"digest of reference {uri} does not match")
    signed = SignedReference(uri, algos, digest_uri, expected, etree.tostring(ref))
    return CheckedReference(signed, target, content_id)


@dataclass(frozen=True, slots=True)
class Prechecked:
    """A SignedInfo that passed :func:`precheck`, with each reference's checked shape."""

    signed_info: etree._Element
    shapes: tuple[tuple[str, tuple[str, ...], str], ...]


def precheck(signature: etree._Element, policy: AlgorithmPolicy) -> Prechecked:
    """Shape and allow-list checks of ``ds:SignedInfo`` (EBMS:0103), before any crypto."""
    infos = children(signature, NS.DS, "SignedInfo")
    if len(infos) != 1:
        raise fail(EbmsErrorCode.FAILED_AUTHENTICATION, "ds:Signature needs one ds:SignedInfo")
    si = infos[0]
    policy.require("CanonicalizationMethod", policy.c14n,
                   _algorithm(si, "CanonicalizationMethod")[0])
    policy.require("SignatureMethod", policy.signature, _algorithm(si, "SignatureMethod")[0])
    return Prechecked(si, tuple(_shape(ref, policy) for ref in children(si, NS.DS, "Reference")))


def check_signature(
    signature: etree._Element,
    public_key: object,
    ids: Mapping[str, etree._Element],
    attachments: Mapping[str, AttachmentContent],
    policy: AlgorithmPolicy,
    *,
    prechecked: Prechecked | None = None,
) -> tuple[CheckedReference, ...]:
    """Verify the SignatureValue with ``public_key`` and every reference's digest.

    Algorithms are checked against ``policy`` first (EBMS:0103; skipped when the caller
    passes what :func:`precheck` returned); a bad signature, digest or
    unresolvable reference raises EBMS:0101.
    """
    checked = prechecked if prechecked is not None else precheck(signature, policy)
    si = checked.signed_info
    refs = children(si, NS.DS, "Reference")
    c14n_el = first_child(si, NS.DS, "CanonicalizationMethod")
    sig_uri = _algorithm(si, "SignatureMethod")[0] or ""
    value_el = first_child(signature, NS.DS, "SignatureValue")
    value = b64decode(value_el.text if value_el is not None else None, "SignatureValue")
    data = exc_c14n(si, inclusive_prefixes(c14n_el))
    try:
        if policy.legacy and sig_uri in decrepit.LEGACY_SIGNATURES:
            decrepit.legacy_verify(public_key, sig_uri, value, data)
        else:
            primitives.verify(public_key, sig_uri, value, data)
    except UnsupportedAlgorithm as exc:
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, exc.message) from exc
    except CryptoFailure as exc:
        raise fail(EbmsErrorCode.FAILED_AUTHENTICATION, exc.message) from exc
    return tuple(
        check_reference(ref, ids, attachments, policy, shape)
        for ref, shape in zip(refs, checked.shapes, strict=True)
    )
