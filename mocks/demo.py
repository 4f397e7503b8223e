"""The end-to-end demo: the DE node and its mocked EU peers as separate processes on loopback.

``python -m mocks.demo`` (``make demo`` runs it after ``oots-gateway demo``, the validation
report of the official samples):

1. writes the demo configuration under ``var/demo/`` (:mod:`mocks.eu_peers.demo_setup`);
2. starts the mock EU common services (EB + DSD), the NL and AT mock access points and the
   DE node (``oots-gateway serve``), each its own process, and waits until they answer;
3. discovers the company registration evidence of NL, AT and DE through the EB and DSD
   (every answer's EC-style JAdES signature verified; DE needs the register court:
   ``DSD:ERR:0005`` and the follow-up query);
4. runs signed, encrypted AS4 exchanges with receipts: DE -> NL, DE -> AT (the node's
   outbox, its worker pushes and verifies the receipt), NL -> DE and AT -> DE (the mocks
   push, the node receipts, the mocks verify the receipt);
5. validates every EDM message exchanged (as the receiving side got it) and every EB/DSD
   answer (XSD + Schematron), prints the timeline, and stops all processes, also on
   failure or Ctrl-C. Exit code 0 only if everything above held.
"""

from __future__ import annotations

import argparse
import base64
import json
import signal
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from gateway.ebms import Payload, Property, parse_messaging
from gateway.ebms.security import ExpectedPeer, SecurityProfile, standard_trust, verify_signal
from gateway.errors import GatewayError
from gateway.evidence.common_services import CsVersion, TrustAnchors
from gateway.evidence.validation import Validator
from gateway.evidence.validator_factory import build_validator
from gateway.settings import Settings, project_root
from gateway.store import (
    Direction,
    MessageNotFound,
    MessageRecord,
    MessageState,
    MessageStore,
)
from mocks.eu_peers.data import company_registration as cr
from mocks.eu_peers.demo_messages import Discovery, discover, evidence_request
from mocks.eu_peers.demo_setup import DemoLayout, write_demo_files
from mocks.eu_peers.party import COUNTRIES
from mocks.eu_peers.processes import ProcessGroup, StartFailed, free_port
from mocks.pki import TestPki, ensure_pki

__all__ = ["DemoFailed", "main", "run_demo"]

EDM_MIME = "application/x-ebrs+xml"
_DONE = {MessageState.RECEIPT_RECEIVED, MessageState.FAILED}
_INBOUND_DONE = {MessageState.ANSWERED, MessageState.FAILED}
V1, V2 = CsVersion.V1_0, CsVersion.V2_0
_DISCOVERIES = (("NL", V1), ("AT", V2), ("DE", V1), ("DE", V2))
"""(provider country, common services version) looked up: DE -> NL and NL -> DE speak
oots-edm:v1.0 (official v1.0 XSD + Schematron apply), DE -> AT and AT -> DE v2.0."""


class DemoFailed(RuntimeError):
    """A step of the demo did not happen as it should."""


@dataclass
class Timeline:
    """Readable, timestamped output (seconds since the start)."""

    out: Callable[[str], None] = print
    started: float = field(default_factory=time.monotonic)
    problems: list[str] = field(default_factory=list)
    exchanges: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    """(exchange, EDM version, MessageId, final state, receipt MessageId)."""
    pki: TestPki | None = None

    def summary(self) -> None:
        """The exchanges as a table."""
        rows = [("exchange", "EDM", "MessageId", "state", "receipt"), *self.exchanges]
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        for row in rows:
            self.detail("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())

    def say(self, text: str) -> None:
        """One line of the timeline."""
        self.out(f"[{time.monotonic() - self.started:7.2f}s] {text}")

    def detail(self, text: str) -> None:
        """An indented detail line."""
        self.out(f"           {text}")

    def check(self, ok: bool, text: str) -> None:
        """Record a verdict; failures are collected and fail the demo at the end."""
        self.detail(("ok      " if ok else "FAILED  ") + text)
        if not ok:
            self.problems.append(text)


def _properties(requester: str, provider: str, version: str) -> list[Property]:
    # four-corner properties (OOTS TDD, "ebMS3 message header"), v2.0 ExchangeId
    ids = {"DE": ("DE811569869", "urn:cef.eu:names:identifier:EAS:9930"),
           "NL": ("00000001003214345000", "urn:cef.eu:names:identifier:EAS:0190"),
           "AT": ("ATU12345678", "urn:cef.eu:names:identifier:EAS:9914")}
    providers = {c: (e.provider_id.value, e.provider_id.scheme_id or "")
                 for c, e in cr.EVIDENCE_TYPES.items()}
    return [Property("originalSender", ids[requester][0], ids[requester][1]),
            Property("finalRecipient", providers[provider][0], providers[provider][1]),
            Property("SpecificationId", version),
            Property("ExchangeId", str(uuid.uuid4()))]


def _wait_record(store: MessageStore, direction: Direction, message_id: str,
                 done: set[MessageState], timeout: float) -> MessageRecord:
    deadline = time.monotonic() + timeout
    record: MessageRecord | None = None
    while time.monotonic() < deadline:
        try:
            record = store.find(direction, message_id)
        except MessageNotFound:  # not there yet
            record = None
        if record is not None and record.state in done:
            return record
        time.sleep(0.1)
    state = record.state.value if record else "absent"
    raise DemoFailed(f"{direction.value} message {message_id} still {state} after {timeout}s")


def _history(t: Timeline, store: MessageStore, record: MessageRecord) -> None:
    for event in store.events(record.pk):
        t.detail(f"{event.at:%H:%M:%S.%f}"[:-3] + f"  {event.kind.value:18} "
                 f"{event.from_state.value if event.from_state else '-':>16} -> "
                 f"{event.to_state.value:16} {event.note or ''}".rstrip())


def _validate(t: Timeline, validator: Validator, what: str, data: bytes) -> None:
    report = validator.validate(data)
    rules = " + ".join(report.rule_sets)
    if any(f.rule_id == "GW:KIT-MISSING" for f in report.findings):
        # the kit has no official 2.0 rule files: RegRep 4.0 XSD + the project's v2.0 checks
        rules = "RegRep 4.0 XSD + project v2.0 checks; official v2.0 rules not in the kit"
    t.check(report.valid, f"{what}: {report.kind.value} {report.version or ''} valid "
            f"({rules})" + ("" if report.valid else f" FAILING {report.failing_rule_ids}"))


def _recheck_receipt(t: Timeline, store: MessageStore, record: MessageRecord,
                     peer: str) -> str | None:
    """Verify the stored receipt again, here, with the peer's certificate (ebMS3 Part 2 NRR)."""
    country = COUNTRIES[peer]
    sign = "rsa-sign" if country.profile is SecurityProfile.EDELIVERY_AS4_1_15 else "ed25519"
    pki = t.pki
    assert pki is not None
    envelope = store.blob(str(record.receipt_sha256))
    try:
        verified = verify_signal(envelope, trust=standard_trust([pki.certificate("test-ca")]),
                                 expected_peer=ExpectedPeer((pki.certificate(
                                     f"{country.actor}.{sign}"),), name=peer),
                                 profile=country.profile, now=datetime.now(UTC))
        _, signals = parse_messaging(verified.messaging)  # only what the signature covers
    except GatewayError as exc:
        t.check(False, f"stored receipt re-verified with {peer}'s certificate: {exc}")
        return None
    signal = signals[0] if len(signals) == 1 else None
    receipt_id = signal.message_info.message_id if signal is not None else None
    t.check(signal is not None and signal.message_info.ref_to_message_id == record.message_id,
            f"stored receipt {receipt_id} re-verified by the demo with {peer}'s "
            f"{country.profile.value} certificate, RefToMessageId = the request")
    return receipt_id


def _outbound(t: Timeline, node: object, store: MessageStore, layout: DemoLayout,
              validator: Validator, found: Discovery, timeout: float) -> None:
    """DE -> peer through the node's outbox; the peer's journal shows what it received."""
    peer = found.country
    request_id, body = evidence_request(found, requester="DE", now=datetime.now(UTC))
    t.say(f"DE -> {peer}: evidence request {request_id} ({found.edm_version.value}) queued "
          f"in the node's outbox for {found.access_point}")
    record = node.send(  # type: ignore[attr-defined]
        peer=peer, action="ExecuteQueryRequest",
        payloads=[Payload(f"{uuid.uuid4()}@de.oots", body, EDM_MIME)],
        properties=_properties("DE", peer, found.edm_version.value))
    t.detail(f"MessageId {record.message_id}  state {record.state.value}")
    final = _wait_record(store, Direction.OUTBOUND, record.message_id, _DONE, timeout)
    _history(t, store, final)
    t.check(final.state is MessageState.RECEIPT_RECEIVED and final.receipt_sha256 is not None,
            f"DE node: {peer}'s signed receipt verified (signature + NRI), state "
            f"{final.state.value}, attempts {final.attempts}")
    receipt_id = _recheck_receipt(t, store, final, peer) if final.receipt_sha256 else None
    t.exchanges.append((f"DE -> {peer}", found.edm_version.value, record.message_id,
                        final.state.value, receipt_id or "-"))
    journal = httpx.get(f"{layout.url(peer)}/control/journal", timeout=10).json()
    got = [e for e in journal if e["message_id"] == record.message_id]
    t.check(len(got) == 1 and got[0]["state"] == "received",
            f"{peer} AP: received {record.message_id} once (decrypted, signature verified), "
            f"receipt {got[0]['receipt_id'] if got else '-'}")
    if got:
        data = httpx.get(f"{layout.url(peer)}/control/payload/{got[0]['payloads'][0]['file']}",
                         timeout=10).content
        t.check(data == body, f"{peer} AP: payload identical to what DE sent")
        _validate(t, validator, f"request as {peer} received it", data)


def _inbound(t: Timeline, store: MessageStore, layout: DemoLayout, validator: Validator,
             found: Discovery, requester: str, timeout: float) -> None:
    """Peer -> DE through the mock's send API; the node's inbox shows what it received."""
    request_id, body = evidence_request(found, requester=requester, now=datetime.now(UTC))
    t.say(f"{requester} -> DE: evidence request {request_id} ({found.edm_version.value}) "
          f"pushed by the {requester} AP to {found.access_point}")
    doc = {"action": "ExecuteQueryRequest",
           "payloads": [{"content_id": f"{uuid.uuid4()}@{requester.lower()}.oots",
                         "mime_type": EDM_MIME,
                         "data_base64": base64.b64encode(body).decode("ascii")}],
           "properties": [{"name": p.name, "value": p.value, "type": p.type} for p in
                          _properties(requester, "DE", found.edm_version.value)]}
    result = httpx.post(f"{layout.url(requester)}/control/send", json=doc, timeout=60).json()
    message_id = str(result.get("message_id"))
    t.detail(f"MessageId {message_id}  HTTP {result.get('http_status')}")
    t.check(result.get("state") == "receipt-verified",
            f"{requester} AP: DE's signed receipt {result.get('receipt', {}).get('message_id')} "
            f"verified (signature + NRI)" + (f" ERROR {result['error']}"
                                             if result.get("error") else ""))
    final = _wait_record(store, Direction.INBOUND, message_id, _INBOUND_DONE, timeout)
    _history(t, store, final)
    t.exchanges.append((f"{requester} -> DE", found.edm_version.value, message_id,
                        final.state.value, str(result.get("receipt", {}).get("message_id"))))
    t.check(final.state is MessageState.ANSWERED,
            f"DE node: inbox state {final.state.value} (verified, receipt stored, delivered)")
    index = layout.de_var / "delivered" / "delivered.jsonl"
    lines = [json.loads(x) for x in index.read_text(encoding="utf-8").splitlines()] \
        if index.exists() else []
    hits = [x for x in lines if x["message_id"] == message_id]
    t.check(len(hits) == 1, f"DE application: delivered once ({len(hits)} delivery)")
    if hits:
        data = (layout.de_var / "delivered" / hits[0]["files"][0]).read_bytes()
        t.check(data == body, f"DE node: payload identical to what {requester} sent")
        _validate(t, validator, "request as DE received it", data)


def _start(t: Timeline, group: ProcessGroup, layout: DemoLayout, pki_dir: Path,
           timeout: float) -> None:
    env = {"PYTHONPATH": str(layout.project)}  # mocks/ is not an installed package
    keygen = group.python("de-keygen", "gateway.cli", "--config", str(layout.config), "audit",
                          "keygen", env=env)
    cs = group.python("common-services", "mocks.eu_peers.common_services",
                      "--port", str(layout.ports["CS"]), "--pki", str(pki_dir), env=env)
    aps = {c: group.python(f"ap-{c.lower()}", "mocks.eu_peers.access_point", "--country", c,
                           "--port", str(layout.ports[c]),
                           "--de-endpoint", f"{layout.url('DE')}/as4", "--pki", str(pki_dir),
                           "--data", str(layout.journal(c)), env=env)
           for c in ("NL", "AT")}
    if keygen.process.wait(timeout=timeout) != 0:  # the node's exchange-log keys
        raise StartFailed(f"audit keygen failed:\n{keygen.tail()}")
    node = group.python("de-node", "gateway.cli", "--config", str(layout.config), "serve",
                        "--log-level", "warning", env=env)
    for name, proc, url in (("EU common services (EB + DSD)", cs, layout.url("CS")),
                            ("NL access point NL-OOTS-AP (eDelivery AS4 1.15)", aps["NL"],
                             layout.url("NL")),
                            ("AT access point AT-OOTS-AP (eDelivery AS4 2.0)", aps["AT"],
                             layout.url("AT")),
                            ("DE node DE-OOTS-GW (oots-gateway serve)", node, layout.url("DE"))):
        probe = "/readyz" if proc is node else "/healthz"  # the node: store + kits ready
        proc.wait_ready(f"{url}{probe}", timeout=timeout)
        t.say(f"started {name}: {url} (pid {proc.process.pid}, {probe} 200)")


def _exit(code: int | None) -> str:
    # uvicorn re-raises the SIGTERM it handled after a graceful shutdown
    return {0: "exit 0", -15: "stopped (SIGTERM)", -9: "KILLED"}.get(code or 0, f"exit {code}")


def run_demo(settings: Settings, *, root: Path | None = None, timeout: float = 90.0,
             out: Callable[[str], None] = print,
             customize: Callable[[DemoLayout], None] | None = None) -> int:
    """Run the whole demo; 0 when every check held, 1 otherwise.

    ``customize`` is called with the written files before any process starts (tests use
    it to break the configuration and watch the demo fail cleanly).
    """
    project = project_root() or Path.cwd()
    t = Timeline(out)
    pki = ensure_pki(settings.pki_dir)
    t.pki = pki
    ports = {who: free_port() for who in ("DE", "NL", "AT", "CS")}
    layout = write_demo_files(root or settings.var_dir / "demo", project=project,
                              settings=settings, pki=pki, ports=ports)
    if customize is not None:
        customize(layout)
    t.say(f"demo files in {layout.root} (DE config {layout.config.name}, PMode "
          f"{layout.pmode.name}, logs in {layout.logs.name}/)")
    validator = build_validator(settings)  # official kits + the project's v2.0 checks
    anchors = TrustAnchors((pki.certificate("ec-root-ca"),))
    group = ProcessGroup(cwd=project, logs=layout.logs)
    try:
        with group:
            _start(t, group, layout, pki.directory, timeout)
            found: dict[tuple[str, CsVersion], Discovery] = {}
            for country, version in _DISCOVERIES:
                t.say(f"discovery ({version.value}): company registration evidence "
                      f"({cr.PROCEDURE}) in {country}")
                f = discover(f"{layout.url('CS')}", country, anchors=anchors, say=t.detail,
                             version=version, user_values={cr.REGISTER_COURT_CONCEPT: "K1101R"})
                found[(country, version)] = f
                t.detail(f"-> {f.data_service.titles[0].value}: access point {f.access_point}, "
                         f"EDM version {f.edm_version.value}")
            node_settings = Settings.load(config_file=layout.config, environ={})
            store = MessageStore.open(node_settings.effective_database_url, migrate=False)
            from gateway.node import Node

            node = Node.from_settings(node_settings, store)  # the application's handle
            try:
                for peer, version in (("NL", V1), ("AT", V2)):
                    _outbound(t, node, store, layout, validator, found[(peer, version)],
                              timeout)
                for requester, version in (("NL", V1), ("AT", V2)):
                    _inbound(t, store, layout, validator, found[("DE", version)], requester,
                             timeout)
            finally:
                node.sender.close()
                node.log.close()
                store.close()
            t.say("exchanges (AS4, signed + encrypted, receipts signed with NRI):")
            t.summary()
            t.say("validating the EB/DSD answers of the discovery (as verified)")
            for (country, version), f in found.items():
                for i, body in enumerate(f.answers):
                    _validate(t, validator, f"{country} {version.value} answer {i + 1}", body)
            codes = group.stop_all()
            t.say("stopped all processes: " + ", ".join(f"{n} {_exit(c)}" for n, c in
                                                        codes.items()))
    except (DemoFailed, StartFailed, httpx.HTTPError, GatewayError) as exc:
        t.say(f"DEMO FAILED: {exc}")
        t.say(f"process logs: {layout.logs}")
        return 1
    except KeyboardInterrupt:
        t.say("interrupted: all processes stopped")
        return 130
    if t.problems:
        t.say(f"DEMO FAILED: {len(t.problems)} check(s) failed")
        for problem in t.problems:
            t.detail(problem)
        return 1
    t.say("demo complete: 4 signed, encrypted AS4 exchanges with verified receipts; "
          "every EDM message and EB/DSD answer valid")
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the demo like Ctrl-C: processes are stopped


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mocks.demo [--config FILE] [--root DIR] [--timeout S]``."""
    parser = argparse.ArgumentParser(prog="python -m mocks.demo",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, help="gateway TOML (kits, var_dir)")
    parser.add_argument("--root", type=Path, help="demo directory (default <var_dir>/demo)")
    parser.add_argument("--timeout", type=float, default=90.0, help="per step, seconds")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    settings = Settings.load(config_file=args.config)
    return run_demo(settings, root=args.root, timeout=args.timeout)


if __name__ == "__main__":
    sys.exit(main())
