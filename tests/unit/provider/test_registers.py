"""The register adapter's codecs: XNachweis question, XJustiz answer, demo data vs the kit."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from gateway.errors import EdmErrorCode
from gateway.evidence.identifiers import BrisRegisters, parse_euid
from gateway.registers import CompanyStatus, RegisterKey, RegisterUnavailable
from gateway.registers.xjustiz import STATUS_CODES, parse_register_content
from gateway.registers.xnachweis import RegisterQuery, build_register_query, parse_register_query
from gateway.xml._parse import parse_xml
from mocks.de_registers.companies import COMPANIES, scenario
from mocks.de_registers.xjustiz_build import register_content

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
KIT_XJUSTIZ = "de/xjustiz/3.5.1/xsd"


@pytest.mark.parametrize("company", COMPANIES, ids=lambda c: c.scenario)
def test_demo_company_round_trips_through_xjustiz(company: object) -> None:
    """Every demo company's SI message reads back to the same key, name and officers."""
    from mocks.de_registers.companies import DemoCompany
    assert isinstance(company, DemoCompany)
    record = parse_register_content(register_content(company, now=NOW))
    assert record.key == RegisterKey(company.court, company.register_type, company.number)
    assert record.name == company.name
    assert record.legal_form_code == company.legal_form_code
    assert [o.name for o in record.officers] == [f"{o.given} {o.family}"
                                                 for o in company.officers]
    assert record.euid == (company.euid if company.euid_filled else None)
    assert record.effective_euid == company.euid


def test_status_of_deleted_and_insolvent_companies() -> None:
    """reg.status-rechtstraeger 002/004 map to deleted/insolvency."""
    from ._support import CODE_LISTS
    deleted = parse_register_content(register_content(scenario("deleted-stuttgart"), now=NOW),
                                     CODE_LISTS)
    insolvent = parse_register_content(register_content(scenario("insolvency-frankfurt"),
                                                        now=NOW))
    assert deleted.status is CompanyStatus.DELETED
    assert insolvent.status is CompanyStatus.INSOLVENCY
    assert deleted.status_text == "gelöscht"


def test_status_codes_match_the_kit_code_list(shared_dir: Path) -> None:
    """Our status codes carry the meaning the kit's REG.Status_Rechtstraeger 2.0 gives them."""
    root = parse_xml((shared_dir / "de/xjustiz/codelists/REG.Status_Rechtstraeger_2.0.xml")
                     .read_bytes())
    values = [v.text for v in root.iter("{*}SimpleValue")]
    names = dict(zip(values[0::2], values[1::2], strict=True))
    assert names["001"] == "aktiv"
    assert names["002"] == "gelöscht"
    assert names["004"] == "insolvent"
    assert set(STATUS_CODES) <= set(names)


def test_demo_courts_are_bris_registers(bris: BrisRegisters) -> None:
    """Every demo company's EUID parses against the kit's BRIS list."""
    for company in COMPANIES:
        euid = parse_euid(company.euid, bris)
        assert RegisterKey.from_euid(euid) == RegisterKey(company.court, company.register_type,
                                                          company.number)


def test_demo_legal_forms_are_in_the_xunternehmen_list(shared_dir: Path) -> None:
    """Legal-form codes exist in Rechtsformen 2.2 (kit JSON, read at run time)."""
    data = json.loads((shared_dir / "de/xjustiz/codelists/json/Rechtsformen_2.2.json")
                      .read_text(encoding="utf-8"))
    codes = {row[0] for row in data["daten"]}
    assert {c.legal_form_code for c in COMPANIES} <= codes


def test_register_message_elements_exist_in_the_xjustiz_schema(shared_dir: Path) -> None:
    """Every element name the mock writes is declared in the XJustiz 3.5.1 register set."""
    declared: set[str] = set()
    for xsd in (shared_dir / KIT_XJUSTIZ).glob("*.xsd"):
        declared |= {str(e.get("name")) for e in parse_xml(xsd.read_bytes()).iter(
            "{http://www.w3.org/2001/XMLSchema}element", "{http://www.w3.org/2001/XMLSchema}attribute")
            if e.get("name")}
    message = parse_xml(register_content(COMPANIES[0], now=NOW))
    used = {etree.QName(e).localname for e in message.iter()} | {
        a for e in message.iter() for a in e.attrib}
    missing = used - declared - {"code", "name", "listURI", "listVersionID"}
    assert missing == set()


def test_xnachweis_question_round_trips() -> None:
    """The DE.EvidenceRequest.0301-shaped question reads back equal."""
    query = RegisterQuery("urn:uuid:00000000-0000-4000-8000-000000000001", NOW,
                          RegisterKey("X1517R", "HRB", "395KI"), "https://sr/et", "NL portal")
    assert parse_register_query(build_register_query(query)) == query


@pytest.mark.parametrize("body, what", [
    (b"<not-xml", "malformed"),
    (b"<x xmlns='http://www.xjustiz.de'/>", "wrong root"),
    (register_content(COMPANIES[0], now=NOW).replace(b"laufendeNummer", b"nummerX"),
     "number missing"),
    (register_content(COMPANIES[0], now=NOW).replace(b"<tns:ref.rollennummer>1<",
                                                     b"<tns:ref.rollennummer>9<"),
     "entity missing"),
], ids=["register-answer-malformed", "register-answer-wrong-root",
        "register-answer-without-number", "register-answer-without-entity"])
def test_unusable_register_answers_are_timeouts(body: bytes, what: str) -> None:
    """An unusable answer is RegisterUnavailable (EDM:ERR:0005), never a crash."""
    with pytest.raises(RegisterUnavailable) as info:
        parse_register_content(body)
    assert info.value.code == EdmErrorCode.TIMEOUT.value, what


@pytest.mark.parametrize("company", COMPANIES, ids=lambda c: c.scenario)
def test_register_message_is_valid_against_the_xjustiz_schema(shared_dir: Path,
                                                              company: object) -> None:
    """The mock's nachricht.reg.0400003 passes the kit's XJustiz 3.5.1 register XSD."""
    from mocks.de_registers.companies import DemoCompany
    assert isinstance(company, DemoCompany)
    # the kit's own schema set (trusted files; includes resolve relative to the file)
    schema = etree.XMLSchema(file=str(shared_dir / KIT_XJUSTIZ / "xjustiz_0400_register_3_3.xsd"))
    message = parse_xml(register_content(company, now=NOW))
    assert schema.validate(message), str(schema.error_log)


def test_names_come_from_the_kit_code_lists() -> None:
    """Type-3 codes carry no names: court, role, legal form, status are looked up."""
    from ._support import CODE_LISTS
    record = parse_register_content(register_content(scenario("ag-muenchen"), now=NOW),
                                    CODE_LISTS)
    assert record.court_name == "Amtsgericht München" or "München" in record.court_name
    assert record.legal_form == "AG"
    assert record.officers[0].role == "Vorstand"
    assert record.status_text == "aktiv"
    bare = parse_register_content(register_content(scenario("ag-muenchen"), now=NOW))
    assert bare.legal_form == "222110" and bare.officers[0].role == "194"
