"""MIME ``multipart/related`` packaging of AS4 messages (SOAP with Attachments).

Rules implemented (AS4 §5.1.1 / ebMS3 Core §5.1.2, RFC 2387, RFC 2046 §5.1, RFC 2392):

- the SOAP 1.2 envelope is the root part, ``application/soap+xml``; the package's
  ``Content-Type`` carries ``type="application/soap+xml"`` and ``start=<root cid>``;
- every payload is its own MIME part with a ``Content-ID`` (referenced as ``cid:``);
- the root part is the one named by ``start``, else the first part (RFC 2387 §3.2);
- ``Content-Transfer-Encoding`` ``binary``, ``8bit``, ``7bit`` and ``base64`` are read;
  we write ``binary`` (HTTP is 8-bit clean);
- header lines may end in CRLF or in a bare LF (kit KNOWN-DEFECTS 11);
- caps on part count, part size and total size are checked before any copy.

Every packaging fault is ``EBMS:0007 MimeInconsistency`` from the remote side.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from gateway.errors import EbmsError, EbmsErrorCode, Origin

__all__ = [
    "MimeLimits",
    "MimePart",
    "pack_mime",
    "parse_content_type",
    "unpack_mime",
]

SOAP12_MEDIA_TYPE = "application/soap+xml"
_SOAP_ROOT_TYPES = (SOAP12_MEDIA_TYPE, "text/xml")  # text/xml: SOAP 1.1 SwA roots
_MiB = 1024 * 1024
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@dataclass(frozen=True, slots=True)
class MimePart:
    """One MIME part as carried on the wire (``data`` after CTE decoding)."""

    content_id: str
    """Without angle brackets, e.g. ``part1@oots.example``."""
    content_type: str
    data: bytes
    headers: tuple[tuple[str, str], ...] = ()
    """Other MIME headers, as received (name, value)."""


@dataclass(frozen=True, slots=True)
class MimeLimits:
    """Caps for one inbound package."""

    max_parts: int = 64
    """Parts including the root."""
    max_part_bytes: int = 64 * _MiB
    max_total_bytes: int = 128 * _MiB
    max_decompressed_bytes: int = 256 * _MiB
    """All payloads of one message together after gunzip (:mod:`gateway.ebms._payloads`)."""


def _mime_error(message: str, detail: str | None = None) -> EbmsError:
    return EbmsError(message, ebms_code=EbmsErrorCode.MIME_INCONSISTENCY, origin=Origin.REMOTE,
                     detail=detail)


# ---------------------------------------------------------------------------
# Content-Type parameters (RFC 2045 §5.1, quoted strings per RFC 822)
# ---------------------------------------------------------------------------

def parse_content_type(value: str) -> tuple[str, dict[str, str]]:
    """``(media type in lower case, {parameter name in lower case: value})``."""
    text = " ".join(value.split())
    i = 0
    n = len(text)
    while i < n and text[i] != ";":
        i += 1
    media = text[:i].strip().lower()
    params: dict[str, str] = {}
    while i < n:
        i += 1  # skip ';'
        while i < n and text[i] == " ":
            i += 1
        start = i
        while i < n and text[i] not in "=;":
            i += 1
        name = text[start:i].strip().lower()
        if i >= n or text[i] == ";":
            continue  # parameter without value: ignore
        i += 1  # skip '='
        while i < n and text[i] == " ":
            i += 1
        if i < n and text[i] == '"':
            i += 1
            chars: list[str] = []
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                chars.append(text[i])
                i += 1
            i += 1  # closing quote
            val = "".join(chars)
            while i < n and text[i] != ";":
                i += 1
        else:
            start = i
            while i < n and text[i] != ";":
                i += 1
            val = text[start:i].strip()
        if name:
            params[name] = val
    return media, params


def _quote(value: str) -> str:
    if _TOKEN.match(value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _strip_cid(value: str) -> str:
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    return value


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

def _check_header_value(name: str, value: str) -> None:
    if "\r" in value or "\n" in value:
        raise ValueError(f"MIME header {name} must not contain line breaks")


def pack_mime(
    envelope: bytes,
    parts: Sequence[MimePart],
    *,
    boundary: str | None = None,
    root_content_id: str | None = None,
) -> tuple[str, bytes]:
    """Package ``envelope`` and ``parts``; returns ``(Content-Type value, body)``."""
    root_cid = root_content_id or f"root-{uuid.uuid4()}@oots-gateway"
    cids = [root_cid]
    for part in parts:
        if not part.content_id or part.content_id in cids:
            raise ValueError(f"Content-ID {part.content_id!r} is empty or repeated")
        cids.append(part.content_id)
    chosen = boundary or f"MIMEBoundary_{uuid.uuid4().hex}"  # <= 70 chars (RFC 2046 §5.1.1)
    marker = b"--" + chosen.encode("ascii")
    if marker in envelope or any(marker in p.data for p in parts):
        if boundary is not None:
            raise ValueError("the boundary occurs inside the content")
        return pack_mime(envelope, parts, root_content_id=root_cid)
    crlf = b"\r\n"
    chunks: list[bytes] = []

    def emit(headers: list[tuple[str, str]], data: bytes) -> None:
        chunks.append(marker + crlf)
        for name, value in headers:
            _check_header_value(name, value)
            chunks.append(f"{name}: {value}".encode() + crlf)
        chunks.append(crlf)
        chunks.append(data)
        chunks.append(crlf)

    emit([("Content-Type", f"{SOAP12_MEDIA_TYPE}; charset=UTF-8"),
          ("Content-Transfer-Encoding", "binary"),
          ("Content-ID", f"<{root_cid}>")], envelope)
    for part in parts:
        skip = {"content-type", "content-id", "content-transfer-encoding"}
        extra = [(k, v) for k, v in part.headers if k.lower() not in skip]
        emit([("Content-Type", part.content_type),
              ("Content-Transfer-Encoding", "binary"),
              ("Content-ID", f"<{part.content_id}>"), *extra], part.data)
    chunks.append(marker + b"--" + crlf)
    content_type = (
        f"multipart/related; boundary={_quote(chosen)}; "
        f'type="{SOAP12_MEDIA_TYPE}"; start={_quote("<" + root_cid + ">")}'
    )
    return content_type, b"".join(chunks)


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

def _split_headers(raw: bytes) -> tuple[list[tuple[str, str]], bytes]:
    """Headers of one part (CRLF or bare LF) and the remaining content."""
    m = re.search(rb"\r?\n\r?\n", raw)
    if raw.startswith((b"\r\n", b"\n")):
        head, content = b"", raw[2:] if raw.startswith(b"\r\n") else raw[1:]
    elif m is None:
        raise _mime_error("a MIME part has no blank line between its headers and its content")
    else:
        head, content = raw[: m.start()], raw[m.end():]
    headers: list[tuple[str, str]] = []
    for line in re.split(rb"\r?\n", head):
        if not line.strip():
            continue
        text = line.decode("latin-1")
        if text[0] in " \t" and headers:  # folded continuation (RFC 5322 §2.2.3)
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {text.strip()}")
            continue
        if ":" not in text:
            raise _mime_error(f"malformed MIME header line {text[:60]!r}")
        name, value = text.split(":", 1)
        headers.append((name.strip(), value.strip()))
    return headers, content


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _decode(content: bytes, cte: str | None, cid: str, limits: MimeLimits) -> bytes:
    encoding = (cte or "binary").strip().lower()
    if encoding in ("binary", "8bit", "7bit"):
        return content
    if encoding == "base64":
        if len(content) * 3 // 4 > limits.max_part_bytes + 3:
            raise _mime_error(f"part <{cid}> exceeds {limits.max_part_bytes} bytes")
        try:
            return base64.b64decode(b"".join(content.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _mime_error(f"part <{cid}> is not valid base64") from exc
    raise _mime_error(f"part <{cid}> uses unsupported Content-Transfer-Encoding {encoding!r}")


def _delimiters(body: bytes, boundary: str, max_parts: int) -> list[tuple[int, int, bool]]:
    """``(start, end, closing)`` of each delimiter line (RFC 2046 §5.1.1).

    ``start`` includes the line break before the delimiter (it belongs to the
    delimiter), ``end`` is past the line break after it. A literal search keeps
    this linear and fast on multi-megabyte binary parts.
    """
    marker = b"--" + boundary.encode("latin-1")
    found: list[tuple[int, int, bool]] = []
    pos = body.find(marker)
    while pos != -1:
        if pos == 0 or body[pos - 1] == 0x0A:  # at the start of a line
            end = pos + len(marker)
            closing = body.startswith(b"--", end)
            if closing:
                end += 2
            while end < len(body) and body[end] in (0x20, 0x09):  # transport padding
                end += 1
            if end == len(body) or body.startswith((b"\n", b"\r\n"), end):
                start = pos
                if pos >= 1 and body[pos - 1] == 0x0A:
                    start = pos - 2 if pos >= 2 and body[pos - 2] == 0x0D else pos - 1
                end += 2 if body.startswith(b"\r\n", end) else (1 if end < len(body) else 0)
                found.append((start, end, closing))
                if closing:
                    break
                if len(found) > max_parts:  # refuse before slicing anything
                    raise _mime_error(f"the message has more than {max_parts} MIME parts, "
                                      "over the cap")
        pos = body.find(marker, pos + 1)
    return found


def _raw_parts(body: bytes, boundary: str, max_parts: int) -> list[bytes]:
    positions = _delimiters(body, boundary, max_parts)
    if not positions:
        raise _mime_error(f"the boundary {boundary!r} does not occur in the body")
    if not positions[-1][2]:
        raise _mime_error("the multipart body has no closing boundary (truncated message?)")
    return [body[current[1]: following[0]]
            for current, following in itertools.pairwise(positions)]


def unpack_mime(
    content_type: str, body: bytes, *, limits: MimeLimits | None = None
) -> tuple[bytes, tuple[MimePart, ...]]:
    """Split a package into the root part's SOAP envelope and the attachments.

    A non-multipart ``application/soap+xml`` (or ``text/xml``) body is returned
    as the envelope with no attachments.
    """
    lim = limits or MimeLimits()
    if len(body) > lim.max_total_bytes:
        raise _mime_error(f"the message is {len(body)} bytes, over the cap of "
                          f"{lim.max_total_bytes}")
    media, params = parse_content_type(content_type)
    if media in _SOAP_ROOT_TYPES:
        return body, ()
    if media != "multipart/related":
        raise _mime_error(f"Content-Type {media!r} is neither multipart/related nor SOAP")
    boundary = params.get("boundary")
    if not boundary:
        raise _mime_error("multipart/related without a boundary parameter")
    raw = _raw_parts(body, boundary, lim.max_parts)
    if len(raw) > lim.max_parts:
        raise _mime_error(f"the message has {len(raw)} MIME parts, over the cap of "
                          f"{lim.max_parts}")
    parts: list[MimePart] = []
    seen: set[str] = set()
    for index, chunk in enumerate(raw):
        headers, content = _split_headers(chunk)
        cid = _strip_cid(_header(headers, "content-id") or "")
        if not cid and index > 0:
            raise _mime_error(f"MIME part {index + 1} has no Content-ID")
        if cid and cid in seen:
            raise _mime_error(f"Content-ID <{cid}> appears twice")
        seen.add(cid)
        data = _decode(content, _header(headers, "content-transfer-encoding"), cid, lim)
        if len(data) > lim.max_part_bytes:
            raise _mime_error(f"part <{cid}> is {len(data)} bytes, over the cap of "
                              f"{lim.max_part_bytes}")
        other = tuple((k, v) for k, v in headers if k.lower() not in
                      ("content-id", "content-type", "content-transfer-encoding"))
        parts.append(MimePart(cid, _header(headers, "content-type") or "text/plain", data, other))
    start = params.get("start")
    if start:
        wanted = _strip_cid(start)
        roots = [p for p in parts if p.content_id == wanted]
        if not roots:
            raise _mime_error(f"the start part <{wanted}> is not in the message")
        root = roots[0]
    else:
        root = parts[0]
    root_media, _ = parse_content_type(root.content_type)
    if root_media not in _SOAP_ROOT_TYPES:
        raise _mime_error(f"the root part is {root_media!r}, not {SOAP12_MEDIA_TYPE}")
    return root.data, tuple(p for p in parts if p is not root)
