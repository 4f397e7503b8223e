"""Bad input over HTTP: each gets the right ebMS error (or HTTP status), readable, and
nothing is half-written: no inbox row, no history; refused AS4 bytes are kept in
``rejections`` for audit (not for a body refused before it was read).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from node_pair import PROPS, Pair
from node_procs import Database

from gateway.ebms import (
    MessageInfo,
    Outbound,
    Payload,
    PMode,
    UserMessage,
    build_envelope,
    pack_mime,
    package_payloads,
    parse_envelope,
    prepare_outbound,
)
from gateway.ebms._model import CollaborationInfo, Party, PartyId, Service
from gateway.ebms._pmode import Leg
from gateway.node import Node
from gateway.store import MessageStore
from mocks.pki import TestPki

PAYLOAD = Payload("q@nl", b"<QueryRequest/>", "application/x-ebrs+xml")


@pytest.fixture(scope="module")
def de_up(tmp_path_factory: pytest.TempPathFactory,
          pki: TestPki) -> Iterator[tuple[Pair, Node, MessageStore]]:
    """DE running (one process for the module); NL's side built in the test process."""
    tmp = tmp_path_factory.mktemp("bad-input")
    nodes = Pair(tmp, Database("sqlite", tmp), pki)
    nodes.write()
    nodes.de.start()
    store = nodes.de.store()
    yield nodes, nodes.client(nodes.nl), store
    store.close()
    nodes.close()


def _prepare(nl: Node, pmode: PMode, action: str = "ExecuteQueryRequest") -> Outbound:
    return prepare_outbound(
        pmode, peer="DE", action=action, conversation_id="bad", payloads=[PAYLOAD],
        properties=PROPS, identities=nl.config.identities, peer_keys=nl.config.peer_keys["DE"],
        now=datetime.now(UTC), message_id=f"{uuid.uuid4()}@nl.oots.test")


def _post(pair: Pair, content_type: str, body: bytes) -> httpx.Response:
    return httpx.post(f"{pair.de.url}/as4", content=body, headers={"Content-Type": content_type},
                      timeout=30)


def _ebms_code(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/soap+xml")
    assert b"Traceback" not in response.content
    signal = parse_envelope(response.content).signal_message
    assert signal is not None and signal.errors
    error = signal.errors[0]
    assert error.description and error.short_description  # readable
    return error.error_code


def _rejections(store: MessageStore) -> int:
    return len(store.rejections(limit=1000))


def _nothing_written(store: MessageStore, before: int, rejections: int) -> None:
    assert store.list_messages(limit=10) == []  # no inbox row, ever, in this module
    assert _rejections(store) == before + rejections


CASES = {
    "not-multipart": ("text/plain", lambda out: b"hello, this is not AS4", "EBMS:0007"),
    "wrong-content-type": ("application/json", lambda out: b'{"a": 1}', "EBMS:0007"),
    "multipart-without-boundary": ("multipart/related", lambda out: out.body, "EBMS:0007"),
    "broken-mime": (None, lambda out: out.body.replace(b"--MIMEBoundary", b"--Broken", 1)
                    .replace(b"\r\n--MIMEBoundary", b"\r\n--Other"), "EBMS:0007"),
    "soap-not-xml": ("application/soap+xml", lambda out: b"<env:Envelope", "EBMS:0009"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_transport(de_up: tuple[Pair, Node, MessageStore], case: str) -> None:
    pair, nl, store = de_up
    before = _rejections(store)
    content_type, mutate, code = CASES[case]
    out = _prepare(nl, nl.config.pmodes[0])
    response = _post(pair, content_type or out.content_type, mutate(out))
    assert response.status_code == 400, response.text
    assert _ebms_code(response) == code
    _nothing_written(store, before, rejections=1)


def test_unsigned_when_the_pmode_requires_signing(de_up: tuple[Pair, Node, MessageStore]) -> None:
    pair, nl, store = de_up
    before = _rejections(store)
    pmode = nl.config.pmodes[0]
    infos, parts = package_payloads([PAYLOAD], compress_parts=False)
    message = UserMessage(
        MessageInfo(f"{uuid.uuid4()}@nl.oots.test", datetime.now(UTC)),
        Party((pmode.party,), pmode.initiator_role),
        Party((pmode.peers[0].party_id,), pmode.responder_role),
        CollaborationInfo(Service(pmode.service, pmode.service_type), "ExecuteQueryRequest",
                          "unsigned"), PROPS, infos)
    content_type, body = pack_mime(build_envelope(message), parts)
    response = _post(pair, content_type, body)
    assert response.status_code == 400
    assert _ebms_code(response) == "EBMS:0103"  # PolicyNoncompliance: no wsse:Security
    _nothing_written(store, before, rejections=1)


def test_unencrypted_when_the_pmode_requires_encryption(
        de_up: tuple[Pair, Node, MessageStore]) -> None:
    pair, nl, store = de_up
    before = _rejections(store)
    pmode = nl.config.pmodes[0]
    plain = dataclasses.replace(pmode, security=dataclasses.replace(pmode.security,
                                                                    encrypt=False))
    out = _prepare(nl, plain)
    response = _post(pair, out.content_type, out.body)
    assert response.status_code == 400
    assert _ebms_code(response) == "EBMS:0103"
    _nothing_written(store, before, rejections=1)


def _unknown(pmode: PMode, what: str) -> tuple[PMode, str]:
    if what == "party":
        return dataclasses.replace(pmode, party=PartyId("XX-UNKNOWN-AP", pmode.party.type)), \
            "ExecuteQueryRequest"
    if what == "service":
        return dataclasses.replace(pmode, service="UnknownService"), "ExecuteQueryRequest"
    return dataclasses.replace(pmode, legs=(*pmode.legs, Leg("x", "UnknownAction"))), \
        "UnknownAction"


@pytest.mark.parametrize("what", ["party", "service", "action"])
def test_unknown_party_service_action(de_up: tuple[Pair, Node, MessageStore], what: str) -> None:
    pair, nl, store = de_up
    before = _rejections(store)
    pmode, action = _unknown(nl.config.pmodes[0], what)
    out = _prepare(nl, pmode, action)
    response = _post(pair, out.content_type, out.body)
    assert response.status_code == 400
    assert _ebms_code(response) == "EBMS:0001"
    _nothing_written(store, before, rejections=1)
    assert store.rejections()[0].declared_message_id == out.message.message_id


def test_tampered_payload(de_up: tuple[Pair, Node, MessageStore]) -> None:
    pair, nl, store = de_up
    before = _rejections(store)
    out = _prepare(nl, nl.config.pmodes[0])
    cut = out.body.rindex(b"\r\n--MIMEBoundary") - 3
    body = out.body[:cut] + bytes([out.body[cut] ^ 0x40]) + out.body[cut + 1:]
    response = _post(pair, out.content_type, body)
    assert response.status_code == 400
    assert _ebms_code(response) in ("EBMS:0101", "EBMS:0102")
    _nothing_written(store, before, rejections=1)


@pytest.mark.parametrize("declared", [True, False])
def test_oversized_body(de_up: tuple[Pair, Node, MessageStore], declared: bool) -> None:
    pair, _nl, store = de_up
    before = _rejections(store)
    big = b"--MIMEBoundary\r\n" + b"x" * (1024 * 1024 + 10)

    def chunks() -> Iterator[bytes]:
        for at in range(0, len(big), 65536):
            yield big[at:at + 65536]

    content = big if declared else chunks()
    response = httpx.post(f"{pair.de.url}/as4", content=content, timeout=30,
                          headers={"Content-Type": 'multipart/related; boundary="MIMEBoundary"'})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "exceeds the limit" in response.json()["detail"]
    _nothing_written(store, before, rejections=0)
