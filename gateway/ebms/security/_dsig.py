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

import functools
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

from gateway.crypto import CryptoFailure, UnsupportedAlgorithm, decrepit, primitives
from gateway.crypto.c14n import exc_c14n
from gateway.ebms.security._dom import (
    b64decode,
    b64encode,
    children_by_tag,
    first_of,
    new_id,
    qname,
    shaped,
)
from gateway.ebms.security._header import algorithm_element, element
from gateway.ebms.security._profiles import AlgorithmPolicy, fail
from gateway.errors import EbmsErrorCode, XmlRejected
from gateway.namespaces import NS, Algorithm
from gateway.xml import ParseLimits, parse_xml

__all__ = [
    "AttachmentContent",
    "CheckedReference",
    "Prechecked",
    "ReferenceShape",
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
    prefix_lists: tuple[tuple[str, ...] | None, ...] = ()
    """Per transform, the exc-c14n ``InclusiveNamespaces/@PrefixList`` tokens as
    received (None: no InclusiveNamespaces), so a receipt's NRI repeats the
    reference exactly."""

    @property
    def digest_value_b64(self) -> str:
        """``DigestValue`` as base64 text."""
        return b64encode(self.digest_value)


class AttachmentContent(NamedTuple):
    """What the signature transform sees of one attachment."""

    content_type: str
    data: bytes


class CheckedReference(NamedTuple):
    """A reference whose digest matched, with what it resolved to."""

    reference: SignedReference
    target: etree._Element | None
    """The element of a same-document reference; None for ``cid:``."""
    content_id: str | None
    octets: bytes = b""
    """What was digested for a same-document reference (its canonical form); empty for
    ``cid:`` references (the attachment itself is handed back)."""


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


@functools.cache
def _reference_head(transform: str, digest_uri: str) -> str:
    """Transforms and DigestMethod of a ``ds:Reference`` (memoised profile constants)."""
    return (element("ds:Transforms", (), algorithm_element("ds:Transform", transform))
            + algorithm_element("ds:DigestMethod", digest_uri))


def _reference(uri: str, transform: str, value: bytes, digest_uri: str) -> str:
    """One ``ds:Reference``, in canonical form."""
    return element("ds:Reference", (("URI", uri),), _reference_head(transform, digest_uri)
                   + f"<ds:DigestValue>{b64encode(value)}</ds:DigestValue>")


_CANONICAL_SIGNED_INFO = f'<ds:SignedInfo xmlns:ds="{NS.DS}">'
"""Exc-C14N renders the ``ds`` declaration on the apex of the canonicalized subset."""


def build_signature(
    targets: Sequence[tuple[str, etree._Element]],
    attachments: Sequence[tuple[str, AttachmentContent]],
    *,
    key: primitives.PrivateSigningKey,
    policy: AlgorithmPolicy,
    key_info: str,
) -> str:
    """A ``ds:Signature`` over ``targets`` (id, element) and ``attachments``, as header
    text (:mod:`._header`); ``key_info`` is the ``ds:KeyInfo`` content.

    The SignedInfo is written in canonical form and those very octets are signed.
    """
    digest_uri = policy.send_digest
    refs = [
        _reference(f"#{ident}", Algorithm.EXC_C14N.value,
                   primitives.digest(digest_uri, exc_c14n(target)), digest_uri)
        for ident, target in targets
    ]
    refs.extend(
        _reference(f"cid:{content_id}", Algorithm.SWA_CONTENT_SIGNATURE.value,
                   primitives.digest(digest_uri,
                                     attachment_digest_input(part.content_type, part.data)),
                   digest_uri)
        for content_id, part in attachments
    )
    inner = "".join((
        algorithm_element("ds:CanonicalizationMethod", Algorithm.EXC_C14N.value),
        algorithm_element("ds:SignatureMethod", policy.send_signature),
        *refs,
    )) + "</ds:SignedInfo>"
    canonical = (_CANONICAL_SIGNED_INFO + inner).encode("utf-8")
    value = primitives.sign(key, policy.send_signature, canonical)
    return element("ds:Signature", (("Id", new_id("SIG")),), "".join((
        "<ds:SignedInfo>", inner,
        f"<ds:SignatureValue>{b64encode(value)}</ds:SignatureValue>",
        element("ds:KeyInfo", (("Id", new_id("KI")),), key_info),
    )))


_DS_TRANSFORMS = qname(NS.DS, "Transforms")
_EC_INCLUSIVE = qname(Algorithm.EXC_C14N.value, "InclusiveNamespaces")
_SWA_SIGNATURE_TRANSFORMS = (Algorithm.SWA_CONTENT_SIGNATURE.value,)
_DS_TRANSFORM = qname(NS.DS, "Transform")
_DS_DIGEST_METHOD = qname(NS.DS, "DigestMethod")
_DS_DIGEST_VALUE = qname(NS.DS, "DigestValue")
_DS_REFERENCE = qname(NS.DS, "Reference")
_DS_C14N_METHOD = qname(NS.DS, "CanonicalizationMethod")
_DS_SIGNATURE_METHOD = qname(NS.DS, "SignatureMethod")


def _algorithm_of(el: etree._Element | None) -> str | None:
    return el.get("Algorithm") if el is not None else None


def _prefix_list(method: etree._Element | None) -> tuple[str, ...] | None:
    """The ``InclusiveNamespaces/@PrefixList`` tokens of a method/transform, as written."""
    if method is None or not len(method):  # len(): no children, no look-up
        return None
    inc = next(method.iterchildren(_EC_INCLUSIVE), None)
    return None if inc is None else tuple((inc.get("PrefixList") or "").split())


def _c14n_prefixes(tokens: tuple[str, ...] | None) -> tuple[str, ...]:
    """PrefixList tokens as lxml takes them (``#default`` is implied for exc-c14n)."""
    return tuple(p for p in tokens if p != "#default") if tokens else ()


def inclusive_prefixes(method: etree._Element | None) -> tuple[str, ...]:
    """The ``InclusiveNamespaces PrefixList`` of an exc-c14n method/transform element."""
    return _c14n_prefixes(_prefix_list(method))


def _digest(policy: AlgorithmPolicy, uri: str, data: bytes) -> bytes:
    if policy.legacy and uri in decrepit.LEGACY_DIGESTS:
        return decrepit.legacy_digest(uri, data)
    return primitives.digest(uri, data)


class ReferenceShape(NamedTuple):
    """One ``ds:Reference`` whose form passed the allow-list (before any crypto)."""

    element: etree._Element
    uri: str
    transforms: tuple[str, ...]
    prefix_lists: tuple[tuple[str, ...] | None, ...]
    """Each transform's InclusiveNamespaces PrefixList tokens (None: none)."""
    digest_method: str
    digest_value: str | None
    """The DigestValue text as received (decoded when the digest is compared)."""


_REFERENCE_SHAPE = (_DS_TRANSFORMS, _DS_DIGEST_METHOD, _DS_DIGEST_VALUE)
"""``ds:Reference``'s children in schema order (XML-DSig 1.1 §4.4.3)."""


def _shape(ref: etree._Element, policy: AlgorithmPolicy) -> ReferenceShape:
    """URI form, transforms and DigestMethod against the allow-list (before any crypto)."""
    uri = ref.get("URI") or ""
    transforms_el, digest_el, value_el = shaped(ref, _REFERENCE_SHAPE)
    transforms = list(transforms_el) if transforms_el is not None else []
    if any(t.tag != _DS_TRANSFORM for t in transforms):
        transforms = [t for t in transforms if t.tag == _DS_TRANSFORM]
    algos = tuple([t.get("Algorithm") or "" for t in transforms])
    digest_uri = policy.require("DigestMethod", policy.digest, _algorithm_of(digest_el))
    if uri.startswith("#") and len(uri) > 1:
        if len(algos) != 1:
            raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"reference {uri}: transforms {algos}")
        policy.require("Transform", policy.c14n, algos[0])
    elif uri.startswith("cid:"):
        if algos != _SWA_SIGNATURE_TRANSFORMS:
            raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE,
                       f"reference {uri}: transforms {algos} (want Attachment-Content-Signature)")
    else:
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, f"reference URI {uri!r} is not allowed")
    return ReferenceShape(ref, uri, algos, tuple([_prefix_list(t) for t in transforms]),
                          digest_uri, value_el.text if value_el is not None else None)


def check_reference(
    ref: etree._Element,
    ids: Mapping[str, etree._Element],
    attachments: Mapping[str, AttachmentContent],
    policy: AlgorithmPolicy,
    shape: ReferenceShape | None = None,
) -> CheckedReference:
    """Resolve one reference, apply its transform, compare its digest (EBMS:0101).

    ``shape`` is what :func:`precheck` already established for this reference.
    """
    shape = shape if shape is not None else _shape(ref, policy)
    uri = shape.uri
    expected = b64decode(shape.digest_value, "DigestValue")
    target: etree._Element | None = None
    content_id: str | None = None
    if uri.startswith("#"):
        target = ids.get(uri[1:])
        if target is None:
            raise fail(EbmsErrorCode.FAILED_AUTHENTICATION, f"reference {uri} cannot be resolved")
        data = exc_c14n(target, _c14n_prefixes(shape.prefix_lists[0]))
    else:
        content_id = uri[4:]
        part = attachments.get(content_id)
        if part is None:
            raise fail(EbmsErrorCode.FAILED_AUTHENTICATION,
                       f"signed attachment {uri} is not in the message")
        data = attachment_digest_input(part.content_type, part.data)
    actual = _digest(policy, shape.digest_method, data)
    if not hmac.compare_digest(actual, expected):
        raise fail(EbmsErrorCode.FAILED_AUTHENTICATION, f"digest of reference {uri} does not match")
    signed = SignedReference(uri, shape.transforms, shape.digest_method, expected,
                             shape.prefix_lists)
    return CheckedReference(signed, target, content_id, data if target is not None else b"")


class Prechecked(NamedTuple):
    """A SignedInfo that passed :func:`precheck`, with each reference's checked shape."""

    signed_info: etree._Element
    c14n_method: etree._Element | None
    signature_method: str
    references: tuple[ReferenceShape, ...]
    signature_value: etree._Element | None = None
    """The signature's first ``ds:SignatureValue``."""
    key_info: etree._Element | None = None
    """The signature's first ``ds:KeyInfo``."""


_DS_SIGNED_INFO = qname(NS.DS, "SignedInfo")
_DS_SIGNATURE_VALUE = qname(NS.DS, "SignatureValue")
_DS_KEY_INFO = qname(NS.DS, "KeyInfo")
_SIGNATURE_SHAPE = (_DS_SIGNED_INFO, _DS_SIGNATURE_VALUE, _DS_KEY_INFO)
"""``ds:Signature``'s children as every implementation writes them (XML-DSig 1.1 §4.2)."""


def _signature_parts(
    signature: etree._Element,
) -> tuple[etree._Element, etree._Element | None, etree._Element | None]:
    """The one SignedInfo, the first SignatureValue and KeyInfo (EBMS:0101 unless
    exactly one SignedInfo)."""
    kids = list(signature)
    if len(kids) == 3 and (kids[0].tag, kids[1].tag, kids[2].tag) == _SIGNATURE_SHAPE:
        return kids[0], kids[1], kids[2]
    found = children_by_tag(signature)
    infos = found.get(_DS_SIGNED_INFO, [])
    if len(infos) != 1:
        raise fail(EbmsErrorCode.FAILED_AUTHENTICATION, "ds:Signature needs one ds:SignedInfo")
    return infos[0], first_of(found, _DS_SIGNATURE_VALUE), first_of(found, _DS_KEY_INFO)


def precheck(signature: etree._Element, policy: AlgorithmPolicy) -> Prechecked:
    """Shape and allow-list checks of ``ds:SignedInfo`` (EBMS:0103), before any crypto."""
    si, value_el, key_info = _signature_parts(signature)
    kids = list(si)
    c14n_el: etree._Element | None
    method_el: etree._Element | None
    if (len(kids) > 2 and kids[0].tag == _DS_C14N_METHOD and kids[1].tag == _DS_SIGNATURE_METHOD
            and all(ref.tag == _DS_REFERENCE for ref in kids[2:])):  # schema order (§4.4)
        c14n_el, method_el, references = kids[0], kids[1], kids[2:]
    else:
        found = children_by_tag(si)
        c14n_el, method_el = first_of(found, _DS_C14N_METHOD), first_of(found, _DS_SIGNATURE_METHOD)
        references = found.get(_DS_REFERENCE, [])
    policy.require("CanonicalizationMethod", policy.c14n, _algorithm_of(c14n_el))
    sig_uri = policy.require("SignatureMethod", policy.signature, _algorithm_of(method_el))
    refs = tuple([_shape(ref, policy) for ref in references])
    return Prechecked(si, c14n_el, sig_uri, refs, value_el, key_info)


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
    sig_uri = checked.signature_method
    value_el = checked.signature_value
    value = b64decode(value_el.text if value_el is not None else None, "SignatureValue")
    data = exc_c14n(checked.signed_info, inclusive_prefixes(checked.c14n_method))
    try:
        if policy.legacy and sig_uri in decrepit.LEGACY_SIGNATURES:
            decrepit.legacy_verify(public_key, sig_uri, value, data)
        else:
            primitives.verify(public_key, sig_uri, value, data)
    except UnsupportedAlgorithm as exc:
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, exc.message) from exc
    except CryptoFailure as exc:
        raise fail(EbmsErrorCode.FAILED_AUTHENTICATION, exc.message) from exc
    return tuple([
        check_reference(shape.element, ids, attachments, policy, shape)
        for shape in checked.references
    ])
