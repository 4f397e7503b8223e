"""Round trips: build, sign, encrypt, MIME-serialize, parse, decrypt, verify (both profiles)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.ebms import (
    MessageInfo,
    NriReference,
    Payload,
    Receipt,
    SignalMessage,
    build_envelope,
    decompress,
)
from gateway.ebms.security import SecurityProfile, SignedReference, sign_signal, verify_signal
from gateway.namespaces import Algorithm
from mocks.pki import TestPki

from ._fixtures import (
    NOW,
    P20,
    P115,
    PROFILES,
    peer,
    receive,
    send,
    signing,
    trust,
)

_SIGNATURE = {P115: Algorithm.RSA_SHA256.value, P20: Algorithm.EDDSA_ED25519.value}
_KEY_ALG = {P115: Algorithm.RSA_OAEP_XENC11.value, P20: Algorithm.X25519.value}


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.value)
def test_signed_encrypted_message_opens_to_the_signed_payloads(
    pki: TestPki, profile: SecurityProfile
) -> None:
    wire = send(pki, profile)
    assert _SIGNATURE[profile].encode() in wire.body
    assert _KEY_ALG[profile].encode() in wire.body
    assert b"%PDF" not in wire.body and bytes(range(256)) not in wire.body  # ciphertext only
    verified = receive(pki, profile, wire)
    assert [p.content_id for p in verified.attachments] == ["query@de.oots", "evidence@de.oots"]
    assert decompress(verified.attachments[1].data, max_bytes=1 << 20) == bytes(range(256)) * 40
    assert [r.uri.split(":")[0][:2] for r in verified.references] == ["#_", "#_", "ci", "ci"]
    assert verified.signer == signing(pki, "de-gw", profile).certificate
    assert b"ExecuteQueryRequest" in verified.messaging


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.value)
def test_uncompressed_xml_payload_is_signed_after_exclusive_c14n(
    pki: TestPki, profile: SecurityProfile
) -> None:
    """OOTS responses are not compressed: the application/*+xml part is canonicalized."""
    payload = Payload("resp@de.oots", b"<r:Resp xmlns:r='urn:r'  a='1' ><r:X/></r:Resp>",
                      "application/x-ebrs+xml")
    verified = receive(pki, profile, send(pki, profile, [payload], compress=False))
    assert verified.attachments[0].data == payload.data
    assert verified.attachments[0].content_type == "application/x-ebrs+xml"


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.value)
def test_signed_only_message_opens_when_encryption_not_required(
    pki: TestPki, profile: SecurityProfile
) -> None:
    wire = send(pki, profile, encrypt=False)
    assert b"EncryptedKey" not in wire.body
    verified = receive(pki, profile, wire, require_encryption=False)
    assert len(verified.attachments) == 2


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.value)
def test_signed_receipt_verifies(pki: TestPki, profile: SecurityProfile) -> None:
    verified_message = receive(pki, profile, send(pki, profile))
    envelope = _receipt_envelope(verified_message.references)
    signed = sign_signal(envelope, signing=signing(pki, "nl-ap", profile), profile=profile,
                         now=NOW)
    verified = verify_signal(signed, trust=trust(pki), expected_peer=peer(pki, "nl-ap", profile),
                             profile=profile, now=NOW)
    assert len(verified.references) == 2
    assert b"Receipt" in verified.messaging
    for ref in verified_message.references:  # the NRI repeats every signed digest
        assert ref.digest_value_b64.encode() in verified.messaging


def _receipt_envelope(references: tuple[SignedReference, ...]) -> bytes:
    message = SignalMessage(
        message_info=MessageInfo("r-1@nl.oots", NOW, ref_to_message_id="m-1@de.oots"),
        receipt=Receipt(references=tuple(NriReference.from_signed(r) for r in references)),
    )
    return build_envelope(message)


_payload = st.builds(
    lambda data, xml, n: (data, xml, n),
    st.binary(min_size=0, max_size=3000),
    st.booleans(),
    st.integers(min_value=0, max_value=10**6),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    profile=st.sampled_from(PROFILES),
    items=st.lists(_payload, min_size=1, max_size=4),
    compress=st.booleans(),
    encrypt=st.booleans(),
)
def test_property_roundtrip_returns_the_input_payloads(
    pki: TestPki, profile: SecurityProfile, items: list[tuple[bytes, bool, int]],
    compress: bool, encrypt: bool,
) -> None:
    payloads = []
    for pos, (data, xml, n) in enumerate(items):
        if xml:
            body = f"<p:Doc xmlns:p='urn:p' n='{n}'><p:V>{data.hex()}</p:V></p:Doc>".encode()
            payloads.append(Payload(f"p{pos}@de.oots", body, "application/xml"))
        else:
            payloads.append(Payload(f"p{pos}@de.oots", data, "application/octet-stream"))
    wire = send(pki, profile, payloads, compress=compress, encrypt=encrypt)
    verified = receive(pki, profile, wire, require_encryption=encrypt)
    got = [
        decompress(p.data, max_bytes=1 << 20) if compress else p.data
        for p in verified.attachments
    ]
    assert got == [p.data for p in payloads]
    assert len(verified.references) == 2 + len(payloads)
