"""The ``as4 inspect`` report: collected findings, rendered as text or JSON."""

from __future__ import annotations

import base64
import dataclasses
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gateway.ebms._capture import Capture
from gateway.ebms._envelope import ParsedEnvelope
from gateway.ebms._inspect import SecuritySummary
from gateway.ebms._model import UserMessage, format_timestamp
from gateway.ebms._signal_model import SignalMessage
from gateway.errors import GatewayError

__all__ = ["Check", "Report", "render_json", "render_text"]


@dataclass(frozen=True, slots=True)
class Check:
    """One check the inspector ran: ``ok``, ``failed`` or ``skipped``, with the reason."""

    name: str
    status: str
    detail: str
    code: str | None = None


@dataclass
class Report:
    """Findings about one captured message (filled step by step by the command)."""

    file: str
    capture: Capture | None = None
    parsed: ParsedEnvelope | None = None
    parts: list[tuple[str, str, int, str]] = field(default_factory=list)
    security: SecuritySummary | None = None
    profile: str | None = None
    signer: str | None = None
    payloads: list[tuple[str, str, int, str]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    def check(self, name: str, error: GatewayError | None, detail: str = "") -> None:
        """Record a check that ran: ok unless ``error``."""
        if error is None:
            self.checks.append(Check(name, "ok", detail))
        else:
            text = error.message + (f" ({error.detail})" if error.detail else "")
            self.checks.append(Check(name, "failed", text, error.code))

    def skip(self, name: str, why: str) -> None:
        """Record a check that could not run, and why."""
        self.checks.append(Check(name, "skipped", why))

    @property
    def failed(self) -> bool:
        """True when any check failed."""
        return any(c.status == "failed" for c in self.checks)


def _short(uri: str | None) -> str:
    if not uri:
        return "-"
    head, _, fragment = uri.partition("#")
    return fragment or head.rstrip("/").rsplit("/", 1)[-1]


def _user_lines(um: UserMessage) -> list[str]:
    ci = um.collaboration_info
    mi = um.message_info
    lines = [
        "UserMessage",
        f"  MessageId       {mi.message_id}",
        f"  Timestamp       {format_timestamp(mi.timestamp)}",
        f"  RefToMessageId  {mi.ref_to_message_id or '-'}",
    ]
    for label, party in (("From", um.from_party), ("To", um.to_party)):
        ids = ", ".join(f"{p.value} (type {p.type or '-'})" for p in party.party_ids)
        lines.append(f"  {label:<15} {ids}; role {party.role}")
    lines += [
        f"  Service         {ci.service.value} (type {ci.service.type or '-'})",
        f"  Action          {ci.action}",
        f"  ConversationId  {ci.conversation_id}",
        f"  AgreementRef    {ci.agreement_ref.value if ci.agreement_ref else '-'}",
        f"  MPC             {um.effective_mpc}",
        "  MessageProperties:",
    ]
    lines += [f"    {p.name} = {p.value}" + (f" (type {p.type})" if p.type else "")
              for p in um.message_properties] or ["    (none)"]
    lines.append("  PayloadInfo:")
    for part in um.payloads:
        props = ", ".join(f"{p.name}={p.value}" for p in part.properties)
        lines.append(f"    {part.href or '(SOAP Body)'}: {props or 'no properties'}")
    return lines


def _signal_lines(sm: SignalMessage) -> list[str]:
    mi = sm.message_info
    lines = [f"SignalMessage ({sm.kind})", f"  MessageId       {mi.message_id}",
             f"  Timestamp       {format_timestamp(mi.timestamp)}",
             f"  RefToMessageId  {mi.ref_to_message_id or '-'}"]
    if sm.receipt is not None:
        lines.append(f"  Receipt NRI     {len(sm.receipt.references)} reference(s)")
        lines += [f"    {r.uri}  {_short(r.digest_method)} {r.digest_b64}"
                  for r in sm.receipt.references]
    for err in sm.errors:
        lines.append(f"  Error {err.error_code} {err.short_description or ''} severity="
                     f"{err.severity} category={err.category} origin={err.origin} "
                     f"refToMessageInError={err.ref_to_message_in_error}")
        if err.description:
            lines.append(f"    {err.description}")
    if sm.pull_request is not None:
        lines.append(f"  PullRequest mpc={sm.pull_request.mpc or '(default)'}")
    return lines


def _security_lines(sec: SecuritySummary) -> list[str]:
    if not sec.present:
        return ["Security header: none"]
    lines = ["Security header:"]
    for tok in sec.tokens:
        if tok.problem:
            lines.append(f"  Token {tok.id} {tok.value_type}: {tok.problem}")
        else:
            lines.append(f"  Token {tok.id} {tok.value_type}: {tok.subject}; issuer {tok.issuer}; "
                         f"serial {tok.serial}; {tok.key}; valid {tok.not_before:%Y-%m-%d} .. "
                         f"{tok.not_after:%Y-%m-%d}" + (f" ({tok.chain})" if tok.chain else ""))
    for sig in sec.signatures:
        lines.append(f"  Signature {sig.id}: {_short(sig.signature_method)}, c14n "
                     f"{_short(sig.canonicalization)}; key {sig.key_reference}")
        for ref in sig.references:
            lines.append(f"    ref {ref.uri}  [{', '.join(_short(t) for t in ref.transforms)}] "
                         f"{_short(ref.digest_method)}")
    for ek in sec.encrypted_keys:
        lines.append(f"  EncryptedKey {ek.id}: {_short(ek.method)} digest "
                     f"{_short(ek.digest_method)} mgf {_short(ek.mgf)} agreement "
                     f"{_short(ek.agreement_method)} kdf "
                     f"{_short(ek.key_derivation)}; recipient {ek.recipient_reference}; "
                     f"data {', '.join(ek.data_references)}")
    for ed in sec.encrypted_data:
        lines.append(f"  EncryptedData {ed.id}: {_short(ed.method)} {_short(ed.type)} "
                     f"{ed.cipher_reference} (MimeType {ed.mime_type})")
    lines += [f"  other: {o}" for o in sec.other]
    return lines


def render_text(report: Report) -> str:
    """Readable report for a terminal."""
    lines = [f"file: {report.file}"]
    if report.capture is not None:
        lines.append(f"capture: {report.capture.form}" + (
            f" ({report.capture.content_type})" if report.capture.content_type else ""))
    if report.parsed is not None:
        for um in report.parsed.user_messages:
            lines += _user_lines(um)
        for sm in report.parsed.signal_messages:
            lines += _signal_lines(sm)
    if report.parts:
        lines.append("MIME parts:")
        lines += [f"  <{cid}> {ctype}, {size} bytes, sha256 {digest}"
                  for cid, ctype, size, digest in report.parts]
    if report.security is not None:
        lines += _security_lines(report.security)
    if report.profile:
        lines.append(f"security profile: {report.profile}")
    if report.payloads:
        lines.append("payloads:")
        lines += [f"  <{cid}> {mime}, {size} bytes, sha256 {digest}"
                  for cid, mime, size, digest in report.payloads]
    lines.append("checks:")
    for c in report.checks:
        status = {"ok": "[ok]     ", "failed": "[FAILED] ", "skipped": "[skipped]"}[c.status]
        code = f"{c.code}: " if c.code else ""
        lines.append(f"  {status} {c.name}: {code}{c.detail}")
    lines.append("result: " + ("FAILED" if report.failed else "ok"))
    return "\n".join(lines)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if hasattr(value, "value") and hasattr(value, "name") and type(value).__module__ != "builtins":
        return value.value
    return value


def render_json(report: Report) -> str:
    """Machine-readable report (stable keys)."""
    parsed = report.parsed
    doc = {
        "file": report.file,
        "capture": None if report.capture is None else {
            "form": report.capture.form, "content_type": report.capture.content_type},
        "kind": parsed.kind if parsed else None,
        "user_messages": _plain(parsed.user_messages) if parsed else [],
        "signal_messages": _plain(parsed.signal_messages) if parsed else [],
        "mime_parts": [dict(zip(("content_id", "content_type", "bytes", "sha256"), p,
                                strict=True)) for p in report.parts],
        "security": _plain(report.security),
        "profile": report.profile,
        "signer": report.signer,
        "payloads": [dict(zip(("content_id", "mime_type", "bytes", "sha256"), p, strict=True))
                     for p in report.payloads],
        "checks": [_plain(c) for c in report.checks],
        "ok": not report.failed,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)
