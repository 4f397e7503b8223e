"""Property: whatever text the registers or the person deliver, build_anmeldung either refuses
with FormIncomplete naming the field, or returns a message valid against the project schema
that carries the values unchanged."""

from __future__ import annotations

import dataclasses

from hypothesis import example, given, settings
from hypothesis import strategies as st

from gateway.gewerbe import Address, FormIncomplete, build_anmeldung
from gateway.gewerbe.schema import Validator, load_validator
from gateway.namespaces import NS
from gateway.xml import parse_xml

from .scenarios import COMPANIES, evidence_source, form

VALIDATOR: Validator = load_validator(None)
X = {"x": NS.XGEWERBEANZEIGE_2_2}
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@settings(max_examples=150, deadline=None)
@given(name=TEXT, street=TEXT, city=TEXT, activity=TEXT, family=TEXT)
@example(name="Müller & Söhne <Bau> GmbH", street="Straße \"A\" 1", city="Köln",
         activity="Bau & Ausbau", family="O'Brien-Łukasiewicz")
@example(name=" ", street="x", city="y", activity="z", family="w")
def test_valid_or_refused_never_invalid(name: str, street: str, city: str, activity: str,
                                        family: str) -> None:
    base = COMPANIES["at-gmbh"]
    person = dataclasses.replace(base.representatives[0], family_name=family)
    company = dataclasses.replace(base, name=name, representatives=(person,))
    where = Address(street, "1", "03046", city, "DE")
    try:
        xml, _ = build_anmeldung(company, form(establishment_address=where, activity=activity),
                                 evidence_source("AT:Firmenbuch"))
    except FormIncomplete as exc:
        assert exc.fields
        return
    report = VALIDATOR.validate(xml)
    assert report.valid, report.xsd_errors
    root = parse_xml(xml)
    gewerbe = "x:satz/x:anmeldung/x:gewerbe"
    assert root.xpath(f"string({gewerbe}/x:betrieb/x:eingetragenerName)", namespaces=X) == name
    assert root.xpath(f"string({gewerbe}/x:anschrift/x:strasse)", namespaces=X) == street
    assert root.xpath(f"string({gewerbe}/x:beteiligtePerson/x:familienname)",
                      namespaces=X) == family
