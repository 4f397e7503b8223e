"""The durable message store: inbox, outbox, raw bytes, duplicate elimination.

SQLAlchemy 2 Core over SQLite (embedded default) or PostgreSQL (psycopg 3), schema
managed by Alembic (``gateway/store/migrations``). See ``docs/store.md``.
"""

from gateway.store.errors import (
    ConcurrentUpdate,
    IllegalTransition,
    MessageNotFound,
    StoreError,
    StoreUnavailable,
)
from gateway.store.migrate import current_revision, head_revision, upgrade
from gateway.store.records import (
    Envelope,
    EventKind,
    MessageEvent,
    MessageRecord,
    Rejection,
    Stored,
)
from gateway.store.states import TRANSITIONS, Direction, MessageState, check_transition
from gateway.store.store import MessageStore

__all__ = [
    "TRANSITIONS",
    "ConcurrentUpdate",
    "Direction",
    "Envelope",
    "EventKind",
    "IllegalTransition",
    "MessageEvent",
    "MessageNotFound",
    "MessageRecord",
    "MessageState",
    "MessageStore",
    "Rejection",
    "StoreError",
    "StoreUnavailable",
    "Stored",
    "check_transition",
    "current_revision",
    "head_revision",
    "upgrade",
]
