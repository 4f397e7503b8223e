"""Apache Santuario (an independent XML-DSig implementation) agrees with our WS-Security.

(a) Santuario verifies the signatures of messages WE build: the eb:Messaging and Body
    references, every ``cid:`` attachment reference (own resolver + SwA transform) and
    the SignatureValue - for eDelivery AS4 1.15 (RSA-SHA256) and 2.0 (Ed25519 through
    the harness's JCA-backed algorithm, as Santuario 2.1 has no EdDSA);
(b) Santuario signs a message that OUR verifier (``open_message``) accepts.
Negative controls make sure the harness can fail.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from gateway.ebms import (
    CollaborationInfo,
    MessageInfo,
    MimePart,
    Party,
    PartyId,
    Payload,
    Service,
    UserMessage,
    build_envelope,
    package_payloads,
)
from gateway.ebms.security import (
    DecryptionIdentity,
    ExpectedPeer,
    SecurityProfile,
    SigningIdentity,
    open_message,
    secure_message,
    standard_trust,
)
from mocks.pki import TestPki

from .conftest import Harness

pytestmark = pytest.mark.interop

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
PROFILES = {
    SecurityProfile.EDELIVERY_AS4_1_15: ("rsa-sign", "rsa-enc"),
    SecurityProfile.EDELIVERY_AS4_2_0: ("ed25519", "x25519"),
}
profiles = pytest.mark.parametrize("profile", list(PROFILES), ids=lambda p: p.value)
PARTY = "urn:oasis:names:tc:ebcore:partyid-type:unregistered:oots"
ROLE = "http://sdg.europa.eu/edelivery/gateway"


def _unsigned(compress: bool = True) -> tuple[bytes, tuple[MimePart, ...]]:
    payloads = [
        Payload("query@de.oots", b"<q:Query xmlns:q='urn:q'><q:X>1</q:X></q:Query>",
                "application/x-ebrs+xml"),
        Payload("evidence@de.oots", bytes(range(256)) * 64, "application/pdf"),
    ]
    infos, parts = package_payloads(payloads, compress_parts=compress)
    message = UserMessage(
        message_info=MessageInfo("interop-1@de.oots", NOW),
        from_party=Party((PartyId("DE-OOTS-GW", PARTY),), ROLE),
        to_party=Party((PartyId("NL-OOTS-AP", PARTY),), ROLE),
        collaboration_info=CollaborationInfo(
            Service("QueryManager", "urn:oasis:names:tc:ebcore:ebrs:ebms:binding:1.0"),
            "ExecuteQueryRequest", "conv-1"),
        payloads=infos,
    )
    return build_envelope(message), parts


def _signing(pki: TestPki, profile: SecurityProfile) -> SigningIdentity:
    name = f"de-gw.{PROFILES[profile][0]}"
    key = pki.private_key(name)
    assert isinstance(key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey)
    return SigningIdentity(pki.certificate(name), key)


def _write(directory: Path, envelope: bytes, parts: tuple[MimePart, ...]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "envelope.xml").write_bytes(envelope)
    lines = []
    for pos, part in enumerate(parts):
        (directory / f"part{pos}.bin").write_bytes(part.data)
        lines.append(f"{part.content_id}\t{part.content_type}\tpart{pos}.bin\n")
    (directory / "parts.tsv").write_text("".join(lines), encoding="utf-8")
    return directory


def _lines(done: object) -> list[str]:
    return [line for line in getattr(done, "stdout", "").splitlines() if line.strip()]


@profiles
@pytest.mark.parametrize("compress", [True, False], ids=["gzip", "plain-xml"])
def test_santuario_verifies_what_we_sign(santuario: Harness, pki: TestPki, tmp_path: Path,
                                         profile: SecurityProfile, compress: bool) -> None:
    envelope, parts = _unsigned(compress)
    signed, wire = secure_message(envelope, parts, signing=_signing(pki, profile),
                                  recipient=None, profile=profile, now=NOW)
    directory = _write(tmp_path / "msg", signed, wire)
    done = santuario.run("verify", str(directory),
                         str(pki.path(f"de-gw.{PROFILES[profile][0]}")))
    lines = _lines(done)
    assert done.returncode == 0, done.stdout + done.stderr
    refs = [line for line in lines if line.startswith("REFERENCE ")]
    assert len(refs) == 4 and all(line.endswith(" ok") for line in refs)
    assert sum(" cid:" in line for line in refs) == 2
    assert "SIGNATURE-VALUE ok" in lines


@profiles
def test_santuario_verifies_the_signature_of_our_encrypted_message(
    santuario: Harness, pki: TestPki, tmp_path: Path, profile: SecurityProfile
) -> None:
    """Sign-then-encrypt: after OUR decryption, Santuario checks the signature."""
    envelope, parts = _unsigned()
    enc = f"nl-ap.{PROFILES[profile][1]}"
    signed, wire = secure_message(envelope, parts, signing=_signing(pki, profile),
                                  recipient=pki.certificate(enc), profile=profile, now=NOW)
    key = pki.private_key(enc)
    assert not isinstance(key, ed25519.Ed25519PrivateKey)
    verified = open_message(
        signed, wire, decryption=DecryptionIdentity(pki.certificate(enc), key),  # type: ignore[arg-type]
        trust=standard_trust([pki.certificate("test-ca")]),
        expected_peer=ExpectedPeer((_signing(pki, profile).certificate,)), profile=profile,
        now=NOW)
    directory = _write(tmp_path / "msg", signed, verified.attachments)
    done = santuario.run("verify", str(directory),
                         str(pki.path(f"de-gw.{PROFILES[profile][0]}")))
    assert done.returncode == 0, done.stdout + done.stderr


@profiles
def test_santuario_detects_a_tampered_attachment(santuario: Harness, pki: TestPki,
                                                 tmp_path: Path, profile: SecurityProfile) -> None:
    envelope, parts = _unsigned()
    signed, wire = secure_message(envelope, parts, signing=_signing(pki, profile),
                                  recipient=None, profile=profile, now=NOW)
    bad = dataclasses.replace(wire[1], data=wire[1].data + b"\x00")
    directory = _write(tmp_path / "msg", signed, (wire[0], bad))
    done = santuario.run("verify", str(directory),
                         str(pki.path(f"de-gw.{PROFILES[profile][0]}")))
    assert done.returncode == 1
    assert any(line.endswith("FAILED") and "evidence@de.oots" in line for line in _lines(done))


@profiles
def test_we_verify_what_santuario_signs(santuario: Harness, pki: TestPki, tmp_path: Path,
                                        profile: SecurityProfile) -> None:
    envelope, parts = _unsigned()
    directory = _write(tmp_path / "msg", envelope, parts)
    name = f"de-gw.{PROFILES[profile][0]}"
    out = tmp_path / "signed-by-santuario.xml"
    done = santuario.run("sign", str(directory), str(pki.directory / f"{name}.key.pem"),
                         str(pki.path(name)), str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    verified = open_message(
        out.read_bytes(), parts, decryption=None,
        trust=standard_trust([pki.certificate("test-ca")]),
        expected_peer=ExpectedPeer((pki.certificate(name),)), profile=profile, now=NOW,
        require_encryption=False)
    assert len(verified.references) == 4
    assert [p.data for p in verified.attachments] == [p.data for p in parts]
