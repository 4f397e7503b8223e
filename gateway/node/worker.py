"""The background worker: drives the outbox and the inbox from the store, restart-safe.

A loop in one thread claims due messages with a lease (``MessageStore.claim``), never
more than the pool has free slots, and hands each to a small thread pool: outbox rows
get a transmission attempt, inbox rows (``verified``) go to the application. All
progress is in the store, so a process killed at any point loses nothing: after a
restart (a new worker id) every row whose lease expired is claimed again and continues
from its recorded state.
Leases must outlive one step (``lease_seconds > send_timeout_seconds``).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta

from gateway.errors import GatewayError
from gateway.store import ConcurrentUpdate, Direction, MessageRecord, MessageStore

__all__ = ["Worker", "new_worker_id"]

_log = logging.getLogger("gateway.node")


def new_worker_id() -> str:
    """``host:pid:random``: unique per process life, so a restart never reuses a lease."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """Claims and processes due messages until stopped."""

    def __init__(
        self,
        store: MessageStore,
        *,
        send: Callable[[MessageRecord, str], object],
        process: Callable[[MessageRecord, str], object],
        clock: Callable[[], datetime],
        lease: timedelta,
        poll_seconds: float,
        concurrency: int,
        worker_id: str | None = None,
    ) -> None:
        """``send(record, worker)`` / ``process(record, worker)`` do one step of a message."""
        self._store = store
        self._send = send
        self._process = process
        self._clock = clock
        self._lease = lease
        self._poll = poll_seconds
        self._concurrency = max(1, concurrency)
        self.worker_id = worker_id or new_worker_id()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool = ThreadPoolExecutor(self._concurrency, thread_name_prefix="node-step")
        self._lock = threading.Lock()
        self._in_flight = 0
        self._turn = False

    def wake(self) -> None:
        """Look for work now (after a message was queued or accepted)."""
        self._wake.set()

    def start(self) -> None:
        """Start the loop thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="node-worker", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop claiming, let running steps finish, join."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._pool.shutdown(wait=True)

    def _step(self, direction: Direction, record: MessageRecord) -> None:
        try:
            if direction is Direction.OUTBOUND:
                self._send(record, self.worker_id)
            else:
                self._process(record, self.worker_id)
        except ConcurrentUpdate as exc:  # another worker took the row over: its job now
            _log.warning("lost message %s: %s", record.pk, exc)
        except GatewayError as exc:
            _log.error("step of message %s failed: %s", record.pk, exc.diagnostics())
        except Exception:
            _log.exception("step of message %s failed", record.pk)
        finally:
            with self._lock:
                self._in_flight -= 1
            self._wake.set()

    def run_once(self) -> int:
        """Claim what is due, up to the free slots, and start it; returns how many started.

        Steps run in the pool without blocking the loop, so a slow peer (an attempt waits
        up to the send timeout) never holds back the other direction. The directions
        take turns in being claimed first."""
        started: list[Future[None]] = []
        self._turn = not self._turn
        order = (Direction.INBOUND, Direction.OUTBOUND)
        for direction in order if self._turn else order[::-1]:
            with self._lock:
                free = self._concurrency - self._in_flight
            if free <= 0:
                break
            claimed = self._store.claim(direction, worker=self.worker_id, now=self._clock(),
                                        lease=self._lease, limit=free)
            with self._lock:
                self._in_flight += len(claimed)
            started += [self._pool.submit(self._step, direction, r) for r in claimed]
        return len(started)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except GatewayError as exc:  # e.g. the database is briefly unavailable
                _log.error("worker cycle failed: %s", exc.diagnostics())
                busy = 0
            except Exception:
                _log.exception("worker cycle failed")
                busy = 0
            if not busy:
                self._wake.wait(self._poll)
                self._wake.clear()
