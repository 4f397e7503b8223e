"""The mock EB and DSD as a separate process: real HTTP, signed answers, v1.0 and v2.0.

Every answer is verified with the gateway's verifier given the mock EC anchor, parsed,
and validated (XSD + official Schematron + the project's oots-cs:v2.0 checks).
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from gateway.evidence.common_services import (
    AdditionalInputRequest,
    CsVersion,
    DataServicesQuery,
    DataServicesResponse,
    ErrorResponse,
    EvidenceTypesQuery,
    EvidenceTypesResponse,
    RequirementsQuery,
    RequirementsResponse,
    SignatureRejected,
    TrustAnchors,
    choose_for_service,
    parse_response,
    verify_response,
)
from gateway.evidence.common_services.queries import HttpQuery
from gateway.evidence.validation import Validator
from gateway.evidence.validator_factory import build_validator
from gateway.settings import Settings
from mocks.eu_peers.data import company_registration as cr
from mocks.pki import TestPki

V1, V2 = CsVersion.V1_0, CsVersion.V2_0


@pytest.fixture(scope="module")
def anchors(pki: TestPki) -> TrustAnchors:
    return TrustAnchors((pki.certificate("ec-root-ca"),))


@pytest.fixture(scope="module")
def validator(settings: Settings) -> Validator:
    return build_validator(settings)


def _get(base: str, service: str, http: HttpQuery) -> httpx.Response:
    return httpx.get(http.url(f"{base}/{service}"), headers=dict(http.headers), timeout=30)


def _ask(base: str, service: str, http: HttpQuery, anchors: TrustAnchors,
         validator: Validator) -> object:
    response = _get(base, service, http)
    assert response.status_code == 200  # always, errors included (KNOWN-DEFECTS 9)
    assert response.headers["content-type"].startswith("application/x-ebrs+xml")
    verified = verify_response(response.content, dict(response.headers), anchors=anchors,
                               now=datetime.now(UTC))
    assert verified.verified and verified.signer is not None
    assert verified.signer.algorithm == "ES256"
    assert verified.signer.chain[-1].startswith("CN=European Commission Root CA - mock")
    report = validator.validate(verified.body)
    assert report.valid, report.failing_rule_ids
    return parse_response(verified.body)


@pytest.mark.parametrize("version", [V1, V2])
def test_company_registration_walk(cs_base: str, anchors: TrustAnchors, validator: Validator,
                                   version: CsVersion) -> None:
    """Procedure -> requirement -> NL evidence type -> NL data service, both versions."""
    reqs = _ask(cs_base, "eb", RequirementsQuery(version, "X1", "NL").to_http(), anchors,
                validator)
    assert isinstance(reqs, RequirementsResponse) and reqs.version is version
    requirement = reqs.requirements[0]
    assert [rf.jurisdiction.admin_unit_level_1 for rf in requirement.reference_frameworks
            if rf.jurisdiction] == ["NL"]
    types = _ask(cs_base, "eb", EvidenceTypesQuery(requirement.identifier, version, "NL")
                 .to_http(), anchors, validator)
    assert isinstance(types, EvidenceTypesResponse)
    classification = types.requirements[0].evidence_type_lists[0].evidence_types[0].classification
    assert classification == cr.classification("NL", version)
    services = _ask(cs_base, "dsd", DataServicesQuery(classification, "NL", version).to_http(),
                    anchors, validator)
    assert isinstance(services, DataServicesResponse)
    access = services.data_services[0].access_services[0]
    assert access.identifier.value == "NL-OOTS-AP"
    assert choose_for_service(access).value == ("oots-edm:v2.0" if version is V2
                                                else "oots-edm:v1.0")


@pytest.mark.parametrize("version", [V1, V2])
def test_de_register_court_needs_additional_input(cs_base: str, anchors: TrustAnchors,
                                                  validator: Validator,
                                                  version: CsVersion) -> None:
    """Scenario de-handelsregister-needs-register-court: DSD:ERR:0005, then the follow-up."""
    query = DataServicesQuery(cr.classification("DE", version), "DE", version)
    first = _ask(cs_base, "dsd", query.to_http(), anchors, validator)
    assert isinstance(first, ErrorResponse) and first.exception.code == "DSD:ERR:0005"
    need = AdditionalInputRequest.from_response(first)
    assert need.concept_ids == (cr.REGISTER_COURT_CONCEPT,)
    follow = need.follow_up(query, {cr.REGISTER_COURT_CONCEPT: "K1101R"})
    second = _ask(cs_base, "dsd", follow.to_http(), anchors, validator)
    assert isinstance(second, DataServicesResponse)
    publisher = second.data_services[0].access_services[0].publisher
    assert publisher.names[0].value == "Registergericht K1101R"
    wrong = DataServicesQuery(query.evidence_type_classification, "DE", version,
                              classification_values=((cr.REGISTER_COURT_CONCEPT, "X9999"),))
    refused = _ask(cs_base, "dsd", wrong.to_http(), anchors, validator)
    assert isinstance(refused, ErrorResponse) and refused.exception.code == "DSD:ERR:0006"


@pytest.mark.parametrize(("service", "query_string", "headers", "code"), [
    ("eb", "queryId=urn:nope", {}, "EB:ERR:0007"),
    ("dsd", "queryId=urn:nope", {}, "DSD:ERR:0004"),
    ("eb", "queryId=urn:fdc:oots:eb:ebxml-regrep:queries:requirements-by-procedure-and-"
           "jurisdiction&procedure-id=ZZ9", {"Accept-Version": "oots-cs:v2.0"}, "EB:ERR:0005"),
    ("eb", "queryId=urn:fdc:oots:eb:ebxml-regrep:queries:requirements-by-procedure-and-"
           "jurisdiction&procedure-id=X1", {"Accept-Version": "oots-cs:v9"}, "EB:ERR:0003"),
    ("eb", "queryId=urn:fdc:oots:eb:ebxml-regrep:queries:evidence-types-by-requirement-and-"
           "jurisdiction&requirement-id=urn:unknown", {}, "EB:ERR:0002"),
    ("dsd", "queryId=urn:fdc:oots:dsd:ebxml-regrep:queries:dataservices-by-evidencetype-and-"
            "jurisdiction&country-code=NL", {}, "DSD:ERR:0003"),
])
def test_refusals_are_signed_errors(cs_base: str, anchors: TrustAnchors, validator: Validator,
                                    service: str, query_string: str,
                                    headers: dict[str, str], code: str) -> None:
    response = httpx.get(f"{cs_base}/{service}/rest/search?{query_string}", headers=headers,
                         timeout=30)
    assert response.status_code == 200
    verified = verify_response(response.content, dict(response.headers), anchors=anchors,
                               now=datetime.now(UTC))
    assert validator.validate(verified.body).valid
    answer = parse_response(verified.body)
    assert isinstance(answer, ErrorResponse) and answer.exception.code == code


def test_v2_only_service_is_not_offered_to_v1(cs_base: str, anchors: TrustAnchors,
                                              validator: Validator) -> None:
    at_v1 = DataServicesQuery(cr.classification("AT", V1), "AT", V1).to_http()
    answer = _ask(cs_base, "dsd", at_v1, anchors, validator)
    assert isinstance(answer, ErrorResponse) and answer.exception.code == "DSD:ERR:0001"


def test_signature_fails_with_another_anchor_or_a_changed_body(
        cs_base: str, pki: TestPki) -> None:
    response = _get(cs_base, "eb", RequirementsQuery(V2, "X1").to_http())
    headers = dict(response.headers)
    with pytest.raises(SignatureRejected):  # the AS4 test CA is not the EC anchor
        verify_response(response.content, headers,
                        anchors=TrustAnchors((pki.certificate("test-ca"),)),
                        now=datetime.now(UTC))
    with pytest.raises(SignatureRejected):
        verify_response(response.content.replace(b"X1", b"X2"), headers,
                        anchors=TrustAnchors((pki.certificate("ec-root-ca"),)),
                        now=datetime.now(UTC))
