"""Application dispatch: received user messages go to a handler chosen by Service/Action.

The worker calls :meth:`Application.handle` for an inbox message it holds under a
lease, AFTER the receipt is durable. The handler returns a :class:`Reply` (queued in
the outbox in the same transaction that marks the request ``answered``) or ``None``
(the message is only delivered: ``answered`` without a reply). A handler that raises
a :class:`~gateway.errors.GatewayError` fails the message (``failed``, the error
code recorded, visible in ``messages list``); any other exception too, as
``GW:APPLICATION``.

Exactly-once effect: a crash between ``handle`` and that commit makes the worker
call ``handle`` again after the lease expired. Handlers must therefore be
deterministic or idempotent by ``Delivery.message_id``: what counts, the reply and the
state change, is committed once. The reply's MessageId is derived from the
request's (:func:`reply_message_id`), so even a recomputed reply is the same message.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from gateway.ebms import Payload, Property, UserMessage

__all__ = [
    "Application",
    "DeliverOnly",
    "Delivery",
    "Dispatcher",
    "Handler",
    "Reply",
    "reply_message_id",
]


@dataclass(frozen=True, slots=True)
class Delivery:
    """A verified, decrypted inbound message handed to the application."""

    pk: int
    """The inbox row (``messages show PK``)."""
    message: UserMessage
    payloads: tuple[Payload, ...]
    pmode_id: str
    peer: str
    """The PMode peer name the message came from."""

    @property
    def message_id(self) -> str:
        """The ebMS MessageId (the idempotency key for handlers)."""
        return self.message.message_id

    @property
    def action(self) -> str:
        """``eb:CollaborationInfo/eb:Action``."""
        return self.message.collaboration_info.action

    @property
    def service(self) -> str:
        """``eb:CollaborationInfo/eb:Service`` value."""
        return self.message.collaboration_info.service.value


@dataclass(frozen=True, slots=True)
class Reply:
    """The answer to send back to the peer over the same PMode (``RefToMessageId`` set)."""

    action: str
    payloads: tuple[Payload, ...]
    properties: tuple[Property, ...] | None = None
    """``None``: the request's message properties with originalSender/finalRecipient swapped."""
    extra_properties: tuple[Property, ...] = field(default=())


class Application(Protocol):
    """What the node delivers inbound messages to."""

    def handle(self, delivery: Delivery) -> Reply | None:
        """Process one message; return the reply to send, or ``None``."""


Handler = Callable[[Delivery], "Reply | None"]
"""A function handling one Service/Action."""


class DeliverOnly:
    """The default application: accept every message, reply to none (operators and the
    evidence layer read the inbox from the store)."""

    def handle(self, delivery: Delivery) -> Reply | None:
        """Accept ``delivery`` without a reply."""
        return None


class Dispatcher:
    """Routes by (Service, Action), then by Action alone, then to ``fallback``."""

    def __init__(self, handlers: Mapping[tuple[str | None, str], Handler] | None = None,
                 *, fallback: Application | None = None) -> None:
        """``handlers`` keys are ``(service or None, action)``."""
        self._handlers = dict(handlers or {})
        self._fallback = fallback or DeliverOnly()

    def route(self, action: str, handler: Handler, *, service: str | None = None) -> None:
        """Register ``handler`` for ``action`` (of ``service``, or of any service)."""
        self._handlers[(service, action)] = handler

    def handle(self, delivery: Delivery) -> Reply | None:
        """Call the handler registered for the delivery's Service/Action."""
        handler = (self._handlers.get((delivery.service, delivery.action))
                   or self._handlers.get((None, delivery.action)))
        if handler is None:
            return self._fallback.handle(delivery)
        return handler(delivery)


_NAMESPACE = uuid.UUID("6f0d3c52-3c4e-4d0a-9a55-0a5e0b2f6a11")


def reply_message_id(request_message_id: str, domain: str) -> str:
    """The MessageId of the reply to ``request_message_id``: the same on every recomputation."""
    return f"{uuid.uuid5(_NAMESPACE, request_message_id)}@{domain}"


def swapped_properties(properties: Sequence[Property]) -> tuple[Property, ...]:
    """The four-corner properties of a reply: originalSender <-> finalRecipient."""
    swap = {"originalSender": "finalRecipient", "finalRecipient": "originalSender"}
    return tuple(Property(swap.get(p.name, p.name), p.value, p.type) for p in properties)
