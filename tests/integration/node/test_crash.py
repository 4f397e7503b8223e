"""SIGKILL the node at each step of receiving and of sending; restart; nothing lost or doubled.

The fault injection lives in ``node_app.py`` (test wrapper): the process kills itself
with SIGKILL when it reaches the named stage. After the restart the test waits until
both databases are settled and asserts, against the databases, that every message
ended delivered-with-receipt (or failed-and-reported), that every request was
answered exactly once, and that no message was stored twice.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from node_pair import PROPS, Pair
from node_procs import PROJECT, NodeProc, wait_for

from gateway.audit import AuditStore, LogEntry
from gateway.audit._keys import load_signer, log_origin
from gateway.ebms import Payload
from gateway.store import Direction, EventKind, MessageState, MessageStore

PATIENT = "0.5;10;CONSTANT"
"""30 s of resends 3 s apart: outlasts a restart of the peer on a loaded machine."""
_S = MessageState


def _send(pair: Pair, count: int = 3) -> list[str]:
    de = pair.client(pair.de)
    return [de.send(peer="NL", action="ExecuteQueryRequest", properties=PROPS,
                    payloads=[Payload(f"q{i}@de", f"<Q n='{i}'/>".encode(),
                                      "application/x-ebrs+xml")]).message_id
            for i in range(count)]


def _settled(store: MessageStore) -> bool:
    rows = store.list_messages(limit=1000)
    return bool(rows) and all(
        r.state in (_S.RECEIPT_RECEIVED, _S.FAILED, _S.ANSWERED) for r in rows)


def _check_node(store: MessageStore, *, answers: bool) -> None:
    """Every inbox row answered once (one reply when ``answers``), every outbox row done."""
    rows = store.list_messages(limit=1000)
    for row in rows:
        events = store.events(row.pk)
        if row.direction is Direction.INBOUND:
            assert row.state is _S.ANSWERED, row
            assert [e.to_state for e in events].count(_S.ANSWERED) == 1
            assert [e.note for e in events].count("stored") == 1
            replies = [r for r in rows if r.related_pk == row.pk]
            assert len(replies) == (1 if answers else 0), (row, replies)
        else:
            assert row.state is _S.RECEIPT_RECEIVED, row
            assert row.receipt_sha256 is not None


def _settle(pair: Pair, requests: list[str]) -> tuple[MessageStore, MessageStore]:
    de, nl = pair.de.store(), pair.nl.store()
    nodes = (pair.de, pair.nl)

    def done() -> bool:
        answered = [r for r in de.list_messages(direction=Direction.INBOUND, limit=1000)
                    if r.state is _S.ANSWERED]
        return len(answered) == len(requests) and _settled(de) and _settled(nl)

    wait_for(done, timeout=90, what="both nodes settled", nodes=nodes)
    _check_node(nl, answers=True)   # NL answers each request once
    _check_node(de, answers=False)  # DE delivers each answer once
    got = sorted(r.message_id for r in nl.list_messages(direction=Direction.INBOUND))
    assert got == sorted(requests)
    replies = de.list_messages(direction=Direction.INBOUND)
    assert sorted(r.envelope.ref_to_message_id or "" for r in replies) == sorted(requests)
    return de, nl


def _log_entries(node: NodeProc) -> list[tuple[str, str]]:
    settings = node.settings()
    log = AuditStore.open(settings.effective_database_url, origin=log_origin(settings),
                          signer=load_signer(settings))
    try:
        return [(e.event.value, e.message_id)
                for e in map(LogEntry.from_canonical, log.entries(0, log.size()))]
    finally:
        log.close()


def _attempts(store: MessageStore, message_id: str) -> int:
    return store.find(Direction.OUTBOUND, message_id).attempts


def _restart(node: NodeProc) -> None:
    node.start()


@pytest.mark.parametrize("db", ["sqlite", "postgresql"], indirect=True)
def test_receiver_killed_after_accept_before_receipt(pair: Pair) -> None:
    pair.write(retry=PATIENT)
    pair.nl.start(crash_at="inbound-stored")
    pair.de.start()
    requests = _send(pair)
    victim = pair.nl.wait_killed()
    nl = pair.nl.store()
    assert nl.find(Direction.INBOUND, victim).state is _S.VERIFIED  # durable, not answered
    nl.close()
    _restart(pair.nl)
    de, nl = _settle(pair, requests)
    # the sender got no answer the first time, resent, and received the ORIGINAL receipt
    assert _attempts(de, victim) >= 2
    assert (de.find(Direction.OUTBOUND, victim).receipt_sha256
            == nl.find(Direction.INBOUND, victim).receipt_sha256)
    assert sorted(pair.nl.handled()) == sorted(requests)  # processed once each
    # the exchange log lost the victim's entries with the process; the restart rebuilt them
    entries = _log_entries(pair.nl)
    for message_id in requests:
        assert entries.count(("request-received", message_id)) == 1
    assert len([e for e in entries if e[0] == "receipt-sent"]) == len(requests)
    # entries logged normally and rebuilt ones are byte-identical: nothing more to add
    client = pair.client(pair.nl)
    assert client.log.reconcile(client.store, now=datetime.now(UTC)) == 0


@pytest.mark.parametrize("db", ["sqlite", "postgresql"], indirect=True)
def test_sender_killed_after_send_before_receipt(pair: Pair) -> None:
    pair.write(retry=PATIENT)
    pair.nl.start()
    pair.de.start(crash_at="outbound-posted")
    requests = _send(pair)
    victim = pair.de.wait_killed()
    _restart(pair.de)
    de, nl = _settle(pair, requests)
    assert _attempts(de, victim) == 2  # resent after the restart
    events = de.events(de.find(Direction.OUTBOUND, victim).pk)
    assert [e.kind for e in events].count(EventKind.LEASE_TAKEOVER) == 1
    # NL saw the request twice but stored and processed it once
    assert sorted(pair.nl.handled()) == sorted(requests)
    assert (de.find(Direction.OUTBOUND, victim).receipt_sha256
            == nl.find(Direction.INBOUND, victim).receipt_sha256)


@pytest.mark.parametrize("stage", ["outbound-attempt-failed", "outbound-attempt-begun@2"])
def test_sender_killed_during_retry(pair: Pair, stage: str) -> None:
    pair.write(retry=PATIENT)
    pair.de.start(crash_at=stage)  # NL is down: the first attempt fails
    requests = _send(pair, count=1)
    victim = pair.de.wait_killed()
    assert victim == requests[0]
    pair.nl.start()
    _restart(pair.de)
    de, _ = _settle(pair, requests)
    record = de.find(Direction.OUTBOUND, victim)
    assert record.attempts >= 2
    notes = [e.note or "" for e in de.events(record.pk) if e.kind is EventKind.ATTEMPT_FAILED]
    assert notes and "EBMS:0005" in notes[0]  # the failed attempt is on record
    assert pair.nl.handled() == requests


@pytest.mark.parametrize("db", ["sqlite", "postgresql"], indirect=True)
def test_receiver_killed_while_the_application_processes(pair: Pair) -> None:
    pair.write(retry=PATIENT)
    pair.nl.start(crash_at="inbound-handled")
    pair.de.start()
    requests = _send(pair)
    victim = pair.nl.wait_killed()
    _restart(pair.nl)
    _, nl = _settle(pair, requests)
    record = nl.find(Direction.INBOUND, victim)
    kinds = [e.kind for e in nl.events(record.pk)]
    assert EventKind.LEASE_TAKEOVER in kinds  # the restarted worker took the row over
    # the handler ran again for the victim (it had not committed), the reply exists once
    assert pair.nl.handled().count(victim) == 2
    assert len([r for r in nl.list_messages(direction=Direction.OUTBOUND)
                if r.related_pk == record.pk]) == 1


def test_no_receipt_ever_is_failed_and_reported(pair: Pair) -> None:
    pair.write(retry="0.05;2;CONSTANT")  # 3 s: resends at 1.5 s and 3 s, then EBMS:0301
    pair.de.start()  # NL never starts
    requests = _send(pair, count=1)
    store = pair.de.store()
    wait_for(lambda: store.find(Direction.OUTBOUND, requests[0]).state is _S.FAILED,
             what="EBMS:0301", nodes=(pair.de,))
    record = store.find(Direction.OUTBOUND, requests[0])
    assert record.attempts == 3 and record.last_error_code == "EBMS:0301"
    assert "EBMS:0005" in (record.last_error or "")
    listing = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "--config", str(pair.de.config), "messages",
         "list", "--state", "failed", "--format", "json"],
        cwd=PROJECT, capture_output=True, check=True, text=True)
    rows = json.loads(listing.stdout)
    assert [(r["message_id"], r["last_error_code"]) for r in rows] == [(requests[0], "EBMS:0301")]
    store.close()
