"""Semantic XML comparison for EDM messages (test helper).

Two documents are semantically equal when, after these normalisations, their trees match:

1. Names are compared as (namespace URI, local name); prefixes and namespace
   declarations do not matter (peers vary prefixes, KNOWN-DEFECTS 16 of the 2.0 kit).
2. Attributes are compared by expanded name and value; ``xsi:type`` values are compared
   as resolved QNames.
3. Comments and processing instructions are ignored.
4. Text between the children of an element that has element children is ignored
   (element-only content; this also drops the stray comma of KNOWN-DEFECTS 13).
   Leaf text is compared without surrounding whitespace.
5. The ``rim:Slot`` children of an element are compared as a set keyed by ``@name``
   (RegRep slots are named, their order carries no meaning); every other child is
   compared in document order (XSD sequences, repeated SDG elements, collections).
6. ``rim:Value`` of a ``rim:DateTimeValueType`` compares as an instant and of a
   ``rim:BooleanValueType`` as a boolean, so lexical variants (``.000Z``/``Z``) match.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from gateway.evidence.edm._regrep import child_elements, q, xsi_type
from gateway.evidence.edm._xsd import parse_datetime, utc
from gateway.namespaces import NS
from gateway.xml._parse import parse_xml

XSI_TYPE = q(NS.XSI, "type")
SLOT = q(NS.RIM, "Slot")
VALUE = q(NS.RIM, "Value")
SLOT_VALUE = q(NS.RIM, "SlotValue")


def _qname_value(element: etree._Element) -> tuple[str | None, str]:
    raw = (element.get(XSI_TYPE) or "").strip()
    prefix, sep, local = raw.rpartition(":")
    ns = element.nsmap.get(prefix if sep else None)
    return ns, local


def canon(element: etree._Element, value_type: str | None = None) -> Any:
    """A comparable nested structure for ``element`` (rules above)."""
    attrs = {}
    for key, val in element.attrib.items():
        attrs[key] = _qname_value(element) if key == XSI_TYPE else val
    kids = child_elements(element)
    if element.tag == SLOT_VALUE:
        value_type = xsi_type(element)
    if not kids:
        text: Any = (element.text or "").strip()
        if element.tag == VALUE and value_type == "DateTimeValueType":
            text = utc(parse_datetime(text)).isoformat()
        elif element.tag == VALUE and value_type == "BooleanValueType":
            text = text in ("true", "1")
        return (element.tag, tuple(sorted(attrs.items())), text)
    slots = {k.get("name"): canon(k, value_type) for k in kids if k.tag == SLOT}
    others = tuple(canon(k, value_type) for k in kids if k.tag != SLOT)
    return (element.tag, tuple(sorted(attrs.items())), tuple(sorted(slots.items())), others)


def diff(a: Any, b: Any, path: str = "") -> str | None:
    """The first difference between two canonical structures, or None."""
    if type(a) is not type(b):
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, tuple):
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}: {a!r:.300} / {b!r:.300}"
        here = path
        if len(a) >= 3 and isinstance(a[0], str) and a[0].startswith("{"):
            here = f"{path}/{etree.QName(a[0]).localname}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = diff(x, y, f"{here}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


def assert_semantically_equal(expected: bytes, actual: bytes) -> None:
    """Fail with the first difference when the two documents differ semantically."""
    found = diff(canon(parse_xml(expected)), canon(parse_xml(actual)))
    assert found is None, found
