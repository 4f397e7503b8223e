"""Inbox: reception, duplicate elimination, processing, answers, rejections."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from store_backends import T0

from gateway.store import (
    ConcurrentUpdate,
    Direction,
    Envelope,
    IllegalTransition,
    MessageState,
    MessageStore,
    StoreError,
)
from gateway.store.schema import blobs, messages

S = MessageState
LEASE = timedelta(seconds=30)


def _count(store: MessageStore, table: object) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_verified_message_is_stored_with_its_receipt(store: MessageStore) -> None:
    env = Envelope("in-1@nl", from_party="NL-AP", to_party="DE-GW", service="s", action="a")
    stored = store.receive_inbound(env, raw=b"<as4 one/>", receipt=b"<receipt one/>", now=T0)
    assert not stored.duplicate
    rec = stored.record
    assert rec.state is S.VERIFIED and rec.direction is Direction.INBOUND
    assert rec.envelope == env
    assert rec.raw_sha256 == hashlib.sha256(b"<as4 one/>").hexdigest()
    assert store.blob(rec.raw_sha256) == b"<as4 one/>"
    assert rec.receipt_sha256 is not None
    assert store.blob(rec.receipt_sha256) == b"<receipt one/>"
    assert rec.created_at == T0
    assert store.find(Direction.INBOUND, "in-1@nl") == rec
    assert [(e.from_state, e.to_state) for e in store.events(rec.pk)] == [(None, S.VERIFIED)]


def test_duplicate_gets_original_receipt_and_writes_nothing(store: MessageStore) -> None:
    first = store.receive_inbound(Envelope("dup@nl"), raw=b"A", receipt=b"R1", now=T0)
    blobs_before = _count(store, blobs)
    again = store.receive_inbound(
        Envelope("dup@nl"), raw=b"A-resent", receipt=b"R2", now=T0 + timedelta(minutes=5)
    )
    assert again.duplicate
    assert again.receipt == b"R1"
    assert again.record == first.record
    assert _count(store, messages) == 1
    assert _count(store, blobs) == blobs_before  # not even the resent bytes are kept twice


def test_same_message_id_in_other_direction_is_not_a_duplicate(store: MessageStore) -> None:
    store.receive_inbound(Envelope("x@y"), raw=b"A", receipt=b"R", now=T0)
    out = store.enqueue_outbound(Envelope("x@y"), raw=b"B", endpoint_url="http://p", now=T0)
    assert not out.duplicate


def test_identical_bytes_are_stored_once(store: MessageStore) -> None:
    store.receive_inbound(Envelope("a@nl"), raw=b"same", receipt=b"same-receipt", now=T0)
    store.receive_inbound(Envelope("b@nl"), raw=b"same", receipt=b"same-receipt", now=T0)
    assert _count(store, messages) == 2
    assert _count(store, blobs) == 2


def test_receipt_exactly_when_verified(store: MessageStore) -> None:
    with pytest.raises(StoreError):
        store.receive_inbound(Envelope("v@nl"), raw=b"x", now=T0)
    with pytest.raises(StoreError):
        store.receive_inbound(Envelope("r@nl"), raw=b"x", receipt=b"r", state=S.RECEIVED, now=T0)
    with pytest.raises(IllegalTransition):
        store.receive_inbound(Envelope("p@nl"), raw=b"x", receipt=b"r", state=S.PROCESSING, now=T0)
    assert _count(store, messages) == 0


def test_received_then_verified(store: MessageStore) -> None:
    got = store.receive_inbound(Envelope("late@nl"), raw=b"x", state=S.RECEIVED, now=T0)
    assert got.record.receipt_sha256 is None
    dup = store.receive_inbound(Envelope("late@nl"), raw=b"x", state=S.RECEIVED, now=T0)
    assert dup.duplicate and dup.receipt is None
    rec = store.mark_verified(got.record.pk, receipt=b"rcpt", now=T0 + timedelta(seconds=1))
    assert rec.state is S.VERIFIED
    again = store.receive_inbound(Envelope("late@nl"), raw=b"x", receipt=b"other", now=T0)
    assert again.duplicate and again.receipt == b"rcpt"


def test_claim_process_answer(store: MessageStore) -> None:
    inbound = store.receive_inbound(Envelope("q@nl"), raw=b"Q", receipt=b"R", now=T0).record
    [claimed] = store.claim(Direction.INBOUND, worker="w1", now=T0, lease=LEASE)
    assert claimed.pk == inbound.pk and claimed.state is S.PROCESSING
    assert claimed.lease_owner == "w1" and claimed.lease_until == T0 + LEASE
    assert store.claim(Direction.INBOUND, worker="w2", now=T0, lease=LEASE) == []
    with pytest.raises(ConcurrentUpdate):
        store.answer_inbound(
            inbound.pk, Envelope("ans@de"), raw=b"A", endpoint_url="http://nl", worker="w2", now=T0
        )
    out = store.answer_inbound(
        inbound.pk,
        Envelope("ans@de", ref_to_message_id="q@nl"),
        raw=b"A",
        endpoint_url="http://nl",
        worker="w1",
        now=T0 + timedelta(seconds=2),
    )
    assert out.direction is Direction.OUTBOUND and out.state is S.QUEUED
    assert out.related_pk == inbound.pk and out.next_attempt_at == T0 + timedelta(seconds=2)
    done = store.get(inbound.pk)
    assert done.state is S.ANSWERED and done.lease_owner is None
    with pytest.raises(IllegalTransition):  # answered is terminal
        store.fail(inbound.pk, now=T0, error_code="GW:TEST", error="too late")
    assert store.get(inbound.pk).state is S.ANSWERED


def test_second_answer_with_same_message_id_is_refused(store: MessageStore) -> None:
    a = store.receive_inbound(Envelope("a@nl"), raw=b"Q1", receipt=b"R1", now=T0).record
    b = store.receive_inbound(Envelope("b@nl"), raw=b"Q2", receipt=b"R2", now=T0).record
    store.claim(Direction.INBOUND, worker="w", now=T0, lease=LEASE, limit=2)
    store.answer_inbound(a.pk, Envelope("ans@de"), raw=b"A", endpoint_url="u", worker="w", now=T0)
    with pytest.raises(StoreError):
        store.answer_inbound(
            b.pk, Envelope("ans@de"), raw=b"A-other", endpoint_url="u", worker="w", now=T0
        )
    assert store.get(b.pk).state is S.PROCESSING  # rolled back together
    assert not store.has_blob(hashlib.sha256(b"A-other").hexdigest())


def test_expired_lease_is_taken_over(store: MessageStore) -> None:
    pk = store.receive_inbound(Envelope("c@nl"), raw=b"Q", receipt=b"R", now=T0).record.pk
    store.claim(Direction.INBOUND, worker="crashed", now=T0, lease=LEASE)
    assert store.claim(Direction.INBOUND, worker="w2", now=T0 + LEASE / 2, lease=LEASE) == []
    [taken] = store.claim(Direction.INBOUND, worker="w2", now=T0 + LEASE, lease=LEASE)
    assert taken.pk == pk and taken.lease_owner == "w2" and taken.state is S.PROCESSING
    with pytest.raises(ConcurrentUpdate):  # the old worker can no longer answer
        store.answer_inbound(
            pk, Envelope("late@de"), raw=b"A", endpoint_url="u", worker="crashed", now=T0 + LEASE
        )
    assert store.events(pk)[-1].note == "w2 took over from crashed (lease expired)"


def test_failed_inbound_can_be_retried_by_operator(store: MessageStore) -> None:
    pk = store.receive_inbound(Envelope("f@nl"), raw=b"Q", receipt=b"R", now=T0).record.pk
    store.claim(Direction.INBOUND, worker="w", now=T0, lease=LEASE)
    failed = store.fail(pk, now=T0, error_code="EDM:ERR:0005", error="register timeout", worker="w")
    assert failed.state is S.FAILED and failed.last_error_code == "EDM:ERR:0005"
    again = store.retry(pk, now=T0 + timedelta(minutes=1))
    assert again.state is S.VERIFIED
    [claimed] = store.claim(
        Direction.INBOUND, worker="w", now=T0 + timedelta(minutes=1), lease=LEASE
    )
    assert claimed.pk == pk


def test_never_verified_inbound_cannot_be_retried(store: MessageStore) -> None:
    pk = store.receive_inbound(Envelope("u@nl"), raw=b"x", state=S.RECEIVED, now=T0).record.pk
    store.fail(pk, now=T0, error_code="EBMS:0101", error="bad signature")
    with pytest.raises(IllegalTransition):
        store.retry(pk, now=T0)
    assert store.get(pk).state is S.FAILED


def test_rejection_keeps_raw_bytes_without_inbox_row(store: MessageStore) -> None:
    rej = store.record_rejection(
        b"not multipart",
        error_code="EBMS:0009",
        reason="broken MIME",
        now=T0,
        declared_message_id="bad@nl",
    )
    assert store.blob(rej.raw_sha256) == b"not multipart"
    assert store.rejections() == [rej]
    assert _count(store, messages) == 0


def test_naive_now_is_refused(store: MessageStore) -> None:
    with pytest.raises(StoreError):
        store.receive_inbound(
            Envelope("naive@nl"), raw=b"x", receipt=b"r", now=T0.replace(tzinfo=None)
        )
    assert _count(store, messages) == 0


def test_complete_without_reply_once_under_the_lease(store: MessageStore) -> None:
    pk = store.receive_inbound(Envelope("resp@nl"), raw=b"R", receipt=b"RR", now=T0).record.pk
    store.claim(Direction.INBOUND, worker="w", now=T0, lease=LEASE)
    with pytest.raises(ConcurrentUpdate):
        store.complete_inbound(pk, worker="other", now=T0)
    done = store.complete_inbound(pk, worker="w", now=T0 + timedelta(seconds=1))
    assert done.state is S.ANSWERED and done.lease_owner is None
    assert store.events(pk)[-1].note == "delivered"
    with pytest.raises(ConcurrentUpdate):  # the lease is gone: no second effect
        store.complete_inbound(pk, worker="w", now=T0 + timedelta(seconds=2))
    assert _count(store, messages) == 1  # no outbox row
