"""Nothing half-written: a failure at any statement of an operation leaves no trace.

Failures are injected into the real database conversation (SQLAlchemy's
``before_cursor_execute`` hook) at the n-th statement of a kind; afterwards
every table must equal its snapshot from before the operation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from store_backends import T0

from gateway.store import Direction, Envelope, MessageState, MessageStore
from gateway.store.schema import metadata

LEASE = timedelta(minutes=1)


class InjectedFailure(Exception):
    """The failure the test injects."""


@contextmanager
def fail_at(store: MessageStore, prefix: str, nth: int = 1) -> Iterator[None]:
    """Raise at the ``nth`` statement starting with ``prefix`` (case-insensitive)."""
    seen = 0

    def hook(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        nonlocal seen
        if statement.lstrip().upper().startswith(prefix.upper()):
            seen += 1
            if seen == nth:
                raise InjectedFailure(statement.split("\n")[0])

    event.listen(store.engine, "before_cursor_execute", hook)
    try:
        yield
    finally:
        event.remove(store.engine, "before_cursor_execute", hook)
    assert seen >= nth, f"the operation never reached {prefix!r} #{nth}"


def snapshot(store: MessageStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every store table."""
    with store.engine.connect() as conn:
        return {
            t.name: sorted(tuple(r) for r in conn.execute(select(t)).all())
            for t in metadata.sorted_tables
        }


def _inbound_processing(store: MessageStore) -> int:
    pk = store.receive_inbound(Envelope("in@nl"), raw=b"Q", receipt=b"R", now=T0).record.pk
    store.claim(Direction.INBOUND, worker="w", now=T0, lease=LEASE)
    return pk


def _outbound_claimed(store: MessageStore) -> int:
    pk = store.enqueue_outbound(Envelope("out@de"), raw=b"O", endpoint_url="u", now=T0).record.pk
    store.claim(Direction.OUTBOUND, worker="w", now=T0, lease=LEASE)
    return pk


def _outbound_sent(store: MessageStore) -> int:
    pk = _outbound_claimed(store)
    store.begin_attempt(pk, worker="w", now=T0, retry_at=T0 + LEASE)
    return pk


Setup = Callable[[MessageStore], int]
Op = Callable[[MessageStore, int], object]

CASES: list[tuple[str, Setup, Op, str, int]] = [
    (
        "receive: after blobs, at the row",
        lambda s: 0,
        lambda s, _: s.receive_inbound(Envelope("n@nl"), raw=b"N", receipt=b"NR", now=T0),
        "INSERT INTO messages",
        1,
    ),
    (
        "receive: at the history entry",
        lambda s: 0,
        lambda s, _: s.receive_inbound(Envelope("n@nl"), raw=b"N", receipt=b"NR", now=T0),
        "INSERT INTO message_events",
        1,
    ),
    (
        "answer: at the outbound row, after the inbound moved to answered",
        _inbound_processing,
        lambda s, pk: s.answer_inbound(
            pk, Envelope("ans@de"), raw=b"A", endpoint_url="u", worker="w", now=T0
        ),
        "INSERT INTO messages",
        1,
    ),
    (
        "answer: at the outbound's history entry (last statement)",
        _inbound_processing,
        lambda s, pk: s.answer_inbound(
            pk, Envelope("ans@de"), raw=b"A", endpoint_url="u", worker="w", now=T0
        ),
        "INSERT INTO message_events",
        2,
    ),
    (
        "begin attempt: at the history entry",
        _outbound_claimed,
        lambda s, pk: s.begin_attempt(pk, worker="w", now=T0, retry_at=T0),
        "INSERT INTO message_events",
        1,
    ),
    (
        "receipt: after the receipt blob, at the update",
        _outbound_sent,
        lambda s, pk: s.receipt_received(pk, receipt=b"RC", now=T0, worker="w"),
        "UPDATE messages",
        1,
    ),
    (
        "receipt: at the history entry",
        _outbound_sent,
        lambda s, pk: s.receipt_received(pk, receipt=b"RC", now=T0, worker="w"),
        "INSERT INTO message_events",
        1,
    ),
    (
        "attempt failed: at the history entry",
        _outbound_sent,
        lambda s, pk: s.attempt_failed(
            pk, worker="w", now=T0, error_code="EBMS:0005", error="x", retry_at=T0
        ),
        "INSERT INTO message_events",
        1,
    ),
    (
        "rejection: after the blob, at the rejection row",
        lambda s: 0,
        lambda s, _: s.record_rejection(b"junk", error_code="EBMS:0009", reason="r", now=T0),
        "INSERT INTO rejections",
        1,
    ),
]


@pytest.mark.parametrize(
    ("setup", "operation", "prefix", "nth"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_failure_mid_operation_leaves_no_trace(
    store: MessageStore, setup: Setup, operation: Op, prefix: str, nth: int
) -> None:
    pk = setup(store)
    before = snapshot(store)
    with pytest.raises(InjectedFailure), fail_at(store, prefix, nth):
        operation(store, pk)
    assert snapshot(store) == before
    # and the operation still works once the failure is gone
    operation(store, pk)
    assert snapshot(store) != before


def test_a_failed_answer_can_be_retried_by_the_same_worker(store: MessageStore) -> None:
    pk = _inbound_processing(store)
    with pytest.raises(InjectedFailure), fail_at(store, "INSERT INTO message_events", 2):
        store.answer_inbound(pk, Envelope("a@de"), raw=b"A", endpoint_url="u", worker="w", now=T0)
    assert store.get(pk).state is MessageState.PROCESSING
    out = store.answer_inbound(pk, Envelope("a@de"), raw=b"A", endpoint_url="u", worker="w", now=T0)
    assert out.state is MessageState.QUEUED and store.get(pk).state is MessageState.ANSWERED
