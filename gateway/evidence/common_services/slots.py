"""RegRep slot reading for EB/DSD responses: the shared reader, with our error type."""

from __future__ import annotations

from gateway.errors import EvidenceError
from gateway.evidence.common_services.errors import ResponseRejected
from gateway.evidence.edm._regrep import SlotReader

__all__ = ["CsSlotReader"]


class CsSlotReader(SlotReader):
    """:class:`SlotReader` whose refusals are :class:`ResponseRejected` (``GW:CS-RESPONSE``)."""

    def error(self, message: str, *, field: str | None = None) -> EvidenceError:
        """A :class:`ResponseRejected` naming the slot at fault."""
        prefix = f"{self.where}: " if self.where else ""
        return ResponseRejected(prefix + message, field=field)
