"""Builders for test messages (OOTS header values as in the kit's oots-france captures)."""

from __future__ import annotations

from datetime import UTC, datetime

from gateway.ebms import (
    CollaborationInfo,
    MessageInfo,
    Party,
    PartyId,
    Property,
    Service,
    UserMessage,
)

NOW = datetime(2026, 12, 1, 9, 0, 0, 123000, tzinfo=UTC)
OOTS_PARTY_TYPE = "urn:oasis:names:tc:ebcore:partyid-type:unregistered:oots"
OOTS_ROLE = "http://sdg.europa.eu/edelivery/gateway"
OOTS_SERVICE_TYPE = "urn:oasis:names:tc:ebcore:ebrs:ebms:binding:1.0"


def oots_request(
    *,
    message_id: str = "11111111-2222-4333-8444-555555555555@de.oots",
    sender: str = "DE-OOTS-GW",
    receiver: str = "NL-OOTS-GW",
    action: str = "ExecuteQueryRequest",
    payloads: tuple = (),  # type: ignore[type-arg]
    timestamp: datetime = NOW,
) -> UserMessage:
    """An OOTS evidence request header (EDM v2.0 properties included)."""
    return UserMessage(
        message_info=MessageInfo(message_id, timestamp),
        from_party=Party((PartyId(sender, OOTS_PARTY_TYPE),), OOTS_ROLE),
        to_party=Party((PartyId(receiver, OOTS_PARTY_TYPE),), OOTS_ROLE),
        collaboration_info=CollaborationInfo(
            Service("QueryManager", OOTS_SERVICE_TYPE), action,
            "e0a6a5b7-6b2e-4b9c-9a63-8f0c6d3a1b24",
        ),
        message_properties=(
            Property("originalSender", "00000000000002", "urn:cef.eu:names:identifier:EAS:0009"),
            Property("finalRecipient", "DE73524311", "urn:cef.eu:names:identifier:EAS:9930"),
            Property("ExchangeId", "1a2b3c4d-0000-4000-8000-000000000002"),
            Property("SpecificationId", "oots-edm:v2.0"),
        ),
        payloads=payloads,
    )
