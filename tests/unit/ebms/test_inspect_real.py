"""``as4 inspect`` on real kit messages: what verifies, and exactly why the others fail.

The signer certificate is taken from the message's own BinarySecurityToken and
pinned with ``--cert`` (as the kit README's independent JDK check did); ``--now``
is a date inside that certificate's validity. Outcomes agree with kit INDEX.md.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from gateway.cli import main
from gateway.ebms._inspect import security_summary

# file -> (--now, expected check statuses, text that must appear in a FAILED line or "")
CASES = {
    "phase4/peppol-captured/dataport1-mustunderstand.as4in": (
        "2022-03-07T16:36:51Z", {"parse": "ok", "signature": "ok"}, ""),
    "phase4/testfiles/TestReceipt12.xml": (
        "2026-06-01T00:00:00Z", {"parse": "ok", "signature": "ok"}, ""),
    "eessi-as4.net/as4-soap-signed-message.txt": (
        "2018-06-01T00:00:00Z", {"parse": "ok", "signature": "ok", "payloads": "ok"}, ""),
    # KNOWN-DEFECTS 9: the eb:Messaging digest of this capture does not match
    "phase4/peppol-captured/dataport1.as4in": (
        "2022-03-07T16:36:51Z", {"parse": "ok", "signature": "failed"}, "EBMS:0101: digest"),
    # the certificate is not yet valid at a 2019 validation time
    "phase4/testfiles/TestReceipt12.xml#2019": (
        "2019-06-01T00:00:00Z", {"parse": "ok", "signature": "failed"},
        "EBMS:0101: certificate is not valid before"),
    # KNOWN-DEFECTS 10 + policy: phase4's message is encrypted for a key we do not have
    "phase4/peppol-captured/dump-raw.as4out": (
        "2026-01-29T16:00:00Z",
        {"parse": "ok", "payload references": "ok", "decryption": "skipped",
         "signature": "skipped"}, ""),
}


def _bst_certificate(data: bytes) -> bytes:
    m = re.search(rb"BinarySecurityToken[^>]*>([^<]+)<", data)
    assert m is not None, "no BinarySecurityToken"
    cert = x509.load_der_x509_certificate(base64.b64decode(m.group(1)))
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.mark.parametrize("case", sorted(CASES))
def test_inspect_real_message(as4_kit: Path, tmp_path: Path, case: str,
                              capsys: pytest.CaptureFixture[str]) -> None:
    rel = case.split("#", 1)[0]
    now, expected, failure = CASES[case]
    path = as4_kit / "messages" / rel
    cert = tmp_path / "signer.pem"
    cert.write_bytes(_bst_certificate(path.read_bytes()))
    code = main(["as4", "inspect", str(path), "--cert", str(cert), "--now", now])
    out = capsys.readouterr().out
    statuses = {}
    for line in out.splitlines():
        m = re.match(r"\s+\[(ok|FAILED|skipped)\]\s+([^:]+):", line)
        if m:
            statuses[m.group(2)] = m.group(1).lower()
    assert statuses == expected, out
    assert code == (1 if "failed" in expected.values() else 0)
    if failure:
        assert any(failure in line for line in out.splitlines() if "[FAILED]" in line), out


def test_inspect_refuses_legacy_key_transport_with_kit_keys(
        as4_kit: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Domibus SoapRequest.xml: the EncryptedKey opens with red_gw, but uses
    rsa-oaep-mgf1p, which eDelivery AS4 1.15 does not allow (PROFILE.md §2)."""
    keys = as4_kit / "keys" / "domibus-5.1" / "conf-blue"
    path = as4_kit / "messages" / "domibus-5.1" / "test-common" / "SoapRequest.xml"
    code = main(["as4", "inspect", str(path), "--cert", str(keys / "blue_gw.cert.pem"),
                 "--key", str(keys / "red_gw.key.pem"), "--key-cert", str(keys / "red_gw.cert.pem"),
                 "--now", "2020-01-01T00:00:00Z"])
    out = capsys.readouterr().out
    assert code == 1
    assert "EBMS:0103" in out and "rsa-oaep-mgf1p" in out


def test_inspect_reads_pkcs12_keys(as4_kit: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """AS4.NET's AccessPointA.pfx opens (password from the kit); the message's legacy
    rsa-oaep-mgf1p key transport is then refused by policy, named exactly."""
    keys = as4_kit / "keys" / "eessi-as4.net"
    path = as4_kit / "messages" / "eessi-as4.net" / "as4-encrypted-signed-keyidentifier.as4"
    code = main(["as4", "inspect", str(path), "--cert", str(keys / "AccessPointB.cer"),
                 "--key", str(keys / "AccessPointA.pfx"), "--key-password", "Pz4cZK4SULUwmraZa",
                 "--now", "2026-12-01T00:00:00Z"])
    out = capsys.readouterr().out
    assert code == 1
    assert "EncryptedKey algorithm 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p'" in out


def test_security_summary_of_domibus_tokens(as4_kit: Path) -> None:
    base = as4_kit / "messages" / "domibus-5.1"
    mislabelled = security_summary(
        (base / "msh-test" / "RawXMLMessageWithSpacesAndPkiPath.xml").read_bytes())
    # KNOWN-DEFECTS 4: ValueType #X509v3, content a PKIPath
    assert mislabelled.tokens[0].problem == (
        "content is a PKIPath chain, not the one certificate its ValueType says")
    pkip = security_summary((base / "test-common" / "request_BST_PKIP.xml").read_bytes())
    path_tokens = [t for t in pkip.tokens if t.value_type == "#X509PKIPathv1"]
    assert path_tokens and path_tokens[0].subject is not None
    assert path_tokens[0].chain is not None and path_tokens[0].chain.startswith("PKIPath of")
    md = security_summary((base / "test-common" / "MSHAS4Request.xml").read_bytes())
    assert md.encrypted_keys[0].method == "http://www.w3.org/2009/xmlenc11#rsa-oaep"
    assert md.encrypted_keys[0].mgf == "http://www.w3.org/2009/xmlenc11#mgf1sha256"
    assert {d.method for d in md.encrypted_data} == {"http://www.w3.org/2009/xmlenc11#aes128-gcm"}
    assert md.signatures[0].signature_method == (
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
