"""Builders for the WS-Security tests: identities from the test PKI, OOTS messages.

Test data is made at run time: an OOTS evidence request built with the ebMS models,
payloads packaged (and gzip-compressed) by the AS4-messages code, then secured.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa, x25519

from gateway.ebms import (
    CollaborationInfo,
    MessageInfo,
    MimePart,
    Party,
    PartyId,
    Payload,
    Property,
    Service,
    UserMessage,
    build_envelope,
    pack_mime,
    package_payloads,
    unpack_mime,
)
from gateway.ebms.security import (
    DecryptionIdentity,
    ExpectedPeer,
    RevocationCheck,
    SecurityProfile,
    SigningIdentity,
    VerifiedMessage,
    open_message,
    secure_message,
    standard_trust,
)
from gateway.ebms.security._trust import AllOf
from mocks.pki import TestPki

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
P115 = SecurityProfile.EDELIVERY_AS4_1_15
P20 = SecurityProfile.EDELIVERY_AS4_2_0
PROFILES = (P115, P20)
OOTS_TYPE = "urn:oasis:names:tc:ebcore:partyid-type:unregistered:oots"
OOTS_ROLE = "http://sdg.europa.eu/edelivery/gateway"


def signing(
    pki: TestPki, actor: str, profile: SecurityProfile, scenario: str = ""
) -> SigningIdentity:
    """``<actor>.rsa-sign[.scenario]`` (1.15) or ``<actor>.ed25519[.scenario]`` (2.0)."""
    name = f"{actor}.{'rsa-sign' if profile is P115 else 'ed25519'}"
    name += f".{scenario}" if scenario else ""
    key = pki.private_key(name)
    assert isinstance(key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey)
    return SigningIdentity(pki.certificate(name), key)


def enc_name(actor: str, profile: SecurityProfile) -> str:
    """The encryption certificate's file name for ``profile``."""
    return f"{actor}.{'rsa-enc' if profile is P115 else 'x25519'}"


def decryption(pki: TestPki, actor: str, profile: SecurityProfile) -> DecryptionIdentity:
    """The actor's decryption identity for ``profile``."""
    key = pki.private_key(enc_name(actor, profile))
    assert isinstance(key, rsa.RSAPrivateKey | x25519.X25519PrivateKey)
    return DecryptionIdentity(pki.certificate(enc_name(actor, profile)), key)


def trust(pki: TestPki) -> AllOf:
    """Anchored at the test CA, key usage, revocation by the PKI's revoked serials."""
    return standard_trust(
        [pki.certificate("test-ca")],
        revoked=RevocationCheck.from_serials(pki.revoked_serials()).is_revoked,
    )


def peer(pki: TestPki, actor: str, profile: SecurityProfile, scenario: str = "") -> ExpectedPeer:
    """The PMode's expected signing certificate of ``actor``."""
    return ExpectedPeer((signing(pki, actor, profile, scenario).certificate,), name=actor)


def user_message(
    payloads: Sequence[Payload], *, compress: bool
) -> tuple[bytes, tuple[MimePart, ...]]:
    """An OOTS evidence request DE -> NL as an unsigned envelope plus its MIME parts."""
    infos, parts = package_payloads(payloads, compress_parts=compress)
    message = UserMessage(
        message_info=MessageInfo("0d7f5a52-8d8e-4f59-9a47-0f1b2c3d4e5f@de.oots", NOW),
        from_party=Party((PartyId("DE-OOTS-GW", OOTS_TYPE),), OOTS_ROLE),
        to_party=Party((PartyId("NL-OOTS-AP", OOTS_TYPE),), OOTS_ROLE),
        collaboration_info=CollaborationInfo(
            Service("QueryManager", "urn:oasis:names:tc:ebcore:ebrs:ebms:binding:1.0"),
            "ExecuteQueryRequest", "6a0c8e1e-2f7b-4d3c-8a51-3b1f4e2d9c70"),
        message_properties=(
            Property("originalSender", "DE73524311", "urn:cef.eu:names:identifier:EAS:9930"),
            Property("finalRecipient", "00000000000002", "urn:cef.eu:names:identifier:EAS:0009"),
        ),
        payloads=infos,
    )
    return build_envelope(message), parts


def evidence_payloads() -> tuple[Payload, ...]:
    """An ebRS query (XML) and a PDF-like binary evidence."""
    return (
        Payload("query@de.oots", b"<q:QueryRequest xmlns:q='urn:x'><q:A>1</q:A></q:QueryRequest>",
                "application/x-ebrs+xml"),
        Payload("evidence@de.oots", bytes(range(256)) * 40, "application/pdf"),
    )


@dataclass(frozen=True)
class Wire:
    """A secured message as it travels: HTTP Content-Type and body."""

    content_type: str
    body: bytes


def send(pki: TestPki, profile: SecurityProfile, payloads: Sequence[Payload] | None = None,
         *, compress: bool = True, encrypt: bool = True, sender: str = "de-gw",
         sender_scenario: str = "", now: datetime = NOW) -> Wire:
    """Build, sign, encrypt and MIME-package a message from ``sender`` to nl-ap."""
    envelope, parts = user_message(evidence_payloads() if payloads is None else payloads,
                                   compress=compress)
    recipient = pki.certificate(enc_name("nl-ap", profile)) if encrypt else None
    secured, wire_parts = secure_message(envelope, parts,
                                         signing=signing(pki, sender, profile, sender_scenario),
                                         recipient=recipient, profile=profile, now=now)
    content_type, body = pack_mime(secured, wire_parts)
    return Wire(content_type, body)


def receive(pki: TestPki, profile: SecurityProfile, wire: Wire, *, sender: str = "de-gw",
            sender_scenario: str = "", require_encryption: bool = True,
            now: datetime = NOW) -> VerifiedMessage:
    """Unpack and open a message at nl-ap, expecting ``sender``."""
    envelope, parts = unpack_mime(wire.content_type, wire.body)
    return open_at_nl(pki, profile, envelope, parts, sender=sender,
                      sender_scenario=sender_scenario, require_encryption=require_encryption,
                      now=now)


def open_at_nl(pki: TestPki, profile: SecurityProfile, envelope: bytes,
               parts: Sequence[MimePart], *, sender: str = "de-gw", sender_scenario: str = "",
               require_encryption: bool = True, now: datetime = NOW,
               **options: Any) -> VerifiedMessage:
    """``open_message`` as nl-ap, with the test PKI's trust and the expected sender."""
    return open_message(envelope, parts, decryption=decryption(pki, "nl-ap", profile),
                        trust=trust(pki), expected_peer=peer(pki, sender, profile, sender_scenario),
                        profile=profile, now=now, require_encryption=require_encryption,
                        **options)
