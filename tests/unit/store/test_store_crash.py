"""SIGKILL in the middle of a store transaction: nothing half-written, recovery once.

The victim (``crash_victim.py``) is a separate process killed with SIGKILL at the
last statement of its transaction; the database must show the state from before,
and the normal recovery path (resend, lease expiry) must then complete exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from store_backends import T0, Backend

from gateway.store import Direction, Envelope, MessageState, MessageStore
from gateway.store.schema import messages

HERE = Path(__file__).resolve().parent
LEASE = timedelta(seconds=30)


def _kill_mid_transaction(url: str, scenario: str, pk: int, tmp: Path) -> None:
    marker = tmp / f"{scenario}.marker"
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "crash_victim.py"), url, scenario, str(pk), str(marker)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out = proc.communicate()[0].decode(errors="replace")
            pytest.fail(f"victim never reached its last statement:\n{out}")
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(30) == -signal.SIGKILL


def _rows(store: MessageStore) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(messages)).scalar_one())


@pytest.fixture
def db(backend: Backend) -> tuple[str, MessageStore]:
    """A migrated database URL and a store on it (for the test's side)."""
    url = backend.new_url()
    return url, MessageStore.open(url)


def test_killed_while_receiving(db: tuple[str, MessageStore], tmp_path: Path) -> None:
    url, store = db
    _kill_mid_transaction(url, "receive", 0, tmp_path)
    assert _rows(store) == 0
    # the sender did not get a receipt, so it resends: stored once, not a duplicate
    again = store.receive_inbound(Envelope("crash@nl"), raw=b"<crash/>", receipt=b"<r/>", now=T0)
    assert not again.duplicate and _rows(store) == 1
    store.close()


def test_killed_while_answering(db: tuple[str, MessageStore], tmp_path: Path) -> None:
    url, store = db
    pk = store.receive_inbound(Envelope("q@nl"), raw=b"Q", receipt=b"R", now=T0).record.pk
    store.claim(Direction.INBOUND, worker="victim", now=T0, lease=LEASE)
    _kill_mid_transaction(url, "answer", pk, tmp_path)
    rec = store.get(pk)
    assert rec.state is MessageState.PROCESSING and rec.lease_owner == "victim"
    assert _rows(store) == 1  # no answer row
    # after the lease expires another worker takes over and answers exactly once
    [taken] = store.claim(Direction.INBOUND, worker="w2", now=T0 + LEASE, lease=LEASE)
    out = store.answer_inbound(
        pk, Envelope("answer@de"), raw=b"<answer/>", endpoint_url="u", worker="w2", now=T0 + LEASE
    )
    assert taken.pk == pk and out.related_pk == pk and _rows(store) == 2
    assert store.get(pk).state is MessageState.ANSWERED
    store.close()


def test_killed_while_recording_the_receipt(db: tuple[str, MessageStore], tmp_path: Path) -> None:
    url, store = db
    pk = store.enqueue_outbound(Envelope("o@de"), raw=b"O", endpoint_url="u", now=T0).record.pk
    store.claim(Direction.OUTBOUND, worker="victim", now=T0, lease=LEASE)
    store.begin_attempt(pk, worker="victim", now=T0, retry_at=T0 + LEASE)
    _kill_mid_transaction(url, "receipt", pk, tmp_path)
    rec = store.get(pk)
    assert rec.state is MessageState.SENT and rec.receipt_sha256 is None and rec.attempts == 1
    # due again once the lease and retry time pass: a second attempt, then the receipt
    later = T0 + LEASE
    [again] = store.claim(Direction.OUTBOUND, worker="w2", now=later, lease=LEASE)
    store.begin_attempt(pk, worker="w2", now=later, retry_at=later + LEASE)
    done = store.receipt_received(pk, receipt=b"<receipt/>", now=later, worker="w2")
    assert again.pk == pk and done.state is MessageState.RECEIPT_RECEIVED and done.attempts == 2
    store.close()
