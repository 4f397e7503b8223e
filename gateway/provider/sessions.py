"""Preview sessions of the running provider (in memory, one process, thread-safe).

Each session holds the :class:`~gateway.evidence.preview.PreviewSession` state, the
evidence shown to the user (exactly the bytes that will be released), and, for v2.0,
the second request waiting for the user's decision. Sessions do not survive a restart
(a restarted node answers the second request with EDM:ERR:0006: the preview is unknown).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from gateway.evidence.edm import EvidenceRequest
from gateway.evidence.preview import PreviewSession

__all__ = ["Held", "SessionStore", "Stored"]


@dataclass(frozen=True, slots=True)
class Held:
    """A v2.0 second request waiting for the user's decision."""

    request: EvidenceRequest
    route: Any
    """Opaque to the provider: what the application needs to send the late answer."""
    message_id: str


@dataclass(frozen=True, slots=True)
class Stored:
    """Everything the provider keeps for one preview."""

    session: PreviewSession
    first: EvidenceRequest
    extract: bytes
    pdf: bytes
    euid: str
    held: Held | None = None


class SessionStore:
    """``session_id`` -> :class:`Stored`, updated atomically under one lock."""

    def __init__(self) -> None:
        """An empty store."""
        self._lock = threading.Lock()
        self._items: dict[str, Stored] = {}

    def put(self, item: Stored) -> None:
        """Add a new session."""
        with self._lock:
            self._items[item.session.session_id] = item

    def get(self, session_id: str) -> Stored | None:
        """The session, if known."""
        with self._lock:
            return self._items.get(session_id)

    def update(self, session_id: str,
               change: Callable[[Stored], Stored]) -> tuple[Stored, Stored] | None:
        """Apply ``change`` atomically; (before, after), or None for an unknown id.

        ``change`` may raise; nothing is stored then."""
        with self._lock:
            before = self._items.get(session_id)
            if before is None:
                return None
            after = change(before)
            self._items[session_id] = after
            return before, after

    def with_session(self, item: Stored, session: PreviewSession,
                     held: Held | bool | None = False) -> Stored:
        """``item`` with a new session state (and a new ``held`` unless False)."""
        if held is False:
            return dataclasses.replace(item, session=session)
        return dataclasses.replace(item, session=session, held=held)  # type: ignore[arg-type]

    def ids(self) -> Iterator[str]:
        """A snapshot of the session ids."""
        with self._lock:
            return iter(list(self._items))
