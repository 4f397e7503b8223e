"""Frozen, typed ebMS3 message headers (ebMS3 Core §5.2, AS4 profile, OOTS TDD).

Every value object validates itself in ``__post_init__`` so that a model that
exists is a model that may be written to the wire ("strict writing"). Parsers
(:mod:`gateway.ebms._read`) normalise lenient input first (trimmed text,
``severity="Failure"``, empty attributes) and then build these objects; a
validation failure while parsing becomes ``EBMS:0009 InvalidHeader`` from the
remote side, a failure while building locally names the field and is ours.

Signal content (Receipt, Error, PullRequest) lives in :mod:`gateway.ebms._signal_model`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from gateway.errors import EbmsError, EbmsErrorCode, Origin

__all__ = [
    "DEFAULT_MPC",
    "AgreementRef",
    "CollaborationInfo",
    "InvalidEbmsValue",
    "MessageInfo",
    "PartInfo",
    "Party",
    "PartyId",
    "Property",
    "Service",
    "UserMessage",
    "format_timestamp",
]

DEFAULT_MPC = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/defaultMPC"
"""ebMS3 Core §3.4.1: the default message partition channel."""

# Well-known MessageProperty and PartProperty names.
ORIGINAL_SENDER = "originalSender"
FINAL_RECIPIENT = "finalRecipient"
SPECIFICATION_ID = "SpecificationId"
EXCHANGE_ID = "ExchangeId"
MIME_TYPE = "MimeType"
COMPRESSION_TYPE = "CompressionType"
CHARACTER_SET = "CharacterSet"
GZIP = "application/gzip"
"""AS4 §3.1 compression feature: the only CompressionType value."""

# RFC 2822 msg-id without angle brackets (ebMS3 Core §5.2.2.1): printable, no
# whitespace, no angle brackets. We are lenient on the local part's grammar.
_MESSAGE_ID = re.compile(r"^[^\s<>]+$")
_MIME_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\s*;.*)?$")


class InvalidEbmsValue(EbmsError):
    """A model field holds a value the ebMS3 schema or the AS4 profile forbids.

    ``field`` names the model field (dotted path) at fault. Raised by builders
    with origin LOCAL; parsers re-raise it as ``EBMS:0009`` from the REMOTE side.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str,
        ebms_code: EbmsErrorCode = EbmsErrorCode.INVALID_HEADER,
        origin: Origin = Origin.LOCAL,
        ref_to_message_id: str | None = None,
    ) -> None:
        super().__init__(
            f"{field}: {message}",
            ebms_code=ebms_code,
            origin=origin,
            ref_to_message_id=ref_to_message_id,
        )
        self.field = field


def _require_text(value: object, name: str) -> None:
    if not isinstance(value, str):
        raise InvalidEbmsValue(f"must be a string, got {type(value).__name__}", field=name)
    if not value.strip():
        raise InvalidEbmsValue("must not be empty", field=name)
    if value != value.strip():
        raise InvalidEbmsValue("must not start or end with whitespace", field=name)


def _optional_text(value: object, name: str) -> None:
    if value is not None:
        _require_text(value, name)


def format_timestamp(ts: datetime) -> str:
    """ebMS3 Core §5.2.2.2: xsd:dateTime in UTC with a ``Z``.

    Milliseconds (as Domibus writes them), or microseconds when they are not zero.
    """
    utc = ts.astimezone(UTC)
    base = (f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
            f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}")
    if utc.microsecond % 1000:
        return f"{base}.{utc.microsecond:06d}Z"
    return f"{base}.{utc.microsecond // 1000:03d}Z"


@dataclass(frozen=True, slots=True)
class PartyId:
    """``eb:PartyId`` (ebMS3 Core §5.2.2.4); OOTS: the Access Point id and its type."""

    value: str
    type: str | None = None

    def __post_init__(self) -> None:
        _require_text(self.value, "PartyId")
        _optional_text(self.type, "PartyId@type")


@dataclass(frozen=True, slots=True)
class Party:
    """``eb:From`` / ``eb:To``: one or more PartyIds and exactly one Role."""

    party_ids: tuple[PartyId, ...]
    role: str

    def __post_init__(self) -> None:
        if not isinstance(self.party_ids, tuple) or not self.party_ids:
            raise InvalidEbmsValue("at least one PartyId is required", field="Party.PartyId")
        for pid in self.party_ids:
            if not isinstance(pid, PartyId):
                raise InvalidEbmsValue("must hold PartyId values", field="Party.PartyId")
        _require_text(self.role, "Party.Role")

    @property
    def party_id(self) -> PartyId:
        """The first (in AS4 practice the only) PartyId."""
        return self.party_ids[0]


@dataclass(frozen=True, slots=True)
class MessageInfo:
    """``eb:MessageInfo`` (ebMS3 Core §5.2.2.1)."""

    message_id: str
    timestamp: datetime
    ref_to_message_id: str | None = None

    def __post_init__(self) -> None:
        _require_text(self.message_id, "MessageInfo.MessageId")
        if not _MESSAGE_ID.match(self.message_id):
            raise InvalidEbmsValue(
                "must be an RFC 2822 msg-id without angle brackets or whitespace",
                field="MessageInfo.MessageId",
            )
        if not isinstance(self.timestamp, datetime) or self.timestamp.utcoffset() != timedelta(0):
            raise InvalidEbmsValue("must be an aware UTC datetime", field="MessageInfo.Timestamp")
        _optional_text(self.ref_to_message_id, "MessageInfo.RefToMessageId")


@dataclass(frozen=True, slots=True)
class AgreementRef:
    """``eb:AgreementRef`` with optional ``@type`` and ``@pmode`` (ebMS3 Core §5.2.2.7)."""

    value: str
    type: str | None = None
    pmode: str | None = None

    def __post_init__(self) -> None:
        _require_text(self.value, "CollaborationInfo.AgreementRef")
        _optional_text(self.type, "AgreementRef@type")
        _optional_text(self.pmode, "AgreementRef@pmode")


@dataclass(frozen=True, slots=True)
class Service:
    """``eb:Service`` with optional ``@type`` (ebMS3 Core §5.2.2.8)."""

    value: str
    type: str | None = None

    def __post_init__(self) -> None:
        _require_text(self.value, "CollaborationInfo.Service")
        _optional_text(self.type, "Service@type")


@dataclass(frozen=True, slots=True)
class CollaborationInfo:
    """``eb:CollaborationInfo`` (ebMS3 Core §5.2.2.6)."""

    service: Service
    action: str
    conversation_id: str
    agreement_ref: AgreementRef | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.service, Service):
            raise InvalidEbmsValue("must be a Service", field="CollaborationInfo.Service")
        _require_text(self.action, "CollaborationInfo.Action")
        _require_text(self.conversation_id, "CollaborationInfo.ConversationId")


@dataclass(frozen=True, slots=True)
class Property:
    """``eb:Property`` in MessageProperties or PartProperties (name, value, ``@type``)."""

    name: str
    value: str
    type: str | None = None

    def __post_init__(self) -> None:
        _require_text(self.name, "Property@name")
        if not isinstance(self.value, str):
            raise InvalidEbmsValue("must be a string", field=f"Property[{self.name}]")
        _optional_text(self.type, f"Property[{self.name}]@type")


def _find(props: tuple[Property, ...], name: str) -> Property | None:
    for prop in props:
        if prop.name == name:
            return prop
    return None


_SINGLE_VALUED = frozenset(
    {ORIGINAL_SENDER, FINAL_RECIPIENT, SPECIFICATION_ID, EXCHANGE_ID,
     MIME_TYPE, COMPRESSION_TYPE, CHARACTER_SET}
)
"""Property names that must not repeat: a second value would be ambiguous.
The ebMS3 schema itself allows repeated names (seen in AS4.NET samples)."""


def _check_unique(props: tuple[Property, ...], where: str) -> None:
    seen: set[str] = set()
    for prop in props:
        if not isinstance(prop, Property):
            raise InvalidEbmsValue("must hold Property values", field=where)
        if prop.name in seen and prop.name in _SINGLE_VALUED:
            raise InvalidEbmsValue(f"property {prop.name!r} appears twice", field=where)
        seen.add(prop.name)


@dataclass(frozen=True, slots=True)
class PartInfo:
    """``eb:PartInfo`` (ebMS3 Core §5.2.2.13): ``href`` plus PartProperties.

    ``href`` is ``cid:<content-id>`` for SwA attachments; ``None`` means the SOAP
    Body (not used by AS4/OOTS, where every payload is a MIME part).
    """

    href: str | None
    properties: tuple[Property, ...] = ()

    def __post_init__(self) -> None:
        _optional_text(self.href, "PartInfo@href")
        if not isinstance(self.properties, tuple):
            raise InvalidEbmsValue("must be a tuple", field="PartInfo.PartProperties")
        _check_unique(self.properties, f"PartInfo[{self.href}].PartProperties")
        mime = _find(self.properties, MIME_TYPE)
        if mime is not None and not _MIME_TYPE.match(mime.value):
            raise InvalidEbmsValue(
                f"{mime.value!r} is not a media type", field=f"PartInfo[{self.href}].MimeType"
            )

    @property
    def content_id(self) -> str | None:
        """The Content-ID this part refers to (``href`` without ``cid:``), if a cid: URI."""
        if self.href is not None and self.href.lower().startswith("cid:"):
            return self.href[4:]
        return None

    def property_value(self, name: str) -> str | None:
        """The value of the PartProperty ``name``, if present."""
        prop = _find(self.properties, name)
        return prop.value if prop else None

    @property
    def mime_type(self) -> str | None:
        """``MimeType`` of the (uncompressed) payload."""
        return self.property_value(MIME_TYPE)

    @property
    def compression_type(self) -> str | None:
        """``CompressionType`` (AS4 §3.1): ``application/gzip`` or absent."""
        return self.property_value(COMPRESSION_TYPE)

    @property
    def character_set(self) -> str | None:
        """``CharacterSet`` of a textual payload."""
        return self.property_value(CHARACTER_SET)


@dataclass(frozen=True, slots=True)
class UserMessage:
    """``eb:UserMessage`` (ebMS3 Core §5.2.2)."""

    message_info: MessageInfo
    from_party: Party
    to_party: Party
    collaboration_info: CollaborationInfo
    message_properties: tuple[Property, ...] = ()
    payloads: tuple[PartInfo, ...] = ()
    mpc: str | None = None
    """``@mpc``; ``None`` means the default MPC (attribute omitted)."""
    extra: tuple[str, ...] = field(default=(), compare=False)
    """Clark names of unknown child elements met while parsing (kept for operators)."""

    def __post_init__(self) -> None:
        checks: tuple[tuple[object, type, str], ...] = (
            (self.message_info, MessageInfo, "MessageInfo"),
            (self.from_party, Party, "PartyInfo.From"),
            (self.to_party, Party, "PartyInfo.To"),
            (self.collaboration_info, CollaborationInfo, "CollaborationInfo"),
        )
        for value, kind, name in checks:
            if not isinstance(value, kind):
                raise InvalidEbmsValue(f"must be a {kind.__name__}", field=name)
        if not isinstance(self.message_properties, tuple):
            raise InvalidEbmsValue("must be a tuple", field="MessageProperties")
        _check_unique(self.message_properties, "MessageProperties")
        if not isinstance(self.payloads, tuple):
            raise InvalidEbmsValue("must be a tuple", field="PayloadInfo")
        hrefs: set[str | None] = set()
        for part in self.payloads:
            if not isinstance(part, PartInfo):
                raise InvalidEbmsValue("must hold PartInfo values", field="PayloadInfo")
            if part.href in hrefs:
                raise InvalidEbmsValue(f"href {part.href!r} appears twice", field="PayloadInfo")
            hrefs.add(part.href)
        _optional_text(self.mpc, "UserMessage@mpc")

    @property
    def message_id(self) -> str:
        """Shortcut for ``message_info.message_id``."""
        return self.message_info.message_id

    def get_property(self, name: str) -> Property | None:
        """The MessageProperty ``name``, if present."""
        return _find(self.message_properties, name)

    @property
    def original_sender(self) -> Property | None:
        """Four-corner ``originalSender`` (C1), value and type."""
        return self.get_property(ORIGINAL_SENDER)

    @property
    def final_recipient(self) -> Property | None:
        """Four-corner ``finalRecipient`` (C4), value and type."""
        return self.get_property(FINAL_RECIPIENT)

    @property
    def specification_id(self) -> str | None:
        """OOTS EDM v2.0 ``SpecificationId`` (e.g. ``oots-edm:v2.0``)."""
        prop = self.get_property(SPECIFICATION_ID)
        return prop.value if prop else None

    @property
    def exchange_id(self) -> str | None:
        """OOTS EDM v2.0 ``ExchangeId`` (UUID shared by a request and its answer)."""
        prop = self.get_property(EXCHANGE_ID)
        return prop.value if prop else None

    @property
    def effective_mpc(self) -> str:
        """The MPC, with the default filled in."""
        return self.mpc or DEFAULT_MPC
