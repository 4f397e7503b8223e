"""What a mocked access point does with the messages it receives (the pluggable part).

The mock AP verifies, decrypts and receipts every message itself (:mod:`.access_point`);
then it records the message in its :class:`Journal` and calls its :class:`PeerHandler`.
A handler may return a :class:`PeerReply`, which the AP pushes back to the DE node over
AS4 (``RefToMessageId`` set, four-corner properties swapped) after the receipt went out.
The default :class:`RecordOnly` replies to nothing; the evidence-exchange work plugs in
provider behaviour (answer an evidence request, ask for a preview) with its own handler:
``python -m mocks.eu_peers.access_point --handler pkg.module:factory``, where
``factory(country_code) -> PeerHandler``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from gateway.ebms import Payload, Property, UserMessage

__all__ = ["Journal", "JournalEntry", "PeerHandler", "PeerReply", "RecordOnly"]


@dataclass(frozen=True, slots=True)
class PeerReply:
    """A message to push back to the DE node in answer to a received one."""

    action: str
    payloads: tuple[Payload, ...]
    extra_properties: tuple[Property, ...] = ()


class PeerHandler(Protocol):
    """Provider behaviour of a mock AP."""

    def handle(self, message: UserMessage, payloads: Sequence[Payload]) -> PeerReply | None:
        """Called once per received (non-duplicate) message, after its receipt."""


class RecordOnly:
    """The default: keep what arrived, answer nothing beyond the receipt."""

    def handle(self, message: UserMessage, payloads: Sequence[Payload]) -> PeerReply | None:
        """Reply to nothing."""
        return None


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One message the mock AP received or sent, as the control API shows it."""

    direction: str
    """``in`` or ``out``."""
    message_id: str
    action: str
    conversation_id: str
    at: datetime
    state: str
    """in: ``received`` / ``duplicate``; out: ``receipt-verified`` / ``failed``."""
    ref_to_message_id: str | None = None
    receipt_id: str | None = None
    error: str | None = None
    payloads: tuple[dict[str, str], ...] = ()
    """``{"content_id", "mime_type", "sha256", "file"}`` per payload."""
    properties: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> JournalEntry:
        """Read back a :meth:`to_json` line."""
        return cls(
            direction=str(doc["direction"]), message_id=str(doc["message_id"]),
            action=str(doc["action"]), conversation_id=str(doc["conversation_id"]),
            at=datetime.fromisoformat(str(doc["at"])), state=str(doc["state"]),
            ref_to_message_id=doc.get("ref_to_message_id"), receipt_id=doc.get("receipt_id"),
            error=doc.get("error"),
            payloads=tuple({str(k): str(v) for k, v in p.items()} for p in doc["payloads"]),
            properties={str(k): str(v) for k, v in doc["properties"].items()},
        )

    def to_json(self) -> dict[str, Any]:
        """JSON form (the ``/control/journal`` API and the journal file)."""
        return {
            "direction": self.direction, "message_id": self.message_id, "action": self.action,
            "conversation_id": self.conversation_id, "at": self.at.isoformat(),
            "state": self.state, "ref_to_message_id": self.ref_to_message_id,
            "receipt_id": self.receipt_id, "error": self.error,
            "payloads": list(self.payloads), "properties": self.properties,
        }


def _stem(message_id: str) -> str:
    return hashlib.sha256(message_id.encode()).hexdigest()[:16]


class Journal:
    """Thread-safe record of everything exchanged, mirrored to ``<directory>/journal.jsonl``
    with payloads under ``<directory>/payloads/`` (a stand-in for Domibus' message log)."""

    def __init__(self, directory: Path) -> None:
        """Create the journal in ``directory``, or reopen it: entries and the receipts
        already given are read back, so a restarted mock still eliminates duplicates."""
        self.directory = directory
        (directory / "payloads").mkdir(parents=True, exist_ok=True)
        (directory / "receipts").mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._entries: list[JournalEntry] = []
        self._receipts: dict[str, bytes] = {}
        log = directory / "journal.jsonl"
        for line in log.read_text(encoding="utf-8").splitlines() if log.exists() else []:
            entry = JournalEntry.from_json(json.loads(line))
            self._entries.append(entry)
            receipt = self._receipt_file(entry.message_id)
            if entry.direction == "in" and receipt.exists():
                self._receipts[entry.message_id] = receipt.read_bytes()

    def _receipt_file(self, message_id: str) -> Path:
        return self.directory / "receipts" / f"{_stem(message_id)}.xml"

    def receipt_for(self, message_id: str) -> bytes | None:
        """The receipt already returned for ``message_id`` (AS4 §3.2 duplicate elimination)."""
        with self._lock:
            return self._receipts.get(message_id)

    def store_payloads(
        self, message_id: str, payloads: Sequence[Payload]
    ) -> tuple[dict[str, str], ...]:
        """Write the payloads to disk; their descriptions for the journal."""
        out = []
        for i, p in enumerate(payloads):
            digest = hashlib.sha256(p.data).hexdigest()
            name = f"{_stem(message_id)}-{i}.bin"
            (self.directory / "payloads" / name).write_bytes(p.data)
            out.append({"content_id": p.content_id, "mime_type": p.mime_type,
                        "sha256": digest, "file": name})
        return tuple(out)

    def add(self, entry: JournalEntry, *, receipt: bytes | None = None) -> bool:
        """Record ``entry``; False (nothing recorded) when an inbound MessageId is known."""
        with self._lock:
            if entry.direction == "in" and receipt is not None:
                if entry.message_id in self._receipts:
                    return False
                self._receipt_file(entry.message_id).write_bytes(receipt)
                self._receipts[entry.message_id] = receipt
            self._entries.append(entry)
            with (self.directory / "journal.jsonl").open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry.to_json()) + "\n")
        return True

    def entries(self) -> list[JournalEntry]:
        """Everything recorded, oldest first."""
        with self._lock:
            return list(self._entries)

    def payload(self, name: str) -> bytes:
        """A stored payload by its file name."""
        if "/" in name or name.startswith("."):
            raise FileNotFoundError(name)
        return (self.directory / "payloads" / name).read_bytes()


def payload_from_json(doc: dict[str, Any]) -> Payload:
    """A payload from the control API's ``{"content_id", "mime_type", "data_base64"}``."""
    return Payload(str(doc["content_id"]), base64.b64decode(str(doc["data_base64"])),
                   str(doc.get("mime_type", "application/x-ebrs+xml")))
