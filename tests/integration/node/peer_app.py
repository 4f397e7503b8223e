"""The test application of both test nodes: answers requests, records every call.

``ExecuteQueryRequest`` -> an ``ExecuteQueryResponse`` naming the request; any other
action is only delivered. Each call of a handler appends the MessageId to
``<var_dir>/handled.log`` (to see re-invocations after a crash; the effect that
counts, the committed reply, is asserted against the database).
"""

from __future__ import annotations

from gateway.ebms import Payload
from gateway.node import Delivery, Dispatcher, Reply
from gateway.settings import Settings


def factory(settings: Settings) -> Dispatcher:
    """The dispatcher of a test node."""
    calls = settings.var_dir / "handled.log"

    def record(delivery: Delivery) -> None:
        with calls.open("a", encoding="utf-8") as out:
            out.write(delivery.message_id + "\n")

    def answer(delivery: Delivery) -> Reply:
        record(delivery)
        text = f"<Response to='{delivery.message_id}' size='{len(delivery.payloads[0].data)}'/>"
        return Reply("ExecuteQueryResponse",
                     (Payload("response@test.oots", text.encode(), "application/x-ebrs+xml"),))

    dispatcher = Dispatcher()
    dispatcher.route("ExecuteQueryRequest", answer)
    dispatcher.route("ExecuteQueryResponse", lambda d: record(d))
    return dispatcher
