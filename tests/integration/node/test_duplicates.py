"""AS4 duplicate elimination over HTTP: the same message POSTed 50 times at once.

ebMS3 Core §6.4 / AS4 §3.2: one inbox row, one processing, and every one of the 50
answers is the identical original receipt (the bytes stored with the message).
"""

from __future__ import annotations

import hashlib
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import pytest
from node_pair import PROPS, Pair
from node_procs import wait_for

from gateway.ebms import Payload, accept_response
from gateway.store import Direction, MessageState


@pytest.mark.parametrize("db", ["sqlite", "postgresql"], indirect=True)
def test_same_message_fifty_times_concurrently(pair: Pair) -> None:
    pair.de.start()
    nl = pair.client(pair.nl)  # NL's side of the exchange, built in the test process
    message_id = f"{uuid.uuid4()}@nl.oots.test"
    out, _, _ = nl.sender.prepare(
        pmode_id=None, peer="DE", action="ExecuteQueryRequest",
        payloads=[Payload("q@nl", b"<QueryRequest/>", "application/x-ebrs+xml")],
        properties=PROPS, conversation_id="dup-conv", message_id=message_id,
        now=datetime.now(UTC))
    url = f"{pair.de.url}/as4"
    with httpx.Client(timeout=60, limits=httpx.Limits(max_connections=50)) as client:
        def post(_: int) -> httpx.Response:
            return client.post(url, content=out.body, headers={"Content-Type": out.content_type})

        with ThreadPoolExecutor(50) as pool:
            responses = list(pool.map(post, range(50)))
    assert [r.status_code for r in responses] == [200] * 50, responses[0].text
    assert len({r.content for r in responses}) == 1  # identical receipts
    store = pair.de.store()
    try:
        rows = [r for r in store.list_messages(direction=Direction.INBOUND, limit=100)]
        assert [r.message_id for r in rows] == [message_id]
        record = rows[0]
        assert record.receipt_sha256 == hashlib.sha256(responses[0].content).hexdigest()
        stored_events = [e for e in store.events(record.pk) if e.note == "stored"]
        assert len(stored_events) == 1
        wait_for(lambda: store.get(record.pk).state is MessageState.ANSWERED,
                 what="processing", nodes=(pair.de,))
        replies = [r for r in store.list_messages(direction=Direction.OUTBOUND)
                   if r.related_pk == record.pk]
        assert len(replies) == 1
        assert [e.to_state for e in store.events(record.pk)].count(MessageState.PROCESSING) == 1
        assert pair.de.handled() == [message_id]  # the application saw it once
        # the receipt acknowledges this message with our signature (NRI checked by the sender)

        receipt = accept_response("application/soap+xml", responses[0].content, outbound=out,
                                  trust=nl.config.trust, peer_keys=nl.config.peer_keys["DE"],
                                  now=datetime.now(UTC))
        assert receipt.references
    finally:
        store.close()
