"""Tree helpers: the SOAP structure, the id index, base64 text.

Ids are resolved by walking the tree once and comparing attribute values
(``wsu:Id``, ``Id``, ``ID``, ``id``); an id value carried twice anywhere in the
document is refused (EBMS:0101), so a wrapper cannot shadow a signed element.
No id is ever spliced into an XPath expression.
"""

from __future__ import annotations

import base64
import binascii
import operator
import secrets
from collections.abc import Sequence
from typing import NamedTuple, cast

from lxml import etree

from gateway.ebms.security._profiles import fail
from gateway.errors import EbmsErrorCode
from gateway.namespaces import NS

__all__ = [
    "ID_ATTRIBUTES",
    "SoapParts",
    "b64decode",
    "b64encode",
    "children",
    "children_by_tag",
    "first_child",
    "first_children",
    "first_of",
    "index_ids",
    "new_id",
    "qname",
    "shaped",
    "soap_parts",
]

ID_ATTRIBUTES = (f"{{{NS.WSU}}}Id", "Id", "ID", "id")
_TAG = operator.attrgetter("tag")


def qname(ns: str, local: str) -> str:
    """Clark notation ``{ns}local``."""
    return f"{{{ns}}}{local}"


def new_id(prefix: str) -> str:
    """A fresh NCName id, e.g. ``SIG-3f2a...`` (128 random bits)."""
    return f"{prefix}-{secrets.token_hex(16)}"


def children(element: etree._Element, ns: str, local: str) -> list[etree._Element]:
    """Direct element children named ``{ns}local``."""
    tag = f"{{{ns}}}{local}"
    return [child for child in element if child.tag == tag]


def first_child(element: etree._Element, ns: str, local: str) -> etree._Element | None:
    """The first direct child ``{ns}local`` or None.

    The first child is tried first: in the profile's headers the wanted element is
    usually the first (often the only) child, and indexing is much cheaper than a
    filtered iterator. Comments and PIs have a non-string tag and never match.
    """
    tag = f"{{{ns}}}{local}"
    if len(element):
        head = element[0]
        if head.tag == tag:
            return head
    return next(element.iterchildren(tag), None)


def children_by_tag(element: etree._Element) -> dict[str, list[etree._Element]]:
    """Direct element children grouped by Clark tag, from one pass over them (cheaper
    than several :func:`first_child` look-ups of the same parent)."""
    out: dict[str, list[etree._Element]] = {}
    for child in element:
        tag = child.tag
        if tag.__class__ is str:  # elements only: comments and PIs have a factory as tag
            found = out.get(tag)
            if found is None:
                out[tag] = [child]
            else:
                found.append(child)
    return out


def first_children(element: etree._Element) -> dict[str, etree._Element]:
    """The first direct child element per Clark tag (comments and PIs skipped)."""
    out: dict[str, etree._Element] = {}
    for child in element:
        tag = child.tag
        if tag.__class__ is str and tag not in out:
            out[tag] = child
    return out


def shaped(element: etree._Element,
           tags: tuple[str, ...]) -> Sequence[etree._Element | None]:
    """For each Clark tag of ``tags`` (all distinct), the first direct child element
    with that tag, or None.

    Fast path: the children are exactly ``tags`` in that order - the schema's
    sequence, which is what implementations write - checked with one comparison.
    Otherwise (an optional element left out, comments, another order, extra or
    repeated elements) the children are grouped by tag. The result is the same.
    """
    kids = list(element)
    if len(kids) == len(tags) and tuple(map(_TAG, kids)) == tags:
        return kids
    found = children_by_tag(element)
    return [first_of(found, tag) for tag in tags]


def first_of(kids: dict[str, list[etree._Element]], tag: str) -> etree._Element | None:
    """The first child with Clark ``tag`` in a :func:`children_by_tag` result, or None."""
    found = kids.get(tag)
    return found[0] if found else None


def b64decode(text: str | None, what: str) -> bytes:
    """Strict base64 of element text (whitespace allowed); EBMS:0101 on garbage."""
    try:
        return binascii.a2b_base64(text or "", strict_mode=True)
    except (binascii.Error, ValueError):
        pass  # line breaks or other whitespace (allowed), or garbage (refused below)
    cleaned = "".join((text or "").split())
    try:
        return binascii.a2b_base64(cleaned, strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        raise fail(EbmsErrorCode.FAILED_AUTHENTICATION, f"{what} is not valid base64") from exc


def b64encode(data: bytes) -> str:
    """Base64 text without line breaks."""
    return base64.b64encode(data).decode("ascii")


_ID_VALUES = etree.XPath("//@wsu:Id | //@Id | //@ID | //@id", namespaces={"wsu": NS.WSU})
"""A constant expression (no message data is ever put into an XPath): every id attribute."""


def index_ids(root: etree._Element) -> dict[str, etree._Element]:
    """Map every id value to its element; refuse a value that occurs twice."""
    found = cast("list[etree._ElementUnicodeResult]", _ID_VALUES(root))
    index = {str(value): value.getparent() for value in found}
    if len(index) != len(found):  # a value repeats: allowed only on the same element
        for value in found:
            if index[str(value)] is not value.getparent():
                raise fail(
                    EbmsErrorCode.FAILED_AUTHENTICATION,
                    f"id {str(value)!r} occurs more than once in the message",
                )
    return cast("dict[str, etree._Element]", index)


def element_id(element: etree._Element) -> str | None:
    """The element's id attribute value (first of :data:`ID_ATTRIBUTES`)."""
    for attr in ID_ATTRIBUTES:
        value = element.get(attr)
        if value is not None:
            return value
    return None


_ALL_MESSAGING = etree.XPath("//eb:Messaging", namespaces={"eb": NS.EB})
_MESSAGING = qname(NS.EB, "Messaging")
_SECURITY = qname(NS.WSSE, "Security")


class SoapParts(NamedTuple):
    """The SOAP 1.2 (or 1.1) envelope's structural elements."""

    envelope: etree._Element
    soap_ns: str
    header: etree._Element
    body: etree._Element
    messaging: etree._Element
    security: etree._Element | None


def soap_parts(root: etree._Element, *, require_security: bool) -> SoapParts:
    """Locate Header, Body, the one eb:Messaging header block and the one wsse:Security.

    ebMS3 Core §5.1: exactly one ``eb:Messaging`` header block; more than one (a
    duplicated header) is refused, as is a Messaging element anywhere else.
    """
    tag = root.tag
    soap_ns, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if soap_ns not in (NS.SOAP12, NS.SOAP11) or local != "Envelope":
        raise fail(EbmsErrorCode.INVALID_HEADER, "the root element is not a SOAP Envelope")
    top = children_by_tag(root)
    headers = top.get(f"{{{soap_ns}}}Header", [])
    bodies = top.get(f"{{{soap_ns}}}Body", [])
    if len(headers) != 1 or len(bodies) != 1:
        raise fail(EbmsErrorCode.INVALID_HEADER, "the Envelope needs exactly one Header and Body")
    header = headers[0]
    blocks = children_by_tag(header)
    messaging = blocks.get(_MESSAGING, [])
    everywhere = _ALL_MESSAGING(root)
    assert isinstance(everywhere, list)
    if len(messaging) != 1 or len(everywhere) != 1:
        raise fail(
            EbmsErrorCode.FAILED_AUTHENTICATION,
            f"expected one eb:Messaging header block, found {len(messaging)} "
            f"({len(everywhere)} in the whole message)",
        )
    security = blocks.get(_SECURITY, [])
    if len(security) > 1:
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, "more than one wsse:Security header")
    if require_security and not security:
        raise fail(EbmsErrorCode.POLICY_NONCOMPLIANCE, "the message has no wsse:Security header")
    return SoapParts(
        envelope=root,
        soap_ns=soap_ns,
        header=header,
        body=bodies[0],
        messaging=messaging[0],
        security=security[0] if security else None,
    )
