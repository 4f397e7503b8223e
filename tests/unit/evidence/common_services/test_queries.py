"""EB/DSD HTTP GET queries: rendering, parsing back, and the refusals a service answers with."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from gateway.evidence.common_services.errors import BuildError, QueryRejected
from gateway.evidence.common_services.model import CsVersion, Service
from gateway.evidence.common_services.queries import (
    DataServicesQuery,
    EvidenceTypesQuery,
    Query,
    RequirementsQuery,
    parse_query,
)
from gateway.namespaces import CommonServicesURI

BASE = "https://query.cs.acc.oots.tech.ec.europa.eu/"
CLASSIFICATION = (
    "https://sr.acc.oots.tech.ec.europa.eu/evidencetypeclassifications/FI/"
    "19f0783e-7cdc-4146-9ff9-e331514ffb74"
)


def _round_trip(query: Query, service: Service) -> Query:
    http = query.to_http()
    url = urlsplit(http.url(BASE))
    assert url.path == "/rest/search"
    return parse_query(url.query, dict(http.headers), service=service)


def test_requirements_query_v2() -> None:
    query = RequirementsQuery(procedure_id="T1", country_code="FR", return_incomplete=False)
    http = query.to_http()
    assert http.params[0] == ("queryId", CommonServicesURI.EB_REQUIREMENTS_QUERY)
    assert ("Accept", "application/x-ebrs+xml") in http.headers
    assert ("Accept-Version", "oots-cs:v2.0") in http.headers
    assert http.url(BASE) == (
        "https://query.cs.acc.oots.tech.ec.europa.eu/rest/search?queryId="
        "urn%3Afdc%3Aoots%3Aeb%3Aebxml-regrep%3Aqueries%3Arequirements-by-procedure-and-jurisdiction"
        "&procedure-id=T1&country-code=FR&return-incomplete=false"
    )
    assert _round_trip(query, Service.EB) == query


def test_catalogue_query_has_no_parameters() -> None:
    http = RequirementsQuery().to_http()
    assert http.params == (("queryId", CommonServicesURI.EB_REQUIREMENTS_QUERY),)


def test_v1_queries_send_no_accept_version() -> None:
    query = RequirementsQuery(
        CsVersion.V1_0, procedure_id="R1", country_code="DE", jurisdiction_admin_l2="DEF"
    )
    assert dict(query.to_http().headers) == {"Accept": "application/x-ebrs+xml"}
    assert _round_trip(query, Service.EB) == query


@pytest.mark.parametrize(
    "query",
    [
        EvidenceTypesQuery(
            "https://sr.acc.oots.tech.ec.europa.eu/requirements/00000000-0000-0000-0000-000000000000",
            country_code="FI",
        ),
        EvidenceTypesQuery("315cfd75-6605-49c4-b0fe-799833b41099", CsVersion.V1_0, "DE", "DE3"),
    ],
)
def test_evidence_types_query_round_trip(query: EvidenceTypesQuery) -> None:
    assert _round_trip(query, Service.EB) == query


def test_dsd_query_with_specification_and_user_values() -> None:
    query = DataServicesQuery(
        CLASSIFICATION,
        "FI",
        specification="oots-edm:v2.0",
        classification_values=(("1a56b43f-6fa7-4bbf-b2d7-af6134918716", "Statutory Insurance"),),
    )
    http = query.to_http()
    assert ("specification", "oots-edm:v2.0") in http.params
    assert "Statutory%20Insurance" in http.query_string
    assert _round_trip(query, Service.DSD) == query


def test_dsd_v1_jurisdiction_parameters() -> None:
    query = DataServicesQuery(
        CLASSIFICATION,
        "DE",
        CsVersion.V1_0,
        jurisdiction_admin_l3="11000000",
        jurisdiction_context_id="5ce148b9-5578-4049-aecf-af7bb55714b5",
    )
    assert _round_trip(query, Service.DSD) == query


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (RequirementsQuery(country_code="fr"), "country_code"),
        (RequirementsQuery(procedure_id="r 1"), "procedure_id"),
        (RequirementsQuery(jurisdiction_admin_l2="DEF"), "jurisdiction_admin_l2"),
        (RequirementsQuery(CsVersion.V1_0, return_incomplete=True), "return_incomplete"),
        (EvidenceTypesQuery(""), "requirement_id"),
        (DataServicesQuery(CLASSIFICATION, "FI", specification="edm-2"), "specification"),
        (
            DataServicesQuery(CLASSIFICATION, "FI", jurisdiction_context_id="x"),
            "jurisdiction_context_id",
        ),
        (
            DataServicesQuery(CLASSIFICATION, "FI", classification_values=(("country-code", "x"),)),
            "country-code",
        ),
    ],
)
def test_invalid_query_models_name_the_field(query: Query, field: str) -> None:
    with pytest.raises(BuildError) as info:
        query.to_http()
    assert info.value.field == field


V2 = {"Accept-Version": "oots-cs:v2.0"}
EB_REQ = "queryId=" + CommonServicesURI.EB_REQUIREMENTS_QUERY
DSD_Q = "queryId=" + CommonServicesURI.DSD_DATA_SERVICES_QUERY


@pytest.mark.parametrize(
    ("query_string", "headers", "service", "code"),
    [
        (EB_REQ + "&country-code=France", V2, Service.EB, "EB:ERR:0006"),
        (EB_REQ + "&procedure-id=r%201", V2, Service.EB, "EB:ERR:0005"),
        (EB_REQ + "&country-code=FR&country-code=DE", V2, Service.EB, "EB:ERR:0003"),
        (EB_REQ + "&colour=blue", V2, Service.EB, "EB:ERR:0003"),
        (EB_REQ + "&jurisdiction-admin-l2=DEF", V2, Service.EB, "EB:ERR:0003"),
        ("queryId=urn:unknown", V2, Service.EB, "EB:ERR:0007"),
        (DSD_Q, V2, Service.EB, "EB:ERR:0007"),
        (EB_REQ, {"Accept-Version": "oots-cs:v9.0"}, Service.EB, "EB:ERR:0003"),
        ("country-code=FR", V2, Service.EB, "EB:ERR:0003"),
        (DSD_Q + "&country-code=FI", V2, Service.DSD, "DSD:ERR:0003"),
        (
            DSD_Q + "&evidence-type-classification=x&country-code=FI&jurisdiction-admin-l3=1",
            V2,
            Service.DSD,
            "DSD:ERR:0003",
        ),
        (EB_REQ, V2, Service.DSD, "DSD:ERR:0004"),
    ],
)
def test_service_side_refusals_carry_the_service_code(
    query_string: str, headers: dict[str, str], service: Service, code: str
) -> None:
    with pytest.raises(QueryRejected) as info:
        parse_query(query_string, headers, service=service)
    assert info.value.code == code
    assert info.value.error_code.value == code
