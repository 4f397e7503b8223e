"""Property tests: random UserMessages and payload sets survive build -> pack -> unpack -> parse."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.ebms import (
    AgreementRef,
    CollaborationInfo,
    MessageInfo,
    NriReference,
    NriTransform,
    Party,
    PartyId,
    Payload,
    Property,
    Receipt,
    Service,
    SignalError,
    SignalMessage,
    UserMessage,
    build_envelope,
    open_payloads,
    pack_mime,
    package_payloads,
    parse_envelope,
    read_capture,
    unpack_mime,
)
from gateway.errors import EbmsErrorCode, GatewayError
from gateway.namespaces import Algorithm

from ._support import oots_request

# XML 1.0 character data without surrounding whitespace (models refuse padding).
_xml_char = st.characters(
    blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"
) | st.sampled_from("<>&\"'\t")
_text = st.text(_xml_char, min_size=1, max_size=30).map(str.strip).filter(bool)
_token = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,30}", fullmatch=True)
_msg_id = st.builds(lambda a, b: f"{a}@{b}", _token, _token)
_timestamp = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
)
_party = st.builds(
    lambda ids, role: Party(tuple(ids), role),
    st.lists(st.builds(PartyId, _text, st.none() | _token), min_size=1, max_size=3),
    _token,
)
_media = st.sampled_from(["application/xml", "application/pdf", "application/x-ebrs+xml",
                          "image/jpeg", "text/plain; charset=UTF-8"])


@st.composite
def _payload_sets(draw: st.DrawFn) -> list[Payload]:
    n = draw(st.integers(0, 4))
    ids = draw(st.lists(_msg_id, min_size=n, max_size=n, unique=True))
    return [Payload(cid, draw(st.binary(max_size=3000)), draw(_media),
                    draw(st.none() | st.just("UTF-8")),
                    tuple(draw(st.lists(st.builds(Property, st.sampled_from(["Note", "Lang"]),
                                                  _text, st.none() | _token),
                                        max_size=2, unique_by=lambda p: p.name))))
            for cid in ids]


@st.composite
def _messages(draw: st.DrawFn, payload_infos: tuple) -> UserMessage:  # type: ignore[type-arg]
    props = draw(st.lists(st.builds(Property, _token, _text, st.none() | _token), max_size=5,
                          unique_by=lambda p: p.name))
    return UserMessage(
        message_info=MessageInfo(draw(_msg_id), draw(_timestamp), draw(st.none() | _msg_id)),
        from_party=draw(_party),
        to_party=draw(_party),
        collaboration_info=CollaborationInfo(
            Service(draw(_text), draw(st.none() | _token)), draw(_text), draw(_text),
            draw(st.none() | st.builds(AgreementRef, _text, st.none() | _token,
                                       st.none() | _token)),
        ),
        message_properties=tuple(props),
        payloads=payload_infos,
        mpc=draw(st.none() | _token),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), compress=st.booleans())
def test_build_pack_unpack_parse_round_trip(data: st.DataObject, compress: bool) -> None:
    payloads = data.draw(_payload_sets())
    infos, parts = package_payloads(payloads, compress_parts=compress)
    message = data.draw(_messages(infos))
    content_type, body = pack_mime(build_envelope(message), parts)
    envelope, attachments = unpack_mime(content_type, body)
    parsed = parse_envelope(envelope)
    assert parsed.user_message == message
    opened = open_payloads(message, attachments)
    assert opened == tuple(payloads)


_signal_errors = st.builds(
    lambda code, ref, desc: SignalError.for_code(code, ref_to_message_in_error=ref,
                                                 description=desc),
    st.sampled_from(list(EbmsErrorCode)), st.none() | _msg_id, st.none() | _text)
_nri = st.builds(
    NriReference, st.one_of(_msg_id.map(lambda m: f"cid:{m}"), _token.map(lambda t: f"#{t}")),
    st.sampled_from([Algorithm.SHA256.value, Algorithm.SHA512.value]),
    st.binary(min_size=32, max_size=64),
    st.lists(st.builds(NriTransform, st.sampled_from([Algorithm.EXC_C14N.value,
                                                      Algorithm.SWA_CONTENT_SIGNATURE.value]),
                       st.none() | st.lists(_token.filter(lambda t: ":" not in t and "/" not in t),
                                            max_size=3).map(tuple)),
             max_size=2).map(tuple))


@settings(max_examples=100, deadline=None)
@given(info=st.builds(MessageInfo, _msg_id, _timestamp, st.none() | _msg_id),
       refs=st.lists(_nri, min_size=1, max_size=5), errors=st.lists(_signal_errors, max_size=3))
def test_signal_round_trip(info: MessageInfo, refs: list[NriReference],
                           errors: list[SignalError]) -> None:
    signal = SignalMessage(info, receipt=Receipt(tuple(refs)), errors=tuple(errors))
    assert parse_envelope(build_envelope(signal)).signal_message == signal


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_mutated_packages_fail_only_with_gateway_errors(data: st.DataObject) -> None:
    """Flipped, cut or inserted bytes anywhere: either parsed, or refused with an EBMS code."""
    infos, parts = package_payloads([Payload("p@x", b"<a>payload</a>" * 20, "application/xml")],
                                    compress_parts=True)
    message = oots_request(payloads=infos)
    ctype, body = pack_mime(build_envelope(message), parts, boundary="BOUNDARY")
    buf = bytearray(body)
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(buf) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            buf[pos] ^= data.draw(st.integers(1, 255))
        elif action == "cut":
            del buf[pos: pos + data.draw(st.integers(1, 200))]
        else:
            buf[pos:pos] = data.draw(st.sampled_from(
                [b"\r\n--BOUNDARY\r\n", b"\r\n\r\n", b"<", b"--", b"\x00", b"\r\n--BOUNDARY--"]))
    try:
        envelope, attachments = unpack_mime(ctype, bytes(buf))
        parsed = parse_envelope(envelope)
        if parsed.user_message is not None:
            open_payloads(parsed.user_message, attachments)
    except GatewayError as exc:
        assert exc.code.startswith(("EBMS:", "GW:"))


_prefixes = st.sampled_from([b"", b"POST /as4 HTTP/1.1\r\nContent-Type: multipart/related; "
                             b"boundary=b\r\n\r\n", b"--b\r\n", b"\xef\xbb\xbf",
                             b"MIME-Version: 1.0\nContent-Type: text/plain\n\n", b"<S:Envelope"])


@settings(max_examples=300, deadline=None)
@given(prefix=_prefixes, junk=st.binary(max_size=400))
def test_any_capture_bytes_fail_only_with_gateway_errors(prefix: bytes, junk: bytes) -> None:
    try:
        capture = read_capture(prefix + junk)
        parse_envelope(capture.envelope)
    except GatewayError as exc:
        assert exc.code.startswith(("EBMS:", "GW:"))
