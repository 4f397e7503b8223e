"""Signed, tamper-evident exchange log (issue 8; formats in ``docs/audit.md``).

Sans-I/O core: :mod:`._merkle` (RFC 9162 hashing and proofs), :mod:`._checkpoint`
(C2SP signed notes and checkpoints), :mod:`._entry` (entries, canonical JSON,
salted subject digests). Adapters: :mod:`._storage` (SQLAlchemy), :mod:`._export`,
:mod:`._keys`, :mod:`.web` (auditor HTTP endpoints), :mod:`.cli`.
"""

from gateway.audit._checkpoint import Checkpoint, NoteSigner, NoteVerifier, open_checkpoint
from gateway.audit._entry import (
    EventKind,
    LogEntry,
    entries_involving,
    subject_digest,
    wire_digest,
)
from gateway.audit._errors import AuditError, CheckpointError, EntryError, ProofError
from gateway.audit._export import export_log
from gateway.audit._keys import open_store
from gateway.audit._storage import AuditStore

__all__ = [
    "AuditError",
    "AuditStore",
    "Checkpoint",
    "CheckpointError",
    "EntryError",
    "EventKind",
    "LogEntry",
    "NoteSigner",
    "NoteVerifier",
    "ProofError",
    "entries_involving",
    "export_log",
    "open_checkpoint",
    "open_store",
    "subject_digest",
    "wire_digest",
]
