"""Version handling: SpecificationIdentifier first, ebMS header properties, mismatch refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from gateway.errors import EdmErrorCode, EvidenceError
from gateway.evidence.edm.request import parse_request
from gateway.evidence.edm.response import parse_response
from gateway.evidence.edm.v2_rules import check_ebms_header
from gateway.evidence.edm.versions import (
    EdmVersion,
    ExchangeHeader,
    check_header_matches_body,
    read_version,
    version_from_identifier,
)
from gateway.xml._parse import parse_xml

from .conftest import V2_ENVELOPES, V2_MESSAGES, messaging_of, payloads

V1, V2 = EdmVersion.V1_0, EdmVersion.V2_0
UUID_A = "e0a6a5b7-6b2e-4b9c-9a63-8f0c6d3a1b24"
UUID_B = "1a2b3c4d-0000-4000-8000-000000000002"


@pytest.mark.parametrize(
    ("value", "expected"), [("oots-edm:v1.0", V1), ("oots-edm:v2.0", V2), (" oots-edm:v2.0\n", V2)]
)
def test_supported_identifiers(value: str, expected: EdmVersion) -> None:
    assert version_from_identifier(value) is expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("oots-edm:v1.1", EdmErrorCode.UNSUPPORTED_CAPABILITY),
        ("oots-edm:v1.2", EdmErrorCode.UNSUPPORTED_CAPABILITY),
        ("oots-edm:v3.0", EdmErrorCode.UNSUPPORTED_CAPABILITY),
        ("oots-cs:v2.0", EdmErrorCode.INVALID_REQUEST),
        ("OOTS-EDM:V2.0", EdmErrorCode.INVALID_REQUEST),
        ("", EdmErrorCode.INVALID_REQUEST),
        (None, EdmErrorCode.INVALID_REQUEST),
    ],
)
def test_other_identifiers_are_refused_with_the_proper_code(
    value: str | None, code: EdmErrorCode
) -> None:
    with pytest.raises(EvidenceError) as info:
        version_from_identifier(value)
    assert info.value.edm_code is code
    assert info.value.field == "SpecificationIdentifier"


def test_version_is_read_before_anything_else() -> None:
    """A v9.9 message with an otherwise broken body is refused for its version."""
    data = (
        b'<q:QueryRequest xmlns:q="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0" '
        b'xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        b'<rim:Slot name="SpecificationIdentifier"><rim:SlotValue xsi:type="rim:StringValueType">'
        b"<rim:Value>oots-edm:v9.9</rim:Value></rim:SlotValue></rim:Slot><broken/></q:QueryRequest>"
    )
    with pytest.raises(EvidenceError) as info:
        parse_request(data)
    assert info.value.edm_code is EdmErrorCode.UNSUPPORTED_CAPABILITY
    assert read_version.__doc__


def test_header_values_to_send() -> None:
    v1 = ExchangeHeader.for_version(V1, conversation_id="c-1", exchange_id=UUID_B)
    assert v1.message_properties() == ()
    v2 = ExchangeHeader.for_version(V2, conversation_id=UUID_A, exchange_id=UUID_B)
    assert v2.message_properties() == (("ExchangeId", UUID_B), ("SpecificationId", "oots-edm:v2.0"))
    with pytest.raises(EvidenceError, match="ExchangeId"):
        ExchangeHeader.for_version(V2, conversation_id=UUID_A)


@pytest.mark.parametrize(
    ("header", "body", "field"),
    [
        (ExchangeHeader(UUID_A, "oots-edm:v2.0", UUID_B), V1, "SpecificationId"),
        (ExchangeHeader(UUID_A, "oots-edm:v1.0", UUID_B), V2, "SpecificationId"),
        (ExchangeHeader(UUID_A, None, UUID_B), V2, "SpecificationId"),
        (ExchangeHeader(UUID_A, "oots-edm:v2.0", None), V2, "ExchangeId"),
        (ExchangeHeader(UUID_A, "oots-edm:v2.0", "x-1"), V2, "ExchangeId"),
        (ExchangeHeader("conv@example", "oots-edm:v2.0", UUID_B), V2, "ConversationId"),
    ],
)
def test_header_body_mismatch_is_refused(
    header: ExchangeHeader, body: EdmVersion, field: str
) -> None:
    with pytest.raises(EvidenceError) as info:
        check_header_matches_body(header, body)
    assert info.value.field == field
    assert info.value.edm_code is EdmErrorCode.INVALID_REQUEST


def test_v1_header_without_properties_is_fine() -> None:
    check_header_matches_body(ExchangeHeader("any-conversation"), V1)


def test_v2_requires_exactly_four_properties() -> None:
    header = ExchangeHeader(UUID_A, "oots-edm:v2.0", UUID_B)
    check_header_matches_body(header, V2, property_count=4)
    with pytest.raises(EvidenceError, match="R-EDM-ebMS-018"):
        check_header_matches_body(header, V2, property_count=2)


def _headers(shared: Path) -> list[tuple[str, etree._Element, bytes | None]]:
    out: list[tuple[str, etree._Element, bytes | None]] = []
    for p in sorted((shared / V2_MESSAGES).glob("*.entete.xml")):
        body = p.with_name(p.name.replace(".entete", "")).read_bytes()
        out.append((p.name, parse_xml(p.read_bytes()), body))
    for folder in V2_ENVELOPES:
        for p in sorted((shared / folder).glob("*.xml")):
            env = parse_xml(p.read_bytes())
            if env.find(".//{http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/}"
                        "UserMessage") is None:
                continue
            bodies = payloads(env)
            out.append((p.name, messaging_of(env), bodies[0] if bodies else None))
    return out


def test_every_v2_header_of_the_kit_fits_its_body(shared_dir: Path) -> None:
    headers = _headers(shared_dir)
    assert len(headers) >= 10
    for name, messaging, body in headers:
        header, count = ExchangeHeader.from_messaging(messaging)
        assert check_ebms_header(messaging) == [], name
        if body is not None:
            check_header_matches_body(header, read_version(parse_xml(body)), property_count=count)


def test_captured_request_and_response_share_exchange_and_conversation(shared_dir: Path) -> None:
    """Real Domibus 5.2.1 captures: the response answers the request of the same exchange."""
    folder = shared_dir / V2_ENVELOPES[0]
    req_env = parse_xml((folder / "requete.xml").read_bytes())
    resp_env = parse_xml((folder / "reponseAvecPieceJointe.xml").read_bytes())
    req_h, _ = ExchangeHeader.from_messaging(messaging_of(req_env))
    resp_h, _ = ExchangeHeader.from_messaging(messaging_of(resp_env))
    assert req_h.exchange_id == resp_h.exchange_id == "1647038b-7eaf-4711-b738-d5d83f96fa7b"
    assert req_h.conversation_id == resp_h.conversation_id
    request = parse_request(payloads(req_env)[0])
    response = parse_response(payloads(resp_env)[0])
    assert response.request_id == request.request_id


def test_header_with_a_foreign_version_fails_the_ebms_rules(shared_dir: Path) -> None:
    p = next((shared_dir / V2_MESSAGES).glob("requete.entete.xml"))
    data = p.read_bytes().replace(b">oots-edm:v2.0<", b">oots-edm:v1.2<")
    data = data.replace(b'<eb:Property name="ExchangeId">1a2b3c4d-0000-4000-8000-000000000002',
                        b'<eb:Property name="ExchangeId">not-a-uuid')
    rules = {f.rule_id for f in check_ebms_header(parse_xml(data))}
    assert rules == {"R-EDM-ebMS-037", "R-EDM-ebMS-038"}
