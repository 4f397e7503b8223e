"""AS4 compression feature (AS4 profile §3.1): gzip per payload part.

- The sender gzips each payload (RFC 1952), sets the PartProperty
  ``CompressionType=application/gzip`` and keeps ``MimeType`` = the media type of
  the *uncompressed* payload; the MIME part itself is ``application/gzip``.
- Order on sending is compress -> sign -> encrypt; on receiving decrypt -> verify
  -> decompress (AS4 §3.1, ebMS3 Core §7.6).
- A part that cannot be decompressed raises ``EBMS:0303 DecompressionFailure``.

Decompression is incremental with a hard output cap, so a decompression bomb
costs at most ``max_bytes`` + one chunk of memory before it is refused.
"""

from __future__ import annotations

import gzip
import zlib

from gateway.ebms._model import GZIP
from gateway.errors import EbmsError, EbmsErrorCode, Origin

__all__ = ["GZIP", "compress", "decompress"]

_CHUNK = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


def compress(data: bytes) -> bytes:
    """gzip ``data`` deterministically (no file name, mtime 0)."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def _failure(message: str, ref: str | None) -> EbmsError:
    return EbmsError(message, ebms_code=EbmsErrorCode.DECOMPRESSION_FAILURE,
                     origin=Origin.REMOTE, ref_to_message_id=ref)


def decompress(
    data: bytes,
    *,
    max_bytes: int,
    what: str = "payload",
    ref_to_message_id: str | None = None,
) -> bytes:
    """gunzip ``data`` (all members), refusing output beyond ``max_bytes``."""
    if not data.startswith(_GZIP_MAGIC):
        raise _failure(f"{what} is marked {GZIP} but is not gzip data", ref_to_message_id)
    out = bytearray()
    pending = data
    while pending:
        engine = zlib.decompressobj(wbits=31)  # 31 = gzip container only
        buf = pending
        try:
            while True:
                # max_length bounds every step: at most one chunk beyond the cap.
                chunk = engine.decompress(buf, _CHUNK)
                out += chunk
                if len(out) > max_bytes:
                    raise _failure(
                        f"{what} decompresses to more than {max_bytes} bytes "
                        "(decompression bomb?)", ref_to_message_id)
                buf = engine.unconsumed_tail
                if engine.eof:
                    break
                if not buf and not chunk:
                    raise _failure(f"{what} is truncated gzip data", ref_to_message_id)
        except zlib.error as exc:
            raise _failure(f"{what} is not valid gzip data: {exc}", ref_to_message_id) from exc
        rest = engine.unused_data
        if rest and not rest.startswith(_GZIP_MAGIC):
            if rest.strip(b"\x00"):
                raise _failure(f"{what} has trailing garbage after the gzip data",
                               ref_to_message_id)
            break
        pending = rest
    return bytes(out)
