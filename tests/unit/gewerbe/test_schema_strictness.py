"""The project schema and the structure comparison are not vacuous: mutations of a good
message are caught."""

from __future__ import annotations

import copy

import pytest
from lxml import etree

from gateway.gewerbe import build_anmeldung
from gateway.gewerbe.schema import Validator
from gateway.gewerbe.structure import compare
from gateway.namespaces import NS
from gateway.xml import parse_xml

from .scenarios import COMPANIES, evidence_source, form

N = NS.XGEWERBEANZEIGE_2_2
X = {"x": N}
REQUIRED = [
    "x:nachrichtenkopf/x:identifikation.nachricht/x:nachrichtenUUID",
    "x:nachrichtenkopf/x:leser", "x:nachrichtenkopf/x:autor/x:behoerdenname",
    "x:satz/x:anmeldung/x:satzErstellung", "x:satz/x:anmeldung/x:istKorrektur",
    "x:satz/x:anmeldung/x:gemeindeSchluessel", "x:satz/x:anmeldung/x:uuid",
    "x:satz/x:anmeldung/x:gewerbebetriebID",
    "x:satz/x:anmeldung/x:gewerbe/x:betrieb/x:rechtsformSchluessel",
    "x:satz/x:anmeldung/x:gewerbe/x:niederlassungArt",
    "x:satz/x:anmeldung/x:gewerbe/x:anschrift/x:strasse",
    "x:satz/x:anmeldung/x:gewerbe/x:beteiligtePerson/x:familienname",
    "x:satz/x:anmeldung/x:gueltigAb", "x:satz/x:anmeldung/x:taetigkeitenGesamt",
    "x:satz/x:anmeldung/x:grundAnmeldungSchluessel",
]


@pytest.fixture(scope="module")
def good() -> etree._Element:
    xml, _ = build_anmeldung(COMPANIES["nl-bv"], form(), evidence_source("NL:KVK"))
    return parse_xml(xml)


def _one(root: etree._Element, path: str) -> etree._Element:
    found = root.xpath(path, namespaces=X)
    assert isinstance(found, list) and len(found) == 1
    element = found[0]
    assert isinstance(element, etree._Element)
    return element


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("path", REQUIRED)
def test_removing_a_required_element_is_invalid(good: etree._Element, path: str,
                                                project_validator: Validator) -> None:
    root = copy.deepcopy(good)
    target = _one(root, path)
    parent = target.getparent()
    assert parent is not None
    parent.remove(target)
    assert not project_validator.validate(_bytes(root)).valid


@pytest.mark.parametrize("path, text", [
    ("x:satz/x:anmeldung/x:uuid", "not-a-uuid"),
    ("x:satz/x:anmeldung/x:gueltigAb", "01.01.2027"),
    ("x:satz/x:anmeldung/x:gewerbe/x:anzahlVollzeitBeschaeftigte", "-1"),
])
def test_wrong_value_types_are_invalid(good: etree._Element, path: str, text: str,
                                       project_validator: Validator) -> None:
    root = copy.deepcopy(good)
    _one(root, path).text = text
    assert not project_validator.validate(_bytes(root)).valid


def test_comparison_detects_unknown_elements_and_order(
        good: etree._Element, kosit_references: list[etree._Element]) -> None:
    assert compare(good, kosit_references).matches
    extra = copy.deepcopy(good)
    betrieb = _one(extra, "x:satz/x:anmeldung/x:gewerbe/x:betrieb")
    etree.SubElement(betrieb, f"{{{N}}}eintragungNrSonstige").text = "x"
    assert compare(extra, kosit_references).unknown == (
        "*/satz/anmeldung/gewerbe/betrieb/eintragungNrSonstige",)
    swapped = copy.deepcopy(good)
    anmeldung = _one(swapped, "x:satz/x:anmeldung")
    datum = anmeldung.find(f"{{{N}}}datumMeldung")
    assert datum is not None
    anmeldung.remove(datum)
    anmeldung.insert(0, datum)
    order = compare(swapped, kosit_references).order
    assert "*/satz/anmeldung: datumMeldung before satzErstellung" in order
    assert "*/satz/anmeldung: datumMeldung before gueltigAb" in order
    assert not [o for o in order if not o.startswith("*/satz/anmeldung: datumMeldung before")]
