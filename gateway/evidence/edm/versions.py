"""EDM version handling: ``SpecificationIdentifier`` first, and the ebMS header values.

Rule 1. The body's ``SpecificationIdentifier`` slot is read before anything else
        (TDD 2.0.1 README, "What changed", item 1; KNOWN-DEFECTS 1: select the rule
        set from the announced version). ``oots-edm:v1.0`` and ``oots-edm:v2.0`` are
        supported.
Rule 2. A value that is not of the form ``oots-edm:v<MAJOR>.<MINOR>`` makes the message
        invalid (EDM:ERR:0003). A well-formed identifier of another version is a
        capability this gateway does not offer (EDM:ERR:0007, UnsupportedCapability).
Rule 3. v2.0 also carries the version in the ebMS header: ``SpecificationId`` and
        ``ExchangeId`` message properties, four properties in all (R-EDM-ebMS-018),
        ``ConversationId`` and ``ExchangeId`` UUIDs (R-EDM-ebMS-017, -037), the
        literal ``oots-edm:v2.0`` (R-EDM-ebMS-038). A header ``SpecificationId`` that
        differs from the body's identifier makes the message invalid (TDD 4.7 §2.6.2).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from gateway.errors import EdmErrorCode, EvidenceError
from gateway.evidence.edm._regrep import SlotReader, child_elements, q, text_of
from gateway.namespaces import NS, EdmURI

__all__ = [
    "SPECIFICATION_ID",
    "EdmVersion",
    "ExchangeHeader",
    "check_header_matches_body",
    "is_uuid",
    "read_version",
    "version_from_identifier",
]

SPECIFICATION_ID = "SpecificationId"
"""ebMS message property carrying the EDM version (v2.0)."""
EXCHANGE_ID = "ExchangeId"
"""ebMS message property identifying one request/response round trip (v2.0)."""

_SPEC = re.compile(r"^oots-edm:v(\d+)\.(\d+)$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def is_uuid(value: str) -> bool:
    """True for an RFC 4122 textual UUID (any version, either case)."""
    return bool(_UUID.match(value))


class EdmVersion(enum.Enum):
    """The EDM lines this gateway speaks; values are the wire identifiers."""

    V1_0 = "oots-edm:v1.0"
    V2_0 = "oots-edm:v2.0"

    @property
    def preview_required_severity(self) -> str:
        """Severity URN of the EDM:ERR:0002 preview-required exception."""
        if self is EdmVersion.V1_0:
            return EdmURI.SEVERITY_PREVIEW_REQUIRED_V1
        return EdmURI.SEVERITY_PREVIEW_REQUIRED_V2

    @property
    def packaged_response(self) -> bool:
        """True when responses use the v2.0 RegistryPackage packaging (4.5.2 §2.6)."""
        return self is EdmVersion.V2_0


def version_from_identifier(
    value: str | None, *, field: str = "SpecificationIdentifier"
) -> EdmVersion:
    """Map an announced identifier to a supported version (Rule 2)."""
    if value is None:
        raise EvidenceError(
            f"{field} is missing", edm_code=EdmErrorCode.INVALID_REQUEST, field=field
        )
    text = value.strip()
    for version in EdmVersion:
        if version.value == text:
            return version
    if _SPEC.match(text):
        raise EvidenceError(
            f"EDM version {text!r} is not supported (supported: oots-edm:v1.0, oots-edm:v2.0)",
            edm_code=EdmErrorCode.UNSUPPORTED_CAPABILITY,
            field=field,
        )
    raise EvidenceError(
        f"{field} {text!r} is not an EDM specification identifier",
        edm_code=EdmErrorCode.INVALID_REQUEST,
        field=field,
    )


def read_version(root: etree._Element) -> EdmVersion:
    """Read the ``SpecificationIdentifier`` slot of a ``query:QueryRequest``/``QueryResponse``.

    Only that slot is looked at, so a message of an unknown version is refused with
    the right code before any version-specific parsing (Rule 1).
    """
    if root.tag not in (q(NS.QUERY, "QueryRequest"), q(NS.QUERY, "QueryResponse")):
        raise EvidenceError(
            f"not an EDM message: root element is {root.tag}",
            edm_code=EdmErrorCode.INVALID_REQUEST,
            field="root",
        )
    slots = SlotReader(root, where=etree.QName(root).localname)
    return version_from_identifier(slots.string("SpecificationIdentifier"))


@dataclass(frozen=True, slots=True)
class ExchangeHeader:
    """The ebMS ``UserMessage`` values the EDM layer reads and the AS4 layer writes.

    ``conversation_id`` spans the user's session; ``exchange_id`` names one
    request/response round trip, reused by the second request of a preview
    (TDD 2.0.1 README, "What changed", items 2 and 6).
    """

    conversation_id: str
    specification_id: str | None = None
    exchange_id: str | None = None

    @classmethod
    def for_version(
        cls, version: EdmVersion, *, conversation_id: str, exchange_id: str | None = None
    ) -> ExchangeHeader:
        """The header values to send with a message of ``version`` (checked by Rule 3)."""
        header = cls(
            conversation_id=conversation_id,
            specification_id=version.value if version is EdmVersion.V2_0 else None,
            exchange_id=exchange_id if version is EdmVersion.V2_0 else None,
        )
        check_header_matches_body(header, version)
        return header

    def message_properties(self) -> tuple[tuple[str, str], ...]:
        """The ``eb:Property`` name/value pairs the AS4 layer adds next to
        ``originalSender`` and ``finalRecipient``."""
        out: list[tuple[str, str]] = []
        if self.exchange_id is not None:
            out.append((EXCHANGE_ID, self.exchange_id))
        if self.specification_id is not None:
            out.append((SPECIFICATION_ID, self.specification_id))
        return tuple(out)

    @classmethod
    def from_properties(
        cls, *, conversation_id: str, properties: Mapping[str, str]
    ) -> ExchangeHeader:
        """Build from a ConversationId and the ``eb:MessageProperties`` as a mapping."""
        return cls(
            conversation_id=conversation_id.strip(),
            specification_id=properties.get(SPECIFICATION_ID),
            exchange_id=properties.get(EXCHANGE_ID),
        )

    @classmethod
    def from_messaging(cls, messaging: etree._Element) -> tuple[ExchangeHeader, int]:
        """Read an ``eb:Messaging`` (or ``eb:UserMessage``) element.

        Returns the header and the number of ``eb:Property`` elements (R-EDM-ebMS-018).
        Prefixes vary between Domibus responses (KNOWN-DEFECTS 16): URIs are bound.
        """
        um = messaging
        if messaging.tag == q(NS.EB, "Messaging"):
            found = messaging.find(q(NS.EB, "UserMessage"))
            if found is None:
                raise EvidenceError(
                    "eb:Messaging holds no eb:UserMessage", field="eb:UserMessage"
                )
            um = found
        conv = um.find(f"{q(NS.EB, 'CollaborationInfo')}/{q(NS.EB, 'ConversationId')}")
        if conv is None or not text_of(conv):
            raise EvidenceError("eb:ConversationId is missing", field="ConversationId")
        props: dict[str, str] = {}
        count = 0
        mp = um.find(q(NS.EB, "MessageProperties"))
        for prop in [] if mp is None else child_elements(mp):
            if prop.tag != q(NS.EB, "Property"):
                continue
            count += 1
            name = prop.get("name")
            if name is not None:
                if name in props:
                    raise EvidenceError(f"eb:Property {name!r} occurs twice", field=name)
                props[name] = text_of(prop)
        return cls.from_properties(conversation_id=text_of(conv), properties=props), count


def check_header_matches_body(
    header: ExchangeHeader, body: EdmVersion, *, property_count: int | None = None
) -> None:
    """Refuse an ebMS header that does not fit the body's version (Rule 3).

    ``property_count`` is the number of ``eb:Property`` elements, when known.
    """

    def bad(message: str, field: str) -> EvidenceError:
        return EvidenceError(message, edm_code=EdmErrorCode.INVALID_REQUEST, field=field)

    if body is EdmVersion.V1_0:
        if header.specification_id is not None and header.specification_id != body.value:
            raise bad(
                f"ebMS SpecificationId {header.specification_id!r} does not match the body "
                f"({body.value})",
                SPECIFICATION_ID,
            )
        return
    # R-EDM-ebMS-038: the literal of this version.
    if header.specification_id is None:
        raise bad("ebMS property SpecificationId is missing (R-EDM-ebMS-018)", SPECIFICATION_ID)
    if header.specification_id != body.value:
        raise bad(
            f"ebMS SpecificationId {header.specification_id!r} does not match the body "
            f"({body.value}) (TDD 4.7 §2.6.2, R-EDM-ebMS-038)",
            SPECIFICATION_ID,
        )
    if header.exchange_id is None:
        raise bad("ebMS property ExchangeId is missing (R-EDM-ebMS-018)", EXCHANGE_ID)
    if not is_uuid(header.exchange_id):
        raise bad(f"ExchangeId {header.exchange_id!r} is not a UUID (R-EDM-ebMS-037)", EXCHANGE_ID)
    if not is_uuid(header.conversation_id):
        raise bad(
            f"ConversationId {header.conversation_id!r} is not a UUID (R-EDM-ebMS-017)",
            "ConversationId",
        )
    if property_count is not None and property_count != 4:
        raise bad(
            f"v2.0 requires exactly 4 eb:Property elements, found {property_count} "
            "(R-EDM-ebMS-018)",
            "MessageProperties",
        )
