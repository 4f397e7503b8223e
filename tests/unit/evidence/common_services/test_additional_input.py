"""The DSD:ERR:0005 round trip (TDD 3.1.4 §4.4.3): error -> what to ask -> follow-up query."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gateway.evidence.common_services.additional_input import AdditionalInputRequest
from gateway.evidence.common_services.error_responses import ErrorResponse
from gateway.evidence.common_services.errors import BuildError, ResponseRejected
from gateway.evidence.common_services.model import (
    CsVersion,
    DataServiceEvidenceType,
    Distribution,
    Identifier,
    InformationConcept,
    Jurisdiction,
    Service,
    SupportedValue,
    Text,
    ValueKind,
)
from gateway.evidence.common_services.queries import DataServicesQuery, parse_query
from gateway.evidence.common_services.responses import build_response, parse_response
from gateway.evidence.validation import MessageKind, Validator
from gateway.namespaces import CommonServicesURI
from gateway.settings import Settings

DSD_DIR = "oots-edm-1.0/samples/DSD/Complete XML examples (DSD)"
PREFIX = "4.4.3. Query Error Response of the DSD requesting additional User Provided Attributes"
BIRTH = f"{PREFIX} - Birth Certificate - DSD-ERR005.xml"
SOCIAL = f"{PREFIX} - Social Security Contributions - DSD-ERR005.xml"
RESIDENCE = "b07146b6-1468-41a7-a10f-ee2a61429dbc"
INSURANCE = "1a56b43f-6fa7-4bbf-b2d7-af6134918716"


def _request(shared_dir: Path, name: str) -> AdditionalInputRequest:
    model = parse_response((shared_dir / DSD_DIR / name).read_bytes())
    assert isinstance(model, ErrorResponse)
    return AdditionalInputRequest.from_response(model)


def _wire(query: DataServicesQuery) -> DataServicesQuery:
    http = query.to_http()
    parsed = parse_query(
        urlsplit(http.url("https://dsd.example/")).query, dict(http.headers), service=Service.DSD
    )
    assert isinstance(parsed, DataServicesQuery)
    return parsed


def test_birth_certificate_v1_round_trip(shared_dir: Path) -> None:
    request = _request(shared_dir, BIRTH)
    assert request.concept_ids == (RESIDENCE,)
    assert request.jurisdiction_determination is not None
    assert request.jurisdiction_determination.level == "LAU"
    assert request.evidence_type is not None
    first = DataServicesQuery(request.evidence_type.classification, "DE", CsVersion.V1_0)
    assert request.missing_from(first) == (
        RESIDENCE,
        "jurisdiction-context-id",
        "jurisdiction-admin-l3",
    )
    second = request.follow_up(
        first,
        {RESIDENCE: "ApplicantHasNeverBeenResidentInGermany"},
        jurisdiction=Jurisdiction("DE", admin_unit_level_3="11000000"),
    )
    assert second.jurisdiction_context_id == "5ce148b9-5578-4049-aecf-af7bb55714b5"
    assert second.jurisdiction_admin_l3 == "11000000"
    received = _wire(second)
    assert received == second
    assert request.missing_from(received) == ()


def test_social_security_v1_round_trip(shared_dir: Path) -> None:
    request = _request(shared_dir, SOCIAL)
    assert request.jurisdiction_determination is None
    first = DataServicesQuery(
        "https://sr.oots.tech.europa.eu/evidencetypeclassifications/ES/x", "ES", CsVersion.V1_0
    )
    second = request.follow_up(first, {INSURANCE: "StatutoryHealthInsurance"})
    assert second.classification_values == ((INSURANCE, "StatutoryHealthInsurance"),)
    assert request.missing_from(_wire(second)) == ()


def test_v2_error_built_parsed_and_answered(settings: Settings) -> None:
    """DSD side builds a v2.0 DSD:ERR:0005, the requester reads it and follows up."""
    concept = InformationConcept(
        identifier=Identifier("c1a9b0e2-0000-4000-8000-000000000001"),
        type="Codelist",
        value_expression="https://sr.acc.oots.tech.ec.europa.eu/codelists/DE/Bundesland",
        descriptions=(Text("Federal state of the register", "EN"),),
        supported_value=SupportedValue(ValueKind.STRING, ("DE-NW", "DE-BY")),
    )
    evidence_type = DataServiceEvidenceType(
        identifier="41170824-15d9-4c16-984e-63b75b937b8c",
        classification="https://sr.acc.oots.tech.ec.europa.eu/evidencetypeclassifications/DE/x",
        titles=(Text("Register extract", "EN"),),
        distributions=(Distribution("application/pdf", languages=("DE",)),),
    )
    request = AdditionalInputRequest(CsVersion.V2_0, (concept,), evidence_type)
    data = build_response(request.to_error(detail="UserRequestedClassificationConcepts"))
    report = Validator.from_settings(settings).validate(data)
    assert report.kind is MessageKind.DSD_ERROR_RESPONSE and report.valid, report.findings
    parsed = parse_response(data)
    assert isinstance(parsed, ErrorResponse)
    assert parsed.exception.severity == CommonServicesURI.SEVERITY_ADDITIONAL_INPUT_V2
    received = AdditionalInputRequest.from_response(parsed)
    assert received == request
    first = DataServicesQuery(
        "https://sr.acc.oots.tech.ec.europa.eu/evidencetypeclassifications/DE/x", "DE"
    )
    second = received.follow_up(first, {concept.identifier.value: "DE-NW"})
    assert received.missing_from(_wire(second)) == ()
    with pytest.raises(BuildError) as info:
        received.follow_up(first, {concept.identifier.value: "DE-XX"})
    assert info.value.field == concept.identifier.value


def test_v1_built_error_passes_schematron(shared_dir: Path, settings: Settings) -> None:
    request = _request(shared_dir, BIRTH)
    data = build_response(request.to_error(detail="JurisdictionDetermination"))
    report = Validator.from_settings(settings).validate(data)
    assert report.rule_sets and report.valid, report.findings
    parsed = parse_response(data)
    assert isinstance(parsed, ErrorResponse)
    assert parsed.exception.severity == CommonServicesURI.SEVERITY_ADDITIONAL_INPUT


@pytest.mark.parametrize(
    ("values", "field"),
    [({}, INSURANCE), ({INSURANCE: ""}, INSURANCE), ({INSURANCE: "x", "other": "y"}, "other")],
)
def test_follow_up_needs_exactly_the_requested_values(
    values: dict[str, str], field: str, shared_dir: Path
) -> None:
    request = _request(shared_dir, SOCIAL)
    first = DataServicesQuery(
        "https://sr.oots.tech.europa.eu/evidencetypeclassifications/ES/x", "ES", CsVersion.V1_0
    )
    with pytest.raises(BuildError) as info:
        request.follow_up(first, values)
    assert info.value.field == field


def test_missing_jurisdiction_is_refused(shared_dir: Path) -> None:
    request = _request(shared_dir, BIRTH)
    first = DataServicesQuery("x", "DE", CsVersion.V1_0)
    with pytest.raises(BuildError, match="LAU"):
        request.follow_up(first, {RESIDENCE: "ApplicantHasBeenResidentInGermany"})


def test_other_errors_are_not_additional_input_requests(shared_dir: Path) -> None:
    model = parse_response(
        (
            shared_dir / DSD_DIR / "4.4.1 Query Error Response of the DSD - Birth Certificate.xml"
        ).read_bytes()
    )
    assert isinstance(model, ErrorResponse)
    with pytest.raises(ResponseRejected):
        AdditionalInputRequest.from_response(model)
