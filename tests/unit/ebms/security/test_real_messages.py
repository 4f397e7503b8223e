"""Real AS4 messages of the reference kit, verified (and decrypted) with the kit's keys.

Read at run time from ``<shared>/as4`` (never copied). What verifies, and why the rest
cannot (KNOWN-DEFECTS.md numbers in brackets):

Fully verified through the production path (``open_message`` / ``verify_signal``:
reference set = {eb:Messaging, Body, each attachment}, signer pinned as trust anchor
and as the PMode peer, validation time inside the certificate's validity):

- ``eessi-as4.net/signed_holodeck_message.as4`` - MIME, 2 gzip attachments, AccessPointB
- ``eessi-as4.net/8.1.21-message.xml`` - AccessPointB (SKI reference)
- ``eessi-as4.net/as4-soap-signed-message.txt``, ``as4-soap-signed-pullrequest.xml``,
  ``as4-multihop-message.as4`` - signer from the BST
- ``phase4/peppol-captured/dataport1-mustunderstand.as4in`` and
  ``phase4/testfiles/TestReceipt12.xml`` - real signed Peppol receipts (BST signer)
- ``eessi-as4.net/as4-encrypted-signed-keyidentifier.as4`` and
  ``as4-encrypted-signed-issuerserial.as4`` - decrypted with AccessPointB (legacy
  rsa-oaep-mgf1p, so under the named legacy policy), signed by AccessPointA (SKI /
  IssuerSerial): all four references verify on the decrypted parts. KNOWN-DEFECTS 11
  reports the large parts as damaged; with our MIME reader (bare-LF header lines
  accepted, part bodies taken byte-exact) they decrypt and match their digests.

SignatureValue and header/Body digests verified, attachment digests not checkable
(reported per reference by ``inspect_signature``):

- ``domibus-5.1/test-common/SoapRequest.xml`` - blue_gw by SKI, at 2025-06-01 (the
  Domibus certificates expired 2025-12-01 [18]); its attachment is not in the file.
  Its EncryptedKey opens with red_gw (legacy rsa-oaep-mgf1p, unsafe policy).
- ``phase4/peppol-captured/dump-raw.as4out``, ``eessi-as4.net/as4_flame_envelope.as4``,
  ``rssbus_message.as4``, ``c3_minderreceiveagent_request.as4``,
  ``phase4/holodeck/from-holodeck-1.xml`` - attachments encrypted for receivers whose
  keys are not public [10].

Refused, as they must be: ``phase4/peppol-captured/dataport1.as4in`` (Messaging digest
fails [9]), ``eessi-as4.net/as4-soap-wrong-signed-message.txt`` (Body id unresolvable
[12]), ``phase4/testfiles/WrongSigningAlgorithm.xml`` and
``WrongSigningDigestAlgorithm.xml`` (unknown algorithms -> EBMS:0103 [12]), the edited
Domibus fixtures (SignatureValue fails [1, 2]).

Not checkable at all: ``domibus-4.0.2/encrypted.xml`` (not XML [5], no key),
``RawXMLMessage.xml`` [3], ``RawXMLMessageWithSpacesAndPkiPath.xml`` (BST/ValueType
mismatch [4]), ``holodeck-as4message.xml`` (escaped dump [6]), phase4 ``unused/`` and
``soap12test/PullRequest12.xml`` (malformed / misspelt SHA-1 [7, 8]); receipts whose
signer certificate the kit lacks (``receipt_with_invalid_signature.as4``,
``Receipt_InvalidNRI_Namespace.as4``, Domibus ``*_incoming_message.xml`` by SKI/IS).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.crypto.certs import load_certificate, load_pkcs12
from gateway.ebms import decompress
from gateway.ebms._capture import Capture, read_capture
from gateway.ebms.security import (
    AnchoredChain,
    DecryptionIdentity,
    ExpectedPeer,
    KeyPurpose,
    SecurityProfile,
    open_message,
    policy_for,
    unsafe_legacy_policy,
    verify_signal,
)
from gateway.ebms.security._dom import children, index_ids, soap_parts
from gateway.ebms.security._dsig import AttachmentContent
from gateway.ebms.security._inspect import inspect_signature
from gateway.ebms.security._xenc import _decrypt_data, _open_key
from gateway.errors import EbmsError, EbmsErrorCode
from gateway.namespaces import NS, Algorithm
from gateway.xml import parse_xml

P115 = SecurityProfile.EDELIVERY_AS4_1_15
# The AS4.NET samples sign with RSA-SHA384 and transport keys with rsa-oaep-mgf1p:
# outside eDelivery AS4 1.15, so these tests (and only these) widen the allow-list.
AS4NET_LEGACY_POLICY = unsafe_legacy_policy(
    P115, extra_signature=frozenset({Algorithm.RSA_SHA384.value})
)
AS4NET_NOW = datetime(2026, 12, 1, tzinfo=UTC)  # AccessPointA/B are valid until 2066


def _capture(as4_kit: Path, name: str) -> Capture:
    data = (as4_kit / "messages" / name).read_bytes()
    if data.lstrip().startswith(b"<!--") and b"<?xml" in data:  # licence comment first
        data = data[data.index(b"<?xml"):]
    return read_capture(data)


def _kit_cert(as4_kit: Path, name: str) -> x509.Certificate:
    return load_certificate(as4_kit / "keys" / name)


def _bst_signer(capture: Capture) -> x509.Certificate:
    report = inspect_signature(capture.envelope, {}, policy=AS4NET_LEGACY_POLICY)
    assert report.signer is not None, report.problem
    return report.signer


def _pinned(cert: x509.Certificate) -> tuple[AnchoredChain, ExpectedPeer]:
    return AnchoredChain((cert,)), ExpectedPeer((cert,), name=cert.subject.rfc4514_string())


def _mid_validity(cert: x509.Certificate) -> datetime:
    return cert.not_valid_before_utc + (cert.not_valid_after_utc - cert.not_valid_before_utc) / 2


def _content(capture: Capture) -> dict[str, AttachmentContent]:
    return {p.content_id: AttachmentContent(p.content_type, p.data) for p in capture.attachments}


def test_signed_holodeck_message_verifies_to_its_two_payloads(as4_kit: Path) -> None:
    capture = _capture(as4_kit, "eessi-as4.net/signed_holodeck_message.as4")
    signer = _kit_cert(as4_kit, "eessi-as4.net/AccessPointB.cer")
    trust, peer = _pinned(signer)
    verified = open_message(capture.envelope, capture.attachments, decryption=None, trust=trust,
                            expected_peer=peer, profile=P115, now=AS4NET_NOW,
                            require_encryption=False,
                            unsafe_algorithm_policy=AS4NET_LEGACY_POLICY)
    assert len(verified.references) == 4
    assert verified.signer == signer
    # the holodeck header references carry exc-c14n PrefixLists; NRI must repeat them
    header_lists = [r.prefix_lists for r in verified.references if r.uri.startswith("#")]
    assert header_lists and all(lists[0] for lists in header_lists), header_lists
    payloads = [decompress(p.data, max_bytes=1 << 24) for p in verified.attachments]
    assert len(payloads) == 2 and all(payloads)
    assert b"UserMessage" in verified.messaging


def test_the_same_sample_is_refused_by_the_strict_profile(as4_kit: Path) -> None:
    """RSA-SHA384 is not eDelivery AS4 1.15: the strict allow-list says EBMS:0103."""
    capture = _capture(as4_kit, "eessi-as4.net/signed_holodeck_message.as4")
    trust, peer = _pinned(_kit_cert(as4_kit, "eessi-as4.net/AccessPointB.cer"))
    with pytest.raises(EbmsError) as info:
        open_message(capture.envelope, capture.attachments, decryption=None, trust=trust,
                     expected_peer=peer, profile=P115, now=AS4NET_NOW,
                     require_encryption=False)
    assert info.value.ebms_code is EbmsErrorCode.POLICY_NONCOMPLIANCE


@pytest.mark.parametrize(
    ("name", "signer_file"),
    [
        ("eessi-as4.net/8.1.21-message.xml", "eessi-as4.net/AccessPointB.cer"),
        ("eessi-as4.net/as4-soap-signed-message.txt", None),
        ("eessi-as4.net/as4-multihop-message.as4", None),
    ],
)
def test_signed_user_messages_without_attachments_verify(as4_kit: Path, name: str,
                                                         signer_file: str | None) -> None:
    capture = _capture(as4_kit, name)
    signer = _kit_cert(as4_kit, signer_file) if signer_file else _bst_signer(capture)
    trust, peer = _pinned(signer)
    now = _mid_validity(signer)
    verified = open_message(capture.envelope, capture.attachments, decryption=None, trust=trust,
                            expected_peer=peer, profile=P115, now=now, require_encryption=False,
                            unsafe_algorithm_policy=AS4NET_LEGACY_POLICY)
    assert len(verified.references) == 2


@pytest.mark.parametrize(
    "name",
    [
        "phase4/peppol-captured/dataport1-mustunderstand.as4in",
        "phase4/testfiles/TestReceipt12.xml",
        "eessi-as4.net/as4-soap-signed-pullrequest.xml",
    ],
)
def test_real_signed_signals_verify(as4_kit: Path, name: str) -> None:
    capture = _capture(as4_kit, name)
    signer = _bst_signer(capture)
    trust, peer = _pinned(signer)
    now = _mid_validity(signer)
    verified = verify_signal(capture.envelope, trust=trust, expected_peer=peer, profile=P115,
                             now=now)
    assert len(verified.references) == 2
    assert b"SignalMessage" in verified.messaging


def test_dataport_receipt_with_broken_messaging_digest_is_refused(as4_kit: Path) -> None:
    capture = _capture(as4_kit, "phase4/peppol-captured/dataport1.as4in")
    signer = _bst_signer(capture)
    trust, peer = _pinned(signer)
    with pytest.raises(EbmsError) as info:
        verify_signal(capture.envelope, trust=trust, expected_peer=peer, profile=P115,
                      now=signer.not_valid_before_utc)
    assert info.value.ebms_code is EbmsErrorCode.FAILED_AUTHENTICATION


def test_domibus_soap_request_signature_verifies_with_blue_gw(as4_kit: Path) -> None:
    capture = _capture(as4_kit, "domibus-5.1/test-common/SoapRequest.xml")
    blue = _kit_cert(as4_kit, "domibus-5.1/conf-blue/blue_gw.cert.pem")
    report = inspect_signature(capture.envelope, {}, policy=unsafe_legacy_policy(P115),
                               known=[blue])
    assert report.signature_value_ok and report.signer == blue and report.token_form == "SKI"
    assert [r.ok for r in report.references] == [True, False]
    assert "not in the message" in (report.references[1].problem or "")
    # blue_gw expired on 2025-12-01: at a validation time before that the chain is fine,
    # today it is refused.
    AnchoredChain((blue,)).validate(blue, intermediates=(), now=datetime(2025, 6, 1, tzinfo=UTC),
                                    purpose=KeyPurpose.SIGNING)
    with pytest.raises(EbmsError):
        AnchoredChain((blue,)).validate(blue, intermediates=(), now=AS4NET_NOW,
                                        purpose=KeyPurpose.SIGNING)


def test_domibus_soap_request_encrypted_key_opens_with_red_gw(as4_kit: Path) -> None:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    capture = _capture(as4_kit, "domibus-5.1/test-common/SoapRequest.xml")
    key = load_pem_private_key(
        (as4_kit / "keys/domibus-5.1/conf-blue/red_gw.key.pem").read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    identity = DecryptionIdentity(_kit_cert(as4_kit, "domibus-5.1/conf-blue/red_gw.cert.pem"),
                                  key)
    root = parse_xml(capture.envelope)
    parts = soap_parts(root, require_security=True)
    assert parts.security is not None
    ek = children(parts.security, NS.XENC, "EncryptedKey")[0]
    cek = _open_key(ek, index_ids(root), identity, parts.security, unsafe_legacy_policy(P115))
    assert len(cek) == 16
    with pytest.raises(EbmsError) as info:  # the strict profile refuses rsa-oaep-mgf1p
        _open_key(ek, index_ids(root), identity, parts.security, policy_for(P115))
    assert info.value.ebms_code is EbmsErrorCode.POLICY_NONCOMPLIANCE


def _access_point(as4_kit: Path, which: str) -> DecryptionIdentity:
    password = {"A": b"Pz4cZK4SULUwmraZa", "B": b"Pz4cZK4SULUwmraZb"}[which]
    store = load_pkcs12((as4_kit / f"keys/eessi-as4.net/AccessPoint{which}.pfx").read_bytes(),
                        password)
    assert store.key is not None and store.cert is not None
    assert isinstance(store.key, rsa.RSAPrivateKey)
    return DecryptionIdentity(store.cert.certificate, store.key)


def test_encrypted_signed_keyidentifier_sample_decrypts_and_its_digest_matches(
    as4_kit: Path,
) -> None:
    capture = _capture(as4_kit, "eessi-as4.net/as4-encrypted-signed-keyidentifier.as4")
    identity = _access_point(as4_kit, "B")
    root = parse_xml(capture.envelope)
    parts = soap_parts(root, require_security=True)
    assert parts.security is not None
    ids = index_ids(root)
    ek = children(parts.security, NS.XENC, "EncryptedKey")[0]
    cek = _open_key(ek, ids, identity, parts.security, AS4NET_LEGACY_POLICY)
    wire = {p.content_id: (p.content_type, p.data) for p in capture.attachments}
    decrypted: dict[str, AttachmentContent] = {}
    damaged: list[str] = []
    for ed in children(parts.security, NS.XENC, "EncryptedData"):
        try:
            cid, part = _decrypt_data(ed, cek, wire, AS4NET_LEGACY_POLICY)
        except EbmsError as exc:  # KNOWN-DEFECTS 11: CR bytes lost in the large part
            assert exc.ebms_code is EbmsErrorCode.FAILED_DECRYPTION
            damaged.append(exc.message)
            continue
        decrypted[cid] = AttachmentContent(part.content_type, part.data)
    assert decrypted and len(decrypted) + len(damaged) == 2
    for plain in decrypted.values():
        assert decompress(plain.data, max_bytes=1 << 24)  # gzip payloads
    report = inspect_signature(capture.envelope, decrypted, policy=AS4NET_LEGACY_POLICY,
                               known=[_access_point(as4_kit, "A").certificate])
    assert report.signature_value_ok
    by_uri = {r.uri: r.ok for r in report.references}
    for cid in decrypted:  # every attachment that decrypts matches its signed digest
        assert by_uri[f"cid:{cid}"] is True, report
    assert sum(by_uri.values()) == 2 + len(decrypted)


@pytest.mark.parametrize(
    "name",
    [
        "phase4/peppol-captured/dump-raw.as4out",
        "eessi-as4.net/as4_flame_envelope.as4",
        "eessi-as4.net/rssbus_message.as4",
        "eessi-as4.net/c3_minderreceiveagent_request.as4",
        "phase4/holodeck/from-holodeck-1.xml",
        "eessi-as4.net/as4-encrypted-signed-issuerserial.as4",
    ],
)
def test_signature_value_and_header_digests_verify_where_attachments_are_sealed(
    as4_kit: Path, name: str
) -> None:
    capture = _capture(as4_kit, name)
    known = [_access_point(as4_kit, "A").certificate]
    report = inspect_signature(capture.envelope, _content(capture),
                               policy=AS4NET_LEGACY_POLICY, known=known)
    assert report.signature_value_ok, report.problem
    same_doc = [r for r in report.references if r.uri.startswith("#")]
    attachments = [r for r in report.references if r.uri.startswith("cid:")]
    assert len(same_doc) == 2 and all(r.ok for r in same_doc)
    assert attachments and not any(r.ok for r in attachments)  # ciphertext, not plaintext


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("phase4/testfiles/WrongSigningAlgorithm.xml", "EBMS:0103"),
        ("phase4/testfiles/WrongSigningDigestAlgorithm.xml", "EBMS:0103"),
        ("eessi-as4.net/as4-soap-wrong-signed-message.txt", "EBMS:0101"),
        ("domibus-5.1/test-common/MSHAS4Request.xml", "EBMS:0101"),
        ("domibus-5.1/msh-test/bst_x509v3_incoming_message.xml", "EBMS:0101"),
    ],
)
def test_negative_and_edited_samples_are_refused(as4_kit: Path, name: str, code: str) -> None:
    capture = _capture(as4_kit, name)
    known = [_kit_cert(as4_kit, "domibus-5.1/conf-blue/blue_gw.cert.pem"),
             _kit_cert(as4_kit, "domibus-5.1/conf-blue/red_gw.cert.pem")]
    report = inspect_signature(capture.envelope, _content(capture), policy=policy_for(P115),
                               known=known)
    assert not report.fully_verified
    codes = {report.problem_code} | {r.code for r in report.references}
    assert code in codes, report


@pytest.mark.parametrize(
    "name",
    [
        "eessi-as4.net/as4-encrypted-signed-keyidentifier.as4",
        "eessi-as4.net/as4-encrypted-signed-issuerserial.as4",
    ],
)
def test_encrypted_signed_samples_open_end_to_end(as4_kit: Path, name: str) -> None:
    """Decrypt with AccessPointB, verify AccessPointA, reference set exactly as sent."""
    capture = _capture(as4_kit, name)
    signer = _access_point(as4_kit, "A").certificate
    trust, peer = _pinned(signer)
    verified = open_message(capture.envelope, capture.attachments,
                            decryption=_access_point(as4_kit, "B"), trust=trust,
                            expected_peer=peer, profile=P115, now=AS4NET_NOW,
                            unsafe_algorithm_policy=AS4NET_LEGACY_POLICY)
    assert len(verified.references) == 4
    for part in verified.attachments:
        assert decompress(part.data, max_bytes=1 << 24)


FULLY_VERIFIED = {
    "eessi-as4.net/8.1.21-message.xml",
    "eessi-as4.net/as4-multihop-message.as4",
    "eessi-as4.net/as4-soap-signed-message.txt",
    "eessi-as4.net/as4-soap-signed-pullrequest.xml",
    "eessi-as4.net/signed_holodeck_message.as4",
    "phase4/peppol-captured/dataport1-mustunderstand.as4in",
    "phase4/testfiles/TestReceipt12.xml",
    "phase4/unused/TestMessage11.xml",
}
"""SignatureValue and every reference verify as the files stand (no decryption)."""

SIGNATURE_VALUE_ONLY = {
    "domibus-5.1/test-common/SoapRequest.xml",  # attachment not in the file
    "eessi-as4.net/as4-encrypted-signed-issuerserial.as4",  # digests are over plaintext
    "eessi-as4.net/as4-encrypted-signed-keyidentifier.as4",
    "eessi-as4.net/as4_flame_envelope.as4",
    "eessi-as4.net/c3_minderreceiveagent_request.as4",
    "eessi-as4.net/rssbus_message.as4",
    "phase4/peppol-captured/dump-raw.as4out",
    "phase4/holodeck/from-holodeck-1.xml",
    "eessi-as4.net/as4_soapattachment.as4",  # its one reference does not match
    "eessi-as4.net/as4-soap-wrong-signed-message.txt",  # negative test [12]
    "phase4/peppol-captured/dataport1.as4in",  # Messaging digest fails [9]
}
"""SignatureValue verifies; some reference cannot be checked or does not match."""


def test_every_signed_kit_message_is_classified(as4_kit: Path) -> None:
    """Run the per-reference check over every signed sample of the kit and compare the
    outcome with the lists above (and INDEX.md): nothing verifies by accident."""
    known = [_kit_cert(as4_kit, n) for n in (
        "eessi-as4.net/AccessPointA.cer", "eessi-as4.net/AccessPointB.cer",
        "domibus-5.1/conf-blue/blue_gw.cert.pem", "domibus-5.1/conf-blue/red_gw.cert.pem")]
    full: set[str] = set()
    value_only: set[str] = set()
    for path in sorted((as4_kit / "messages").rglob("*")):
        name = str(path.relative_to(as4_kit / "messages"))
        if not path.is_file() or name.startswith("oots-france") or b"Signature" not in \
                path.read_bytes():
            continue
        try:
            capture = _capture(as4_kit, name)
        except EbmsError:
            continue  # unreadable captures (KNOWN-DEFECTS 3, 5, 6): the reader says why
        report = inspect_signature(capture.envelope, _content(capture),
                                   policy=AS4NET_LEGACY_POLICY, known=known)
        if report.fully_verified:
            full.add(name)
        elif report.signature_value_ok:
            value_only.add(name)
    assert full == FULLY_VERIFIED
    assert value_only == SIGNATURE_VALUE_ONLY
