"""Frozen values the store takes and returns (no SQLAlchemy objects leave the store)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.store.states import Direction, MessageState

__all__ = ["Envelope", "EventKind", "MessageEvent", "MessageRecord", "Rejection", "Stored"]


@dataclass(frozen=True, slots=True)
class Envelope:
    """What the store records about a message besides its bytes.

    For inbound messages these are values from the *verified* ebMS header
    (``eb:MessageInfo``, ``eb:PartyInfo``, ``eb:CollaborationInfo``).
    """

    message_id: str
    """ebMS3 ``eb:MessageInfo/eb:MessageId``: the duplicate-elimination key."""
    ref_to_message_id: str | None = None
    conversation_id: str | None = None
    from_party: str | None = None
    to_party: str | None = None
    service: str | None = None
    action: str | None = None
    pmode_id: str | None = None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One inbox or outbox row."""

    pk: int
    direction: Direction
    state: MessageState
    envelope: Envelope
    raw_sha256: str
    receipt_sha256: str | None
    endpoint_url: str | None
    related_pk: int | None
    attempts: int
    next_attempt_at: datetime | None
    last_error_code: str | None
    last_error: str | None
    lease_owner: str | None
    lease_until: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def message_id(self) -> str:
        """The ebMS MessageId."""
        return self.envelope.message_id

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (for ``--format json`` and the HTTP API)."""
        env = self.envelope
        return {
            "pk": self.pk,
            "direction": self.direction.value,
            "state": self.state.value,
            "message_id": env.message_id,
            "ref_to_message_id": env.ref_to_message_id,
            "conversation_id": env.conversation_id,
            "from_party": env.from_party,
            "to_party": env.to_party,
            "service": env.service,
            "action": env.action,
            "pmode_id": env.pmode_id,
            "endpoint_url": self.endpoint_url,
            "raw_sha256": self.raw_sha256,
            "receipt_sha256": self.receipt_sha256,
            "related_pk": self.related_pk,
            "attempts": self.attempts,
            "next_attempt_at": _iso(self.next_attempt_at),
            "last_error_code": self.last_error_code,
            "last_error": self.last_error,
            "lease_owner": self.lease_owner,
            "lease_until": _iso(self.lease_until),
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
        }

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> MessageRecord:
        """Build a record from a ``messages`` row mapping."""
        return cls(
            pk=int(row["id"]),
            direction=Direction(row["direction"]),
            state=MessageState(row["state"]),
            envelope=Envelope(
                message_id=row["message_id"],
                ref_to_message_id=row["ref_to_message_id"],
                conversation_id=row["conversation_id"],
                from_party=row["from_party"],
                to_party=row["to_party"],
                service=row["service"],
                action=row["action"],
                pmode_id=row["pmode_id"],
            ),
            raw_sha256=row["raw_sha256"],
            receipt_sha256=row["receipt_sha256"],
            endpoint_url=row["endpoint_url"],
            related_pk=row["related_id"],
            attempts=int(row["attempts"]),
            next_attempt_at=row["next_attempt_at"],
            last_error_code=row["last_error_code"],
            last_error=row["last_error"],
            lease_owner=row["lease_owner"],
            lease_until=row["lease_until"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


@dataclass(frozen=True, slots=True)
class Stored:
    """Result of storing a new message: the row, and whether it already existed.

    For a duplicate inbound message (ebMS3 Core §6.4, AS4 §3.2) ``record`` is the
    ORIGINAL row and ``receipt`` the original receipt bytes, to be sent again.
    """

    record: MessageRecord
    duplicate: bool
    receipt: bytes | None


class EventKind(enum.Enum):
    """What a history entry records."""

    TRANSITION = "transition"
    """A state change listed in :data:`gateway.store.states.TRANSITIONS`."""
    ATTEMPT_FAILED = "attempt-failed"
    """A transmission attempt ended without a receipt (state stays ``sent``)."""
    LEASE_TAKEOVER = "lease-takeover"
    """A worker claimed a message whose previous worker's lease had expired."""


@dataclass(frozen=True, slots=True)
class MessageEvent:
    """One entry of a message's history."""

    at: datetime
    kind: EventKind
    from_state: MessageState | None
    to_state: MessageState
    attempt: int
    note: str | None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "at": self.at.isoformat(),
            "kind": self.kind.value,
            "from_state": self.from_state.value if self.from_state else None,
            "to_state": self.to_state.value,
            "attempt": self.attempt,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Rejection:
    """Inbound bytes refused before acceptance (kept for audit, no inbox row)."""

    pk: int
    at: datetime
    raw_sha256: str
    error_code: str
    reason: str
    declared_message_id: str | None
