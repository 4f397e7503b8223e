"""Recognise a captured AS4 message in the forms operators and test kits store.

Forms (detected in this order, after removing a UTF-8 byte-order mark):

``http``      an HTTP request or response dump: start line (``POST ...``/``HTTP/1.1 ...``)
              or header lines, a blank line, then the body; the ``Content-Type``
              header decides. ``Transfer-Encoding`` is ignored (captures are de-chunked).
``mime``      a MIME entity with headers (``MIME-Version``/``Content-Type``) then the body.
``mime-body`` a bare multipart body starting with ``--boundary``; the boundary is
              taken from that first delimiter line.
``soap``      a bare SOAP envelope (starts with ``<``).

Bytes in, frozen value out; the CLI reads the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gateway.ebms._mime import MimeLimits, MimePart, unpack_mime
from gateway.errors import EbmsError, EbmsErrorCode, Origin

__all__ = ["Capture", "read_capture"]

_BOM = b"\xef\xbb\xbf"
_START_LINE = re.compile(rb"^(?:[A-Z]+ \S+ HTTP/\d\.\d|HTTP/\d(?:\.\d)? \d{3}[^\r\n]*)\r?\n")
_HEADER_LINE = re.compile(rb"^[A-Za-z0-9-]+:[^\r\n]*\r?\n")


@dataclass(frozen=True, slots=True)
class Capture:
    """A captured message split into its SOAP envelope and MIME attachments."""

    form: str
    """``http``, ``mime``, ``mime-body`` or ``soap``."""
    content_type: str | None
    """The package Content-Type (given, found in headers, or reconstructed)."""
    envelope: bytes
    attachments: tuple[MimePart, ...]
    headers: tuple[tuple[str, str], ...] = ()
    """Transport or MIME entity headers found in the capture."""


def _split_head(data: bytes) -> tuple[list[tuple[str, str]], bytes] | None:
    m = re.search(rb"\r?\n\r?\n", data)
    if m is None:
        return None
    head = data[: m.start()]
    headers: list[tuple[str, str]] = []
    for line in re.split(rb"\r?\n", head):
        text = line.decode("latin-1")
        if not text.strip():
            continue
        if text[0] in " \t" and headers:
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {text.strip()}")
        elif ":" in text and not text.startswith(("<", "--")):
            name, value = text.split(":", 1)
            headers.append((name.strip(), value.strip()))
        elif not headers and _START_LINE.match(line + b"\n"):
            headers.append((":start-line", text.strip()))
        else:
            return None
    return headers, data[m.end():]


def read_capture(
    data: bytes, *, content_type: str | None = None, limits: MimeLimits | None = None
) -> Capture:
    """Split ``data`` (see the module docstring for the recognised forms)."""
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    if content_type is not None:
        envelope, parts = unpack_mime(content_type, data, limits=limits)
        return Capture("mime-body" if parts else "soap", content_type, envelope, parts)
    stripped = data.lstrip(b"\r\n\t ")
    if _START_LINE.match(stripped) or _HEADER_LINE.match(stripped):
        split = _split_head(stripped)
        if split is not None:
            headers, body = split
            ctype = next((v for k, v in headers if k.lower() == "content-type"), None)
            if ctype is None:
                raise EbmsError("the captured headers have no Content-Type",
                                ebms_code=EbmsErrorCode.MIME_INCONSISTENCY, origin=Origin.REMOTE)
            form = "http" if (headers and headers[0][0] == ":start-line") or not any(
                k.lower() == "mime-version" for k, _ in headers) else "mime"
            envelope, parts = unpack_mime(ctype, body, limits=limits)
            return Capture(form, ctype, envelope, parts, tuple(headers))
    if stripped.startswith(b"--"):
        first = stripped.split(b"\n", 1)[0].rstrip(b"\r").rstrip()
        boundary = first[2:].decode("latin-1")
        if len(boundary) > 70:  # RFC 2046 §5.1.1: 1 to 70 characters
            raise EbmsError(
                "the first line starts with '--' but is not a MIME delimiter: its boundary "
                f"would be {len(boundary)} characters, RFC 2046 allows 70 (an escaped dump?)",
                ebms_code=EbmsErrorCode.MIME_INCONSISTENCY, origin=Origin.REMOTE)
        ctype = f'multipart/related; boundary="{boundary}"; type="application/soap+xml"'
        envelope, parts = unpack_mime(ctype, stripped, limits=limits)
        return Capture("mime-body", ctype, envelope, parts)
    return Capture("soap", None, data, ())
