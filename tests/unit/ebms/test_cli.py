"""``as4 inspect`` / ``pmode check`` on messages built by script, and a full exchange.

The exchange: NL signs+encrypts an OOTS request for DE (AS4-security API), DE opens
it, matches the PMode leg, answers with a signed NRI receipt; NL verifies the receipt
and checks its NRI against what it signed.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.ebms import (
    Payload,
    build_envelope,
    open_payloads,
    pack_mime,
    package_payloads,
    parse_envelope,
    read_capture,
)
from gateway.ebms._pmode import match_inbound
from gateway.ebms._pmode_toml import load_pmode
from gateway.ebms._signals import check_receipt, new_message_id, receipt_envelope, signed_references
from gateway.ebms.pmode_files import load_pmode_file, resolve_peer_keys
from gateway.ebms.security import (
    DecryptionIdentity,
    ExpectedPeer,
    SecurityProfile,
    SigningIdentity,
    open_message,
    secure_message,
    sign_signal,
    standard_trust,
    verify_signal,
)
from gateway.errors import ConfigurationError, EbmsError, EbmsErrorCode
from mocks.pki import TestPki

from ._support import oots_request
from .test_pmode import EXAMPLE

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PROFILE = SecurityProfile.EDELIVERY_AS4_1_15
QUERY = b'<?xml version="1.0"?><query:QueryRequest xmlns:query="urn:x"/>' * 20


def _nl_request(pki: TestPki) -> tuple[bytes, bytes, tuple]:  # type: ignore[type-arg]
    """(captured HTTP request bytes, secured envelope, payloads) from NL to DE."""
    payloads = (Payload("query@nl.oots", QUERY, "application/x-ebrs+xml"),
                Payload("evidence@nl.oots", b"%PDF-1.7 " + bytes(range(256)) * 30,
                        "application/pdf"))
    infos, parts = package_payloads(payloads, compress_parts=True)
    message = oots_request(sender="NL-OOTS-AP", receiver="DE-OOTS-GW", payloads=infos,
                           message_id="req-1@nl.oots")
    signing = SigningIdentity(pki.certificate("nl-ap.rsa-sign"),
                              pki.private_key("nl-ap.rsa-sign"))  # type: ignore[arg-type]
    envelope, secured = secure_message(build_envelope(message), parts, signing=signing,
                                       recipient=pki.certificate("de-gw.rsa-enc"),
                                       profile=PROFILE, now=NOW)
    ctype, body = pack_mime(envelope, secured)
    http = (f"POST /as4 HTTP/1.1\r\nHost: de.oots\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    return http, envelope, payloads


def _de_identity(pki: TestPki) -> DecryptionIdentity:
    return DecryptionIdentity(pki.certificate("de-gw.rsa-enc"),
                              pki.private_key("de-gw.rsa-enc"))  # type: ignore[arg-type]


def test_full_exchange_request_receipt_nri(pki: TestPki) -> None:
    http, sent_envelope, payloads = _nl_request(pki)
    # DE receives
    capture = read_capture(http)
    assert capture.form == "http"
    parsed = parse_envelope(capture.envelope)
    um = parsed.user_message
    assert um is not None
    pmode = load_pmode(EXAMPLE.read_text(encoding="utf-8"))
    match = match_inbound([pmode], um)
    assert (match.peer.name, match.leg.name, match.profile) == ("NL", "ootsRequestLeg", PROFILE)
    anchors = [pki.certificate("test-ca")]
    verified = open_message(capture.envelope, capture.attachments, decryption=_de_identity(pki),
                            trust=standard_trust(anchors),
                            expected_peer=ExpectedPeer((pki.certificate("nl-ap.rsa-sign"),)),
                            profile=match.profile, now=NOW)
    assert open_payloads(um, verified.attachments) == payloads
    # DE answers with a signed NRI receipt
    unsigned = receipt_envelope(um, verified.references, now=NOW,
                                message_id=new_message_id("de.oots"))
    de_signing = SigningIdentity(pki.certificate("de-gw.rsa-sign"),
                                 pki.private_key("de-gw.rsa-sign"))  # type: ignore[arg-type]
    receipt = sign_signal(unsigned, signing=de_signing, profile=PROFILE, now=NOW)
    # NL checks the receipt against what it signed
    verify_signal(receipt, trust=standard_trust(anchors),
                  expected_peer=ExpectedPeer((pki.certificate("de-gw.rsa-sign"),)),
                  profile=PROFILE, now=NOW)
    signal = parse_envelope(receipt).signal_message
    assert signal is not None
    ours = signed_references(sent_envelope)
    assert len(ours) == 4  # eb:Messaging, Body, two attachments
    check_receipt(signal, sent_message_id="req-1@nl.oots", sent_references=ours)
    # a receipt for a tampered attachment does not match what we signed
    other = receipt_envelope(um, [*verified.references[:3], ours[0]], now=NOW, message_id="r@x")
    with pytest.raises(EbmsError) as exc:
        check_receipt(parse_envelope(other).signal_message,  # type: ignore[arg-type]
                      sent_message_id="req-1@nl.oots", sent_references=ours)
    assert exc.value.ebms_code is EbmsErrorCode.INVALID_RECEIPT


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_inspect_decrypts_and_verifies(pki: TestPki, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    http, _, payloads = _nl_request(pki)
    path = tmp_path / "nl-request.http"
    path.write_bytes(http)
    key = tmp_path / "de-enc-bundle.pem"  # key and certificate in one PEM
    key.write_bytes((pki.directory / "de-gw.rsa-enc.key.pem").read_bytes()
                    + pki.path("de-gw.rsa-enc").read_bytes())
    code, out = _run(capsys, "as4", "inspect", str(path), "--trust", str(pki.path("test-ca")),
                     "--cert", str(pki.path("nl-ap.rsa-sign")), "--key", str(key),
                     "--now", "2026-12-01T09:00:00Z", "--format", "json")
    doc = json.loads(out)
    assert code == 0, out
    assert {c["name"]: c["status"] for c in doc["checks"]} == {
        "parse": "ok", "payload references": "ok", "decryption": "ok", "signature": "ok",
        "payloads": "ok"}
    assert [p["bytes"] for p in doc["payloads"]] == [len(p.data) for p in payloads]
    assert doc["signer"].startswith("CN=NL-OOTS-AP")
    assert doc["user_messages"][0]["collaboration_info"]["action"] == "ExecuteQueryRequest"
    assert doc["security"]["encrypted_data"] and doc["security"]["tokens"]


def test_inspect_without_keys_shows_and_skips(pki: TestPki, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    http, _, _ = _nl_request(pki)
    path = tmp_path / "nl-request.http"
    path.write_bytes(http)
    code, out = _run(capsys, "as4", "inspect", str(path))
    assert code == 0, out
    assert "[skipped] signature: no --trust or --cert given" in out
    assert "[skipped] decryption: encrypted" in out
    assert "aes128-gcm" in out and "rsa-sha256" in out and "CN=NL-OOTS-AP" in out


@pytest.mark.parametrize(
    ("scenario", "args", "expected"),
    [
        ("wrong-peer.rejected", ["--cert", "at-ap.rsa-sign"], "EBMS:0101"),
        ("wrong-key.rejected", ["--key", "nl-ap.rsa-enc"], "EBMS:0102"),
        ("expired-at-now.rejected", ["--now", "2040-01-01T00:00:00Z"], "EBMS:0101"),
    ],
)
def test_inspect_says_exactly_what_failed(pki: TestPki, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str], scenario: str,
                                          args: list[str], expected: str) -> None:
    http, _, _ = _nl_request(pki)
    path = tmp_path / "msg.http"
    path.write_bytes(http)
    opts = {"--trust": str(pki.path("test-ca")), "--cert": str(pki.path("nl-ap.rsa-sign")),
            "--key": str(pki.directory / "de-gw.rsa-enc.key.pem"),
            "--key-cert": str(pki.path("de-gw.rsa-enc")), "--now": "2026-12-01T09:00:00Z"}
    name, value = args
    if name == "--key":
        opts["--key"] = str(pki.directory / f"{value}.key.pem")
        opts["--key-cert"] = str(pki.path(value))
    elif name == "--cert":
        opts["--cert"] = str(pki.path(value))
    else:
        opts[name] = value
    argv = [x for pair in opts.items() for x in pair]
    code, out = _run(capsys, "as4", "inspect", str(path), *argv)
    assert code == 1, out
    failed = [line for line in out.splitlines() if "[FAILED]" in line]
    assert failed and expected in failed[0], (scenario, out)
    assert out.rstrip().endswith("result: FAILED")


def test_inspect_refuses_broken_capture(tmp_path: Path, as4_kit: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    src = as4_kit / "messages" / "eessi-as4.net" / "holodeck-as4message.xml"
    path = tmp_path / "escaped.xml"
    shutil.copyfile(src, path)
    code, out = _run(capsys, "as4", "inspect", str(path))
    assert code == 1
    assert "[FAILED]  parse: EBMS:0007" in out and "an escaped dump?" in out


def test_inspect_tampered_attachment_fails(pki: TestPki, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    http, _, _ = _nl_request(pki)
    cut = http.rindex(b"\r\n--MIMEBoundary") - 5
    tampered = http[:cut] + bytes([http[cut] ^ 1]) + http[cut + 1:]
    path = tmp_path / "tampered.http"
    path.write_bytes(tampered)
    code, out = _run(capsys, "as4", "inspect", str(path), "--trust", str(pki.path("test-ca")),
                     "--key", str(pki.directory / "de-gw.rsa-enc.key.pem"),
                     "--key-cert", str(pki.path("de-gw.rsa-enc")), "--now", "2026-12-01T09:00Z")
    assert code == 1
    assert "EBMS:0102" in out or "EBMS:0101" in out


def test_pmode_check_example(pki: TestPki, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str], settings) -> None:  # type: ignore[no-untyped-def]
    # the example refers to ../../var/pki/...: copy it beside a PKI laid out the same way
    folder = tmp_path / "docs" / "examples"
    folder.mkdir(parents=True)
    shutil.copytree(pki.directory, tmp_path / "var" / "pki")
    shutil.copyfile(EXAMPLE, folder / "pmode-oots.toml")
    code, out = _run(capsys, "pmode", "check", str(folder / "pmode-oots.toml"))
    assert code == 0, out
    assert "NL signing: CN=NL-OOTS-AP" in out and "result: ok" in out
    (tmp_path / "var" / "pki" / "at-ap.x25519.pem").unlink()
    code, out = _run(capsys, "pmode", "check", str(folder / "pmode-oots.toml"))
    assert code == 1 and "AT encryption: PROBLEM" in out


def test_pmode_check_invalid_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace("[party]", "[partee]"))
    assert main(["pmode", "check", str(path)]) == 2
    assert "missing key 'party'" in capsys.readouterr().err


def test_inspect_receipt_against_sent_message(pki: TestPki, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    http, _, _ = _nl_request(pki)
    capture = read_capture(http)
    um = parse_envelope(capture.envelope).user_message
    assert um is not None
    verified = open_message(capture.envelope, capture.attachments, decryption=_de_identity(pki),
                            trust=standard_trust([pki.certificate("test-ca")]),
                            expected_peer=None, profile=PROFILE, now=NOW)
    de_signing = SigningIdentity(pki.certificate("de-gw.rsa-sign"),
                                 pki.private_key("de-gw.rsa-sign"))  # type: ignore[arg-type]
    receipt = sign_signal(receipt_envelope(um, verified.references, now=NOW, message_id="r@de"),
                          signing=de_signing, profile=PROFILE, now=NOW)
    (tmp_path / "sent.http").write_bytes(http)
    (tmp_path / "receipt.xml").write_bytes(receipt)
    (tmp_path / "other.http").write_bytes(_nl_request(pki)[0])  # same id, new signature
    base = ["as4", "inspect", str(tmp_path / "receipt.xml"), "--cert",
            str(pki.path("de-gw.rsa-sign")), "--trust", str(pki.path("test-ca")),
            "--now", "2026-12-01T09:00:00Z"]
    code, out = _run(capsys, *base, "--sent", str(tmp_path / "sent.http"))
    assert code == 0, out
    assert "[ok]      receipt matches sent message: RefToMessageId req-1@nl.oots, 4 references" \
        in out
    code, out = _run(capsys, *base, "--sent", str(tmp_path / "other.http"))
    assert code == 1
    assert "[FAILED]  receipt matches sent message: EBMS:0302" in out
    assert "[ok]      signature" in out  # the receipt itself is fine, it is for another signing


def test_resolve_peer_keys_from_example(pki: TestPki, tmp_path: Path) -> None:
    folder = tmp_path / "docs" / "examples"
    folder.mkdir(parents=True)
    shutil.copytree(pki.directory, tmp_path / "var" / "pki")
    shutil.copyfile(EXAMPLE, folder / "pmode-oots.toml")
    pmode = load_pmode_file(folder / "pmode-oots.toml")
    keys = resolve_peer_keys(pmode, folder)
    assert keys["NL"].signing == (pki.certificate("nl-ap.rsa-sign"),)
    assert keys["AT"].encryption == pki.certificate("at-ap.x25519")
    (tmp_path / "var" / "pki" / "nl-ap.rsa-sign.pem").unlink()
    with pytest.raises(ConfigurationError, match="peer NL: signing certificate"):
        resolve_peer_keys(pmode, folder)
