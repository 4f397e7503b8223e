"""Message states and the ONE table of legal transitions.

Inbox (messages we received over AS4)::

    received --> verified --> processing --> answered
        \\            \\            \\
         +------------+------------+--> failed --(operator retry)--> verified

Outbox (messages we send over AS4)::

    queued --> sent --> receipt-received
       \\       | ^ \\
        \\      +-+  +--> failed --(operator retry)--> queued
         +-------------->

``sent -> sent`` is a further transmission attempt (AS4 §3.2 reception awareness:
retry until a receipt arrives or the PMode's retry limit is reached). ``queued`` is
the outbox's initial state, before the first attempt (not named in issue 6, which
lists the states a message passes through once the worker has touched it).

Every state change in :mod:`gateway.store` goes through :func:`check_transition`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from gateway.store.errors import IllegalTransition

__all__ = [
    "CLAIMABLE",
    "INITIAL",
    "TERMINAL",
    "TRANSITIONS",
    "Direction",
    "MessageState",
    "check_initial",
    "check_transition",
]


class Direction(enum.Enum):
    """Whether a message was received (inbox) or is being sent (outbox)."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class MessageState(enum.Enum):
    """Where a message stands; values are what the database and the CLI show."""

    RECEIVED = "received"
    """Inbox: raw bytes stored, not yet verified."""
    VERIFIED = "verified"
    """Inbox: security and PMode checks passed; the receipt is stored with it."""
    PROCESSING = "processing"
    """Inbox: a worker holds it and is producing the answer."""
    ANSWERED = "answered"
    """Inbox: the answer was queued in the outbox (same transaction)."""
    QUEUED = "queued"
    """Outbox: waiting for its first transmission."""
    SENT = "sent"
    """Outbox: transmitted at least once; waiting for the receipt (or the next retry)."""
    RECEIPT_RECEIVED = "receipt-received"
    """Outbox: the peer's AS4 receipt is stored; delivery is proven."""
    FAILED = "failed"
    """Either: given up; ``last_error`` says why; an operator may retry."""


_S = MessageState


def _freeze(
    table: Mapping[MessageState, frozenset[MessageState]],
) -> Mapping[MessageState, frozenset[MessageState]]:
    return MappingProxyType(dict(table))


TRANSITIONS: Final[Mapping[Direction, Mapping[MessageState, frozenset[MessageState]]]] = (
    MappingProxyType(
        {
            Direction.INBOUND: _freeze(
                {
                    _S.RECEIVED: frozenset({_S.VERIFIED, _S.FAILED}),
                    _S.VERIFIED: frozenset({_S.PROCESSING, _S.FAILED}),
                    _S.PROCESSING: frozenset({_S.ANSWERED, _S.FAILED}),
                    _S.ANSWERED: frozenset(),
                    # operator retry: process again (only when a receipt was issued)
                    _S.FAILED: frozenset({_S.VERIFIED}),
                }
            ),
            Direction.OUTBOUND: _freeze(
                {
                    _S.QUEUED: frozenset({_S.SENT, _S.FAILED}),
                    # sent -> sent: another attempt (AS4 §3.2 reception awareness retry)
                    _S.SENT: frozenset({_S.SENT, _S.RECEIPT_RECEIVED, _S.FAILED}),
                    _S.RECEIPT_RECEIVED: frozenset(),
                    # operator retry: queue again with a fresh attempt budget
                    _S.FAILED: frozenset({_S.QUEUED}),
                }
            ),
        }
    )
)
"""direction -> state -> the states it may move to. Nothing else is legal."""

INITIAL: Final[Mapping[Direction, frozenset[MessageState]]] = MappingProxyType(
    {
        Direction.INBOUND: frozenset({_S.RECEIVED, _S.VERIFIED}),
        Direction.OUTBOUND: frozenset({_S.QUEUED}),
    }
)
"""States a new row may be created in."""

TERMINAL: Final[Mapping[Direction, frozenset[MessageState]]] = MappingProxyType(
    {
        Direction.INBOUND: frozenset({_S.ANSWERED, _S.FAILED}),
        Direction.OUTBOUND: frozenset({_S.RECEIPT_RECEIVED, _S.FAILED}),
    }
)
"""States no worker moves a message out of (only an operator retry does, from failed)."""

CLAIMABLE: Final[Mapping[Direction, frozenset[MessageState]]] = MappingProxyType(
    {
        Direction.INBOUND: frozenset({_S.VERIFIED, _S.PROCESSING}),
        Direction.OUTBOUND: frozenset({_S.QUEUED, _S.SENT}),
    }
)
"""States a worker may claim (``processing``/``sent`` only once the previous lease expired)."""


def check_transition(direction: Direction, source: MessageState, target: MessageState) -> None:
    """Raise :class:`IllegalTransition` unless ``source -> target`` is in :data:`TRANSITIONS`."""
    allowed = TRANSITIONS[direction].get(source)
    if allowed is None or target not in allowed:
        raise IllegalTransition(
            f"{direction.value} message cannot move from {source.value!r} to {target.value!r}",
            detail="allowed: " + (", ".join(sorted(s.value for s in allowed or ())) or "none"),
        )


def check_initial(direction: Direction, state: MessageState) -> None:
    """Raise :class:`IllegalTransition` unless a new row may start in ``state``."""
    if state not in INITIAL[direction]:
        raise IllegalTransition(
            f"a new {direction.value} message cannot start in {state.value!r}",
            detail="allowed: " + ", ".join(sorted(s.value for s in INITIAL[direction])),
        )
