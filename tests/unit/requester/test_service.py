"""The requester service in-process: discovery -> EDM request queued, the preview sequence
(second request queued once, handler re-runs are idempotent), delivery, refusals. The
EDM messages it builds pass the validator."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from requester_support import NOW, FetchFn

from gateway.ebms import Payload
from gateway.errors import EdmErrorCode, EvidenceError
from gateway.evidence import edm
from gateway.evidence.common_services import CsVersion, TrustAnchors
from gateway.evidence.validation import Validator
from gateway.evidence.validator_factory import build_validator
from gateway.requester.config import RequesterConfig
from gateway.requester.messages import Company
from gateway.requester.model import CaseState
from gateway.requester.repository import CaseRepository
from gateway.requester.service import PortalRefused, RequesterService
from gateway.settings import Settings
from mocks.eu_peers.providers import evidence
from mocks.eu_peers.providers.companies import COMPANIES

EDM_MIME = "application/x-ebrs+xml"
RETURN = "https://wsp.example/return/1"


@dataclass
class FakeInfo:
    ref_to_message_id: str | None


@dataclass
class FakeMessage:
    message_info: FakeInfo


@dataclass
class FakeDelivery:
    """What the service reads of a :class:`gateway.node.Delivery`."""

    message_id: str
    payloads: tuple[Payload, ...]
    ref: str | None
    action: str = "ExceptionResponse"
    peer: str = "NL"
    message: FakeMessage = field(init=False)

    def __post_init__(self) -> None:
        self.message = FakeMessage(FakeInfo(self.ref))


@pytest.fixture(scope="module")
def validator(settings: Settings) -> Validator:
    return build_validator(settings)


@pytest.fixture
def sent() -> list[dict[str, Any]]:
    return []


@pytest.fixture
def service(tmp_path: Path, make_fetch: Callable[..., FetchFn], anchors: TrustAnchors,
            sent: list[dict[str, Any]]) -> RequesterService:
    config = RequesterConfig("http://cs/eb", "http://cs/dsd",
                             cs_version_by_country={"NL": CsVersion.V1_0})
    return RequesterService(
        config, CaseRepository(f"sqlite:///{tmp_path / 'r.sqlite3'}"), fetch=make_fetch(),
        anchors=anchors, send=lambda **kw: sent.append(kw),
        peers={"NL-OOTS-AP": "NL", "AT-OOTS-AP": "AT"}, clock=lambda: NOW,
        receipt_domain="de.oots")


def _company(country: str) -> Company:
    c = next(x for x in COMPANIES if x.country == country)
    return Company(c.name, country, c.number, c.euid, c.city)


def _request_of(call: dict[str, Any]) -> edm.EvidenceRequest:
    message = edm.parse_message(call["payloads"][0].data)
    assert isinstance(message, edm.EvidenceRequest)
    return message


@pytest.mark.parametrize(("country", "version"), [("NL", edm.EdmVersion.V1_0),
                                                  ("AT", edm.EdmVersion.V2_0)])
def test_preview_sequence_to_delivery(service: RequesterService, sent: list[dict[str, Any]],
                                      validator: Validator, country: str,
                                      version: edm.EdmVersion) -> None:
    case = service.start(client="wsp", procedure="X1", country=country,
                         company=_company(country), preview=True, return_url=RETURN,
                         webhook_url=None)
    assert case.state is CaseState.SENT and len(sent) == 1
    first = _request_of(sent[0])
    assert first.version is version and first.possibility_for_preview
    props = {p.name: p.value for p in sent[0]["properties"]}
    assert props["originalSender"] == "DE811569869"
    assert ("ExchangeId" in props) is (version is edm.EdmVersion.V2_0)
    error = evidence.preview_required(country, first, "https://p.example/preview/t1", now=NOW)
    delivery = FakeDelivery("err-1@nl.oots", (Payload("e@x", edm.build_error_response(error),
                                                      EDM_MIME),), sent[0]["message_id"],
                            peer=country)
    for _ in range(2):  # a re-run after a crash changes nothing
        assert service.handle(delivery) is None  # type: ignore[arg-type]
    case = service.get("wsp", case.id)
    assert case.state is CaseState.PREVIEW_REQUIRED and len(sent) == 2
    second = _request_of(sent[1])
    assert second.preview_location == "https://p.example/preview/t1"
    assert sent[1]["conversation_id"] == sent[0]["conversation_id"]
    if version is edm.EdmVersion.V2_0:
        assert second.return_location == RETURN and case.preview_url == second.preview_location
        assert {p.name: p.value for p in sent[1]["properties"]}["ExchangeId"] == \
            props["ExchangeId"]
    else:
        assert second.return_location is None
        assert case.preview_url == ("https://p.example/preview/t1?returnUrl="
                                    "https%3A%2F%2Fwsp.example%2Freturn%2F1")
    for call in sent:
        report = validator.validate(call["payloads"][0].data)
        assert report.valid, report.failing_rule_ids
    company = next(c for c in COMPANIES if c.country == country)
    response = evidence.response(second, company, content_id="extract1@x.oots", now=NOW)
    pdf = evidence.extract_pdf(company, now=NOW)
    service.handle(FakeDelivery("resp-1@x", (  # type: ignore[arg-type]
        Payload("r@x", edm.build_response(response), EDM_MIME),
        Payload("extract1@x.oots", pdf, "application/pdf")), sent[1]["message_id"],
        action="ExecuteQueryResponse"))
    case = service.get("wsp", case.id)
    assert case.state is CaseState.DELIVERED
    item, data = service.evidence("wsp", case.id, 0)
    assert data == pdf and item.mime_type == "application/pdf"


def test_answers_that_do_not_belong_to_the_request_are_refused(
        service: RequesterService, sent: list[dict[str, Any]]) -> None:
    service.start(client="wsp", procedure="X1", country="AT", company=_company("AT"),
                  preview=False, return_url=None, webhook_url=None)
    first = _request_of(sent[0])
    error = evidence.error_response("AT", first, EdmErrorCode.OBJECT_NOT_FOUND, "x", now=NOW)
    body = (Payload("e@x", edm.build_error_response(error), EDM_MIME),)
    with pytest.raises(EvidenceError) as caught:  # RefToMessageId of another message
        service.handle(FakeDelivery("e1@x", body, "other@de.oots"))  # type: ignore[arg-type]
    assert caught.value.code == "EDM:ERR:0006"
    other = dataclasses.replace(first,
                                request_id="urn:uuid:00000000-0000-4000-8000-000000000001")
    stranger = evidence.error_response("AT", other, EdmErrorCode.OBJECT_NOT_FOUND, "x", now=NOW)
    with pytest.raises(EvidenceError):  # an answer to a request we never sent
        service.handle(FakeDelivery("e2@x", (Payload(  # type: ignore[arg-type]
            "e@x", edm.build_error_response(stranger), EDM_MIME),), None))


def test_a_preview_request_needs_an_https_return_url(service: RequesterService) -> None:
    with pytest.raises(PortalRefused):
        service.start(client="wsp", procedure="X1", country="NL", company=_company("NL"),
                      preview=True, return_url="http://wsp.example/r", webhook_url=None)


def test_cases_of_other_clients_are_not_found(service: RequesterService) -> None:
    from gateway.requester.repository import CaseNotFound

    case = service.start(client="wsp", procedure="X2", country="NL", company=_company("NL"),
                         preview=False, return_url=None, webhook_url=None)
    assert case.state is CaseState.CHOICE_REQUIRED
    with pytest.raises(CaseNotFound):
        service.get("someone-else", case.id)


def test_a_request_the_node_could_not_deliver_fails_the_case(
        tmp_path: Path, make_fetch: Callable[..., FetchFn], anchors: TrustAnchors,
        sent: list[dict[str, Any]]) -> None:
    states = {"now": "sent"}
    service = RequesterService(
        RequesterConfig("http://cs/eb", "http://cs/dsd"),
        CaseRepository(f"sqlite:///{tmp_path / 'r.sqlite3'}"), fetch=make_fetch(),
        anchors=anchors, send=lambda **kw: sent.append(kw), peers={"AT-OOTS-AP": "AT"},
        clock=lambda: NOW, receipt_domain="de.oots",
        status=lambda mid: (states["now"], "EBMS:0301", "no valid receipt after 4 attempt(s)"))
    case = service.start(client="wsp", procedure="X1", country="AT", company=_company("AT"),
                         preview=False, return_url=None, webhook_url=None)
    assert service.get("wsp", case.id).state is CaseState.SENT
    states["now"] = "failed"
    failed = service.get("wsp", case.id)
    assert failed.state is CaseState.FAILED and failed.error_code == "EBMS:0301"


def test_an_unanswered_request_times_out_with_edm_err_0005(
        tmp_path: Path, make_fetch: Callable[..., FetchFn], anchors: TrustAnchors,
        sent: list[dict[str, Any]]) -> None:
    clock = {"now": NOW}
    service = RequesterService(
        RequesterConfig("http://cs/eb", "http://cs/dsd"),
        CaseRepository(f"sqlite:///{tmp_path / 'r.sqlite3'}"), fetch=make_fetch(),
        anchors=anchors, send=lambda **kw: sent.append(kw), peers={"AT-OOTS-AP": "AT"},
        clock=lambda: clock["now"], receipt_domain="de.oots",
        status=lambda mid: ("receipt-received", None, None), answer_timeout=timedelta(hours=1))
    case = service.start(client="wsp", procedure="X1", country="AT", company=_company("AT"),
                         preview=False, return_url=None, webhook_url=None)
    clock["now"] = NOW + timedelta(minutes=59)
    assert service.get("wsp", case.id).state is CaseState.SENT
    clock["now"] = NOW + timedelta(minutes=61)
    late = service.get("wsp", case.id)
    assert late.state is CaseState.FAILED and late.error_code == "EDM:ERR:0005"


def test_an_answer_the_validator_refuses_fails_the_case(
        tmp_path: Path, make_fetch: Callable[..., FetchFn], anchors: TrustAnchors,
        sent: list[dict[str, Any]]) -> None:
    judged: list[bytes] = []

    def validate(data: bytes) -> str | None:
        judged.append(data)
        return "R-EDM-ERR-C004"

    service = RequesterService(
        RequesterConfig("http://cs/eb", "http://cs/dsd"),
        CaseRepository(f"sqlite:///{tmp_path / 'r.sqlite3'}"), fetch=make_fetch(),
        anchors=anchors, send=lambda **kw: sent.append(kw), peers={"AT-OOTS-AP": "AT"},
        clock=lambda: NOW, receipt_domain="de.oots", validate=validate)
    case = service.start(client="wsp", procedure="X1", country="AT", company=_company("AT"),
                         preview=True, return_url=RETURN, webhook_url=None)
    first = _request_of(sent[0])
    error = evidence.preview_required("AT", first, "https://p.example/preview/t", now=NOW)
    body = edm.build_error_response(error)
    service.handle(FakeDelivery("e@at", (Payload("e@x", body, EDM_MIME),),  # type: ignore[arg-type]
                                sent[0]["message_id"], peer="AT"))
    case = service.get("wsp", case.id)
    assert judged == [body]
    assert case.state is CaseState.FAILED and case.error_code == "EDM:ERR:0003"
    assert "R-EDM-ERR-C004" in (case.error_message or "")
    assert len(sent) == 1  # no second request for an invalid preview-required answer
