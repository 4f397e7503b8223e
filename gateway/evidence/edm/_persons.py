"""Evidence subjects: ``sdg:PersonType`` and ``sdg:LegalPersonType``.

SDG-GenericMetadataProfile-v1.0.0.xsd (kit ``oots-edm-1.0/xsd/sdg``):

- ``PersonType``: LevelOfAssurance?, Identifier?, FamilyName, GivenName, DateOfBirth,
  BirthName?, PlaceOfBirth?, CurrentAddress?, Gender?, SectorSpecificAttribute*.
  Used as ``sdg:Person`` in requests (subject and authorised representative) and as
  ``sdg:NaturalPerson`` inside ``sdg:Evidence/sdg:IsAbout``.
- ``LegalPersonType``: LevelOfAssurance?, Identifier*, LegalPersonIdentifier?, LegalName,
  RegisteredAddress?, SectorSpecificAttribute*.

v2.0: ``sdg:Gender`` becomes a code of ``Gender-CodeList.gc`` instead of an XSD
enumeration, and ``schemeID="eidas2"`` activates the eIDAS 2 rules (TDD 2.0.1 README,
items 7 and 9), so gender and scheme are kept as plain strings here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree

from gateway.evidence.edm._sdg import (
    Address,
    Identifier,
    SdgContext,
    SdgElement,
    build_address,
    build_identifier,
    parse_address,
    parse_identifier,
    sdg,
    sub_text,
)

__all__ = [
    "LegalPerson",
    "Person",
    "SectorSpecificAttribute",
    "Subject",
    "build_legal_person",
    "build_person",
    "parse_legal_person",
    "parse_person",
]


@dataclass(frozen=True, slots=True)
class SectorSpecificAttribute:
    """``sdg:AttributeKeyValuePairType`` (eIDAS-style name, URI and value)."""

    name: str
    uri: str
    value: str


@dataclass(frozen=True, slots=True)
class Person:
    """A natural person (``sdg:PersonType``)."""

    family_name: str
    given_name: str
    date_of_birth: date
    level_of_assurance: str | None = None
    """eIDAS level: ``Low``, ``Substantial`` or ``High`` (mandatory in requests)."""
    identifier: Identifier | None = None
    """eIDAS person identifier ``XX/YY/...`` with ``schemeID="eidas"``."""
    birth_name: str | None = None
    place_of_birth: str | None = None
    current_address: Address | None = None
    gender: str | None = None
    sector_specific_attributes: tuple[SectorSpecificAttribute, ...] = ()


@dataclass(frozen=True, slots=True)
class LegalPerson:
    """A legal person (``sdg:LegalPersonType``)."""

    legal_name: str
    level_of_assurance: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    """Other identifiers (``TAX``, ``VAT``, ``EUID`` ...) with their ``schemeID``."""
    legal_person_identifier: Identifier | None = None
    """eIDAS legal person identifier ``XX/YY/...`` with ``schemeID="eidas"``."""
    registered_address: Address | None = None
    sector_specific_attributes: tuple[SectorSpecificAttribute, ...] = ()


Subject = Person | LegalPerson
"""Who the evidence is about."""

_SSA = ("AttributeName", "AttributeURI", "AttributeValue")
_PERSON = (
    "LevelOfAssurance",
    "Identifier",
    "FamilyName",
    "GivenName",
    "DateOfBirth",
    "BirthName",
    "PlaceOfBirth",
    "CurrentAddress",
    "Gender",
    "SectorSpecificAttribute",
)
_LEGAL = (
    "LevelOfAssurance",
    "Identifier",
    "LegalPersonIdentifier",
    "LegalName",
    "RegisteredAddress",
    "SectorSpecificAttribute",
)


def _build_ssa(parent: etree._Element, attrs: tuple[SectorSpecificAttribute, ...]) -> None:
    for a in attrs:
        el = etree.SubElement(parent, sdg("SectorSpecificAttribute"))
        sub_text(el, "AttributeName", a.name)
        sub_text(el, "AttributeURI", a.uri)
        sub_text(el, "AttributeValue", a.value)


def _parse_ssa(r: SdgElement) -> tuple[SectorSpecificAttribute, ...]:
    out = []
    for el in r.all("SectorSpecificAttribute"):
        s = SdgElement(el, _SSA, r.ctx)
        out.append(
            SectorSpecificAttribute(
                name=s.text("AttributeName"),
                uri=s.text("AttributeURI"),
                value=s.text("AttributeValue"),
            )
        )
    return tuple(out)


def build_person(
    parent: etree._Element | None, person: Person, local: str = "Person"
) -> etree._Element:
    """Build ``sdg:Person`` (or ``sdg:NaturalPerson``), appended when a parent is given."""
    el = etree.Element(sdg(local)) if parent is None else etree.SubElement(parent, sdg(local))
    sub_text(el, "LevelOfAssurance", person.level_of_assurance)
    if person.identifier is not None:
        build_identifier(el, "Identifier", person.identifier)
    sub_text(el, "FamilyName", person.family_name)
    sub_text(el, "GivenName", person.given_name)
    sub_text(el, "DateOfBirth", person.date_of_birth.isoformat())
    sub_text(el, "BirthName", person.birth_name)
    sub_text(el, "PlaceOfBirth", person.place_of_birth)
    if person.current_address is not None:
        build_address(el, "CurrentAddress", person.current_address)
    sub_text(el, "Gender", person.gender)
    _build_ssa(el, person.sector_specific_attributes)
    return el


def parse_person(element: etree._Element, ctx: SdgContext) -> Person:
    """Read a ``sdg:PersonType`` element."""
    r = SdgElement(element, _PERSON, ctx)
    ident = r.opt("Identifier")
    address = r.opt("CurrentAddress")
    dob = r.date("DateOfBirth")
    assert dob is not None
    return Person(
        level_of_assurance=r.opt_text("LevelOfAssurance"),
        identifier=None if ident is None else parse_identifier(ident),
        family_name=r.text("FamilyName"),
        given_name=r.text("GivenName"),
        date_of_birth=dob,
        birth_name=r.opt_text("BirthName"),
        place_of_birth=r.opt_text("PlaceOfBirth"),
        current_address=None if address is None else parse_address(address, ctx),
        gender=r.opt_text("Gender"),
        sector_specific_attributes=_parse_ssa(r),
    )


def build_legal_person(
    parent: etree._Element | None, person: LegalPerson, local: str = "LegalPerson"
) -> etree._Element:
    """Build ``sdg:LegalPerson``, appended when a parent is given."""
    el = etree.Element(sdg(local)) if parent is None else etree.SubElement(parent, sdg(local))
    sub_text(el, "LevelOfAssurance", person.level_of_assurance)
    for ident in person.identifiers:
        build_identifier(el, "Identifier", ident)
    if person.legal_person_identifier is not None:
        build_identifier(el, "LegalPersonIdentifier", person.legal_person_identifier)
    sub_text(el, "LegalName", person.legal_name)
    if person.registered_address is not None:
        build_address(el, "RegisteredAddress", person.registered_address)
    _build_ssa(el, person.sector_specific_attributes)
    return el


def parse_legal_person(element: etree._Element, ctx: SdgContext) -> LegalPerson:
    """Read a ``sdg:LegalPersonType`` element."""
    r = SdgElement(element, _LEGAL, ctx)
    lpi = r.opt("LegalPersonIdentifier")
    address = r.opt("RegisteredAddress")
    return LegalPerson(
        level_of_assurance=r.opt_text("LevelOfAssurance"),
        identifiers=tuple(parse_identifier(i) for i in r.all("Identifier")),
        legal_person_identifier=None if lpi is None else parse_identifier(lpi),
        legal_name=r.text("LegalName"),
        registered_address=None if address is None else parse_address(address, ctx),
        sector_specific_attributes=_parse_ssa(r),
    )
