"""Request out, receipt back, answer in: two node processes over real HTTP.

DE queues an ExecuteQueryRequest for NL; NL returns a signed receipt, its
application answers, NL pushes the ExecuteQueryResponse back and DE returns its
receipt. Every state is asserted in both databases, and the exchange log entries.
"""

from __future__ import annotations

import httpx
import pytest
from node_pair import PROPS, Pair
from node_procs import wait_for

from gateway.audit import AuditStore, LogEntry
from gateway.audit._keys import load_signer, log_origin
from gateway.ebms import Payload
from gateway.store import Direction, MessageNotFound, MessageState


def _state(store, direction, message_id):  # type: ignore[no-untyped-def]
    try:
        return store.find(direction, message_id).state
    except MessageNotFound:  # not there yet
        return None


@pytest.mark.parametrize("db", ["sqlite", "postgresql"], indirect=True)
def test_request_receipt_and_response(pair: Pair) -> None:
    pair.nl.start()
    pair.de.start()
    de = pair.client(pair.de)
    payload = Payload("request@de.test", b"<QueryRequest>" + b"x" * 10_000 + b"</QueryRequest>",
                      "application/x-ebrs+xml")
    sent = de.send(peer="NL", action="ExecuteQueryRequest", payloads=[payload], properties=PROPS)
    assert sent.state is MessageState.QUEUED
    de_store, nl_store = pair.de.store(), pair.nl.store()
    out = Direction.OUTBOUND
    wait_for(lambda: _state(de_store, out, sent.message_id) is MessageState.RECEIPT_RECEIVED,
             what="DE receipt", nodes=(pair.de, pair.nl))
    # NL: request verified, receipt stored, processed once, answer queued and delivered
    request = nl_store.find(Direction.INBOUND, sent.message_id)
    wait_for(lambda: nl_store.find(Direction.INBOUND, sent.message_id).state
             is MessageState.ANSWERED, what="NL answered", nodes=(pair.nl,))
    answers = [r for r in nl_store.list_messages(direction=out) if r.related_pk == request.pk]
    assert len(answers) == 1
    answer = answers[0]
    assert answer.envelope.ref_to_message_id == sent.message_id
    assert answer.envelope.action == "ExecuteQueryResponse"
    wait_for(lambda: nl_store.get(answer.pk).state is MessageState.RECEIPT_RECEIVED,
             what="NL receipt for the answer", nodes=(pair.de, pair.nl))
    wait_for(lambda: _state(de_store, Direction.INBOUND, answer.message_id)
             is MessageState.ANSWERED, what="DE delivered the answer", nodes=(pair.de,))
    record = de_store.find(out, sent.message_id)
    assert record.attempts == 1 and record.receipt_sha256 is not None
    # the receipt DE stored is the one NL issued and stored with the request
    assert record.receipt_sha256 == request.receipt_sha256
    assert pair.nl.handled() == [sent.message_id]
    assert pair.de.handled() == [answer.message_id]
    # exchange log of DE: request sent + receipt received, response received + receipt sent
    settings = pair.de.settings()
    log = AuditStore.open(settings.effective_database_url, origin=log_origin(settings),
                          signer=load_signer(settings))
    try:
        events = [LogEntry.from_canonical(e) for e in log.entries(0, log.size())]
    finally:
        log.close()
    kinds = sorted((e.event.value, e.message_id == sent.message_id) for e in events)
    assert ("request-sent", True) in kinds and ("response-received", False) in kinds
    assert ("receipt-received", True) in kinds and ("receipt-sent", False) in kinds
    # the node's stages reach /metrics (per-message latencies by direction and stage)
    metrics = httpx.get(f"{pair.de.url}/metrics", timeout=10).text
    for stage in ('direction="outbound",stage="attempt"', 'direction="inbound",stage="receive"',
                  'direction="inbound",stage="dispatch"'):
        assert f"oots_message_processing_seconds_count{{{stage}}} 1.0" in metrics, stage
    de_store.close()
    nl_store.close()


def test_unencrypted_only_when_the_pmode_says_so(pair: Pair) -> None:
    """``[security] encrypt = false`` on both sides: signed, unencrypted, still a receipt."""
    pair.write(encrypt=False)
    pair.nl.start()
    pair.de.start()
    de = pair.client(pair.de)
    payload = Payload("plain@de.test", b"<QueryRequest/>", "application/x-ebrs+xml")
    sent = de.send(peer="NL", action="ExecuteQueryRequest", payloads=[payload], properties=PROPS)
    de_store = pair.de.store()
    wait_for(lambda: _state(de_store, Direction.OUTBOUND, sent.message_id)
             is MessageState.RECEIPT_RECEIVED, what="receipt", nodes=(pair.de, pair.nl))
    raw = de_store.blob(de_store.find(Direction.OUTBOUND, sent.message_id).raw_sha256)
    assert b"EncryptedData" not in raw and b"<QueryRequest/>" not in raw  # gzip, not encrypted
    assert "encrypt=False" in pair.nl.log_text()  # the relaxed PMode is visible in the log
    de_store.close()
