"""Outbox: queue, claim, attempts, receipts, failure, operator retry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from store_backends import T0

from gateway.store import (
    ConcurrentUpdate,
    Direction,
    Envelope,
    EventKind,
    IllegalTransition,
    MessageState,
    MessageStore,
)

S = MessageState
OUT = Direction.OUTBOUND
LEASE = timedelta(seconds=60)


def _queue(store: MessageStore, mid: str = "out-1@de") -> int:
    stored = store.enqueue_outbound(
        Envelope(mid, to_party="NL-AP"),
        raw=b"<as4 " + mid.encode() + b"/>",
        endpoint_url="https://nl.example/as4",
        now=T0,
    )
    return stored.record.pk


def test_enqueue_is_idempotent_per_message_id(store: MessageStore) -> None:
    pk = _queue(store)
    again = store.enqueue_outbound(
        Envelope("out-1@de"), raw=b"other", endpoint_url="https://x", now=T0
    )
    assert again.duplicate and again.record.pk == pk
    rec = store.get(pk)
    assert rec.state is S.QUEUED and rec.attempts == 0 and rec.next_attempt_at == T0
    assert rec.endpoint_url == "https://nl.example/as4"


def test_not_due_before_not_before(store: MessageStore) -> None:
    store.enqueue_outbound(
        Envelope("later@de"),
        raw=b"x",
        endpoint_url="u",
        now=T0,
        not_before=T0 + timedelta(minutes=1),
    )
    assert store.claim(OUT, worker="w", now=T0, lease=LEASE) == []
    assert len(store.claim(OUT, worker="w", now=T0 + timedelta(minutes=1), lease=LEASE)) == 1


def test_send_retry_then_receipt(store: MessageStore) -> None:
    pk = _queue(store)
    [c] = store.claim(OUT, worker="w", now=T0, lease=LEASE)
    assert c.state is S.QUEUED and c.lease_owner == "w"
    sent = store.begin_attempt(pk, worker="w", now=T0, retry_at=T0 + timedelta(seconds=10))
    assert sent.state is S.SENT and sent.attempts == 1
    failed = store.attempt_failed(
        pk,
        worker="w",
        now=T0 + timedelta(seconds=1),
        error_code="EBMS:0005",
        error="connection refused",
        retry_at=T0 + timedelta(seconds=10),
    )
    assert failed.state is S.SENT and failed.lease_owner is None
    assert failed.last_error_code == "EBMS:0005"
    assert store.claim(OUT, worker="w", now=T0 + timedelta(seconds=9), lease=LEASE) == []
    t1 = T0 + timedelta(seconds=10)
    [c2] = store.claim(OUT, worker="w2", now=t1, lease=LEASE)
    assert c2.pk == pk
    store.begin_attempt(pk, worker="w2", now=t1, retry_at=t1 + timedelta(seconds=20))
    assert store.retries_total() == 1
    done = store.receipt_received(pk, receipt=b"<receipt/>", now=t1, worker="w2")
    assert done.state is S.RECEIPT_RECEIVED and done.attempts == 2
    assert done.next_attempt_at is None and done.lease_owner is None
    assert done.receipt_sha256 is not None and store.blob(done.receipt_sha256) == b"<receipt/>"
    kinds = [(e.kind, e.from_state, e.to_state) for e in store.events(pk)]
    assert kinds == [
        (EventKind.TRANSITION, None, S.QUEUED),
        (EventKind.TRANSITION, S.QUEUED, S.SENT),
        (EventKind.ATTEMPT_FAILED, S.SENT, S.SENT),
        (EventKind.TRANSITION, S.SENT, S.SENT),
        (EventKind.TRANSITION, S.SENT, S.RECEIPT_RECEIVED),
    ]
    with pytest.raises(IllegalTransition):  # a second receipt changes nothing
        store.receipt_received(pk, receipt=b"<receipt again/>", now=t1)
    assert store.claim(OUT, worker="w", now=t1 + timedelta(days=1), lease=LEASE) == []


def test_crashed_sender_is_retried_after_its_lease(store: MessageStore) -> None:
    pk = _queue(store)
    store.claim(OUT, worker="dead", now=T0, lease=LEASE)
    store.begin_attempt(pk, worker="dead", now=T0, retry_at=T0 + timedelta(seconds=5))
    # due again at +5s but still leased until +60s
    assert store.claim(OUT, worker="w", now=T0 + timedelta(seconds=30), lease=LEASE) == []
    [c] = store.claim(OUT, worker="w", now=T0 + LEASE, lease=LEASE)
    assert c.pk == pk and c.state is S.SENT and c.attempts == 1
    with pytest.raises(ConcurrentUpdate):
        store.receipt_received(pk, receipt=b"r", now=T0 + LEASE, worker="dead")


def test_attempt_needs_the_lease(store: MessageStore) -> None:
    pk = _queue(store)
    with pytest.raises(ConcurrentUpdate):
        store.begin_attempt(pk, worker="w", now=T0, retry_at=T0)
    assert store.get(pk).state is S.QUEUED


def test_receipt_on_queued_message_is_illegal(store: MessageStore) -> None:
    pk = _queue(store)
    with pytest.raises(IllegalTransition):
        store.receipt_received(pk, receipt=b"r", now=T0)
    rec = store.get(pk)
    assert rec.state is S.QUEUED and rec.receipt_sha256 is None
    assert not store.has_blob(__import__("hashlib").sha256(b"r").hexdigest())


def test_fail_then_operator_retry_resets_budget(store: MessageStore) -> None:
    pk = _queue(store)
    store.claim(OUT, worker="w", now=T0, lease=LEASE)
    store.begin_attempt(pk, worker="w", now=T0, retry_at=T0 + timedelta(seconds=1))
    failed = store.fail(pk, now=T0, error_code="EBMS:0301", error="MissingReceipt", worker="w")
    assert failed.state is S.FAILED and failed.next_attempt_at is None
    assert store.claim(OUT, worker="w", now=T0 + timedelta(days=1), lease=LEASE) == []
    retried = store.retry(pk, now=T0 + timedelta(hours=1))
    assert retried.state is S.QUEUED and retried.attempts == 0
    assert retried.last_error_code == "EBMS:0301"  # kept for the operator
    [c] = store.claim(OUT, worker="w", now=T0 + timedelta(hours=1), lease=LEASE)
    assert c.pk == pk
    with pytest.raises(IllegalTransition):
        store.retry(pk, now=T0)  # only failed messages are retried


def test_counts_by_direction_and_state(store: MessageStore) -> None:
    _queue(store, "a@de")
    pk = _queue(store, "b@de")
    store.receive_inbound(Envelope("c@nl"), raw=b"c", receipt=b"r", now=T0)
    store.fail(pk, now=T0, error_code="GW:TEST", error="x")
    assert store.counts() == {
        (OUT, S.QUEUED): 1,
        (OUT, S.FAILED): 1,
        (Direction.INBOUND, S.VERIFIED): 1,
    }
    listed = store.list_messages(direction=OUT)
    assert [r.message_id for r in listed] == ["b@de", "a@de"]
    assert [r.message_id for r in store.list_messages(state=S.FAILED)] == ["b@de"]
