"""The provider service: every EDM answer it can give, each from a scenario-named input.

Every message exchanged here (requests in, answers out) is judged by the Validator
(XSD + official Schematron for v1.0; RegRep XSD + project rules for v2.0).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from asn1crypto import x509 as asn1_x509

from gateway.errors import EdmErrorCode
from gateway.evidence.edm import (
    EdmVersion,
    EvidenceErrorResponse,
    EvidenceRequest,
    EvidenceResponse,
    ExchangeHeader,
    build_request,
    parse_message,
)
from gateway.evidence.edm.v2_rules import register_v2_rules
from gateway.evidence.identifiers import BrisRegisters
from gateway.evidence.preview import ApprovalRefused, Identity, PreviewState
from gateway.evidence.validation import Validator
from gateway.provider.answers import Answer
from gateway.provider.pdf import EvidenceSigner, verify_pades
from gateway.provider.service import Hold, ProviderService
from gateway.settings import Settings
from mocks.de_registers.scenarios import company_request, header_for, representative, second
from mocks.pki import TestPki

from ._support import BASE, InProcessRegister, assert_valid, config

V1, V2 = EdmVersion.V1_0, EdmVersion.V2_0
T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
JANA = Identity("DE/NL/PETERSENJANA1979", "Jana", "Petersen", date(1979, 5, 2), "High")
OLE = Identity("DE/NL/BRANDTOLE1985", "Ole", "Brandt", date(1985, 1, 9), "High")
SENDER = ("00000000000002", "urn:cef.eu:names:identifier:EAS:0106")
STRANGER = Identity("DE/NL/MALLORYEVE1990", "Eve", "Mallory", date(1990, 1, 1), "High")


@pytest.fixture(scope="module")
def validator(settings: Settings) -> Validator:
    """The validation engine with the project's v2.0 rules."""
    v = Validator.from_settings(settings)
    register_v2_rules(v)
    return v


@pytest.fixture
def service(pki: TestPki, validator: Validator, bris: BrisRegisters,
            signer: EvidenceSigner) -> Iterator[ProviderService]:
    """A provider over the in-process register; session ids are predictable."""
    counter = iter(range(1, 10_000))
    yield ProviderService(config(pki.directory), register=InProcessRegister(),
                          validator=validator, bris=bris, signer=signer,
                          token=lambda: f"session{next(counter)}")


def _valid(validator: Validator, data: bytes) -> None:
    assert_valid(validator, data)


def _ask(service: ProviderService, validator: Validator, request: EvidenceRequest,
         header: ExchangeHeader, now: datetime = T0, mid: str = "") -> Answer | Hold:
    body = build_request(request)
    _valid(validator, body)
    outcome = service.handle(body, header, now=now, message_id=mid)
    if isinstance(outcome, Answer):
        _valid(validator, outcome.body)
    return outcome


def _error(outcome: Answer | Hold, code: EdmErrorCode) -> EvidenceErrorResponse:
    assert isinstance(outcome, Answer), outcome
    message = parse_message(outcome.body)
    assert isinstance(message, EvidenceErrorResponse), message
    assert message.exception.code is code, message.exception
    assert outcome.code == code.value and len(outcome.payloads) == 1
    return message


def _evidence(outcome: Answer | Hold, trust: list[asn1_x509.Certificate]) -> EvidenceResponse:
    assert isinstance(outcome, Answer), outcome
    message = parse_message(outcome.body)
    assert isinstance(message, EvidenceResponse), message
    cids = {p.content_id: p for p in outcome.payloads[1:]}
    refs = [d.item.href.removeprefix("cid:") for d in message.all_documents]
    assert sorted(refs) == sorted(cids)
    pdf = next(p for p in cids.values() if p.mime_type == "application/pdf")
    assert verify_pades(pdf.data, trust).ok
    return message


def _first(service: ProviderService, validator: Validator, version: EdmVersion,
           **kw: object) -> tuple[EvidenceRequest, ExchangeHeader, str]:
    request = company_request(version, now=T0, **kw)  # type: ignore[arg-type]
    header = header_for(request)
    error = _error(_ask(service, validator, request, header), EdmErrorCode.MISSING_AUTHORIZATION)
    assert error.exception.severity == version.preview_required_severity
    assert error.exception.preview_location is not None
    return request, header, error.exception.preview_location


@pytest.mark.parametrize("version", [V1, V2])
def test_request_without_preview_gets_the_evidence(
        service: ProviderService, validator: Validator, version: EdmVersion,
        trust_roots: list[asn1_x509.Certificate]) -> None:
    """No PossibilityForPreview: extract + PAdES PDF at once (v2.0: MainEvidence + HRV)."""
    request = company_request(version, now=T0, preview=False)
    response = _evidence(_ask(service, validator, request, header_for(request)), trust_roots)
    assert response.request_id == request.request_id
    if version is V2:
        (package,) = response.packages
        assert [d.role for d in package.documents] == ["MainEvidence", "HumanReadableVersion"]
        assert [a.kind for a in package.associations] == ["HumanReadableVersion"]


@pytest.mark.parametrize("version", [V1, V2])
def test_preview_first_request_gets_preview_location(service: ProviderService,
                                                     validator: Validator,
                                                     version: EdmVersion) -> None:
    """EDM:ERR:0002 + PreviewRequired severity + https PreviewLocation on our preview space."""
    _, _, location = _first(service, validator, version)
    assert location == f"{BASE}/preview/session1"


def test_v2_second_request_waits_then_approval_releases(
        service: ProviderService, validator: Validator,
        trust_roots: list[asn1_x509.Certificate]) -> None:
    """v2.0: the second request is held; the approval sends the evidence (once)."""
    first, header, location = _first(service, validator, V2)
    again = second(first, location, now=T0, return_location="https://nl.test/back/1")
    held = _ask(service, validator, again, header, mid="m2")
    assert held == Hold("session1")
    _, late = service.decide("session1", JANA, approved=True, now=T0 + timedelta(minutes=1))
    assert late is not None and late.message_id == "m2"
    _valid(validator, late.answer.body)
    response = _evidence(late.answer, trust_roots)
    assert response.request_id == again.request_id
    assert service.sessions.get("session1").session.state is PreviewState.RELEASED  # type: ignore[union-attr]


def test_v1_second_request_before_approval_asks_for_preview_again(
        service: ProviderService, validator: Validator,
        trust_roots: list[asn1_x509.Certificate]) -> None:
    """v1.0: a direct second request without approval gets EDM:ERR:0002 again, no evidence;
    after approval the next second request gets the evidence."""
    first, header, location = _first(service, validator, V1)
    direct = _ask(service, validator, second(first, location, now=T0), header)
    assert _error(direct, EdmErrorCode.MISSING_AUTHORIZATION).exception.preview_location == location
    with pytest.raises(ApprovalRefused):  # an officer, but not the one the request names
        service.decide("session1", OLE, approved=True, now=T0)
    service.decide("session1", JANA, approved=True, now=T0)
    _evidence(_ask(service, validator, second(first, location, now=T0), header), trust_roots)


def test_preview_refused_v1(service: ProviderService, validator: Validator) -> None:
    """Scenario preview-refused (v1.0): EDM:ERR:0004, no evidence, no location."""
    first, header, location = _first(service, validator, V1)
    service.decide("session1", JANA, approved=False, now=T0)
    error = _error(_ask(service, validator, second(first, location, now=T0), header),
                   EdmErrorCode.OBJECT_NOT_FOUND)
    assert error.exception.preview_location is None
    assert "refused" in (error.exception.detail or "")


def test_preview_refused_v2_answers_the_held_request(service: ProviderService,
                                                     validator: Validator) -> None:
    """Scenario preview-refused (v2.0): the held request is answered with the refusal."""
    first, header, location = _first(service, validator, V2)
    _ask(service, validator, second(first, location, now=T0, return_location="https://n.t/r"),
         header, mid="m2")
    _, late = service.decide("session1", JANA, approved=False, now=T0)
    assert late is not None
    _valid(validator, late.answer.body)
    _error(late.answer, EdmErrorCode.OBJECT_NOT_FOUND)


def test_preview_timeout_v2_sweep_answers_0005(service: ProviderService,
                                               validator: Validator) -> None:
    """Scenario preview-timeout: nobody decides; the sweep answers EDM:ERR:0005."""
    first, header, location = _first(service, validator, V2)
    _ask(service, validator, second(first, location, now=T0, return_location="https://n.t/r"),
         header, mid="m2")
    assert service.sweep(now=T0 + timedelta(minutes=14)) == []
    (late,) = service.sweep(now=T0 + timedelta(minutes=15))
    _valid(validator, late.answer.body)
    _error(late.answer, EdmErrorCode.TIMEOUT)
    with pytest.raises(ApprovalRefused):
        service.decide("session1", JANA, approved=True, now=T0 + timedelta(minutes=16))


def test_expired_approval_is_a_timeout(service: ProviderService, validator: Validator) -> None:
    """Scenario approval-expired (v1.0): approved, but the second request comes too late."""
    first, header, location = _first(service, validator, V1)
    service.decide("session1", JANA, approved=True, now=T0)
    late = T0 + timedelta(minutes=6)
    _error(_ask(service, validator, second(first, location, now=late), header, now=late),
           EdmErrorCode.TIMEOUT)


def test_replayed_approval_is_refused(service: ProviderService, validator: Validator,
                                      trust_roots: list[asn1_x509.Certificate]) -> None:
    """Scenario approval-replayed: the approval releases once; a replay gets no evidence."""
    first, header, location = _first(service, validator, V1)
    service.decide("session1", JANA, approved=True, now=T0)
    _evidence(_ask(service, validator, second(first, location, now=T0), header), trust_roots)
    replay = _ask(service, validator, second(first, location, now=T0), header)
    assert "already used" in (_error(replay, EdmErrorCode.UNRESOLVED_REFERENCE)
                              .exception.detail or "")


@pytest.mark.parametrize("version", [V1, V2])
def test_forged_approval_id_is_unresolved(service: ProviderService, validator: Validator,
                                          version: EdmVersion) -> None:
    """Scenario approval-id-forged: a PreviewLocation naming no session -> EDM:ERR:0006."""
    first, header, _ = _first(service, validator, version)
    service.decide("session1", JANA, approved=True, now=T0)
    forged = second(first, f"{BASE}/preview/session999", now=T0,
                    return_location="https://n.t/r" if version is V2 else None)
    _error(_ask(service, validator, forged, header), EdmErrorCode.UNRESOLVED_REFERENCE)


def test_approval_used_from_another_exchange_is_unresolved(service: ProviderService,
                                                           validator: Validator) -> None:
    """Scenario approval-other-exchange (v2.0): the same PreviewLocation in a new ExchangeId."""
    first, header, location = _first(service, validator, V2)
    service.decide("session1", JANA, approved=True, now=T0)
    other = dataclasses.replace(header, exchange_id="6f2d1c0e-1111-4222-8333-444455556666")
    _error(_ask(service, validator, second(first, location, now=T0,
                                           return_location="https://n.t/r"), other),
           EdmErrorCode.UNRESOLVED_REFERENCE)


def test_approval_for_another_company_is_unresolved(service: ProviderService,
                                                    validator: Validator) -> None:
    """Scenario approval-other-company: approved for company A, second request for B."""
    _, header, location = _first(service, validator, V1)
    service.decide("session1", JANA, approved=True, now=T0)
    other = company_request(V1, euid="DED2601V.HRB254311", now=T0)
    _error(_ask(service, validator, second(other, location, now=T0), header),
           EdmErrorCode.UNRESOLVED_REFERENCE)


@pytest.mark.parametrize("who, why", [
    (STRANGER, "not the authorised representative"),
    (dataclasses.replace(JANA, level_of_assurance="Low"), "level of assurance"),
], ids=["approval-by-another-identity", "approval-with-low-assurance"])
def test_approval_by_the_wrong_person_is_refused(service: ProviderService,
                                                 validator: Validator, who: Identity,
                                                 why: str) -> None:
    """Only the named, registered representative with an adequate eID may approve."""
    _first(service, validator, V2)
    with pytest.raises(ApprovalRefused, match=why):
        service.decide("session1", who, approved=True, now=T0)
    assert service.sessions.get("session1").session.state is PreviewState.PENDING  # type: ignore[union-attr]


def test_approval_by_a_non_officer_is_refused_without_named_representative(
        service: ProviderService, validator: Validator, pki: TestPki) -> None:
    """Scenario approval-by-non-officer: the request names Eve as representative and Eve
    logs in, but she is not a registered officer of the company."""
    rep = representative("Eve", "Mallory", date(1990, 1, 1), STRANGER.person_id)
    _first(service, validator, V1, rep=rep)
    with pytest.raises(ApprovalRefused, match="not a registered representative"):
        service.decide("session1", STRANGER, approved=True, now=T0)


@pytest.mark.parametrize("version", [V1, V2])
@pytest.mark.parametrize("scenario, kw, code", [
    ("unknown-number", {"euid": "DEK1101R.HRB999999"}, EdmErrorCode.OBJECT_NOT_FOUND),
    ("register-timeout", {"euid": "DEK1101R.HRB504504"}, EdmErrorCode.TIMEOUT),
    ("evidence-type-not-provided", {"evidence_uuid": "0b7b1f0a-0000-4000-8000-00000000dead"},
     EdmErrorCode.UNSUPPORTED_CAPABILITY),
    ("court-not-in-bris", {"euid": None, "national": "Z9999HRB1"},
     EdmErrorCode.INVALID_REQUEST),
])
def test_error_scenarios(service: ProviderService, validator: Validator, version: EdmVersion,
                         scenario: str, kw: dict[str, object], code: EdmErrorCode) -> None:
    """Each provider error from a scenario-named request (both versions)."""
    request = company_request(version, now=T0, **kw)  # type: ignore[arg-type]
    error = _error(_ask(service, validator, request, header_for(request)), code)
    assert error.request_id == request.request_id, scenario


def test_national_identifier_with_header_style_court(service: ProviderService,
                                                     validator: Validator,
                                                     trust_roots: list[asn1_x509.Certificate]
                                                     ) -> None:
    """Scenario national-id-court-without-suffix: F1103/HRB/198765B maps to BRIS F1103R."""
    request = company_request(V1, euid=None, national="F1103HRB198765B", now=T0, preview=False)
    response = _evidence(_ask(service, validator, request, header_for(request)), trust_roots)
    assert response.documents[0].evidence.is_about is not None


@pytest.mark.parametrize("name, body", [
    ("request-malformed", b"<query:QueryRequest"),
    ("request-not-edm", b"<hello/>"),
], ids=lambda x: x if isinstance(x, str) else "")
def test_invalid_requests(service: ProviderService, validator: Validator, name: str,
                          body: bytes) -> None:
    """Scenario request-not-valid: unreadable or non-EDM bodies get EDM:ERR:0003."""
    outcome = service.handle(body, ExchangeHeader(conversation_id="c"), now=T0, sender=SENDER)
    assert isinstance(outcome, Answer)
    _valid(validator, outcome.body)
    _error(outcome, EdmErrorCode.INVALID_REQUEST)


def test_request_breaking_schematron_is_invalid(service: ProviderService,
                                                validator: Validator) -> None:
    """Scenario request-level-of-assurance-medium: a Schematron failure (LoA code list,
    R-EDM-REQ-C048) -> EDM:ERR:0003 naming the rule."""
    body = build_request(company_request(V1, now=T0)).replace(
        b"<sdg:LevelOfAssurance>High", b"<sdg:LevelOfAssurance>Medium")
    assert not validator.validate(body).valid
    outcome = service.handle(body, ExchangeHeader(conversation_id="c"), now=T0, sender=SENDER)
    assert isinstance(outcome, Answer)
    _valid(validator, outcome.body)
    assert "R-EDM-REQ" in (_error(outcome, EdmErrorCode.INVALID_REQUEST).exception.detail or "")


def test_v2_request_with_header_of_v1_is_invalid(service: ProviderService,
                                                 validator: Validator) -> None:
    """Scenario header-body-version-mismatch: v2.0 body without SpecificationId/ExchangeId."""
    request = company_request(V2, now=T0)
    outcome = service.handle(build_request(request), ExchangeHeader(conversation_id="c"),
                             now=T0, sender=SENDER)
    assert isinstance(outcome, Answer)
    _valid(validator, outcome.body)
    _error(outcome, EdmErrorCode.INVALID_REQUEST)


def test_natural_person_subject_is_unsupported(service: ProviderService,
                                               validator: Validator) -> None:
    """Scenario natural-person-subject: company evidence only -> EDM:ERR:0007."""
    request = dataclasses.replace(company_request(V1, now=T0), subject=representative(),
                                  authorized_representative=None)
    _error(_ask(service, validator, request, header_for(request)),
           EdmErrorCode.UNSUPPORTED_CAPABILITY)


def test_same_message_id_gets_the_same_answer(service: ProviderService,
                                              validator: Validator) -> None:
    """A redelivered request (same MessageId) opens no second preview."""
    request = company_request(V1, now=T0)
    header = header_for(request)
    a = _ask(service, validator, request, header, mid="dup")
    b = _ask(service, validator, request, header, mid="dup")
    assert a == b
    assert service.sessions.get("session2") is None


def test_v2_approval_before_the_second_request_releases_at_once(
        service: ProviderService, validator: Validator,
        trust_roots: list[asn1_x509.Certificate]) -> None:
    """v2.0: the user is faster than the requester's second request; it gets the evidence
    directly (nothing was held), and only once."""
    first, header, location = _first(service, validator, V2)
    _, late = service.decide("session1", JANA, approved=True, now=T0)
    assert late is None
    again = second(first, location, now=T0, return_location="https://nl.test/back/2")
    _evidence(_ask(service, validator, again, header, mid="m2"), trust_roots)
    replay = second(first, location, now=T0, return_location="https://nl.test/back/2")
    _error(_ask(service, validator, replay, header, mid="m3"), EdmErrorCode.UNRESOLVED_REFERENCE)


def test_first_request_for_unknown_company_opens_no_preview(service: ProviderService,
                                                            validator: Validator) -> None:
    """Scenario unknown-number with preview allowed: EDM:ERR:0004 at once, no session."""
    request = company_request(V2, euid="DEK1101R.HRB999999", now=T0)
    _error(_ask(service, validator, request, header_for(request)), EdmErrorCode.OBJECT_NOT_FOUND)
    assert service.sessions.get("session1") is None


@pytest.mark.parametrize("scenario, old, new, code", [
    ("request-query-definition-wrong", b'queryDefinition="DocumentQuery"',
     b'queryDefinition="OtherQuery"', EdmErrorCode.INVALID_QUERY),
    ("request-edm-version-unsupported", b"<rim:Value>oots-edm:v1.0</rim:Value>",
     b"<rim:Value>oots-edm:v9.0</rim:Value>", EdmErrorCode.UNSUPPORTED_CAPABILITY),
])
def test_query_and_version_errors(service: ProviderService, validator: Validator,
                                  scenario: str, old: bytes, new: bytes,
                                  code: EdmErrorCode) -> None:
    """The EDM layer's specific codes reach the requester (0008 query, 0007 version)."""
    body = build_request(company_request(V1, now=T0))
    assert old in body, scenario
    outcome = service.handle(body.replace(old, new), ExchangeHeader(conversation_id="c"),
                             now=T0, sender=SENDER)
    assert isinstance(outcome, Answer)
    _valid(validator, outcome.body)
    _error(outcome, code)
