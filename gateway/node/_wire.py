"""Stored form of an AS4 message: a MIME entity (headers + the HTTP body), internal.

The store keeps raw bytes only; a multipart body cannot be read without its
boundary, so the node stores ``Content-Type``/``MIME-Version`` lines before the
exact HTTP body (the ``mime`` capture form of :func:`gateway.ebms.read_capture`,
readable by ``oots-gateway as4 inspect``).
"""

from __future__ import annotations

from gateway.store import StoreError

__all__ = ["join_wire", "split_wire"]

_SEPARATOR = b"\r\n\r\n"


def join_wire(content_type: str, body: bytes) -> bytes:
    """Headers + body, as stored."""
    if "\r" in content_type or "\n" in content_type:
        raise StoreError("a Content-Type with a line break cannot be stored")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0".encode("latin-1")
    return head + _SEPARATOR + body


def split_wire(raw: bytes) -> tuple[str, bytes]:
    """The Content-Type and the HTTP body of a stored message."""
    head, sep, body = raw.partition(_SEPARATOR)
    if not sep or not head.startswith(b"Content-Type: "):
        raise StoreError("stored message bytes are not in the node's stored form")
    first = head.split(b"\r\n", 1)[0]
    return first[len(b"Content-Type: "):].decode("latin-1"), body
