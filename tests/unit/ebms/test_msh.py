"""MSH core: NL/AT peers and the DE node exchange messages through prepare/receive/accept.

Both security profiles run (NL on eDelivery AS4 1.15 RSA, AT on 2.0 Ed25519/X25519,
as in docs/examples/pmode-oots.toml); attacks are refused with the right code.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.ebms import Payload, Property, parse_envelope
from gateway.ebms._msh import (
    LocalIdentity,
    Outbound,
    PeerKeys,
    accept_response,
    error_response,
    prepare_outbound,
    receive,
)
from gateway.ebms._pmode import PMode
from gateway.ebms._pmode_toml import load_pmode
from gateway.ebms.security import (
    DecryptionIdentity,
    SecurityProfile,
    SigningIdentity,
    standard_trust,
)
from gateway.errors import ConfigurationError, EbmsError, EbmsErrorCode
from mocks.pki import TestPki

from .test_pmode import EXAMPLE

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
V115, V20 = SecurityProfile.EDELIVERY_AS4_1_15, SecurityProfile.EDELIVERY_AS4_2_0
PROPS = (Property("originalSender", "00000000000002", "urn:cef.eu:names:identifier:EAS:0009"),
         Property("finalRecipient", "DE73524311", "urn:cef.eu:names:identifier:EAS:9930"),
         Property("SpecificationId", "oots-edm:v2.0"))
PAYLOADS = (Payload("req@x.oots", b"<query:QueryRequest xmlns:query='urn:x'>"
                    + b"<q:Slot xmlns:q='urn:x'/>" * 30 + b"</query:QueryRequest>",
                    "application/x-ebrs+xml"),)


def _identity(pki: TestPki, actor: str, profile: SecurityProfile) -> LocalIdentity:
    sign, enc = ("rsa-sign", "rsa-enc") if profile is V115 else ("ed25519", "x25519")
    return LocalIdentity(
        SigningIdentity(pki.certificate(f"{actor}.{sign}"),
                        pki.private_key(f"{actor}.{sign}")),  # type: ignore[arg-type]
        DecryptionIdentity(pki.certificate(f"{actor}.{enc}"),
                           pki.private_key(f"{actor}.{enc}")))  # type: ignore[arg-type]


def _keys(pki: TestPki, actor: str, profile: SecurityProfile) -> PeerKeys:
    sign, enc = ("rsa-sign", "rsa-enc") if profile is V115 else ("ed25519", "x25519")
    return PeerKeys((pki.certificate(f"{actor}.{sign}"),), pki.certificate(f"{actor}.{enc}"))


def _mirror(pmode: PMode, peer_name: str) -> PMode:
    """The peer's view of the same agreement: it is the party, DE is its peer."""
    peer = next(p for p in pmode.peers if p.name == peer_name)
    de = dataclasses.replace(peer, name="DE", party_id=pmode.party)
    return dataclasses.replace(pmode, id=f"{pmode.id}-{peer_name}", party=peer.party_id,
                               peers=(de,))


@pytest.fixture(scope="module")
def de_pmode() -> PMode:
    return load_pmode(EXAMPLE.read_text(encoding="utf-8"))


def _send(pki: TestPki, pmode: PMode, peer: str, actor: str, profile: SecurityProfile,
          action: str = "ExecuteQueryRequest") -> Outbound:
    """``actor`` (nl-ap/at-ap) sends to DE."""
    theirs = _mirror(pmode, peer)
    return prepare_outbound(
        theirs, peer="DE", action=action, conversation_id="conv-1", payloads=PAYLOADS,
        properties=PROPS, identities={profile: _identity(pki, actor, profile)},
        peer_keys=_keys(pki, "de-gw", profile), now=NOW, message_id=f"m-{actor}@x.oots")


def _receive(pki: TestPki, pmode: PMode, out: Outbound, body: bytes | None = None):  # type: ignore[no-untyped-def]
    return receive(
        out.content_type, body if body is not None else out.body, pmodes=[pmode],
        identities={V115: _identity(pki, "de-gw", V115), V20: _identity(pki, "de-gw", V20)},
        trust=standard_trust([pki.certificate("test-ca")]),
        peer_keys={"NL": _keys(pki, "nl-ap", V115), "AT": _keys(pki, "at-ap", V20)},
        now=NOW, receipt_domain="de.oots")


@pytest.mark.parametrize(("peer", "actor", "profile", "leg", "compressed"), [
    ("NL", "nl-ap", V115, "ExecuteQueryRequest", True),
    ("AT", "at-ap", V20, "ExecuteQueryRequest", True),
    ("NL", "nl-ap", V115, "ExecuteQueryResponse", False),
])
def test_exchange_with_receipt(pki: TestPki, de_pmode: PMode, peer: str, actor: str,
                               profile: SecurityProfile, leg: str, compressed: bool) -> None:
    out = _send(pki, de_pmode, peer, actor, profile, action=leg)
    assert out.profile is profile and len(out.signed_references) == 3
    assert (out.message.payloads[0].compression_type is not None) is compressed
    got = _receive(pki, de_pmode, out)
    assert got.match.peer.name == peer and got.match.leg.action == leg
    assert got.payloads == PAYLOADS
    assert got.signer is not None and got.signer.subject.rfc4514_string().startswith("CN=")
    receipt = accept_response("application/soap+xml", got.receipt, outbound=out,
                              trust=standard_trust([pki.certificate("test-ca")]),
                              peer_keys=_keys(pki, "de-gw", profile), now=NOW)
    assert len(receipt.references) == 3


def test_tampered_payload_is_refused(pki: TestPki, de_pmode: PMode) -> None:
    out = _send(pki, de_pmode, "NL", "nl-ap", V115)
    cut = out.body.rindex(b"\r\n--MIMEBoundary") - 3
    body = out.body[:cut] + bytes([out.body[cut] ^ 0x40]) + out.body[cut + 1:]
    with pytest.raises(EbmsError) as exc:
        _receive(pki, de_pmode, out, body)
    assert exc.value.ebms_code in (EbmsErrorCode.FAILED_DECRYPTION,
                                   EbmsErrorCode.FAILED_AUTHENTICATION)
    assert exc.value.ref_to_message_id == out.message.message_id


def test_wrong_peer_certificate_is_0101(pki: TestPki, de_pmode: PMode) -> None:
    # AT's PMode entry, but the message is signed with NL's key: the party id says AT
    out = _send(pki, de_pmode, "NL", "nl-ap", V115)
    at = next(p for p in de_pmode.peers if p.name == "AT")
    swapped = dataclasses.replace(de_pmode, peers=(
        dataclasses.replace(at, party_id=de_pmode.peers[0].party_id, security_profile=None),
    ))
    with pytest.raises(EbmsError) as exc:
        receive(out.content_type, out.body, pmodes=[swapped],
                identities={V115: _identity(pki, "de-gw", V115)},
                trust=standard_trust([pki.certificate("test-ca")]),
                peer_keys={"AT": _keys(pki, "at-ap", V115)}, now=NOW, receipt_domain="de")
    assert exc.value.ebms_code is EbmsErrorCode.FAILED_AUTHENTICATION


def test_unknown_leg_becomes_0001_error_signal(pki: TestPki, de_pmode: PMode) -> None:
    theirs = _mirror(de_pmode, "NL")
    theirs = dataclasses.replace(theirs, legs=(dataclasses.replace(theirs.legs[0],
                                                                   action="Unknown"),))
    out = prepare_outbound(theirs, peer="DE", action="Unknown", conversation_id="c",
                           payloads=PAYLOADS, properties=PROPS,
                           identities={V115: _identity(pki, "nl-ap", V115)},
                           peer_keys=_keys(pki, "de-gw", V115), now=NOW, message_id="u@x")
    with pytest.raises(EbmsError) as exc:
        _receive(pki, de_pmode, out)
    assert exc.value.ebms_code is EbmsErrorCode.VALUE_NOT_RECOGNIZED
    signed = error_response(exc.value, now=NOW, message_id="e@de",
                            signing=_identity(pki, "de-gw", V115).signing)
    signal = parse_envelope(signed).signal_message
    assert signal is not None and signal.errors[0].error_code == "EBMS:0001"
    assert signal.message_info.ref_to_message_id == "u@x"
    # NL receives the error as the response to its push
    with pytest.raises(EbmsError) as refused:
        accept_response("application/soap+xml", signed, outbound=out,
                        trust=standard_trust([pki.certificate("test-ca")]),
                        peer_keys=_keys(pki, "de-gw", V115), now=NOW)
    assert refused.value.ebms_code is EbmsErrorCode.VALUE_NOT_RECOGNIZED


def test_receipt_from_another_key_or_with_other_nri_is_0302(pki: TestPki,
                                                             de_pmode: PMode) -> None:
    out = _send(pki, de_pmode, "NL", "nl-ap", V115)
    got = _receive(pki, de_pmode, out)
    trust = standard_trust([pki.certificate("test-ca")])
    with pytest.raises(EbmsError) as exc:  # signed by DE, but NL expects AT's key
        accept_response("application/soap+xml", got.receipt, outbound=out, trust=trust,
                        peer_keys=_keys(pki, "at-ap", V115), now=NOW)
    assert exc.value.ebms_code is EbmsErrorCode.INVALID_RECEIPT
    other = _send(pki, de_pmode, "NL", "nl-ap", V115)  # same id, different signature
    with pytest.raises(EbmsError) as exc:
        accept_response("application/soap+xml", got.receipt, outbound=other, trust=trust,
                        peer_keys=_keys(pki, "de-gw", V115), now=NOW)
    assert exc.value.ebms_code is EbmsErrorCode.INVALID_RECEIPT


def test_prepare_refuses_missing_required_property(pki: TestPki, de_pmode: PMode) -> None:
    with pytest.raises(ConfigurationError, match="originalSender"):
        prepare_outbound(de_pmode, peer="NL", action="ExecuteQueryRequest",
                         conversation_id="c", payloads=PAYLOADS, properties=PROPS[1:],
                         identities={V115: _identity(pki, "de-gw", V115)},
                         peer_keys=_keys(pki, "nl-ap", V115), now=NOW, message_id="x@de")


def test_soap11_and_signals_are_not_user_messages(pki: TestPki, de_pmode: PMode,
                                                  as4_kit) -> None:  # type: ignore[no-untyped-def]
    soap11 = (as4_kit / "messages" / "phase4" / "soap11test" / "UserMessage.xml").read_bytes()
    receipt = (as4_kit / "messages" / "phase4" / "testfiles" / "TestReceipt12.xml").read_bytes()
    for data, fragment in ((soap11, "SOAP 1.1"), (receipt, "expected a UserMessage")):
        with pytest.raises(EbmsError) as exc:
            receive("application/soap+xml", data, pmodes=[de_pmode], identities={},
                    trust=standard_trust([pki.certificate("test-ca")]), peer_keys={},
                    now=NOW, receipt_domain="de")
        assert exc.value.ebms_code is EbmsErrorCode.INVALID_HEADER
        assert fragment in exc.value.message


_media = st.sampled_from(["application/pdf", "application/octet-stream", "image/png"])


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), peer=st.sampled_from([("NL", "nl-ap", V115), ("AT", "at-ap", V20)]),
       action=st.sampled_from(["ExecuteQueryRequest", "ExecuteQueryResponse"]))
def test_random_payload_sets_round_trip_through_the_msh(pki: TestPki, de_pmode: PMode,
                                                        data: st.DataObject,
                                                        peer: tuple, action: str) -> None:  # type: ignore[type-arg]
    """compress -> sign -> encrypt -> MIME -> parse -> decrypt -> verify -> gunzip == input."""
    name, actor, profile = peer
    n = data.draw(st.integers(0, 3))
    payloads = tuple(
        Payload(f"p{i}@{actor}.oots", data.draw(st.binary(max_size=20_000)), data.draw(_media))
        for i in range(n))
    theirs = _mirror(de_pmode, name)
    out = prepare_outbound(theirs, peer="DE", action=action, conversation_id="c",
                           payloads=payloads, properties=PROPS,
                           identities={profile: _identity(pki, actor, profile)},
                           peer_keys=_keys(pki, "de-gw", profile), now=NOW,
                           message_id=f"m{n}@{actor}.oots")
    got = _receive(pki, de_pmode, out)
    assert got.payloads == payloads and got.match.peer.name == name
    receipt = accept_response("application/soap+xml", got.receipt, outbound=out,
                              trust=standard_trust([pki.certificate("test-ca")]),
                              peer_keys=_keys(pki, "de-gw", profile), now=NOW)
    assert len(receipt.references) == 2 + n
