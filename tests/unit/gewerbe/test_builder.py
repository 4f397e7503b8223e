"""build_anmeldung: schema-valid, KoSIT structure, legal forms, sole traders, unmapped forms."""

from __future__ import annotations

import dataclasses

import pytest
from lxml import etree

from gateway.gewerbe import (
    BusinessKind,
    FormIncomplete,
    LegalForm,
    NoCompetentAuthority,
    Provenance,
    Unmapped,
    build_anmeldung,
)
from gateway.gewerbe.builder import digest_of
from gateway.gewerbe.mappings import LegalFormCodeList
from gateway.gewerbe.schema import Validator
from gateway.gewerbe.structure import compare
from gateway.namespaces import NS
from gateway.xml import parse_xml

from .scenarios import COMPANIES, REGISTERS, evidence_source, form

X = {"x": NS.XGEWERBEANZEIGE_2_2}
# Paths of the KoSIT Anmeldung structure (STRUCTURE.md, "Message body") every message we
# build must contain, whatever the company.
CORE = (
    "*/nachrichtenkopf/identifikation.nachricht/nachrichtenUUID",
    "*/nachrichtenkopf/leser/behoerdenkennung/kennung/code",
    "*/nachrichtenkopf/autor/behoerdenname",
    "*/satz/anmeldung/satzErstellung", "*/satz/anmeldung/autor", "*/satz/anmeldung/istKorrektur",
    "*/satz/anmeldung/gemeindeSchluessel/code", "*/satz/anmeldung/gewerbebetriebID",
    "*/satz/anmeldung/uuid", "*/satz/anmeldung/gewerbe/betrieb/eingetragenerName",
    "*/satz/anmeldung/gewerbe/betrieb/eintragungNr",
    "*/satz/anmeldung/gewerbe/betrieb/eintragungArt/code",
    "*/satz/anmeldung/gewerbe/betrieb/rechtsformSchluessel/code",
    "*/satz/anmeldung/gewerbe/betriebArt/sonstiges/code", "*/satz/anmeldung/gewerbe/anschrift",
    "*/satz/anmeldung/gewerbe/beteiligtePerson/familienname", "*/satz/anmeldung/gueltigAb",
    "*/satz/anmeldung/datumMeldung",
    "*/satz/anmeldung/taetigkeitenGesamt/schwerpunkt/taetigkeitSchwerpunkt",
    "*/satz/anmeldung/grundAnmeldungSchluessel/code",
)
# scenario -> (rechtsformSchluessel, eintragungArt, personFunktion, gerichtSchluessel or None)
EXPECTED = {
    "de-gmbh": ("221110", "B", "3", "G1103"),
    "de-ek": ("411000", "A", "1", "G1103"),
    "nl-bv": ("293000", "X", "3", None),
    "nl-eenmanszaak": ("491000", "X", "1", None),
    "at-gmbh": ("293000", "X", "3", None),
    "at-eu": ("491000", "X", "1", None),
}


def _build(scenario: str, **form_changes: object) -> tuple[bytes, str]:
    company = COMPANIES[scenario]
    return build_anmeldung(company, form(**form_changes),
                           evidence_source(REGISTERS[scenario.split("-")[0]]))


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_built_message_is_valid_and_matches_kosit_structure(
        scenario: str, project_validator: Validator,
        kosit_references: list[etree._Element]) -> None:
    xml, digest = _build(scenario)
    assert digest == digest_of(xml)
    report = project_validator.validate(xml)
    assert report.valid, (report.xsd_errors, report.rule_failures)
    comparison = compare(parse_xml(xml), kosit_references)
    assert comparison.unknown == ()
    assert comparison.order == ()
    assert not set(CORE) & set(comparison.omitted)


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_legal_form_register_and_person_function(scenario: str) -> None:
    xml, _ = _build(scenario)
    root = parse_xml(xml)
    code, art, function, court = EXPECTED[scenario]
    betrieb = "x:satz/x:anmeldung/x:gewerbe/x:betrieb"
    assert root.xpath(f"{betrieb}/x:rechtsformSchluessel/code/text()", namespaces=X) == [code]
    assert root.xpath(f"{betrieb}/x:rechtsformSchluessel/@listURI", namespaces=X) == [
        "urn:xoev-de:xunternehmen:codeliste:rechtsformen"]
    assert root.xpath(f"{betrieb}/x:eintragungArt/code/text()", namespaces=X) == [art]
    assert root.xpath(f"{betrieb}/x:gerichtSchluessel/code/text()", namespaces=X) == (
        [court] if court else [])
    persons = root.xpath("x:satz/x:anmeldung/x:gewerbe/x:beteiligtePerson/x:personFunktion/"
                         "code/text()", namespaces=X)
    assert persons == [function]
    seat_country = root.xpath("x:satz/x:anmeldung/x:gewerbe/x:hauptniederlassung/x:anschrift/"
                              "x:nationSchluessel/code/text()", namespaces=X)
    assert seat_country == [{"de": "276", "nl": "528", "at": "040"}[scenario[:2]]]


def test_unmapped_legal_form_is_refused_and_named() -> None:
    with pytest.raises(Unmapped) as caught:
        _build("nl-stichting-unmapped")
    assert caught.value.code == "XGA:UNMAPPED"
    assert caught.value.field == "legal form"
    assert caught.value.value == "NL:Stichting"


def test_same_abbreviation_other_country_is_not_guessed() -> None:
    # "OG" is an Austrian form; as a Dutch form it is unknown (no cross-country guessing).
    company = dataclasses.replace(COMPANIES["nl-bv"], legal_form=LegalForm("OG", "NL"))
    with pytest.raises(Unmapped, match="NL:OG"):
        build_anmeldung(company, form(), evidence_source("NL:KVK"))


def test_xgewerbeanzeige_5_list_only_knows_codes_the_test_messages_show() -> None:
    xml, _ = build_anmeldung(COMPANIES["de-gmbh"], form(), evidence_source("DE:Handelsregister"),
                             code_list=LegalFormCodeList.XGEWERBEANZEIGE_5)
    assert parse_xml(xml).xpath("//x:rechtsformSchluessel/code/text()", namespaces=X) == ["350"]
    with pytest.raises(Unmapped, match="NL:BV"):
        build_anmeldung(COMPANIES["nl-bv"], form(), evidence_source("NL:KVK"),
                        code_list=LegalFormCodeList.XGEWERBEANZEIGE_5)


def test_build_is_deterministic_and_input_sensitive() -> None:
    first, digest1 = _build("nl-bv")
    again, digest2 = _build("nl-bv")
    other, digest3 = _build("nl-bv", activity="Einzelhandel mit Speiseeis")
    assert first == again and digest1 == digest2
    assert digest3 != digest1
    ids = [parse_xml(x).xpath("string(x:satz/x:anmeldung/x:uuid)", namespaces=X)
           for x in (first, other)]
    assert ids[0] != ids[1]


def test_routing_by_ags() -> None:
    xml, _ = _build("at-gmbh", ags="05315000")
    root = parse_xml(xml)
    assert root.xpath("string(x:nachrichtenkopf/x:leser/x:behoerdenname)",
                      namespaces=X) == "Gewerbeamt Köln (mock)"
    assert root.xpath("string(x:satz/x:anmeldung/x:gemeindeSchluessel/code)",
                      namespaces=X) == "05315000"
    with pytest.raises(NoCompetentAuthority, match="99999999"):
        _build("at-gmbh", ags="99999999")
    with pytest.raises(FormIncomplete, match="not 8 digits"):
        _build("at-gmbh", ags="1205")


def test_incomplete_form_names_the_fields() -> None:
    with pytest.raises(FormIncomplete) as caught:
        _build("de-gmbh", activity=" ", kind=BusinessKind())
    assert caught.value.fields == ("activity", "kind")
    with pytest.raises(FormIncomplete, match="craft_card_status"):
        _build("de-gmbh", kind=BusinessKind(craft=True))
    xml, _ = _build("de-gmbh", kind=BusinessKind(craft=True), craft_card_status="1")
    assert parse_xml(xml).xpath("//x:handwerkskarte/x:status/code/text()", namespaces=X) == ["1"]


def test_every_prefilled_field_needs_provenance() -> None:
    partial = Provenance({k: v for k, v in evidence_source("NL:KVK").fields.items()
                          if k != "legal_form"})
    with pytest.raises(FormIncomplete, match="without provenance: legal_form"):
        build_anmeldung(COMPANIES["nl-bv"], form(), partial)


def test_register_place_is_written_when_known() -> None:
    place = "x:satz/x:anmeldung/x:gewerbe/x:betrieb/x:eintragungOrt/text()"
    xml, _ = _build("de-gmbh")
    assert parse_xml(xml).xpath(place, namespaces=X) == ["Cottbus"]  # as in the KoSIT messages
    xml, _ = _build("nl-bv")
    assert parse_xml(xml).xpath(place, namespaces=X) == ["Kamer van Koophandel"]  # as delivered
