"""SOAP envelope building/parsing and strict model validation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from lxml import etree

from gateway.ebms import (
    InvalidEbmsValue,
    MessageInfo,
    PartInfo,
    Party,
    PartyId,
    Property,
    SignalError,
    SignalMessage,
    build_envelope,
    parse_envelope,
)
from gateway.errors import EbmsError, EbmsErrorCode, Origin
from gateway.namespaces import NS
from gateway.xml import parse_xml

from ._support import NOW, oots_request

WSU_ID = f"{{{NS.WSU}}}Id"


def test_built_envelope_has_as4_structure() -> None:
    payload = PartInfo("cid:p@de.oots", (Property("MimeType", "application/x-ebrs+xml"),))
    env = build_envelope(oots_request(payloads=(payload,)))
    root = parse_xml(env)
    assert root.tag == f"{{{NS.SOAP12}}}Envelope"
    header, body = list(root)
    messaging = header[0]
    assert messaging.tag == f"{{{NS.EB}}}Messaging"
    assert messaging.get(f"{{{NS.SOAP12}}}mustUnderstand") == "true"
    assert messaging.get(WSU_ID, "").startswith("_ebm-")
    assert body.get(WSU_ID, "").startswith("_body-")
    assert len(body) == 0 and not (body.text or "").strip()


def test_ids_are_fresh_per_message() -> None:
    a, b = (parse_envelope(build_envelope(oots_request())) for _ in range(2))
    assert a.messaging_id != b.messaging_id and a.body_id != b.body_id
    assert a.messaging_id != a.body_id


def test_round_trip_equal() -> None:
    message = oots_request(payloads=(PartInfo("cid:p@x", (
        Property("MimeType", "application/xml"), Property("CompressionType", "application/gzip"),
        Property("CharacterSet", "UTF-8"), Property("Custom", "kept", "t"))),))
    parsed = parse_envelope(build_envelope(message))
    assert parsed.user_message == message
    assert parsed.soap_version == "1.2" and parsed.must_understand
    assert parsed.user_message.specification_id == "oots-edm:v2.0"
    assert parsed.user_message.exchange_id == "1a2b3c4d-0000-4000-8000-000000000002"
    assert parsed.user_message.payloads[0].character_set == "UTF-8"


def test_error_signal_round_trip_strict_values() -> None:
    err = SignalError.for_code(EbmsErrorCode.FAILED_AUTHENTICATION,
                               ref_to_message_in_error="m1@x", description="bad signature")
    assert (err.severity, err.category, err.origin) == ("failure", "Processing", "security")
    sig = SignalMessage(MessageInfo("s1@x", NOW, "m1@x"), errors=(err,))
    assert parse_envelope(build_envelope(sig)).signal_message == sig


def _envelope_with(extra_header: bytes = b"", body: bytes = b"") -> bytes:
    env = build_envelope(oots_request())
    root = parse_xml(env)
    header, body_el = list(root)
    if extra_header:
        header.append(parse_xml(extra_header))
    if body:
        body_el.append(parse_xml(body))
    return bytes(etree.tostring(root))


@pytest.mark.parametrize(
    ("scenario", "data"),
    [
        ("not-well-formed.rejected", b"<S12:Envelope"),
        ("dtd.rejected", b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'),
        ("not-soap.rejected", b"<x/>"),
        ("no-messaging.rejected",
         b'<S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope"><S:Header/><S:Body/>'
         b"</S:Envelope>"),
        ("no-header.rejected",
         b'<S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope"><S:Body/></S:Envelope>'),
        ("duplicated-messaging.rejected", None),
        ("messaging-in-body.rejected", None),
        ("empty-messaging.rejected",
         b'<S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope"><S:Header>'
         b'<eb:Messaging xmlns:eb="http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/"/>'
         b"</S:Header><S:Body/></S:Envelope>"),
    ],
)
def test_broken_envelopes_are_ebms_0009(scenario: str, data: bytes | None) -> None:
    if scenario == "duplicated-messaging.rejected":
        messaging = parse_xml(build_envelope(oots_request(message_id="other@x")))[0][0]
        data = _envelope_with(extra_header=etree.tostring(messaging))
    elif scenario == "messaging-in-body.rejected":
        messaging = parse_xml(build_envelope(oots_request(message_id="other@x")))[0][0]
        data = _envelope_with(body=b"<wrapper>" + etree.tostring(messaging) + b"</wrapper>")
    assert data is not None
    with pytest.raises(EbmsError) as exc:
        parse_envelope(data)
    assert exc.value.ebms_code is EbmsErrorCode.INVALID_HEADER, scenario
    assert exc.value.origin is Origin.REMOTE


def test_bundled_messages_refused_by_single() -> None:
    env = build_envelope(oots_request())
    root = parse_xml(env)
    messaging = root[0][0]
    messaging.append(parse_xml(etree.tostring(messaging[0]).replace(b"11111111", b"99999999")))
    parsed = parse_envelope(etree.tostring(root))
    assert parsed.kind == "UserMessage+UserMessage" and parsed.user_message is None
    with pytest.raises(EbmsError) as exc:
        parsed.single()
    assert exc.value.ebms_code is EbmsErrorCode.INVALID_HEADER


def test_lenient_reading_of_severity_and_empty_ref() -> None:
    sig = SignalMessage(MessageInfo("s1@x", NOW), errors=(
        SignalError.for_code(EbmsErrorCode.OTHER, ref_to_message_in_error=None),))
    env = build_envelope(sig).replace(b'severity="failure"', b'severity="Failure"')
    env = env.replace(b'errorCode="EBMS:0004"', b'errorCode="EBMS:0004" refToMessageInError=""')
    err = parse_envelope(env).signal_messages[0].errors[0]
    assert err.severity == "failure" and err.ref_to_message_in_error is None


def test_timestamps_with_offsets_and_without_zone_read_as_utc() -> None:
    env = build_envelope(oots_request())
    stamp = b"2026-12-01T09:00:00.123Z"
    assert stamp in env
    plus = parse_envelope(env.replace(stamp, b"2026-12-01T10:00:00.123456789+01:00"))
    naive = parse_envelope(env.replace(stamp, b"2026-12-01T09:00:00"))
    assert plus.user_messages[0].message_info.timestamp == NOW.replace(microsecond=123456)
    assert naive.user_messages[0].message_info.timestamp == NOW.replace(microsecond=0)


@pytest.mark.parametrize(
    ("field", "build"),
    [
        ("MessageInfo.MessageId", lambda: MessageInfo("", NOW)),
        ("MessageInfo.MessageId", lambda: MessageInfo("<a@b>", NOW)),
        ("MessageInfo.Timestamp", lambda: MessageInfo("a@b", datetime(2026, 1, 1))),
        ("MessageInfo.Timestamp",
         lambda: MessageInfo("a@b", NOW.astimezone(timezone(timedelta(hours=1))))),
        ("Party.PartyId", lambda: Party((), "role")),
        ("Party.Role", lambda: Party((PartyId("x"),), " ")),
        ("PartyId", lambda: PartyId(" padded ")),
        ("PartInfo[cid:x].MimeType",
         lambda: PartInfo("cid:x", (Property("MimeType", "not a type"),))),
        ("MessageProperties", lambda: oots_request().__class__(
            **{**{f: getattr(oots_request(), f) for f in (
                "message_info", "from_party", "to_party", "collaboration_info")},
               "message_properties": (Property("originalSender", "a"),
                                      Property("originalSender", "b"))})),
        ("Error@severity", lambda: SignalError("EBMS:0004", "Failure")),
    ],
)
def test_builders_name_the_field(field: str, build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidEbmsValue) as exc:
        build()
    assert exc.value.field == field
    assert exc.value.origin is Origin.LOCAL


@pytest.mark.parametrize("stamp", [
    b"0001-01-01T00:00:00+01:00", b"9999-12-31T23:59:59-01:00", b"2026-01-01T00:00:00+25:00",
    b"2026-02-30T00:00:00Z", b"2026-12-01 09:00:00Z", b"yesterday",
])
def test_impossible_timestamps_are_ebms_0009(stamp: bytes) -> None:
    env = build_envelope(oots_request()).replace(b"2026-12-01T09:00:00.123Z", stamp)
    with pytest.raises(EbmsError) as exc:
        parse_envelope(env)
    assert exc.value.ebms_code is EbmsErrorCode.INVALID_HEADER
    assert exc.value.message.startswith("MessageInfo.Timestamp")
