"""Payloads <-> (PayloadInfo, MIME parts): build on sending, match and open on receiving.

Receiving rules (ebMS3 Core §5.2.2.13, §6.7.1; AS4 §3.1, §5.1.1):

- every ``PartInfo/@href`` is ``cid:`` + the Content-ID of exactly one MIME part,
  and every MIME attachment is referenced by one PartInfo -> else ``EBMS:0007``;
- a PartInfo without href (SOAP Body payload) is refused with ``EBMS:0007`` (AS4
  carries payloads as MIME parts only); any other URI scheme is ``EBMS:0011``;
- ``CompressionType=application/gzip`` parts are gunzipped with a shared output
  budget (:attr:`MimeLimits.max_decompressed_bytes`); another CompressionType, a
  missing MimeType on a compressed part or bad gzip -> ``EBMS:0303``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from gateway.ebms._compression import compress, decompress
from gateway.ebms._mime import MimeLimits, MimePart
from gateway.ebms._model import (
    CHARACTER_SET,
    COMPRESSION_TYPE,
    GZIP,
    MIME_TYPE,
    PartInfo,
    Property,
    UserMessage,
)
from gateway.errors import EbmsError, EbmsErrorCode, Origin

__all__ = ["Payload", "match_parts", "open_payloads", "package_payloads"]


@dataclass(frozen=True, slots=True)
class Payload:
    """An application payload as the backend sees it (uncompressed)."""

    content_id: str
    data: bytes
    mime_type: str
    character_set: str | None = None
    properties: tuple[Property, ...] = ()
    """Further PartProperties to carry (not MimeType/CompressionType/CharacterSet)."""


def package_payloads(
    payloads: Sequence[Payload], *, compress_parts: bool
) -> tuple[tuple[PartInfo, ...], tuple[MimePart, ...]]:
    """PartInfos for the header and the MIME parts to sign/encrypt (compressed if asked)."""
    infos: list[PartInfo] = []
    parts: list[MimePart] = []
    for p in payloads:
        props = [Property(MIME_TYPE, p.mime_type)]
        if p.character_set is not None:
            props.append(Property(CHARACTER_SET, p.character_set))
        if compress_parts:
            props.append(Property(COMPRESSION_TYPE, GZIP))
        props.extend(p.properties)
        infos.append(PartInfo(href=f"cid:{p.content_id}", properties=tuple(props)))
        if compress_parts:
            parts.append(MimePart(p.content_id, GZIP, compress(p.data)))
        else:
            parts.append(MimePart(p.content_id, p.mime_type, p.data))
    return tuple(infos), tuple(parts)


def _mime_error(message: str, ref: str, code: EbmsErrorCode = EbmsErrorCode.MIME_INCONSISTENCY
                ) -> EbmsError:
    return EbmsError(message, ebms_code=code, origin=Origin.REMOTE, ref_to_message_id=ref)


def match_parts(
    message: UserMessage, attachments: Sequence[MimePart]
) -> tuple[tuple[PartInfo, MimePart], ...]:
    """Pair each PartInfo with its MIME part (see the module rules)."""
    ref = message.message_id
    by_cid: dict[str, MimePart] = {}
    for part in attachments:
        by_cid[part.content_id] = part
    used: set[str] = set()
    pairs: list[tuple[PartInfo, MimePart]] = []
    for info in message.payloads:
        if info.href is None:
            raise _mime_error("a PartInfo without href refers to the SOAP Body; AS4 carries "
                              "payloads as MIME attachments only", ref)
        cid = info.content_id
        if cid is None:
            raise _mime_error(f"PartInfo href {info.href!r} is not a cid: reference", ref,
                              EbmsErrorCode.EXTERNAL_PAYLOAD_ERROR)
        found = by_cid.get(cid) or by_cid.get(unquote(cid))  # RFC 2392 allows %-encoding
        if found is None:
            raise _mime_error(f"PartInfo {info.href} has no MIME part with that Content-ID", ref)
        used.add(found.content_id)
        pairs.append((info, found))
    extra = [p.content_id for p in attachments if p.content_id not in used]
    if extra:
        raise _mime_error(f"MIME part(s) {', '.join('<' + c + '>' for c in extra)} are not "
                          "referenced by any PartInfo", ref)
    return tuple(pairs)


def open_payloads(
    message: UserMessage, attachments: Sequence[MimePart], *, limits: MimeLimits | None = None
) -> tuple[Payload, ...]:
    """Match parts to PartInfos and decompress; call on decrypted, verified parts."""
    lim = limits or MimeLimits()
    budget = lim.max_decompressed_bytes
    out: list[Payload] = []
    for info, part in match_parts(message, attachments):
        ctype = info.compression_type
        data = part.data
        if ctype is not None:
            if ctype.strip().lower() != GZIP:
                raise _mime_error(f"PartInfo {info.href}: CompressionType {ctype!r} is not "
                                  f"{GZIP} (AS4 §3.1)", message.message_id,
                                  EbmsErrorCode.DECOMPRESSION_FAILURE)
            if info.mime_type is None:
                raise _mime_error(f"PartInfo {info.href} is compressed but has no MimeType "
                                  "PartProperty (AS4 §3.1)", message.message_id,
                                  EbmsErrorCode.DECOMPRESSION_FAILURE)
            data = decompress(data, max_bytes=budget, what=f"part <{part.content_id}>",
                              ref_to_message_id=message.message_id)
            budget -= len(data)
        mime = info.mime_type or part.content_type
        extra = tuple(p for p in info.properties
                      if p.name not in (MIME_TYPE, COMPRESSION_TYPE, CHARACTER_SET))
        out.append(Payload(part.content_id, data, mime, info.character_set, extra))
    return tuple(out)
