"""The mock EB/DSD's answers for every scenario, in-process: right code, valid, round trip.

Each case names the scenario; the answer is built with the common-services builders,
validated (official v1.0 XSD + Schematron, project v2.0 checks), and parsed back equal.
"""

from __future__ import annotations

import pytest

from gateway.evidence.common_services import (
    CsVersion,
    DataServicesQuery,
    ErrorResponse,
    EvidenceTypesQuery,
    RequirementsQuery,
    build_response,
    parse_response,
)
from gateway.evidence.common_services.queries import Query
from gateway.evidence.validation import Validator
from gateway.evidence.validator_factory import build_validator
from gateway.settings import Settings
from mocks.eu_peers.catalogue import answer
from mocks.eu_peers.data import company_registration as cr

V1, V2 = CsVersion.V1_0, CsVersion.V2_0
COURT = cr.REGISTER_COURT_CONCEPT


def _cases(v: CsVersion) -> list[tuple[str, Query, str]]:
    """(scenario, query, expected answer: a response class name or an error code)."""
    de = cr.classification("DE", v)
    return [
        ("requirements-x1-de", RequirementsQuery(v, "X1", "DE"), "RequirementsResponse"),
        ("requirements-all", RequirementsQuery(v), "RequirementsResponse"),
        ("requirements-procedure-without-evidence", RequirementsQuery(v, "R1"), "EB:ERR:0001"),
        ("requirements-unknown-procedure", RequirementsQuery(v, "ZZ9"), "EB:ERR:0005"),
        ("requirements-unknown-country", RequirementsQuery(v, "X1", "ZZ"), "EB:ERR:0006"),
        ("requirements-country-without-procedure", RequirementsQuery(v, "X1", "FR"),
         "EB:ERR:0001"),
        ("evidence-types-nl", EvidenceTypesQuery(cr.requirement_id(v), v, "NL"),
         "EvidenceTypesResponse"),
        ("evidence-types-all", EvidenceTypesQuery(cr.requirement_id(v), v),
         "EvidenceTypesResponse"),
        ("evidence-types-unknown-requirement", EvidenceTypesQuery("urn:x", v), "EB:ERR:0002"),
        ("dsd-nl-kvk", DataServicesQuery(cr.classification("NL", v), "NL", v),
         "DataServicesResponse"),
        ("de-handelsregister-needs-register-court", DataServicesQuery(de, "DE", v),
         "DSD:ERR:0005"),
        ("de-handelsregister-with-register-court",
         DataServicesQuery(de, "DE", v, classification_values=((COURT, "K1101R"),)),
         "DataServicesResponse"),
        ("de-handelsregister-unknown-register-court",
         DataServicesQuery(de, "DE", v, classification_values=((COURT, "X9"),)), "DSD:ERR:0006"),
        ("dsd-wrong-country", DataServicesQuery(cr.classification("AT", v), "NL", v),
         "DSD:ERR:0001"),
        ("dsd-unknown-evidence-type", DataServicesQuery("https://x/y", "NL", v), "DSD:ERR:0002"),
        ("dsd-unexpected-classification-value",
         DataServicesQuery(cr.classification("NL", v), "NL", v,
                           classification_values=(("colour", "blue"),)), "DSD:ERR:0003"),
        ("dsd-at-firmenbuch", DataServicesQuery(cr.classification("AT", v), "AT", v),
         "DataServicesResponse" if v is V2 else "DSD:ERR:0001"),
        ("dsd-at-no-v1-service",
         DataServicesQuery(cr.classification("AT", v), "AT", v, specification="oots-edm:v1.0"),
         "DSD:ERR:0001"),
    ]


CASES = [(v, *case) for v in (V1, V2) for case in _cases(v)]


@pytest.fixture(scope="module")
def validator(settings: Settings) -> Validator:
    return build_validator(settings)


@pytest.mark.parametrize(("version", "scenario", "query", "expected"), CASES,
                         ids=[f"{c[0].value}-{c[1]}" for c in CASES])
def test_scenario_answer(validator: Validator, version: CsVersion, scenario: str,
                         query: Query, expected: str) -> None:
    response = answer(query)
    got = (response.exception.code if isinstance(response, ErrorResponse)
           else type(response).__name__)
    assert got == expected
    assert response.version is version
    body = build_response(response)
    report = validator.validate(body)
    assert report.valid, report.failing_rule_ids
    assert parse_response(body) == response
