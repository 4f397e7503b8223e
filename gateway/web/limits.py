"""Inbound body-size limit (``Settings.max_message_bytes``), as a pure ASGI middleware.

The limit is enforced while the body is read, whether or not the client sent a
``Content-Length``: the wrapped ``receive`` raises :class:`BodyTooLarge` inside the
endpoint, so the error goes through the app's handlers (HTTP 413) like any other.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import InvalidInput

__all__ = ["BodySizeLimit", "BodyTooLarge"]


class BodyTooLarge(InvalidInput):
    """The request body exceeds ``Settings.max_message_bytes``."""

    default_code = "GW:BODY-TOO-LARGE"


class BodySizeLimit:
    """Refuse request bodies larger than ``max_bytes``."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap ``receive`` of HTTP requests with the byte count."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            if declared is not None and declared.isdigit() and int(declared) > limit:
                raise BodyTooLarge(
                    f"request body of {int(declared)} bytes exceeds the limit of {limit} bytes"
                )
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(f"request body exceeds the limit of {limit} bytes")
            return message

        await self.app(scope, limited, send)
