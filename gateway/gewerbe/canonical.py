"""Structured company evidence: DE4A ``CompanyRegistration`` v0.6 <-> :class:`CompanyEvidence`.

The assistant prefills from the structured distribution (``application/xml``) of the company
evidence, not from the PDF extract. Format: the DE4A canonical evidence type
``CompanyRegistration`` v0.6 (kit ``de/eu/de4a-t4.2-company-registration``: XSD
``doing_Business_abroad_XSD_v0.6_draft.xsd``, examples for NL/KVK and AT). Mapping of the
address elements: ``data/address_fields.csv``.

v0.6 carries no representatives. The project adds them after the v0.6 content in its own
namespace :data:`NS.GW_REPRESENTATIVES` (``<gwr:Representative>`` with ``GivenName``,
``FamilyName``, ``BirthDate``, ``Role``) [ASSUMED extension, documented in docs/gewerbe.md];
a document without them yields no representatives and the Anmeldung cannot be built.

Register number: the tail of ``CompanyEUID`` after the register code (``NLNHR.59581883`` ->
``59581883``; ``ATBRA.473888w`` -> ``473888w``), the BRIS EUID layout
``<country><register>.<number>``. The register authority is the evidence's issuing authority
(EDM ``IssuingAuthority``), passed in by the caller.
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from gateway.gewerbe.errors import GewerbeError
from gateway.gewerbe.models import Address, CompanyEvidence, LegalForm, Representative
from gateway.namespaces import NS
from gateway.xml import parse_xml

__all__ = ["CanonicalEvidenceInvalid", "build_company_registration", "read_company_registration"]

_D, _CV, _R = NS.DE4A_COMPANY_REGISTRATION, NS.CV_BASIC, NS.GW_REPRESENTATIVES


class CanonicalEvidenceInvalid(GewerbeError):
    """The structured evidence is not a readable DE4A CompanyRegistration v0.6 document."""

    default_code = "XGA:EVIDENCE-UNREADABLE"


def _text(root: etree._Element, path: str, ns: dict[str, str]) -> str:
    return " ".join(str(root.xpath(f"string({path})", namespaces=ns)).split())


def read_company_registration(data: bytes, *, country: str,
                              register_authority: str) -> CompanyEvidence:
    """The company evidence in a DE4A CompanyRegistration v0.6 document of ``country``."""
    root = parse_xml(data, what="DE4A CompanyRegistration")
    if root.tag != f"{{{_D}}}LegalEntity":
        raise CanonicalEvidenceInvalid(f"root element {root.tag!r} is not DE4A LegalEntity")
    ns = {"d": _D, "cv": _CV, "r": _R}
    name = _text(root, "d:CompanyName/cv:LegalEntityLegalName", ns)
    kind = _text(root, "d:CompanyType", ns)
    euid = _text(root, "d:CompanyEUID", ns)
    a = "d:RegisteredAddress/d:"
    address = Address(_text(root, a + "Thoroughfare", ns), _text(root, a + "LocationDesignator",
                                                                   ns),
                      _text(root, a + "PostCode", ns), _text(root, a + "PostName", ns),
                      _text(root, a + "AdminUnitL1", ns).upper())
    number = euid.split(".", 1)[1] if "." in euid else ""
    if not (name and kind and number and address.street and address.city):
        raise CanonicalEvidenceInvalid(
            "the evidence lacks the company name, type, EUID or registered address")
    reps = []
    for rep in root.iterfind(f"{{{_R}}}Representatives/{{{_R}}}Representative"):
        born = _text(rep, "r:BirthDate", ns)
        try:
            birth = date.fromisoformat(born) if born else None
        except ValueError as exc:
            raise CanonicalEvidenceInvalid(f"representative birth date {born!r}") from exc
        reps.append(Representative(_text(rep, "r:FamilyName", ns), _text(rep, "r:GivenName", ns),
                                   birth, _text(rep, "r:Role", ns) or "representative"))
    return CompanyEvidence(name=name, legal_form=LegalForm(kind, country.upper()),
                           seat=address.city, address=address, register_number=number,
                           register_authority=register_authority,
                           representatives=tuple(reps), euid=euid)


def build_company_registration(company: CompanyEvidence, *, status: str = "economically active",
                               registration_date: date | None = None) -> bytes:
    """A DE4A CompanyRegistration v0.6 document of ``company`` (the NL/AT mocks send it)."""
    root = etree.Element(f"{{{_D}}}LegalEntity", nsmap={"cr": _D, "cvb": _CV, "gwr": _R})
    names = etree.SubElement(root, f"{{{_D}}}CompanyName")
    etree.SubElement(names, f"{{{_CV}}}LegalEntityLegalName").text = company.name
    etree.SubElement(root, f"{{{_D}}}CompanyType").text = company.legal_form.code
    etree.SubElement(root, f"{{{_D}}}CompanyStatus").text = status
    if registration_date is not None:
        etree.SubElement(root, f"{{{_D}}}RegistrationDate").text = registration_date.isoformat()
    etree.SubElement(root, f"{{{_D}}}CompanyEUID").text = company.euid
    a = company.address
    registered = etree.SubElement(root, f"{{{_D}}}RegisteredAddress")
    for tag, value in (("Thoroughfare", a.street), ("LocationDesignator", a.house_number),
                       ("PostCode", a.postcode), ("PostName", a.city), ("AdminUnitL1", a.country)):
        if value:
            etree.SubElement(registered, f"{{{_D}}}{tag}").text = value
    reps = etree.SubElement(root, f"{{{_R}}}Representatives")
    for person in company.representatives:
        rep = etree.SubElement(reps, f"{{{_R}}}Representative")
        for tag, value in (("GivenName", person.given_names), ("FamilyName", person.family_name),
                           ("BirthDate", person.birth_date.isoformat() if person.birth_date
                            else ""), ("Role", person.role)):
            if value:
                etree.SubElement(rep, f"{{{_R}}}{tag}").text = value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
