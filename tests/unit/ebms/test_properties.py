"""Property tests: random UserMessages and payload sets survive build -> pack -> unpack -> parse."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.ebms import (
    AgreementRef,
    CollaborationInfo,
    MessageInfo,
    Party,
    PartyId,
    Payload,
    Property,
    Service,
    UserMessage,
    build_envelope,
    open_payloads,
    pack_mime,
    package_payloads,
    parse_envelope,
    unpack_mime,
)

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
