"""Concurrency: duplicate elimination under 50 simultaneous deliveries; concurrent workers."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select
from store_backends import T0

from gateway.store import Direction, Envelope, MessageState, MessageStore, Stored
from gateway.store.schema import message_events, messages

N = 50


def test_fifty_concurrent_deliveries_one_row_identical_receipts(store: MessageStore) -> None:
    """ebMS3 Core §6.4 / AS4 §3.2: the same MessageId 50 times at once has one effect."""
    barrier = threading.Barrier(N)

    def deliver(i: int) -> Stored:
        barrier.wait()
        return store.receive_inbound(
            Envelope("same@nl"),
            raw=b"<as4 same/>",
            receipt=f"<receipt attempt={i}/>".encode(),
            now=T0 + timedelta(milliseconds=i),
        )

    with ThreadPoolExecutor(max_workers=N) as pool:
        results = list(pool.map(deliver, range(N)))

    originals = [r for r in results if not r.duplicate]
    assert len(originals) == 1
    winner = originals[0]
    assert {r.receipt for r in results} == {winner.receipt}
    assert {r.record.pk for r in results} == {winner.record.pk}
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(messages)).scalar_one() == 1
        assert conn.execute(select(func.count()).select_from(message_events)).scalar_one() == 1
    assert winner.record.receipt_sha256 is not None
    assert store.blob(winner.record.receipt_sha256) == winner.receipt


def test_concurrent_workers_claim_each_message_once(store: MessageStore) -> None:
    total, workers = 40, 8
    for i in range(total):
        store.enqueue_outbound(Envelope(f"m{i}@de"), raw=f"m{i}".encode(), endpoint_url="u", now=T0)
    barrier = threading.Barrier(workers)

    def work(w: int) -> list[int]:
        barrier.wait()
        got: list[int] = []
        while True:
            batch = store.claim(
                Direction.OUTBOUND, worker=f"w{w}", now=T0, lease=timedelta(minutes=5), limit=3
            )
            if not batch:
                return got
            for rec in batch:
                store.begin_attempt(
                    rec.pk, worker=f"w{w}", now=T0, retry_at=T0 + timedelta(minutes=1)
                )
                got.append(rec.pk)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        claimed = [pk for batch in pool.map(work, range(workers)) for pk in batch]

    assert Counter(claimed).most_common(1)[0][1] == 1  # nobody claimed a message twice
    assert len(claimed) == total
    assert all(r.attempts == 1 and r.state is MessageState.SENT for r in store.list_messages())


def test_reads_do_not_wait_for_a_writer(store: MessageStore) -> None:
    """Listings and metrics read a snapshot; they never queue behind the write lock."""
    store.enqueue_outbound(Envelope("r@de"), raw=b"r", endpoint_url="u", now=T0)
    with store.engine.begin() as writer:  # holds the write lock (SQLite: BEGIN IMMEDIATE)
        writer.execute(messages.update().values(last_error="being written"))
        started = time.monotonic()
        assert [r.message_id for r in store.list_messages()] == ["r@de"]
        assert store.counts() == {(Direction.OUTBOUND, MessageState.QUEUED): 1}
        assert store.get(store.list_messages()[0].pk).last_error is None  # not yet committed
        assert time.monotonic() - started < 5
