"""Discovery through the EB and DSD: found, choices and DSD:ERR:0005 back to the user,
refused signatures (the scenario services in-process, signed by the mock EC chain)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from requester_support import NOW, FetchFn

from gateway.evidence.common_services import (
    CsVersion,
    EdmVersion,
    ResponseRejected,
    ServiceRefused,
    SignatureRejected,
    TrustAnchors,
)
from gateway.requester.discovery import Choices, Found, NeedChoice, NeedInput, discover
from mocks.eu_peers.providers import scenarios

V1, V2 = CsVersion.V1_0, CsVersion.V2_0


def run(fetch: FetchFn, anchors: TrustAnchors, country: str, *, version: CsVersion = V2,
        procedure: str = "X1", choices: Choices | None = None) -> object:
    return discover(fetch, anchors=anchors, now=NOW, version=version, procedure=procedure,
                    country=country, choices=choices or Choices())


@pytest.mark.parametrize(("country", "version", "edm"), [
    ("NL", V1, EdmVersion.V1_0), ("NL", V2, EdmVersion.V2_0), ("AT", V2, EdmVersion.V2_0)])
def test_single_provider_is_found_with_version_from_conforms_to(
        make_fetch: Callable[..., FetchFn], anchors: TrustAnchors, country: str,
        version: CsVersion, edm: EdmVersion) -> None:
    log: list[tuple[str, str]] = []
    found = run(make_fetch(log=log), anchors, country, version=version)
    assert isinstance(found, Found)
    assert found.access_service.identifier.value == f"{country}-OOTS-AP"
    assert found.edm_version is edm
    assert [s for s, _ in log] == ["eb", "eb", "dsd"]
    assert len(found.answers) == 3


@pytest.mark.parametrize("version", [V1, V2])
def test_two_evidence_types_go_back_to_the_user_then_two_providers(
        make_fetch: Callable[..., FetchFn], anchors: TrustAnchors, version: CsVersion) -> None:
    fetch = make_fetch()
    first = run(fetch, anchors, "NL", procedure="X2", version=version)
    assert isinstance(first, NeedChoice) and first.kind == "evidence-type"
    assert len(first.options) == 2
    historical = scenarios.classification("NL-historical", version)
    assert {o.id for o in first.options} >= {historical}
    second = run(fetch, anchors, "NL", procedure="X2", version=version,
                 choices=Choices(evidence_type=historical))
    assert isinstance(second, NeedChoice) and second.kind == "provider"
    labels = sorted(o.label for o in second.options)
    assert labels == ["Chamber of Commerce", "Chamber of Commerce archive"]
    archive = next(o for o in second.options if "59581884" in o.id)
    found = run(fetch, anchors, "NL", procedure="X2", version=version,
                choices=Choices(evidence_type=historical, provider=archive.id))
    assert isinstance(found, Found)
    assert found.access_service.publisher.identifier.value == "59581884"


def test_standard_evidence_type_of_the_choice_is_served_too(
        make_fetch: Callable[..., FetchFn], anchors: TrustAnchors) -> None:
    fetch = make_fetch()
    first = run(fetch, anchors, "NL", procedure="X2")
    assert isinstance(first, NeedChoice)
    other = next(o.id for o in first.options
                 if o.id != scenarios.classification("NL-historical", V2))
    found = run(fetch, anchors, "NL", procedure="X2", choices=Choices(evidence_type=other))
    assert isinstance(found, Found)
    assert found.access_service.publisher.identifier.value == "59581883"


def test_dsd_err_0005_asks_for_the_court_then_finds_the_provider(
        make_fetch: Callable[..., FetchFn], anchors: TrustAnchors) -> None:
    fetch = make_fetch()
    need = run(fetch, anchors, "AT", procedure="X2")
    assert isinstance(need, NeedInput)
    assert [c.id for c in need.concepts] == [scenarios.COURT_CONCEPT]
    assert need.concepts[0].allowed == ()  # the error names the concept, not its values
    values = ((scenarios.COURT_CONCEPT, "LG Linz"),)
    found = run(fetch, anchors, "AT", procedure="X2", choices=Choices(values=values))
    assert isinstance(found, Found)
    assert found.values == values
    assert found.data_service.provider_classifications[0].identifier.value == \
        scenarios.COURT_CONCEPT


def test_a_wrong_court_is_the_dsd_s_refusal(make_fetch: Callable[..., FetchFn],
                                            anchors: TrustAnchors) -> None:
    with pytest.raises(ServiceRefused) as caught:
        run(make_fetch(), anchors, "AT", procedure="X2",
            choices=Choices(values=((scenarios.COURT_CONCEPT, "BG Nowhere"),)))
    assert caught.value.code == "DSD:ERR:0006"


@pytest.mark.parametrize("mode", ["none", "untrusted", "tampered"])
def test_unsigned_or_wrongly_signed_answers_are_refused(
        make_fetch: Callable[..., FetchFn], anchors: TrustAnchors, mode: str) -> None:
    with pytest.raises(SignatureRejected) as caught:
        run(make_fetch(mode), anchors, "NL")
    assert caught.value.code == "GW:CS-SIGNATURE"


def test_answers_signed_by_the_ec_but_checked_against_another_anchor_are_refused(
        make_fetch: Callable[..., FetchFn], pki: object) -> None:
    other = TrustAnchors.from_pem(pki.path("test-ca").read_bytes())  # type: ignore[attr-defined]
    with pytest.raises(SignatureRejected):
        run(make_fetch(), other, "NL")


def test_an_unknown_procedure_is_the_eb_s_refusal(make_fetch: Callable[..., FetchFn],
                                                  anchors: TrustAnchors) -> None:
    with pytest.raises(ServiceRefused) as caught:
        run(make_fetch(), anchors, "NL", procedure="X6")
    assert caught.value.code.startswith("EB:ERR:")


def test_a_choice_no_longer_offered_is_refused(make_fetch: Callable[..., FetchFn],
                                               anchors: TrustAnchors) -> None:
    with pytest.raises(ResponseRejected):
        run(make_fetch(), anchors, "NL", procedure="X2",
            choices=Choices(evidence_type="https://sr.example/not-offered"))
