"""OOTS header values from the Domibus WS-plugin captures; round trips of every real header."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.ebms import (
    build_envelope,
    open_payloads,
    parse_envelope,
    parse_messaging,
    read_capture,
)
from gateway.errors import EbmsError, EbmsErrorCode

from .test_kit_messages import EXPECTED, H, P

OOTS_TYPE = "urn:oasis:names:tc:ebcore:partyid-type:unregistered:oots"
GATEWAY_ROLE = "http://sdg.europa.eu/edelivery/gateway"
EAS_0009 = "urn:cef.eu:names:identifier:EAS:0009"

# file (relative to the shared kit) -> expected OOTS values
CAPTURES = {
    "as4/messages/oots-france/incoming/reel/requete.xml": dict(
        message_id="45fa5345-5a18-4691-945f-531f9568729f@oots.eu",
        timestamp=datetime(2026, 8, 11, 9, 22, 22, tzinfo=UTC),
        action="ExecuteQueryRequest", conversation="1589c463-ccb7-4c0e-8044-c7198d844c16",
        original_sender=("00000000000002", EAS_0009), final_recipient=("blue_gw", OOTS_TYPE),
        exchange_id="1647038b-7eaf-4711-b738-d5d83f96fa7b",
        parts=[("cid:cdd87e02-2bdc-4ce6-bdc9-79e05adae700@oots.eu", "application/x-ebrs+xml")]),
    "as4/messages/oots-france/incoming/reel/reponseAvecPieceJointe.xml": dict(
        message_id="5a540a49-8f06-4bc5-9947-1e6dc35b4a6f@oots.eu",
        timestamp=datetime(2026, 8, 11, 9, 22, 22, tzinfo=UTC),
        action="ExecuteQueryResponse", conversation="1589c463-ccb7-4c0e-8044-c7198d844c16",
        original_sender=("00000000000001", EAS_0009),
        final_recipient=("00000000000002", EAS_0009),
        exchange_id="1647038b-7eaf-4711-b738-d5d83f96fa7b",
        parts=[("cid:728c1aa1-5297-4d7c-9d7d-01fcce90075a@oots.eu", "application/x-ebrs+xml"),
               ("cid:802edbd4-fdfb-4345-84bd-0b7f17549075@pdf.oots.fr", "application/pdf")]),
    "as4/messages/oots-france/incoming/reel/erreurObjetIntrouvable.xml": dict(
        message_id="5309a31c-6614-4351-872c-1ad150a4ede0@oots.eu",
        timestamp=datetime(2026, 8, 11, 9, 22, 24, tzinfo=UTC),
        action="ExceptionResponse", conversation="11446f65-f2a9-4c39-953c-6bd04189d8a3",
        original_sender=("00000000000001", EAS_0009),
        final_recipient=("00000000000002", EAS_0009),
        exchange_id="8a18f812-70e0-433f-b51f-f01e9d8a8397",
        parts=[("cid:ebbd2e86-e0e3-47a5-8293-8fb17387c594@oots.eu", "application/x-ebrs+xml")]),
    "oots-tdd-2.0/as4/domibus-ws-plugin-captures/requete.xml": dict(
        message_id="45fa5345-5a18-4691-945f-531f9568729f@oots.eu",
        timestamp=datetime(2026, 8, 11, 9, 22, 22, tzinfo=UTC),
        action="ExecuteQueryRequest", conversation="1589c463-ccb7-4c0e-8044-c7198d844c16",
        original_sender=("00000000000002", EAS_0009), final_recipient=("blue_gw", OOTS_TYPE),
        exchange_id="1647038b-7eaf-4711-b738-d5d83f96fa7b",
        parts=[("cid:cdd87e02-2bdc-4ce6-bdc9-79e05adae700@oots.eu", "application/x-ebrs+xml")]),
    "as4/messages/oots-france/reference/soap/requete.soumission.xml": dict(
        message_id="1a2b3c4d-0000-4000-8000-000000000001@oots.eu",
        timestamp=datetime(2026, 8, 6, 10, 0, tzinfo=UTC),
        action="ExecuteQueryRequest", conversation="e0a6a5b7-6b2e-4b9c-9a63-8f0c6d3a1b24",
        original_sender=("00000000000002", EAS_0009),
        final_recipient=("DE73524311", "urn:cef.eu:names:identifier:EAS:9930"),
        exchange_id="1a2b3c4d-0000-4000-8000-000000000002",
        parts=[("cid:1a2b3c4d-0000-4000-8000-000000000000@oots.eu", "application/x-ebrs+xml")],
        parties=("AP_FR_01", "AP_DE_01")),
}


@pytest.mark.parametrize("rel", sorted(CAPTURES))
def test_oots_header_values(shared_dir: Path, rel: str) -> None:
    want = CAPTURES[rel]
    um = parse_envelope((shared_dir / rel).read_bytes()).user_message
    assert um is not None
    sender, receiver = want.get("parties", ("blue_gw", "blue_gw"))  # type: ignore[misc]
    assert (um.from_party.party_id.value, um.from_party.party_id.type) == (sender, OOTS_TYPE)
    assert (um.to_party.party_id.value, um.to_party.party_id.type) == (receiver, OOTS_TYPE)
    assert um.from_party.role == um.to_party.role == GATEWAY_ROLE
    assert um.message_id == want["message_id"]
    assert um.message_info.timestamp == want["timestamp"]
    assert um.message_info.ref_to_message_id is None
    collab = um.collaboration_info
    assert (collab.service.value, collab.service.type) == (
        "QueryManager", "urn:oasis:names:tc:ebcore:ebrs:ebms:binding:1.0")
    assert collab.action == want["action"]
    assert collab.conversation_id == want["conversation"]
    assert collab.agreement_ref is None
    assert um.original_sender is not None and um.final_recipient is not None
    assert (um.original_sender.value, um.original_sender.type) == want["original_sender"]
    assert (um.final_recipient.value, um.final_recipient.type) == want["final_recipient"]
    assert um.specification_id == "oots-edm:v2.0"
    assert um.exchange_id == want["exchange_id"]
    assert [(p.href, p.mime_type) for p in um.payloads] == want["parts"]
    assert all(p.compression_type is None for p in um.payloads)  # KNOWN-DEFECTS 17
    assert um.effective_mpc.endswith("/defaultMPC")


def test_oots_reference_headers_parse_as_bare_messaging(as4_kit: Path) -> None:
    folder = as4_kit / "messages" / "oots-france" / "reference" / "messages"
    actions = {}
    for path in sorted(folder.glob("*.entete.xml")):
        users, signals = parse_messaging(path.read_bytes())
        assert len(users) == 1 and not signals
        um = users[0]
        actions[path.name] = um.collaboration_info.action
        assert um.specification_id == "oots-edm:v2.0"
        assert um.original_sender is not None and um.final_recipient is not None
    assert actions["requete.entete.xml"] == "ExecuteQueryRequest"
    assert actions["reponse.entete.xml"] == "ExecuteQueryResponse"
    assert actions["erreur.entete.xml"] == "ExceptionResponse"


def _parsed_files() -> list[str]:
    return sorted(k for k, v in EXPECTED.items() if isinstance(v, P | H))


@pytest.mark.parametrize("rel", _parsed_files())
def test_real_headers_round_trip(as4_kit: Path, rel: str) -> None:
    """Every header we can read, written back strictly and read again, is equal."""
    data = (as4_kit / "messages" / rel).read_bytes()
    if isinstance(EXPECTED[rel], H):
        users, signals = parse_messaging(data)
    else:
        parsed = parse_envelope(read_capture(data).envelope)
        users, signals = parsed.user_messages, parsed.signal_messages
    for message in (*users, *signals):
        again = parse_envelope(build_envelope(message)).single()
        assert again == message


def test_unencrypted_holodeck_payloads_decompress(as4_kit: Path) -> None:
    data = (as4_kit / "messages" / "eessi-as4.net" / "signed_holodeck_message.as4").read_bytes()
    capture = read_capture(data)
    um = parse_envelope(capture.envelope).user_message
    assert um is not None
    payloads = open_payloads(um, capture.attachments)
    assert [p.mime_type for p in payloads] == ["image/jpeg", "application/xml"]
    assert payloads[0].data.startswith(b"\xff\xd8\xff")  # JPEG SOI marker
    assert payloads[1].data.startswith(b"<?xml")


def test_phase4_wrong_compression_is_ebms_0303(as4_kit: Path) -> None:
    data = (as4_kit / "messages" / "phase4" / "testfiles" / "WrongCompression.mime").read_bytes()
    capture = read_capture(data)
    um = parse_envelope(capture.envelope).user_message
    assert um is not None
    with pytest.raises(EbmsError) as exc:
        open_payloads(um, capture.attachments)
    assert exc.value.ebms_code is EbmsErrorCode.DECOMPRESSION_FAILURE
    assert "application/rar" in exc.value.message
