"""The requester's record of one evidence request from the portal (a *case*), no I/O.

States (``docs/requester.md``)::

    choice-required <-> input-required          (the user answers through the portal)
          \\________________ sent ______________   (first EDM request queued over AS4)
                               |-> preview-required (redirect the user; second request sent)
                               |-> delivered         (evidence stored; poll + webhook)
                               '-> failed            (EDM/EB/DSD/AS4 error code kept)
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from gateway.requester.discovery import Choices, InputConcept, NeedChoice, NeedInput, Option
from gateway.requester.messages import Company

__all__ = ["Case", "CaseState", "EvidenceItem"]


class CaseState(enum.Enum):
    """Where a case stands (what the portal must do next is in the name)."""

    CHOICE_REQUIRED = "choice-required"
    INPUT_REQUIRED = "input-required"
    SENT = "sent"
    PREVIEW_REQUIRED = "preview-required"
    DELIVERED = "delivered"
    FAILED = "failed"

    @property
    def final(self) -> bool:
        """No further change happens."""
        return self in (CaseState.DELIVERED, CaseState.FAILED)


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One delivered document (the bytes are stored beside the case)."""

    index: int
    content_id: str
    mime_type: str
    title: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Case:
    """One evidence request of a portal client."""

    id: str
    client: str
    state: CaseState
    created_at: datetime
    updated_at: datetime
    procedure: str
    country: str
    company: Company
    preview: bool = True
    return_url: str | None = None
    webhook_url: str | None = None
    choices: Choices = field(default_factory=Choices)
    pending_choice: NeedChoice | None = None
    pending_input: NeedInput | None = None
    edm_version: str | None = None
    provider_party: str | None = None
    conversation_id: str | None = None
    exchange_id: str | None = None
    request_ids: tuple[str, ...] = ()
    """EDM request ids sent (first, then the second of a preview)."""
    message_ids: tuple[str, ...] = ()
    """ebMS MessageIds of the requests sent."""
    first_request: str | None = None
    """The first request's XML (to build the second of a preview sequence)."""
    preview_url: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    evidence: tuple[EvidenceItem, ...] = ()
    response_xml: str | None = None
    events: tuple[tuple[str, str], ...] = field(default=())
    """(ISO time, what happened): the timeline the demo prints."""
    distribution: str | None = None
    """The evidence format the portal asked for (None: the DSD's first distribution)."""

    def advance(self, now: datetime, event: str, **changes: Any) -> Case:
        """A copy with ``changes`` applied and ``event`` appended to the timeline."""
        return replace(self, updated_at=now, events=(*self.events, (now.isoformat(), event)),
                       **changes)

    def to_json(self) -> dict[str, Any]:
        """The stored form (JSON-compatible)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            out[f.name] = _dump(getattr(self, f.name))
        return out

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Case:
        """Read the stored form back."""
        choices = doc["choices"]
        pc, pi = doc.get("pending_choice"), doc.get("pending_input")
        return cls(
            id=doc["id"], client=doc["client"], state=CaseState(doc["state"]),
            created_at=datetime.fromisoformat(doc["created_at"]),
            updated_at=datetime.fromisoformat(doc["updated_at"]),
            procedure=doc["procedure"], country=doc["country"],
            company=Company(**doc["company"]), preview=doc["preview"],
            return_url=doc.get("return_url"), webhook_url=doc.get("webhook_url"),
            choices=Choices(choices["requirement"], choices["evidence_type"],
                            choices["provider"],
                            tuple((k, v) for k, v in choices["values"])),
            pending_choice=None if pc is None else NeedChoice(
                pc["kind"], tuple(Option(**o) for o in pc["options"])),
            pending_input=None if pi is None else NeedInput(tuple(
                InputConcept(c["id"], c["description"], tuple(c["allowed"]))
                for c in pi["concepts"])),
            edm_version=doc.get("edm_version"), provider_party=doc.get("provider_party"),
            conversation_id=doc.get("conversation_id"), exchange_id=doc.get("exchange_id"),
            request_ids=tuple(doc.get("request_ids", ())),
            message_ids=tuple(doc.get("message_ids", ())),
            first_request=doc.get("first_request"), preview_url=doc.get("preview_url"),
            error_code=doc.get("error_code"), error_message=doc.get("error_message"),
            evidence=tuple(EvidenceItem(**e) for e in doc.get("evidence", ())),
            response_xml=doc.get("response_xml"),
            events=tuple((a, b) for a, b in doc.get("events", ())),
            distribution=doc.get("distribution"),
        )


def _dump(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _dump(getattr(value, f.name)) for f in fields(value)}
    return value
