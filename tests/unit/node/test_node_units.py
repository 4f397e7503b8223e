"""Node pieces without processes: configuration errors, retry schedule, dispatch, stored form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.ebms import PartyId, ReceptionAwareness, UserMessage
from gateway.ebms._model import CollaborationInfo, MessageInfo, Party, Service
from gateway.ebms._pmode import RetryStrategy
from gateway.errors import ConfigurationError
from gateway.node import Delivery, Dispatcher, Reply, load_node_config, reply_message_id
from gateway.node._wire import join_wire, split_wire
from gateway.node.outbound import max_attempts, retry_step
from gateway.settings import Settings
from gateway.store import StoreError
from mocks.pki import TestPki, ensure_pki

PROJECT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def pki(settings: Settings) -> TestPki:
    return ensure_pki(settings.pki_dir)


def _settings(tmp: Path, pki: TestPki, **node: object) -> Settings:
    pmode = (PROJECT / "docs" / "examples" / "pmode-oots.toml").read_text(encoding="utf-8")
    # the example's peer certificates point at var/pki; use the trust config instead
    pmode = "\n".join(line for line in pmode.splitlines() if "_certificate" not in line)
    (tmp / "pmode.toml").write_text(pmode, encoding="utf-8")
    table = {"pmodes": [str(tmp / "pmode.toml")], "trust": str(PROJECT / "trust" / "test-pki.toml"),
             "trust_dir": str(pki.directory), "keys_from_pki": "de-gw", "audit": False} | node
    return Settings(var_dir=tmp, extra={"node": table})


def test_config_from_the_example_pmode(tmp_path: Path, pki: TestPki) -> None:
    config = load_node_config(_settings(tmp_path, pki))
    assert {p.name for p in config.pmodes[0].peers} == {"NL", "AT"}
    # AT is an eDelivery AS4 2.0 peer: its Ed25519 certificate from the trust configuration
    assert config.peer_keys["AT"].signing[0] == pki.certificate("at-ap.ed25519")
    assert config.peer_keys["NL"].encryption == pki.certificate("nl-ap.rsa-enc")
    assert len(config.identities) == 2 and config.receipt_domain == "de-oots-gw"


@pytest.mark.parametrize(("override", "message"), [
    ({"typo_key": 1}, "unknown keys"),
    ({"pmodes": []}, "at least one PMode"),
    ({"keys_from_pki": "nobody"}, "cannot read"),
    ({"trust": "/nonexistent/trust.toml"}, "cannot read trust configuration"),
    ({"tls": {"client_certificate": "x.pem"}}, "go together"),
    ({"keys_from_pki": "", "keys": {"eDelivery-AS4-3.0": {}}}, "unknown profile"),
])
def test_config_errors_name_the_problem(tmp_path: Path, pki: TestPki, override: dict[str, object],
                                        message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_node_config(_settings(tmp_path, pki, **override))


def test_retry_schedule_follows_domibus() -> None:
    ra = ReceptionAwareness.from_domibus("12;4;CONSTANT")
    assert max_attempts(ra) == 5 and retry_step(ra) == timedelta(minutes=3)
    once = ReceptionAwareness.from_domibus("12;4;SEND_ONCE")
    assert once.strategy is RetryStrategy.SEND_ONCE and max_attempts(once) == 1
    short = ReceptionAwareness.from_domibus("0.05;3;CONSTANT")
    assert retry_step(short) == timedelta(seconds=1) and short.domibus_retry == "0.05;3;CONSTANT"


def _delivery(action: str, service: str = "QueryManager") -> Delivery:
    um = UserMessage(MessageInfo("m@x", datetime(2026, 12, 1, tzinfo=UTC)),
                     Party((PartyId("A"),), "r"), Party((PartyId("B"),), "r"),
                     CollaborationInfo(Service(service), action, "c"))
    return Delivery(1, um, (), "p", "NL")


def test_dispatcher_routes_by_service_then_action() -> None:
    reply = Reply("ExecuteQueryResponse", ())
    d = Dispatcher()
    d.route("ExecuteQueryRequest", lambda _: reply)
    d.route("ExecuteQueryRequest", lambda _: None, service="Other")
    assert d.handle(_delivery("ExecuteQueryRequest")) is reply
    assert d.handle(_delivery("ExecuteQueryRequest", service="Other")) is None
    assert d.handle(_delivery("Unrouted")) is None  # default: delivered only


def test_reply_ids_are_stable() -> None:
    assert reply_message_id("a@x", "de") == reply_message_id("a@x", "de")
    assert reply_message_id("a@x", "de") != reply_message_id("b@x", "de")


def test_stored_form_round_trip() -> None:
    ct = 'multipart/related; boundary="b"; type="application/soap+xml"'
    assert split_wire(join_wire(ct, b"--b\r\n\r\n\r\n\r\nbody")) == (ct, b"--b\r\n\r\n\r\n\r\nbody")
    with pytest.raises(StoreError):
        join_wire("text/plain\r\nX-Evil: 1", b"")
    with pytest.raises(StoreError):
        split_wire(b"no headers here")
