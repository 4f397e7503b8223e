"""Errors of the exchange log; codes are gateway codes (no protocol names these)."""

from __future__ import annotations

from gateway.errors import GatewayError, Origin

__all__ = ["AuditError", "CheckpointError", "EntryError", "ProofError"]


class AuditError(GatewayError):
    """The exchange log cannot do what was asked (bad argument, missing data, storage)."""

    default_code = "GW:AUDIT"
    default_origin = Origin.LOCAL


class ProofError(AuditError):
    """A Merkle proof does not verify, or cannot exist for the given sizes."""

    default_code = "GW:AUDIT-PROOF"
    default_origin = Origin.REMOTE


class CheckpointError(AuditError):
    """A checkpoint or signed note is malformed or its signature does not verify."""

    default_code = "GW:AUDIT-CHECKPOINT"
    default_origin = Origin.REMOTE


class EntryError(AuditError):
    """A log entry is malformed or is not in canonical form."""

    default_code = "GW:AUDIT-ENTRY"
    default_origin = Origin.REMOTE
