"""The NL and AT mock access points as separate processes, over real AS4 on loopback.

The test process plays the German side with the gateway's AS4 library and the example
PMode (docs/examples/pmode-oots.toml): DE -> NL (eDelivery AS4 1.15, RSA) and DE -> AT
(2.0, Ed25519/X25519) get signed receipts whose NRI matches what DE signed; a duplicate
gets the same receipt and no second effect; a tampered message gets a signed eb:Error;
NL -> DE and AT -> DE (the mock's send API) reach a DE receiver in this process and the
mock verifies DE's receipt.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request, Response

from gateway.ebms import (
    LocalIdentity,
    Outbound,
    Payload,
    PeerKeys,
    PMode,
    Property,
    UserMessage,
    accept_response,
    load_pmode,
    new_message_id,
    parse_envelope,
    prepare_outbound,
    receive,
)
from gateway.ebms.security import (
    DecryptionIdentity,
    SecurityProfile,
    SigningIdentity,
    standard_trust,
)
from gateway.errors import EbmsError
from mocks.eu_peers.processes import ProcessGroup, free_port
from mocks.pki import TestPki

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[2]

V115, V20 = SecurityProfile.EDELIVERY_AS4_1_15, SecurityProfile.EDELIVERY_AS4_2_0
NAMES = {V115: ("rsa-sign", "rsa-enc"), V20: ("ed25519", "x25519")}
PEERS = {"NL": ("nl-ap", V115), "AT": ("at-ap", V20)}
PROPS = (Property("originalSender", "DE73524311", "urn:cef.eu:names:identifier:EAS:9930"),
         Property("finalRecipient", "59581883", "urn:cef.eu:names:identifier:EAS:0106"),
         Property("SpecificationId", "oots-edm:v2.0"))


def _identity(pki: TestPki, actor: str, profile: SecurityProfile) -> LocalIdentity:
    sign, enc = NAMES[profile]
    return LocalIdentity(
        SigningIdentity(pki.certificate(f"{actor}.{sign}"),
                        pki.private_key(f"{actor}.{sign}")),  # type: ignore[arg-type]
        DecryptionIdentity(pki.certificate(f"{actor}.{enc}"),
                           pki.private_key(f"{actor}.{enc}")))  # type: ignore[arg-type]


def _keys(pki: TestPki, actor: str, profile: SecurityProfile) -> PeerKeys:
    sign, enc = NAMES[profile]
    return PeerKeys((pki.certificate(f"{actor}.{sign}"),), pki.certificate(f"{actor}.{enc}"))


class _DeSide:
    """The German side in this process: sends with prepare_outbound, receives on HTTP."""

    def __init__(self, pki: TestPki) -> None:
        self.pki = pki
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}/as4"
        self.received: list[str] = []
        self.messages: list[UserMessage] = []
        text = (PROJECT / "docs/examples/pmode-oots.toml").read_text(encoding="utf-8")
        self.pmode: PMode = load_pmode(text)
        self.identities = {p: _identity(pki, "de-gw", p) for p in (V115, V20)}
        self.trust = standard_trust([pki.certificate("test-ca")])
        self.peer_keys = {name: _keys(pki, actor, prof) for name, (actor, prof) in PEERS.items()}

    def with_endpoints(self, endpoints: dict[str, str]) -> None:
        self.pmode = dataclasses.replace(self.pmode, peers=tuple(
            dataclasses.replace(p, endpoint=endpoints[p.name]) for p in self.pmode.peers))

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/as4")
        async def as4(request: Request) -> Response:
            body = await request.body()
            got = receive(request.headers["content-type"], body, pmodes=[self.pmode],
                          identities=self.identities, trust=self.trust,
                          peer_keys=self.peer_keys, now=datetime.now(UTC),
                          receipt_domain="de.oots")
            self.received.append(got.message.message_id)
            self.messages.append(got.message)
            return Response(got.receipt, media_type="application/soap+xml")

        return app

    def prepare(self, peer: str, message_id: str | None = None) -> Outbound:
        return prepare_outbound(
            self.pmode, peer=peer, action="ExecuteQueryRequest", conversation_id="conv-it",
            payloads=(Payload("request@de.oots", b"<query:QueryRequest xmlns:query="
                              b"'urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0'/>",
                              "application/x-ebrs+xml"),),
            properties=PROPS, identities=self.identities, peer_keys=self.peer_keys[peer],
            now=datetime.now(UTC), message_id=message_id or new_message_id("de.oots"))


@pytest.fixture(scope="module")
def de(pki: TestPki) -> Iterator[_DeSide]:
    side = _DeSide(pki)
    server = uvicorn.Server(uvicorn.Config(side.app(), host="127.0.0.1", port=side.port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield side
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def aps(processes: ProcessGroup, pki: TestPki, de: _DeSide,
        tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """NL and AT mock APs (separate processes); country -> base URL."""
    urls: dict[str, str] = {}
    for country in PEERS:
        port = free_port()
        data = Path(tmp_path_factory.mktemp(f"ap-{country.lower()}"))
        proc = processes.python(f"ap-{country}", "mocks.eu_peers.access_point",
                                "--country", country, "--port", str(port),
                                "--de-endpoint", de.endpoint, "--pki", str(pki.directory),
                                "--data", str(data))
        urls[country] = f"http://127.0.0.1:{port}"
        proc.wait_ready(f"{urls[country]}/healthz")
    de.with_endpoints({c: f"{u}/as4" for c, u in urls.items()})
    return urls


def _post(out: Outbound) -> httpx.Response:
    assert out.endpoint is not None
    return httpx.post(out.endpoint, content=out.body,
                      headers={"Content-Type": out.content_type}, timeout=30)


def _journal(url: str) -> list[dict[str, object]]:
    doc: list[dict[str, object]] = httpx.get(f"{url}/control/journal", timeout=10).json()
    return doc


@pytest.mark.parametrize("peer", ["NL", "AT"])
def test_de_to_peer_gets_a_signed_receipt(de: _DeSide, aps: dict[str, str], peer: str) -> None:
    out = de.prepare(peer)
    response = _post(out)
    assert response.status_code == 200, response.text
    receipt = accept_response(response.headers["content-type"], response.content, outbound=out,
                              trust=de.trust, peer_keys=de.peer_keys[peer],
                              now=datetime.now(UTC))
    assert len(receipt.references) == len(out.signed_references)
    entries = [e for e in _journal(aps[peer]) if e["message_id"] == out.message.message_id]
    assert [e["state"] for e in entries] == ["received"]
    assert entries[0]["properties"] == {p.name: p.value for p in PROPS}


def test_duplicate_gets_the_same_receipt_once(de: _DeSide, aps: dict[str, str]) -> None:
    out = de.prepare("NL")
    first, second = _post(out), _post(out)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    entries = [e for e in _journal(aps["NL"]) if e["message_id"] == out.message.message_id]
    assert len(entries) == 1


def test_tampered_message_gets_a_signed_error(de: _DeSide, aps: dict[str, str]) -> None:
    out = de.prepare("NL")
    cut = out.body.rindex(b"\r\n--MIMEBoundary") - 3
    body = out.body[:cut] + bytes([out.body[cut] ^ 0x40]) + out.body[cut + 1:]
    response = httpx.post(f"{aps['NL']}/as4", content=body,
                          headers={"Content-Type": out.content_type}, timeout=30)
    assert response.status_code == 400
    signal = parse_envelope(response.content).signal_message
    assert signal is not None and signal.errors
    assert signal.errors[0].error_code in ("EBMS:0101", "EBMS:0102")
    with pytest.raises(EbmsError):
        accept_response(response.headers["content-type"], response.content, outbound=out,
                        trust=de.trust, peer_keys=de.peer_keys["NL"], now=datetime.now(UTC))


@pytest.mark.parametrize("peer", ["NL", "AT"])
def test_peer_to_de_verifies_de_receipt(de: _DeSide, aps: dict[str, str], peer: str) -> None:
    payload = b"<query:QueryRequest xmlns:query='urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0'/>"
    doc = {
        "action": "ExecuteQueryRequest",
        "payloads": [{"content_id": f"req@{peer.lower()}.oots", "mime_type":
                      "application/x-ebrs+xml", "data_base64": base64.b64encode(payload).decode()}],
        "properties": [{"name": p.name, "value": p.value, "type": p.type} for p in PROPS],
    }
    result = httpx.post(f"{aps[peer]}/control/send", json=doc, timeout=60).json()
    assert result["state"] == "receipt-verified", result
    assert result["receipt"]["signature"] == "verified"
    assert result["message_id"] in de.received


def test_plugged_handler_replies_over_as4(processes: ProcessGroup, pki: TestPki, de: _DeSide,
                                          aps: dict[str, str],
                                          tmp_path_factory: pytest.TempPathFactory) -> None:
    """``--handler``: the provider behaviour's reply goes back to DE with RefToMessageId."""
    port = free_port()
    proc = processes.python(
        "ap-nl-answering", "mocks.eu_peers.access_point", "--country", "NL", "--port",
        str(port), "--de-endpoint", de.endpoint, "--pki", str(pki.directory), "--data",
        str(tmp_path_factory.mktemp("ap-nl-answering")), "--handler", "reply_handler:factory",
        env={"PYTHONPATH": f"{PROJECT}{os.pathsep}{HERE}"})
    url = f"http://127.0.0.1:{port}"
    proc.wait_ready(f"{url}/healthz")
    out = de.prepare("NL")
    response = httpx.post(f"{url}/as4", content=out.body,
                          headers={"Content-Type": out.content_type}, timeout=30)
    assert response.status_code == 200
    deadline = time.monotonic() + 30
    while not any(m.message_info.ref_to_message_id == out.message.message_id
                  for m in de.messages):
        assert time.monotonic() < deadline, proc.tail()
        time.sleep(0.1)
    reply = next(m for m in de.messages
                 if m.message_info.ref_to_message_id == out.message.message_id)
    assert reply.collaboration_info.action == "ExecuteQueryResponse"
    conversation = out.message.collaboration_info.conversation_id
    assert reply.collaboration_info.conversation_id == conversation
    swapped = {p.name: p.value for p in reply.message_properties}
    assert swapped["originalSender"] == "59581883" and swapped["finalRecipient"] == "DE73524311"
    sent = [e for e in _journal(url) if e["direction"] == "out"]
    assert [e["state"] for e in sent] == ["receipt-verified"]


def test_duplicate_after_restart_gets_the_original_receipt(
        processes: ProcessGroup, pki: TestPki, de: _DeSide,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """The journal survives a restart of the mock: duplicate elimination still holds."""
    data = tmp_path_factory.mktemp("ap-nl-restart")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = ("--country", "NL", "--port", str(port), "--de-endpoint", de.endpoint, "--pki",
            str(pki.directory), "--data", str(data))
    out = de.prepare("NL")
    bodies = []
    for run in (1, 2):
        proc = processes.python(f"ap-nl-restart-{run}", "mocks.eu_peers.access_point", *args)
        proc.wait_ready(f"{url}/healthz")
        bodies.append(httpx.post(f"{url}/as4", content=out.body,
                                 headers={"Content-Type": out.content_type}, timeout=30))
        entries = [e for e in _journal(url) if e["message_id"] == out.message.message_id]
        assert len(entries) == 1
        proc.stop()
    assert bodies[0].status_code == bodies[1].status_code == 200
    assert bodies[0].content == bodies[1].content
