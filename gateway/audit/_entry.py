"""Exchange-log entries: one per exchange event, canonical JSON, no personal data in clear.

Canonical form (``docs/audit.md`` §Entries): a UTF-8 JSON object with every
field below present (absent values are ``null``), keys sorted, no whitespace
(``separators=(",", ":")``), non-ASCII characters kept as UTF-8. The Merkle
leaf is exactly these bytes: ``leaf hash = SHA-256(0x00 || canonical bytes)``.

Names and identifiers of companies or persons appear only as salted digests
``HMAC-SHA256(salt, scheme || 0x0A || value)`` in ``subjects``; the operator
keeps the salt so a legitimate inquiry can check a given identifier.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from gateway.audit._errors import EntryError

__all__ = [
    "ENTRY_VERSION",
    "EventKind",
    "LogEntry",
    "entries_involving",
    "subject_digest",
    "wire_digest",
]

ENTRY_VERSION = 1
"""Value of the ``v`` field; bumped when the entry schema changes."""

_HEX64 = re.compile(r"[0-9a-f]{64}")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_MIN_SALT = 16
_string = json.encoder.encode_basestring  # JSON string literal, non-ASCII kept (C speed)


def _optional(value: str | None) -> str:
    return "null" if value is None else _string(value)


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
"""Sorted keys, no white space, UTF-8 kept: the canonical entry serialisation."""


class EventKind(enum.Enum):
    """Which exchange event an entry records."""

    REQUEST_RECEIVED = "request-received"
    REQUEST_SENT = "request-sent"
    RESPONSE_RECEIVED = "response-received"
    RESPONSE_SENT = "response-sent"
    ERROR_RECEIVED = "error-received"
    ERROR_SENT = "error-sent"
    PREVIEW_APPROVED = "preview-approved"
    PREVIEW_REFUSED = "preview-refused"
    RECEIPT_RECEIVED = "receipt-received"
    RECEIPT_SENT = "receipt-sent"
    NOTIFICATION_SENT = "notification-sent"
    """A notification built from received evidence went to a German authority (issue 9:
    ``wire_sha256`` = the XGewerbeanzeige digest, ``conversation_id``/``query_id`` = the
    evidence exchange it was prefilled from)."""


_EVENT_JSON = {kind: _string(kind.value) for kind in EventKind}
"""JSON string literal of each event kind's value (canonical hot path)."""


def wire_digest(body: bytes) -> str:
    """The ``wire_sha256`` value of the exact bytes on the wire (hex SHA-256)."""
    return hashlib.sha256(body).hexdigest()


def subject_digest(salt: bytes, scheme: str, value: str) -> str:
    """Salted digest of an identifier or name (hex HMAC-SHA256).

    ``scheme`` names the identifier kind (e.g. an eIDAS ``LegalPersonIdentifier``
    or ``urn:oasis:names:tc:ebcore:partyid-type:iso6523:0204``); ``value`` is
    used exactly, after stripping surrounding white space.
    """
    if len(salt) < _MIN_SALT:
        raise EntryError(f"the subject salt must be at least {_MIN_SALT} bytes")
    message = f"{scheme}\n{value.strip()}".encode()
    return hmac.new(salt, message, hashlib.sha256).hexdigest()


def _check_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise EntryError("entry times must be timezone-aware")


def _format_time(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` of the UTC time (4-digit year).

    Hot path of canonical serialisation: ``datetime.isoformat`` (C) of the UTC
    wall time, cut before its offset; ``datetime`` years are always 4 digits."""
    offset = value.utcoffset() if value.tzinfo is not None else None
    if offset is None:
        raise EntryError("entry times must be timezone-aware")
    if offset:
        value = value - offset
    return value.isoformat(timespec="microseconds")[:26] + "Z"


def _parse_time(text: Any, name: str) -> datetime:
    if not isinstance(text, str):
        raise EntryError(f"entry field {name!r} must be a time string")
    try:
        return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError as exc:
        raise EntryError(f"entry field {name!r} is not {_TIME_FORMAT}") from exc


@dataclass(frozen=True, slots=True, kw_only=True)
class LogEntry:
    """One exchange event. Times are passed in explicitly (aware, normalised to UTC)."""

    event: EventKind
    time: datetime
    """When the gateway observed the event."""
    message_id: str
    """AS4 ``eb:MessageId`` of the message the event is about."""
    wire_sha256: str
    """Hex SHA-256 of the exact bytes on the wire (the whole HTTP body)."""
    sender: str
    """AS4 party id of the sending gateway or authority (organisations, not persons)."""
    receiver: str
    """AS4 party id of the receiving gateway or authority."""
    outcome: str = "ok"
    """``ok`` or the protocol error code (``EBMS:0101``, ``EDM:ERR:0004``, ...)."""
    conversation_id: str | None = None
    ref_to_message_id: str | None = None
    query_id: str | None = None
    """EDM ``QueryRequest/@id`` the event belongs to."""
    procedure: str | None = None
    """SDG procedure code."""
    evidence_type: str | None = None
    """Evidence type classification URI."""
    message_time: datetime | None = None
    """Timestamp the message itself carries (``eb:Timestamp``)."""
    subjects: tuple[str, ...] = field(default=())
    """Salted digests (:func:`subject_digest`) of the companies/persons involved
    (kept sorted, without duplicates)."""

    def __post_init__(self) -> None:
        """Check the fields that the canonical form constrains."""
        if not _HEX64.fullmatch(self.wire_sha256):
            raise EntryError("wire_sha256 must be 64 lower-case hex digits")
        if not self.message_id or not self.sender or not self.receiver or not self.outcome:
            raise EntryError("message_id, sender, receiver and outcome are required")
        for digest in self.subjects:
            if not _HEX64.fullmatch(digest):
                raise EntryError("subjects must be subject_digest() values")
        # The canonical form lists subjects sorted without duplicates; so does the model.
        object.__setattr__(self, "subjects", tuple(sorted(set(self.subjects))))
        _check_aware(self.time)
        if self.message_time is not None:
            _check_aware(self.message_time)

    def to_json(self) -> dict[str, Any]:
        """The entry as a JSON object (the canonical key set)."""
        return {
            "v": ENTRY_VERSION,
            "event": self.event.value,
            "time": _format_time(self.time),
            "message_id": self.message_id,
            "wire_sha256": self.wire_sha256,
            "sender": self.sender,
            "receiver": self.receiver,
            "outcome": self.outcome,
            "conversation_id": self.conversation_id,
            "ref_to_message_id": self.ref_to_message_id,
            "query_id": self.query_id,
            "procedure": self.procedure,
            "evidence_type": self.evidence_type,
            "message_time": (
                None if self.message_time is None else _format_time(self.message_time)
            ),
            "subjects": list(self.subjects),
        }

    def canonical(self) -> bytes:
        """The canonical bytes: the Merkle leaf data of this entry.

        Byte-identical to ``json.dumps(self.to_json(), sort_keys=True,
        separators=(",", ":"), ensure_ascii=False)`` (a test holds it to that),
        assembled directly in sorted key order because it is the hot path of
        batched appends.
        """
        # Inline on purpose (no helper calls): ``wire_sha256`` and ``subjects`` are
        # checked lower-case hex by __post_init__, so their JSON strings need no escaping.
        s = _string
        mt = self.message_time
        cid, ref, qid = self.conversation_id, self.ref_to_message_id, self.query_id
        proc, etype = self.procedure, self.evidence_type
        mts = "null" if mt is None else '"' + _format_time(mt) + '"'
        subjects = '"' + '","'.join(self.subjects) + '"' if self.subjects else ""
        return (
            f'{{"conversation_id":{"null" if cid is None else s(cid)},'
            f'"event":{_EVENT_JSON[self.event]},'
            f'"evidence_type":{"null" if etype is None else s(etype)},'
            f'"message_id":{s(self.message_id)},'
            f'"message_time":{mts},'
            f'"outcome":{s(self.outcome)},'
            f'"procedure":{"null" if proc is None else s(proc)},'
            f'"query_id":{"null" if qid is None else s(qid)},'
            f'"receiver":{s(self.receiver)},'
            f'"ref_to_message_id":{"null" if ref is None else s(ref)},'
            f'"sender":{s(self.sender)},'
            f'"subjects":[{subjects}],'
            f'"time":"{_format_time(self.time)}",'
            f'"v":{ENTRY_VERSION},'
            f'"wire_sha256":"{self.wire_sha256}"}}'
        ).encode()

    def canonical_reference(self) -> bytes:
        """:meth:`canonical` computed by the generic JSON encoder (the definition)."""
        return _CANONICAL.encode(self.to_json()).encode("utf-8")

    @classmethod
    def from_canonical(cls, data: bytes) -> LogEntry:
        """Parse canonical bytes; refuse anything that does not re-encode identically."""
        try:
            obj = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise EntryError("entry is not UTF-8 JSON") from exc
        if not isinstance(obj, dict) or obj.get("v") != ENTRY_VERSION:
            raise EntryError(f"entry is not a version {ENTRY_VERSION} object")
        try:
            entry = cls(
                event=EventKind(obj["event"]),
                time=_parse_time(obj["time"], "time"),
                message_id=obj["message_id"],
                wire_sha256=obj["wire_sha256"],
                sender=obj["sender"],
                receiver=obj["receiver"],
                outcome=obj["outcome"],
                conversation_id=obj["conversation_id"],
                ref_to_message_id=obj["ref_to_message_id"],
                query_id=obj["query_id"],
                procedure=obj["procedure"],
                evidence_type=obj["evidence_type"],
                message_time=(
                    None
                    if obj["message_time"] is None
                    else _parse_time(obj["message_time"], "message_time")
                ),
                subjects=tuple(obj["subjects"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise EntryError(f"entry field missing or invalid: {exc}") from exc
        if entry.canonical() != data:
            raise EntryError("entry is not in canonical form")
        return entry


def entries_involving(
    entries: Iterable[tuple[int, LogEntry]], salt: bytes, scheme: str, value: str
) -> Sequence[int]:
    """Leaf indexes of the entries that involve the identifier ``(scheme, value)``.

    An empty result, over a log whose consistency has been verified, shows that
    the identifier was not involved in any recorded exchange.
    """
    digest = subject_digest(salt, scheme, value)
    return [index for index, entry in entries if digest in entry.subjects]
