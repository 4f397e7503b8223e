"""A provider behaviour plugged into a mock AP (``--handler reply_handler:factory``).

It answers every ExecuteQueryRequest with an ExecuteQueryResponse naming the request,
the way the evidence-exchange work will plug real provider behaviour in.
"""

from __future__ import annotations

from collections.abc import Sequence

from gateway.ebms import Payload, UserMessage
from mocks.eu_peers.handlers import PeerHandler, PeerReply


class _Answer:
    def __init__(self, country: str) -> None:
        self.country = country

    def handle(self, message: UserMessage, payloads: Sequence[Payload]) -> PeerReply | None:
        if message.collaboration_info.action != "ExecuteQueryRequest":
            return None
        body = f"<Answer from='{self.country}' to='{message.message_id}'/>".encode()
        return PeerReply("ExecuteQueryResponse",
                         (Payload(f"answer@{self.country.lower()}.oots", body,
                                  "application/x-ebrs+xml"),))


def factory(country: str) -> PeerHandler:
    """The handler of the mock AP of ``country``."""
    return _Answer(country)
