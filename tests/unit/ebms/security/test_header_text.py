"""The security header is written as text (``_header``): what that must not change.

The octets signed must be libxml2's Exclusive C14N of the SignedInfo as it stands in
the serialized message; escaping must hold for awkward content ids and MIME types;
the header must mean the same whatever prefixes the envelope declares.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from lxml import etree

from gateway.crypto import primitives
from gateway.crypto.c14n import exc_c14n
from gateway.ebms import MimePart, Payload
from gateway.ebms.security import SecurityProfile, secure_message, sign_signal, verify_signal
from gateway.ebms.security._dom import b64decode
from gateway.errors import EbmsError, EbmsErrorCode
from gateway.namespaces import NS
from gateway.xml import parse_xml
from mocks.pki import TestPki

from ._fixtures import NOW, P20, PROFILES, enc_name, open_at_nl, peer, signing, trust, user_message

_DS = f"{{{NS.DS}}}"


def _secure(pki: TestPki, profile: SecurityProfile, envelope: bytes,
            parts: tuple[MimePart, ...]) -> tuple[bytes, tuple[MimePart, ...]]:
    return secure_message(envelope, parts, signing=signing(pki, "de-gw", profile),
                          recipient=pki.certificate(enc_name("nl-ap", profile)),
                          profile=profile, now=NOW)


def _one_small_payload() -> tuple[bytes, tuple[MimePart, ...]]:
    envelope, parts = user_message([Payload("a@x", b"data", "application/octet-stream")],
                                   compress=False)
    return envelope, tuple(parts)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.value)
def test_signature_value_is_over_libxml2s_canonical_signed_info(
    pki: TestPki, profile: SecurityProfile
) -> None:
    """Verify the SignatureValue directly against lxml's exc-c14n of the parsed output."""
    envelope, parts = _one_small_payload()
    secured, _ = _secure(pki, profile, envelope, parts)
    root = parse_xml(secured)
    signed_info = next(root.iter(f"{_DS}SignedInfo"))
    value = next(root.iter(f"{_DS}SignatureValue")).text
    key = signing(pki, "de-gw", profile).private_key
    assert isinstance(key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey)
    method = next(root.iter(f"{_DS}SignatureMethod")).get("Algorithm") or ""
    primitives.verify(key.public_key(), method, b64decode(value, "SignatureValue"),
                      exc_c14n(signed_info))


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.value)
def test_content_id_and_mime_type_with_xml_specials_are_escaped(
    pki: TestPki, profile: SecurityProfile
) -> None:
    cid = 'part&1<"x">\t@de.oots'
    kind = 'application/pdf; name="a&b.pdf"'
    envelope, _ = user_message([Payload("a@x", b"data", "application/pdf")], compress=False)
    parts = (MimePart(cid, kind, b"%PDF-1.7 escaped"),)
    envelope = envelope.replace(b"cid:a@x", b"cid:part&amp;1&lt;&quot;x&quot;&gt;&#9;@de.oots")
    secured, wire = _secure(pki, profile, envelope, parts)
    root = parse_xml(secured)  # well-formed
    uris = [r.get("URI") for r in root.iter(f"{_DS}Reference")]
    assert f"cid:{cid}" in uris
    data = next(root.iter(f"{{{NS.XENC}}}EncryptedData"))
    assert data.get("MimeType") == kind
    verified = open_at_nl(pki, profile, secured, wire)
    assert verified.attachments[0].data == b"%PDF-1.7 escaped"
    assert verified.attachments[0].content_type == kind


@pytest.mark.parametrize("bad", ["a\x00b@x", "a\x1fb@x", "a\ufffeb@x"])
def test_content_id_xml_cannot_carry_is_refused_not_written(pki: TestPki, bad: str) -> None:
    envelope, _ = user_message([Payload("a@x", b"d", "application/pdf")], compress=False)
    with pytest.raises(EbmsError) as caught:
        _secure(pki, P20, envelope, (MimePart(bad, "application/pdf", b"d"),))
    assert caught.value.ebms_code is EbmsErrorCode.OTHER
    assert "not allowed in XML" in caught.value.message


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.value)
def test_header_means_the_same_under_hostile_envelope_prefixes(
    pki: TestPki, profile: SecurityProfile
) -> None:
    """The envelope binds ds/wsse/xenc to other namespaces: the header declares its own."""
    envelope, parts = _one_small_payload()
    root = parse_xml(envelope)
    hostile = etree.Element(root.tag, nsmap={**root.nsmap, "ds": "urn:not-dsig",
                                             "wsse": "urn:not-wsse", "xenc": "urn:not-xenc",
                                             "wsu": "urn:not-wsu"})
    hostile.extend(list(root))
    envelope = etree.tostring(hostile, xml_declaration=True, encoding="UTF-8")
    secured, wire = _secure(pki, profile, envelope, parts)
    verified = open_at_nl(pki, profile, secured, wire)
    assert verified.attachments[0].data == b"data"
    security = next(parse_xml(secured).iter(f"{{{NS.WSSE}}}Security"))
    assert security.getparent() is not None
    assert security.getparent().index(security) == 0  # the first header block


def test_soap11_signal_gets_soap11_must_understand(pki: TestPki) -> None:
    soap = (f'<s:Envelope xmlns:s="{NS.SOAP11}"><s:Header><eb:Messaging xmlns:eb="{NS.EB}">'
            '<eb:SignalMessage/></eb:Messaging></s:Header><s:Body/></s:Envelope>').encode()
    signed = sign_signal(soap, signing=signing(pki, "de-gw", P20), profile=P20, now=NOW)
    security = next(parse_xml(signed).iter(f"{{{NS.WSSE}}}Security"))
    assert security.get(f"{{{NS.SOAP11}}}mustUnderstand") == "1"
    verified = verify_signal(signed, trust=trust(pki), expected_peer=peer(pki, "de-gw", P20),
                             profile=P20, now=NOW)
    assert b"SignalMessage" in verified.messaging


def test_an_envelope_already_secured_is_refused(pki: TestPki) -> None:
    envelope, parts = user_message([Payload("a@x", b"d", "application/pdf")], compress=False)
    secured, _ = _secure(pki, P20, envelope, parts)
    with pytest.raises(EbmsError, match="already carries a wsse:Security"):
        _secure(pki, P20, secured, parts)
