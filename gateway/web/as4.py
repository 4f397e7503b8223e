"""The AS4 endpoint: ``POST /as4`` (multipart/related SwA, SOAP 1.2; AS4 §5.1).

The body goes to :meth:`gateway.node.Node.accept`; the answer is the signed receipt
(``replyPattern=response``: the receipt travels in the HTTP response, 200,
``application/soap+xml``). A duplicate MessageId gets the ORIGINAL receipt bytes. A
refusal is an ``EbmsError``: it is rendered by :func:`gateway.web.errors.to_wire`
(the one mapping: ebMS error signal in a SOAP 1.2 Fault, 400 when the sender is at
fault, 500 when we are), recorded in the exchange log as ``error-sent``, and
answered; nothing is half-written. Other failures go to the app's handlers.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from gateway.errors import EbmsError
from gateway.node import Node
from gateway.web.errors import to_wire

__all__ = ["AS4_PATH", "as4_router"]

AS4_PATH = "/as4"
"""Where peers push AS4 messages (the PMode ``endpoint`` of this node)."""


def as4_router(node: Node) -> APIRouter:
    """The router with the AS4 endpoint of ``node``."""
    router = APIRouter()

    @router.post(AS4_PATH)
    async def as4_endpoint(request: Request) -> Response:
        """Receive one pushed AS4 user message; answer with its receipt."""
        body = await request.body()
        content_type = request.headers.get("content-type", "")
        try:
            accepted = await run_in_threadpool(node.accept, content_type, body)
        except EbmsError as exc:
            if not exc.is_remote:
                raise  # our fault: the app's handler logs the incident and answers 500
            now = node.clock()
            message_id = f"{uuid.uuid4()}@{node.config.receipt_domain}"
            wire = to_wire(exc, now=now, message_id=message_id, incident=uuid.uuid4().hex[:12])
            await run_in_threadpool(
                node.log.error, message_id=message_id, ref_to_message_id=exc.ref_to_message_id,
                wire=wire.body, code=exc.code, sender=node.config.party_id,
                receiver="unknown", sent=True, now=now)
            return Response(wire.body, status_code=wire.status, media_type=wire.media_type,
                            headers=wire.headers)
        return Response(accepted.receipt, status_code=200, media_type=accepted.content_type)

    return router
