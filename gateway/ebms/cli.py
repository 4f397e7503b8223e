"""``oots-gateway as4 inspect`` and ``oots-gateway pmode check`` (operator tools).

``as4 inspect FILE [--cert PEM]... [--trust PEM]... [--key PEM [--key-cert PEM]]
[--now ISO] [--profile auto|1.15|2.0] [--content-type CT] [--sent FILE]
[--format text|json]``
reads a captured message (full MIME with headers, MIME body, HTTP dump or bare
SOAP), shows the ebMS headers, the MIME parts and the security header, and when
given keys/trust decrypts and verifies it with :mod:`gateway.ebms.security`:

- ``--trust``: trust anchors the signer must chain to;
- ``--cert``: the expected signer (peer) certificate(s); alone, they are pinned
  as the only trusted certificates;
- ``--sent``: for a receipt, the message we sent: the receipt must refer to it and
  its NRI must list exactly the references we signed (``EBMS:0302`` otherwise);
- ``--key``: our decryption key, PEM or PKCS#12 (``--key-password``); the file may
  also hold its certificate, else ``--key-cert``.

Every check it was asked to run is listed with ``ok`` / ``FAILED`` / ``skipped``
and the exact reason; the exit code is 0 only when none failed, 1 otherwise
(2 for unusable arguments). This module is the adapter: it reads files and the clock.
"""

from __future__ import annotations

import argparse
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa, x25519
from cryptography.hazmat.primitives.serialization import pkcs12

from gateway.ebms._capture import read_capture
from gateway.ebms._cli_report import Report, render_json, render_text
from gateway.ebms._envelope import parse_envelope
from gateway.ebms._inspect import security_summary
from gateway.ebms._model import UserMessage
from gateway.ebms._payloads import match_parts, open_payloads
from gateway.ebms._pmode_toml import render_pmode
from gateway.ebms._signals import check_receipt, signed_references
from gateway.ebms.pmode_files import certificate_status, load_pmode_file
from gateway.ebms.security import (
    DecryptionIdentity,
    ExpectedPeer,
    SecurityProfile,
    open_message,
    standard_trust,
    verify_signal,
)
from gateway.errors import ConfigurationError, GatewayError
from gateway.settings import Settings

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``as4`` and ``pmode`` command groups."""
    as4 = subparsers.add_parser("as4", help="eDelivery AS4 tools")
    as4_sub = as4.add_subparsers(dest="as4_command", metavar="COMMAND")
    insp = as4_sub.add_parser("inspect", help="show, decrypt and verify a captured AS4 message")
    insp.add_argument("file", type=Path)
    insp.add_argument("--cert", type=Path, action="append", default=[],
                      help="expected signer certificate (PEM); repeatable")
    insp.add_argument("--trust", type=Path, action="append", default=[],
                      help="trust anchor certificate(s) (PEM); repeatable")
    insp.add_argument("--key", type=Path, help="our decryption private key (PEM)")
    insp.add_argument("--key-cert", type=Path, help="certificate of --key (PEM)")
    insp.add_argument("--key-password", help="password of --key (PKCS#12 or encrypted PEM; "
                      "test keys only: it shows in the process list)")
    insp.add_argument("--now", help="validation time, ISO 8601 (default: now)")
    insp.add_argument("--profile", choices=["auto", "1.15", "2.0"], default="auto")
    insp.add_argument("--content-type", help="Content-Type, when the capture has no headers")
    insp.add_argument("--sent", type=Path,
                      help="for a receipt: the message we sent (capture); its signed "
                      "references must equal the receipt's NRI")
    insp.add_argument("--format", choices=["text", "json"], default="text")
    insp.set_defaults(func=_inspect_command)
    pm = subparsers.add_parser("pmode", help="PMode tools")
    pm_sub = pm.add_subparsers(dest="pmode_command", metavar="COMMAND")
    chk = pm_sub.add_parser("check", help="validate a PMode TOML file and print it")
    chk.add_argument("file", type=Path)
    chk.set_defaults(func=_pmode_check)


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read {what} {path}: {exc}") from exc


def _certificates(paths: list[Path]) -> list[x509.Certificate]:
    certs: list[x509.Certificate] = []
    for path in paths:
        data = _read(path, "certificate")
        try:
            if b"-----BEGIN" in data:
                certs.extend(x509.load_pem_x509_certificates(data))
            else:
                certs.append(x509.load_der_x509_certificate(data))
        except ValueError as exc:
            raise ConfigurationError(f"{path} holds no PEM or DER certificate: {exc}") from exc
    return certs


def _decryption(key_path: Path, cert_path: Path | None, password: str | None
                ) -> DecryptionIdentity:
    data = _read(key_path, "key")
    secret = password.encode() if password is not None else None
    bundled: list[x509.Certificate] = []
    try:
        if b"-----BEGIN" in data:
            key: object = serialization.load_pem_private_key(data, password=secret)
        else:  # PKCS#12 (.p12/.pfx), as the kit's AS4.NET test keys come
            p12 = pkcs12.load_pkcs12(data, secret)
            key = p12.key
            if p12.cert is not None:
                bundled.append(p12.cert.certificate)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"{key_path} holds no private key readable with the given "
                                 f"password: {exc}") from exc
    if not isinstance(key, rsa.RSAPrivateKey | x25519.X25519PrivateKey):
        raise ConfigurationError(f"{key_path}: decryption keys are RSA (1.15) or X25519 (2.0)")
    certs = _certificates([cert_path]) if cert_path else bundled
    if not certs:
        try:
            certs = x509.load_pem_x509_certificates(data)
        except ValueError:
            certs = []
    if not certs:
        raise ConfigurationError(f"{key_path} has no certificate beside the key; add --key-cert")
    return DecryptionIdentity(certificate=certs[0], private_key=key)


def _now(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ConfigurationError(f"--now {text!r} is not an ISO 8601 date/time") from exc
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _profile(choice: str, methods: list[str | None]) -> SecurityProfile:
    if choice == "2.0" or (choice == "auto" and any(m and "eddsa" in m for m in methods)):
        return SecurityProfile.EDELIVERY_AS4_2_0
    return SecurityProfile.EDELIVERY_AS4_1_15


def _inspect_command(args: argparse.Namespace, settings: Settings) -> int:
    del settings  # the inspector needs no gateway configuration
    trust_certs = _certificates(args.trust)
    expected = _certificates(args.cert)
    decryption = (_decryption(args.key, args.key_cert, args.key_password) if args.key
                  else None)
    if decryption is not None and not (trust_certs or expected):
        raise ConfigurationError("--key needs --trust or --cert: decrypted content is only "
                                 "shown once its signature is verified")
    now = _now(args.now)
    report = Report(str(args.file))
    inspect_bytes(report, _read(args.file, "message"), content_type=args.content_type,
                  trust_certs=trust_certs, expected=expected, decryption=decryption,
                  now=now, profile_choice=args.profile,
                  sent=_read(args.sent, "sent message") if args.sent else None)
    print(render_json(report) if args.format == "json" else render_text(report))
    return 1 if report.failed else 0


def inspect_bytes(
    report: Report,
    data: bytes,
    *,
    content_type: str | None,
    trust_certs: list[x509.Certificate],
    expected: list[x509.Certificate],
    decryption: DecryptionIdentity | None,
    now: datetime,
    profile_choice: str = "auto",
    sent: bytes | None = None,
) -> None:
    """Fill ``report`` for one captured message (the testable part of the command)."""
    try:
        capture = read_capture(data, content_type=content_type)
        parsed = parse_envelope(capture.envelope)
    except GatewayError as exc:
        report.check("parse", exc)
        return
    report.capture = capture
    report.parsed = parsed
    report.check("parse", None, f"{parsed.kind}, SOAP {parsed.soap_version}, {capture.form}")
    report.parts = [(p.content_id, p.content_type, len(p.data), hashlib.sha256(p.data).hexdigest())
                    for p in capture.attachments]
    summary = security_summary(capture.envelope)
    report.security = summary
    try:
        message = parsed.single()
    except GatewayError as exc:
        report.check("single message", exc)
        return
    user = message if isinstance(message, UserMessage) else None
    if sent is not None and user is None:
        _check_against_sent(report, message, sent)
    if user is not None and capture.attachments:
        try:
            match_parts(user, capture.attachments)
            report.check("payload references", None,
                         f"{len(user.payloads)} PartInfo <-> {len(capture.attachments)} parts")
        except GatewayError as exc:
            report.check("payload references", exc)
    elif user is not None and user.payloads:
        report.skip("payload references", "the capture holds no MIME parts")
    encrypted = bool(summary.encrypted_data or summary.encrypted_keys)
    asked = bool(trust_certs or expected)
    if not asked:
        report.skip("signature", "no --trust or --cert given")
        if encrypted:
            report.skip("decryption", "encrypted; give --key (with --trust/--cert)")
        elif user is not None and capture.attachments:
            _decompress(report, user, capture.attachments, "payloads (unverified)")
        return
    if not summary.present:
        report.check("signature", ConfigurationError("the message has no wsse:Security header"))
        return
    trust = standard_trust(trust_certs or expected)
    peer = ExpectedPeer(tuple(expected)) if expected else None
    profile = _profile(profile_choice, [s.signature_method for s in summary.signatures])
    report.profile = profile.value
    if user is None:
        try:
            signal = verify_signal(capture.envelope, trust=trust, expected_peer=peer,
                                   profile=profile, now=now)
            report.signer = signal.signer.subject.rfc4514_string()
            report.check("signature", None, f"{len(signal.references)} references, signer "
                         f"{report.signer}")
        except GatewayError as exc:
            report.check("signature", exc)
        return
    if encrypted and decryption is None:
        report.skip("decryption", "encrypted; give --key")
        report.skip("signature", "attachments are encrypted; their digests need --key")
        return
    try:
        verified = open_message(capture.envelope, capture.attachments, decryption=decryption,
                                trust=trust, expected_peer=peer, profile=profile, now=now,
                                require_encryption=decryption is not None)
    except GatewayError as exc:
        report.check("decryption + signature" if decryption else "signature", exc)
        return
    report.signer = verified.signer.subject.rfc4514_string()
    if decryption is not None:
        report.check("decryption", None, f"{len(verified.attachments)} attachment(s)")
    report.check("signature", None,
                 f"{len(verified.references)} references, signer {report.signer}")
    _decompress(report, user, verified.attachments, "payloads")


def _check_against_sent(report: Report, signal: Any, sent: bytes) -> None:
    name = "receipt matches sent message"
    try:
        sent_capture = read_capture(sent)
        sent_message = parse_envelope(sent_capture.envelope).single()
        refs = signed_references(sent_capture.envelope)
        check_receipt(signal, sent_message_id=sent_message.message_id, sent_references=refs)
        report.check(name, None, f"RefToMessageId {sent_message.message_id}, "
                     f"{len(refs)} references equal")
    except GatewayError as exc:
        report.check(name, exc)


def _decompress(report: Report, user: UserMessage, parts: Any, name: str) -> None:
    try:
        payloads = open_payloads(user, parts)
    except GatewayError as exc:
        report.check(name, exc)
        return
    report.payloads = [(p.content_id, p.mime_type, len(p.data),
                        hashlib.sha256(p.data).hexdigest()) for p in payloads]
    report.check(name, None, ", ".join(f"{p.content_id}: {p.mime_type} {len(p.data)} bytes"
                                       for p in payloads) or "none")


def _pmode_check(args: argparse.Namespace, settings: Settings) -> int:
    del settings
    path: Path = args.file
    pmode = load_pmode_file(path)
    print(render_pmode(pmode))
    print("  certificate references:")
    problems = 0
    for status in certificate_status(pmode, path.parent):
        label = f"    {status.peer} {status.purpose}"
        if status.certificate is not None:
            cert = status.certificate
            print(f"{label}: {cert.subject.rfc4514_string()}, valid until "
                  f"{cert.not_valid_after_utc:%Y-%m-%d}")
        elif status.reference is None:
            print(f"{label}: not configured")
        else:
            problems += 1
            print(f"{label}: PROBLEM {status.path}: {status.problem}")
    print("result: " + ("ok" if not problems else f"{problems} certificate problem(s)"))
    return 0 if not problems else 1
