"""The assistant's state across a registration, in-process (no network): evidence read from
DE4A CompanyRegistration XML, prefill with provenance, mapping outcomes per legal form,
the person's input checked, the Anmeldung built and valid, resume tokens."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from gateway.gewerbe import assistant as a
from gateway.gewerbe import build_anmeldung
from gateway.gewerbe.canonical import (
    CanonicalEvidenceInvalid,
    build_company_registration,
    read_company_registration,
)
from gateway.gewerbe.errors import FormIncomplete
from gateway.gewerbe.models import FieldSource
from gateway.gewerbe.schema import load_validator
from gateway.settings import Settings
from gateway.xml import parse_xml
from tests.unit.gewerbe.scenarios import COMPANIES

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
KEY = b"test-key-0123456789abcdef"
FORM = {"activity": "Großhandel", "start_date": "2027-01-01", "street": "Spremberger Str.",
        "house_number": "90", "postcode": "03046", "city": "Cottbus", "ags": "12052000",
        "kind": "trade", "full_time_employees": "2", "part_time_employees": ""}


def _through(key: str) -> a.Registration:
    """A registration whose evidence is scenario ``key``, sent through the XML format."""
    company = COMPANIES[key]
    country = company.legal_form.country
    xml = build_company_registration(dataclasses.replace(
        company, euid=company.euid or f"{country}XX.{company.register_number}"))
    read = read_company_registration(xml, country=country,
                                     register_authority=company.register_authority)
    number = {"NL": "12345678", "AT": "123456A"}.get(country, "12345678")
    reg = a.open_registration(country if country in a.COUNTRIES else "NL", number, now=NOW)
    return a.delivered(reg, read, FieldSource(f"{country}:register", "urn:uuid:ev-1"), now=NOW)


@pytest.mark.parametrize(("key", "code", "function"), [
    ("nl-bv", "293000", "3"), ("at-gmbh", "293000", "3"),
    ("nl-eenmanszaak", "491000", "1"), ("at-eu", "491000", "1"),   # sole traders: owner
])
def test_prefilled_and_built(key: str, code: str, function: str, settings: Settings) -> None:
    """Every prefilled field has its source; the Anmeldung validates and carries the code
    and the owner/representative function of the legal form."""
    reg = _through(key)
    assert reg.step is a.Step.FORM and reg.unmapped == ()
    rows = a.prefilled_rows(reg)
    assert [r[0] for r in rows] == ["name", "legal_form", "seat", "address", "register_number",
                                    "register_authority", "representatives"]
    assert all(r[2].evidence_id == "urn:uuid:ev-1" for r in rows)
    assert reg.company is not None and reg.provenance is not None
    xml, digest = build_anmeldung(reg.company, a.form_input(reg, FORM, now=NOW), reg.provenance)
    assert load_validator(settings).validate(xml).valid
    ns = {"x": "http://www.xgewerbeanzeige.de/spezifikation/2.2"}
    root = parse_xml(xml)
    assert root.xpath("string(//x:rechtsformSchluessel/code)", namespaces=ns) == code
    assert root.xpath("string(//x:beteiligtePerson/x:personFunktion/code)",
                      namespaces=ns) == function
    assert digest.startswith("sha256:")


def test_unmapped_legal_form_is_shown_and_blocks() -> None:
    """A Stichting has no mapping: listed for the person, never guessed, no FormInput."""
    reg = _through("nl-stichting-unmapped")
    assert reg.unmapped == (("legal_form", "NL:Stichting"),)
    assert dict((r[0], r[1]) for r in a.prefilled_rows(reg))["legal_form"] == "Stichting"
    with pytest.raises(FormIncomplete) as caught:
        a.form_input(reg, FORM, now=NOW)
    assert "legal_form" in caught.value.fields


def test_incomplete_form_names_every_gap() -> None:
    """Missing activity, a bad date, an unknown AGS, a bad count: all named at once."""
    reg = _through("nl-bv")
    bad = dict(FORM, activity=" ", start_date="1.1.2027", ags="99999999",
               full_time_employees="-1")
    with pytest.raises(FormIncomplete) as caught:
        a.form_input(reg, bad, now=NOW)
    assert set(caught.value.fields) == {"activity", "start_date", "ags", "full_time_employees"}


def test_numbers_and_countries() -> None:
    """Register numbers are normalised and checked per country; other countries refused."""
    assert a.open_registration("at", "FN 473888 w", now=NOW).register_number == "473888W"
    for country, number in (("NL", "1234"), ("AT", "473888"), ("FR", "12345678")):
        with pytest.raises(FormIncomplete):
            a.open_registration(country, number, now=NOW)


def test_resume_token_and_storage_round_trip() -> None:
    """Tokens name the registration and cannot be forged; the stored form reads back."""
    reg = a.with_draft(_through("at-gmbh"), {"activity": "Holz", "address": "x"}, ("ags",),
                       now=NOW)
    token = a.resume_token(reg.id, KEY)
    assert a.token_id(token, KEY) == reg.id
    assert a.token_id(token[:-1] + ("0" if token[-1] != "0" else "1"), KEY) is None
    assert a.token_id(token, b"another-key-0123456789") is None
    assert a.Registration.from_json(reg.to_json()) == reg


def test_unreadable_evidence() -> None:
    """Not a DE4A LegalEntity: a clear error, not a half-filled form."""
    with pytest.raises(CanonicalEvidenceInvalid):
        read_company_registration(b"<x/>", country="NL", register_authority="KVK")


def test_address_split() -> None:
    """The one address field: street, number, postcode; unreadable gives nothing."""
    assert a.split_address("Spremberger Str. 90a, 03046") == {
        "street": "Spremberger Str.", "house_number": "90a", "postcode": "03046"}
    assert a.split_address("somewhere") == {}
