"""The ``wsse:Security`` header of an outgoing message, written as text.

Building the header with lxml element calls cost more than the cryptography of a
100 KB message: some forty elements, each a round trip into libxml2 with namespace
bookkeeping, for a header whose shape is fixed by the profile. The sending side
therefore writes the header as text, under these rules:

- every prefix the header uses is declared on its ``wsse:Security`` start tag
  (:data:`PREFIXES`), so the fragment means the same in any envelope, whatever
  prefixes the envelope itself declares;
- the dynamic strings are ids we generate, base64 values, algorithm URIs from
  :mod:`gateway.namespaces`, and the caller's content ids and MIME types; every
  attribute value and text passes :func:`attr` / :func:`text`, which escape as
  Canonical XML 1.0 §2.3 does and refuse characters XML 1.0 cannot carry (§2.2
  ``Char``) with EBMS:0004 instead of writing a malformed message;
- ``ds:SignedInfo`` is written directly in its Exclusive C14N form (start and end
  tags for empty elements, one attribute per element, no whitespace), so the octets
  signed are the octets a verifier canonicalizes; tests compare them with libxml2's
  canonicalization and Apache Santuario verifies the result;
- the header goes into the serialized envelope where a random marker stood as the
  SOAP Header's first content (:func:`serialize_with_header`), that is, as the first
  header block, where the tree-building code used to insert it.

Reading never uses this module: received messages go through the hardened parser.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Sequence

from lxml import etree

from gateway.ebms.security._profiles import fail
from gateway.errors import EbmsErrorCode
from gateway.namespaces import NS

__all__ = [
    "PREFIXES",
    "algorithm_element",
    "attr",
    "element",
    "security_element",
    "serialize_with_header",
    "text",
]

PREFIXES: tuple[tuple[str, str], ...] = (
    ("wsse", NS.WSSE),
    ("wsu", NS.WSU),
    ("wsse11", NS.WSSE11),
    ("ds", NS.DS),
    ("dsig11", NS.DSIG11),
    ("dsig-more", NS.DSIG_MORE_2021),
    ("xenc", NS.XENC),
    ("xenc11", NS.XENC11),
)
"""The prefixes of the written header; the SOAP prefix is added per envelope."""

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPECIAL = re.compile("[&<>\"\t\n\r]|[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""What :func:`attr` / :func:`text` must look at; most values (ids, base64, URIs) have none."""
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", '"': "&quot;", "\t": "&#x9;",
                               "\n": "&#xA;", "\r": "&#xD;"})
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#xD;"})


def _checked(value: str) -> str:
    bad = _NOT_XML.search(value)
    if bad is not None:
        raise fail(EbmsErrorCode.OTHER,
                   f"cannot write {value!r} into the security header: character "
                   f"U+{ord(bad.group()):04X} is not allowed in XML 1.0")
    return value


def attr(value: str) -> str:
    """``value`` escaped for a double-quoted attribute, as C14N 1.0 §2.3 renders it."""
    if _SPECIAL.search(value) is None:
        return value
    return _checked(value).translate(_ATTR_ESCAPES)


def text(value: str) -> str:
    """``value`` escaped as element content, as C14N 1.0 §2.3 renders it."""
    if _SPECIAL.search(value) is None:
        return value
    return _checked(value).translate(_TEXT_ESCAPES)


def element(name: str, attributes: Sequence[tuple[str, str]] = (), content: str = "") -> str:
    """``<name a="v"...>content</name>``; values are escaped, ``content`` is markup.

    Empty elements get an end tag (the canonical form), attributes keep the given
    order, so a caller writing canonical XML passes them sorted (C14N 1.0 §2.2).
    """
    rendered = ""
    for key, value in attributes:
        rendered += f' {key}="{attr(value)}"'
    return f"<{name}{rendered}>{content}</{name}>"


@functools.cache
def algorithm_element(name: str, uri: str) -> str:
    """``<name Algorithm="uri"></name>`` (memoised: the URIs are the profile's constants)."""
    return element(name, (("Algorithm", uri),))


def security_element(soap_ns: str, content: str) -> str:
    """The ``wsse:Security`` header block holding ``content`` (SOAP mustUnderstand set:
    ``true`` in SOAP 1.2 §5.2.3, ``1`` in SOAP 1.1 §4.2.3)."""
    soap_prefix, must = ("S12", "true") if soap_ns == NS.SOAP12 else ("S11", "1")
    declarations = "".join(f' xmlns:{p}="{uri}"' for p, uri in PREFIXES)
    return (f'<wsse:Security{declarations} xmlns:{soap_prefix}="{soap_ns}" '
            f'{soap_prefix}:mustUnderstand="{must}">{content}</wsse:Security>')


def serialize_with_header(root: etree._Element, header: etree._Element, block: str) -> bytes:
    """Serialize ``root`` (UTF-8, with declaration) with ``block`` as the first child of
    ``header``. ``root`` is left unchanged."""
    marker = f"oots-security-{secrets.token_hex(16)}"
    before = header.text
    header.text = marker + (before or "")
    try:
        data = bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    finally:
        header.text = before
    head, found, tail = data.partition(marker.encode("ascii"))
    if not found or marker.encode("ascii") in tail:  # cannot happen: 128 random bits
        raise fail(EbmsErrorCode.OTHER, "security header marker not found exactly once")
    return head + block.encode("utf-8") + tail
