"""The structured Handelsregister extract: the main evidence the DE provider returns.

An XML document in namespace :attr:`gateway.namespaces.NS.DE_HR_EXTRACT` built from a
:class:`~gateway.registers.CompanyRecord` (no I/O; ``now`` comes in). The production SR
data model for German company evidence is not public (PEERS.md §2, "How the IP or a DP
maps XJustiz into the EU evidence type ... is not publicly documented"), so the element
names are ours, chosen close to the DE4A ``CompanyRegistration`` v0.6 vocabulary
(``CompanyName``, ``CompanyType``, ``CompanyStatus``, ``RegistrationDate``, ``CompanyEUID``,
``RegisteredAddress``) plus the German register key and officers. :func:`read_extract`
gives the same facts back (the PDF renderer and the preview page read it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from gateway.errors import InvalidInput, Origin, XmlRejected
from gateway.namespaces import NS
from gateway.registers import CompanyRecord
from gateway.xml._parse import parse_xml

__all__ = ["EXTRACT_MIME", "ExtractView", "build_extract", "read_extract"]

EXTRACT_MIME = "application/xml"
_X = NS.DE_HR_EXTRACT


def _el(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, f"{{{_X}}}{name}")
    if text is not None:
        el.text = text
    return el


def build_extract(record: CompanyRecord, *, evidence_id: str, now: datetime) -> bytes:
    """The extract of ``record`` issued at ``now`` (aware UTC) under ``evidence_id``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    root = etree.Element(f"{{{_X}}}HandelsregisterExtract", nsmap={None: _X})  # type: ignore[dict-item]
    root.set("id", evidence_id)
    _el(root, "IssueDateTime", now.isoformat(timespec="seconds"))
    _el(root, "CompanyEUID", record.effective_euid).set(
        "derived", "false" if record.euid else "true")
    reg = _el(root, "Registration")
    _el(reg, "RegisterCourt", record.court_name).set("code", record.key.court)
    _el(reg, "RegisterType", record.key.register_type)
    _el(reg, "RegisterNumber", record.key.number)
    if record.registered_on:
        _el(reg, "RegistrationDate", record.registered_on.isoformat())
    _el(root, "CompanyName", record.name)
    _el(root, "CompanyType", record.legal_form).set("code", record.legal_form_code)
    _el(root, "CompanyStatus", record.status.value).set("registerText", record.status_text or "")
    _el(root, "Seat", record.seat)
    addr = _el(root, "RegisteredAddress")
    for name, value in (("Street", record.street), ("PostCode", record.post_code),
                        ("City", record.city)):
        if value:
            _el(addr, name, value)
    if record.capital:
        _el(root, "Capital", record.capital)
    if record.purpose:
        _el(root, "Purpose", record.purpose)
    officers = _el(root, "Officers")
    for o in record.officers:
        person = _el(officers, "Officer")
        person.set("roleCode", o.role_code)
        _el(person, "Name", o.name)
        _el(person, "Role", o.role)
        if o.birth_date:
            _el(person, "BirthDate", o.birth_date.isoformat())
        if o.city:
            _el(person, "City", o.city)
    src = _el(root, "Source")
    _el(src, "Format", "XJustiz nachricht.reg.0400003")
    if record.retrieved_at:
        _el(src, "RetrievedAt", record.retrieved_at.isoformat())
    if record.source_message_id:
        _el(src, "MessageId", record.source_message_id)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@dataclass(frozen=True, slots=True)
class ExtractView:
    """The facts of an extract as label/value rows (for the PDF and the preview page)."""

    evidence_id: str
    euid: str
    company_name: str
    issued: str
    rows: tuple[tuple[str, str], ...]
    """(label key, value); label keys are translated by the renderer."""
    officers: tuple[tuple[str, str, str], ...]
    """(name, role, birth date)."""


def read_extract(data: bytes) -> ExtractView:
    """Read an extract built by :func:`build_extract`."""
    try:
        root = parse_xml(data, what="Handelsregister extract", origin=Origin.LOCAL)
    except XmlRejected as exc:
        raise InvalidInput(f"not a readable extract: {exc.message}") from exc
    if root.tag != f"{{{_X}}}HandelsregisterExtract":
        raise InvalidInput("not a Handelsregister extract")
    ns = {"x": _X}

    def t(path: str) -> str:
        found = root.xpath(path, namespaces=ns)
        if not isinstance(found, list) or not found:
            return ""
        first = found[0]
        return first.text or "" if isinstance(first, etree._Element) else str(first)

    rows = tuple((label, value) for label, value in (
        ("company_name", t("x:CompanyName")),
        ("euid", t("x:CompanyEUID")),
        ("court", t("x:Registration/x:RegisterCourt")),
        ("register", t("x:Registration/x:RegisterType") + " "
         + t("x:Registration/x:RegisterNumber")),
        ("registered_on", t("x:Registration/x:RegistrationDate")),
        ("legal_form", t("x:CompanyType")),
        ("status", t("x:CompanyStatus")),
        ("seat", t("x:Seat")),
        ("address", " ".join(filter(None, (t("x:RegisteredAddress/x:Street") + ",",
                                            t("x:RegisteredAddress/x:PostCode"),
                                            t("x:RegisteredAddress/x:City")))).strip(" ,")),
        ("capital", t("x:Capital")),
        ("purpose", t("x:Purpose")),
    ) if value)
    officers = tuple(
        (str(o.findtext(f"{{{_X}}}Name") or ""), str(o.findtext(f"{{{_X}}}Role") or ""),
         str(o.findtext(f"{{{_X}}}BirthDate") or ""))
        for o in root.iterfind(f"{{{_X}}}Officers/{{{_X}}}Officer"))
    return ExtractView(root.get("id", ""), t("x:CompanyEUID"), t("x:CompanyName"),
                       t("x:IssueDateTime"), rows, officers)
