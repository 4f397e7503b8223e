"""Semantic XML comparison: same elements, attributes, texts and order; prefixes ignored."""

from __future__ import annotations

from typing import Any

from lxml import etree

from gateway.xml import parse_xml

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def _resolve_qname(el: etree._Element, value: str) -> str:
    prefix, sep, local = value.strip().rpartition(":")
    ns = el.nsmap.get(prefix if sep else None)
    return f"{{{ns}}}{local}"


def canonical(el: etree._Element) -> Any:
    """A comparable, prefix-free form: (tag, attributes, stripped text, children)."""
    attrs = {
        str(key): (_resolve_qname(el, str(value)) if key == XSI_TYPE else str(value))
        for key, value in el.attrib.items()
    }
    children = [canonical(c) for c in el if isinstance(c.tag, str)]
    text = (el.text or "").strip()
    return (el.tag, tuple(sorted(attrs.items())), text, tuple(children))


def semantic(data: bytes) -> Any:
    """Canonical form of a whole document."""
    return canonical(parse_xml(data, what="test document"))


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two canonical forms first differ (for readable assertion messages)."""
    if a == b:
        return None
    tag_a, attrs_a, text_a, kids_a = a
    tag_b, attrs_b, text_b, kids_b = b
    here = f"{path}/{etree.QName(tag_a).localname}"
    if tag_a != tag_b or attrs_a != attrs_b or text_a != text_b:
        return f"{here}: {(tag_a, attrs_a, text_a)!r} != {(tag_b, attrs_b, text_b)!r}"
    if len(kids_a) != len(kids_b):
        return f"{here}: {len(kids_a)} children != {len(kids_b)}"
    for i, (x, y) in enumerate(zip(kids_a, kids_b, strict=True)):
        found = first_difference(x, y, f"{here}[{i}]")
        if found:
            return found
    return here
