"""Errors of the durable store (all local: the store is our own dependency)."""

from __future__ import annotations

from gateway.errors import GatewayError

__all__ = [
    "ConcurrentUpdate",
    "IllegalTransition",
    "MessageNotFound",
    "StoreError",
    "StoreUnavailable",
]


class StoreError(GatewayError):
    """The durable store failed or refused an operation."""

    default_code = "GW:STORE"


class StoreUnavailable(StoreError):
    """The database cannot be reached or answered with a driver error."""

    default_code = "GW:STORE-UNAVAILABLE"


class IllegalTransition(StoreError):
    """A state change not listed in :data:`gateway.store.states.TRANSITIONS`."""

    default_code = "GW:STORE-ILLEGAL-TRANSITION"


class ConcurrentUpdate(StoreError):
    """The row changed state (or lease) between reading and the guarded update."""

    default_code = "GW:STORE-CONCURRENT-UPDATE"


class MessageNotFound(StoreError):
    """No message with the given key exists."""

    default_code = "GW:STORE-NOT-FOUND"
