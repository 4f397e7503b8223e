"""Property-based round trips: random valid models build to valid XML and parse back equal."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from gateway.evidence.common_services.additional_input import AdditionalInputRequest
from gateway.evidence.common_services.cs_v2_rules import register_cs_v2_rules
from gateway.evidence.common_services.error_responses import ErrorResponse
from gateway.evidence.common_services.model import (
    CsVersion,
    DataServiceEvidenceType,
    InformationConcept,
    Service,
)
from gateway.evidence.common_services.queries import (
    DataServicesQuery,
    EvidenceTypesQuery,
    RequirementsQuery,
    parse_query,
)
from gateway.evidence.common_services.responses import Response, build_response, parse_response
from gateway.evidence.validation import Validator
from gateway.settings import Settings

from ._strategies import concepts, countries, data_services, responses, tokens, uris, words

_VALIDATOR: list[Validator] = []


@pytest.fixture(scope="module", autouse=True)
def _validator(settings: Settings) -> None:
    v = Validator.from_settings(settings)
    register_cs_v2_rules(v)
    _VALIDATOR[:] = [v]


@pytest.mark.parametrize("version", list(CsVersion))
def test_random_responses_round_trip(version: CsVersion) -> None:
    # v1.0 runs XSD + official Schematron per example (slow): fewer examples there.
    examples = 50 if version is CsVersion.V1_0 else 150

    @hsettings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(responses(version))
    def check(response: Response) -> None:
        data = build_response(response)
        assert parse_response(data) == response
        report = _VALIDATOR[0].validate(data)
        xsd = [f for f in report.findings if f.source == "xsd"]
        assert not xsd, xsd
        # v1.0: XSD + official Schematron; v2.0: RegRep XSD layer (no official rules in kit)
        assert report.valid, [f for f in report.findings if f.severity.fails]

    check()


@given(
    st.one_of(
        st.builds(
            RequirementsQuery,
            st.sampled_from(list(CsVersion)),
            st.none() | st.sampled_from(["R1", "T2", "00", "AM1"]),
            st.none() | countries,
        ),
        st.builds(
            EvidenceTypesQuery, uris, st.sampled_from(list(CsVersion)), st.none() | countries
        ),
        st.builds(
            DataServicesQuery,
            uris,
            countries,
            st.sampled_from(list(CsVersion)),
            st.none() | st.sampled_from(["oots-edm:v1.0", "oots-edm:v2.0"]),
            st.lists(
                st.tuples(st.uuids().map(str), tokens), max_size=3, unique_by=lambda t: t[0]
            ).map(tuple),
        ),
    )
)
def test_random_queries_round_trip(
    query: RequirementsQuery | EvidenceTypesQuery | DataServicesQuery,
) -> None:
    http = query.to_http()
    service = Service.DSD if isinstance(query, DataServicesQuery) else Service.EB
    assert parse_query(http.query_string, dict(http.headers), service=service) == query


@pytest.mark.parametrize("version", list(CsVersion))
def test_random_additional_input_round_trip(version: CsVersion) -> None:
    """DSD side builds DSD:ERR:0005 -> bytes -> requester reads it -> follow-up query on the
    wire -> the DSD side finds nothing missing."""

    @hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(concepts(False), min_size=1, max_size=4, unique_by=lambda c: c.identifier.value),
        data_services(version, bare=True),
        st.data(),
    )
    def check(
        requested: list[InformationConcept], dset: DataServiceEvidenceType, data: st.DataObject
    ) -> None:
        request = AdditionalInputRequest(version, tuple(requested), dset)
        body = build_response(request.to_error())
        answer = parse_response(body)
        assert isinstance(answer, ErrorResponse)
        received = AdditionalInputRequest.from_response(answer)
        assert received == request
        first = DataServicesQuery(dset.classification, "DE", version)
        values = {cid: data.draw(words, label=cid) for cid in received.concept_ids}
        second = received.follow_up(first, values)
        http = second.to_http()
        on_wire = parse_query(http.query_string, dict(http.headers), service=Service.DSD)
        assert isinstance(on_wire, DataServicesQuery)
        assert dict(on_wire.classification_values) == values
        assert received.missing_from(on_wire) == ()
        assert received.missing_from(first) == received.concept_ids

    check()
