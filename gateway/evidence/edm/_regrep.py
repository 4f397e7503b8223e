"""ebXML RegRep 4.0 building blocks shared by every OOTS message: slots and their values.

OASIS ebXML RegRep 4.0 Part 3 (XML Schema), ``rim.xsd``:

- ``rim:Slot`` has a ``name`` and one ``rim:SlotValue`` whose ``xsi:type`` selects the
  value kind (``rim:StringValueType``, ``rim:BooleanValueType``,
  ``rim:DateTimeValueType``, ``rim:InternationalStringValueType``,
  ``rim:AnyValueType``, ``rim:CollectionValueType`` ...).
- ``rim:InternationalStringType`` holds ``rim:LocalizedString`` elements with
  ``xml:lang`` and ``value`` attributes.
- ``rim:CollectionValueType`` holds ``rim:Element`` children, each again typed by
  ``xsi:type``; OOTS only uses ``rim:AnyValueType`` elements wrapping one SDG element.

Builders append to an lxml parent and return the new element. Readers
(:class:`SlotReader`) index the direct ``rim:Slot`` children of one element and
raise :class:`~gateway.errors.EvidenceError` with the EDM code the caller chose
(EDM:ERR:0003 for requests) and the slot name as ``field``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from gateway.errors import EdmErrorCode, EvidenceError, XmlRejected
from gateway.evidence.edm._xsd import format_datetime, parse_datetime, utc
from gateway.namespaces import NS
from gateway.xml._parse import parse_xml

__all__ = [
    "COLLECTION_SET",
    "XML_LANG",
    "XSI_TYPE",
    "LocalizedString",
    "SlotReader",
    "ValueType",
    "add_any_slot",
    "add_boolean_slot",
    "add_collection_slot",
    "add_datetime_slot",
    "add_international_string_slot",
    "add_string_slot",
    "child_elements",
    "format_datetime",
    "parse_datetime",
    "parse_edm_xml",
    "q",
    "text_of",
    "utc",
    "xsi_type",
]

COLLECTION_SET = "urn:oasis:names:tc:ebxml-regrep:CollectionType:Set"
"""RegRep 4.0 canonical ``collectionType`` for an unordered set (used by OOTS)."""

XSI_TYPE = f"{{{NS.XSI}}}type"
XML_LANG = f"{{{NS.XML}}}lang"


def q(ns: str, local: str) -> str:
    """Clark notation ``{ns}local`` for lxml."""
    return f"{{{ns}}}{local}"


class ValueType:
    """The ``xsi:type`` values of ``rim:SlotValue`` used by OOTS (rim.xsd type names)."""

    STRING = "StringValueType"
    BOOLEAN = "BooleanValueType"
    DATETIME = "DateTimeValueType"
    INTEGER = "IntegerValueType"
    INTERNATIONAL_STRING = "InternationalStringValueType"
    ANY = "AnyValueType"
    COLLECTION = "CollectionValueType"


@dataclass(frozen=True, slots=True)
class LocalizedString:
    """One ``rim:LocalizedString``: text in one language (``xml:lang``)."""

    lang: str
    value: str


# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------


def _slot(parent: etree._Element, name: str, value_type: str) -> etree._Element:
    slot = etree.SubElement(parent, q(NS.RIM, "Slot"), name=name)
    value = etree.SubElement(slot, q(NS.RIM, "SlotValue"))
    value.set(XSI_TYPE, f"rim:{value_type}")
    return value


def add_string_slot(parent: etree._Element, name: str, value: str) -> etree._Element:
    """Append ``<rim:Slot name=...>`` with a ``rim:StringValueType`` value."""
    sv = _slot(parent, name, ValueType.STRING)
    etree.SubElement(sv, q(NS.RIM, "Value")).text = value
    return sv.getparent()  # type: ignore[return-value]


def add_boolean_slot(parent: etree._Element, name: str, value: bool) -> etree._Element:
    """Append a slot with a ``rim:BooleanValueType`` value (``true``/``false``)."""
    sv = _slot(parent, name, ValueType.BOOLEAN)
    etree.SubElement(sv, q(NS.RIM, "Value")).text = "true" if value else "false"
    return sv.getparent()  # type: ignore[return-value]


def add_datetime_slot(parent: etree._Element, name: str, value: datetime) -> etree._Element:
    """Append a slot with a ``rim:DateTimeValueType`` value (aware datetime)."""
    sv = _slot(parent, name, ValueType.DATETIME)
    etree.SubElement(sv, q(NS.RIM, "Value")).text = format_datetime(value)
    return sv.getparent()  # type: ignore[return-value]


def add_international_string_slot(
    parent: etree._Element, name: str, strings: Sequence[LocalizedString]
) -> etree._Element:
    """Append a slot with a ``rim:InternationalStringValueType`` value."""
    sv = _slot(parent, name, ValueType.INTERNATIONAL_STRING)
    holder = etree.SubElement(sv, q(NS.RIM, "Value"))
    for item in strings:
        ls = etree.SubElement(holder, q(NS.RIM, "LocalizedString"))
        ls.set(XML_LANG, item.lang)
        ls.set("value", item.value)
    return sv.getparent()  # type: ignore[return-value]


def add_any_slot(parent: etree._Element, name: str, payload: etree._Element) -> etree._Element:
    """Append a slot with a ``rim:AnyValueType`` value wrapping ``payload``."""
    sv = _slot(parent, name, ValueType.ANY)
    sv.append(payload)
    return sv.getparent()  # type: ignore[return-value]


def add_collection_slot(
    parent: etree._Element,
    name: str,
    payloads: Iterable[etree._Element],
    *,
    collection_type: str | None = None,
) -> etree._Element:
    """Append a ``rim:CollectionValueType`` slot whose ``rim:Element``s are ``rim:AnyValueType``."""
    sv = _slot(parent, name, ValueType.COLLECTION)
    if collection_type is not None:
        sv.set("collectionType", collection_type)
    for payload in payloads:
        element = etree.SubElement(sv, q(NS.RIM, "Element"))
        element.set(XSI_TYPE, f"rim:{ValueType.ANY}")
        element.append(payload)
    return sv.getparent()  # type: ignore[return-value]


# ---------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------


def parse_edm_xml(data: bytes, *, what: str) -> etree._Element:
    """Parse an EDM message's bytes; malformed or unsafe XML is EDM:ERR:0003 on ``document``."""
    try:
        return parse_xml(data, what=what)
    except XmlRejected as exc:
        raise EvidenceError(
            exc.message, edm_code=EdmErrorCode.INVALID_REQUEST, field="document"
        ) from exc


def child_elements(element: etree._Element) -> list[etree._Element]:
    """Element children only (comments, processing instructions and text are skipped)."""
    return [c for c in element if isinstance(c.tag, str)]


def text_of(element: etree._Element) -> str:
    """The element's text with surrounding whitespace removed (``""`` when empty)."""
    return (element.text or "").strip()


def xsi_type(element: etree._Element) -> str | None:
    """The local part of ``xsi:type`` (QName prefix resolved against the in-scope namespaces).

    Returns ``"{ns}local"`` when the prefix maps to a namespace other than RIM/RS/QUERY,
    so a foreign type never passes for a RegRep one.
    """
    raw = element.get(XSI_TYPE)
    if raw is None:
        return None
    raw = raw.strip()
    prefix, sep, local = raw.rpartition(":")
    if not sep:
        ns = element.nsmap.get(None)
        local = raw
    else:
        ns = element.nsmap.get(prefix)
    if ns in (NS.RIM, NS.RS, NS.QUERY):
        return local
    return f"{{{ns}}}{local}"


class SlotReader:
    """The direct ``rim:Slot`` children of one element, indexed by name.

    Rule 1. A slot name occurs at most once (RegRep 4.0: slot names are unique
            within their parent), otherwise the message is refused.
    Rule 2. Every accessor checks the ``xsi:type`` of the ``rim:SlotValue``.
    """

    def __init__(
        self,
        parent: etree._Element,
        *,
        code: EdmErrorCode = EdmErrorCode.INVALID_REQUEST,
        where: str = "",
    ) -> None:
        self.code = code
        self.where = where
        self._slots: dict[str, etree._Element] = {}
        self.order: list[str] = []
        for child in child_elements(parent):
            if child.tag != q(NS.RIM, "Slot"):
                continue
            name = child.get("name")
            if not name:
                raise self.error("rim:Slot without a name", field="rim:Slot")
            if name in self._slots:
                raise self.error(f"slot {name!r} occurs twice", field=name)
            self._slots[name] = child
            self.order.append(name)

    def error(self, message: str, *, field: str | None = None) -> EvidenceError:
        """An :class:`EvidenceError` carrying this reader's EDM code."""
        prefix = f"{self.where}: " if self.where else ""
        return EvidenceError(prefix + message, edm_code=self.code, field=field)

    def names(self) -> tuple[str, ...]:
        """Slot names in document order."""
        return tuple(self.order)

    def has(self, name: str) -> bool:
        """True when a slot of that name is present."""
        return name in self._slots

    def refuse_others(self, allowed: Iterable[str]) -> None:
        """Refuse any slot not in ``allowed`` (e.g. R-EDM-REQ-S019)."""
        extra = [n for n in self.order if n not in set(allowed)]
        if extra:
            raise self.error(f"unexpected slot(s) {', '.join(extra)}", field=extra[0])

    def _value(self, name: str, expected: str) -> etree._Element | None:
        slot = self._slots.get(name)
        if slot is None:
            return None
        values = [c for c in child_elements(slot) if c.tag == q(NS.RIM, "SlotValue")]
        if len(values) != 1:
            raise self.error(f"slot {name!r} must hold exactly one rim:SlotValue", field=name)
        found = xsi_type(values[0])
        if found != expected:
            raise self.error(
                f"slot {name!r} must be of rim:{expected}, found {found!r}", field=name
            )
        return values[0]

    def _missing(self, name: str) -> EvidenceError:
        return self.error(f"mandatory slot {name!r} is missing", field=name)

    def value_type(self, name: str) -> str | None:
        """The ``xsi:type`` (local part) of the named slot's value, or None when absent."""
        slot = self._slots.get(name)
        if slot is None:
            return None
        values = [c for c in child_elements(slot) if c.tag == q(NS.RIM, "SlotValue")]
        return xsi_type(values[0]) if len(values) == 1 else None

    def _one_value(self, name: str, expected: str, required: bool) -> etree._Element | None:
        """The single ``rim:Value`` of slot ``name`` (of ``xsi:type`` ``expected``)."""
        sv = self._value(name, expected)
        if sv is None:
            if required:
                raise self._missing(name)
            return None
        vals = [c for c in child_elements(sv) if c.tag == q(NS.RIM, "Value")]
        if len(vals) != 1:
            raise self.error(f"slot {name!r} must hold one rim:Value", field=name)
        return vals[0]

    def _simple_text(self, name: str, expected: str, required: bool) -> str | None:
        value = self._one_value(name, expected, required)
        return None if value is None else text_of(value)

    def string(self, name: str, *, required: bool = True) -> str | None:
        """The text of a ``rim:StringValueType`` slot."""
        return self._simple_text(name, ValueType.STRING, required)

    def boolean(self, name: str, *, required: bool = True) -> bool | None:
        """The value of a ``rim:BooleanValueType`` slot (xsd:boolean lexical forms)."""
        text = self._simple_text(name, ValueType.BOOLEAN, required)
        if text is None:
            return None
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise self.error(f"slot {name!r} is not an xsd:boolean: {text!r}", field=name)

    def datetime(self, name: str, *, required: bool = True) -> datetime | None:
        """The value of a ``rim:DateTimeValueType`` slot as an aware datetime."""
        text = self._simple_text(name, ValueType.DATETIME, required)
        if text is None:
            return None
        try:
            return parse_datetime(text)
        except ValueError as exc:
            raise self.error(f"slot {name!r}: {exc}", field=name) from exc

    def international_string(
        self, name: str, *, required: bool = True
    ) -> tuple[LocalizedString, ...] | None:
        """The ``rim:LocalizedString`` entries of a ``rim:InternationalStringValueType`` slot."""
        holder = self._one_value(name, ValueType.INTERNATIONAL_STRING, required)
        if holder is None:
            return None
        out: list[LocalizedString] = []
        for ls in child_elements(holder):
            if ls.tag != q(NS.RIM, "LocalizedString"):
                raise self.error(f"slot {name!r}: unexpected {ls.tag}", field=name)
            lang = ls.get(XML_LANG)
            value = ls.get("value")
            if lang is None or value is None:
                raise self.error(
                    f"slot {name!r}: rim:LocalizedString needs xml:lang and value", field=name
                )
            out.append(LocalizedString(lang=lang, value=value))
        if not out:
            raise self.error(f"slot {name!r} holds no rim:LocalizedString", field=name)
        return tuple(out)

    def any(self, name: str, *, required: bool = True) -> etree._Element | None:
        """The single element inside a ``rim:AnyValueType`` slot value."""
        sv = self._value(name, ValueType.ANY)
        if sv is None:
            if required:
                raise self._missing(name)
            return None
        kids = child_elements(sv)
        if len(kids) != 1:
            raise self.error(f"slot {name!r} must wrap exactly one element", field=name)
        return kids[0]

    def collection(
        self, name: str, *, required: bool = True
    ) -> tuple[tuple[etree._Element, ...], str | None] | None:
        """The wrapped elements of a ``rim:CollectionValueType`` slot and its ``collectionType``.

        Every ``rim:Element`` must be ``rim:AnyValueType`` wrapping exactly one element.
        """
        sv = self._value(name, ValueType.COLLECTION)
        if sv is None:
            if required:
                raise self._missing(name)
            return None
        out: list[etree._Element] = []
        for el in child_elements(sv):
            if el.tag != q(NS.RIM, "Element"):
                raise self.error(f"slot {name!r}: unexpected {el.tag}", field=name)
            if xsi_type(el) != ValueType.ANY:
                raise self.error(f"slot {name!r}: rim:Element must be rim:AnyValueType", field=name)
            kids = child_elements(el)
            if len(kids) != 1:
                raise self.error(f"slot {name!r}: rim:Element must wrap one element", field=name)
            out.append(kids[0])
        return tuple(out), sv.get("collectionType")
