"""MIME multipart/related packaging: round trips, reading variants, caps and attacks."""

from __future__ import annotations

import base64
import gzip
import os
import tracemalloc

import pytest

from gateway.ebms import (
    MimeLimits,
    MimePart,
    PartInfo,
    Payload,
    Property,
    build_envelope,
    decompress,
    match_parts,
    open_payloads,
    pack_mime,
    package_payloads,
    unpack_mime,
)
from gateway.ebms._mime import parse_content_type
from gateway.errors import EbmsError, EbmsErrorCode

from ._support import oots_request

ENV = b'<?xml version="1.0"?><S12:Envelope xmlns:S12="http://www.w3.org/2003/05/soap-envelope"/>'


def _code(exc: pytest.ExceptionInfo[EbmsError]) -> EbmsErrorCode:
    return exc.value.ebms_code


def test_pack_unpack_round_trip_keeps_binary_bytes() -> None:
    binary = bytes(range(256)) * 40 + b"\r\n--not-a-boundary\r\n"
    parts = [MimePart("a@x", "application/octet-stream", binary),
             MimePart("b@x", "application/xml", b"<a/>", (("Content-Description", "evidence"),))]
    ctype, body = pack_mime(ENV, parts)
    media, params = parse_content_type(ctype)
    assert media == "multipart/related"
    assert params["type"] == "application/soap+xml"
    assert params["start"].startswith("<") and params["start"].endswith(">")
    envelope, got = unpack_mime(ctype, body)
    assert envelope == ENV
    assert [(p.content_id, p.content_type, p.data) for p in got] == [
        (p.content_id, p.content_type, p.data) for p in parts]
    assert ("Content-Description", "evidence") in got[1].headers


def test_root_found_by_start_parameter_even_when_not_first() -> None:
    ctype, body = pack_mime(ENV, [MimePart("a@x", "text/plain", b"hello")],
                            boundary="BOUND", root_content_id="root@x")
    # move the root part behind the attachment
    chunks = body.split(b"--BOUND\r\n")
    reordered = b"--BOUND\r\n".join([chunks[0], chunks[2].replace(b"--BOUND--\r\n", b""),
                                     chunks[1]]) + b"--BOUND--\r\n"
    envelope, parts = unpack_mime(ctype, reordered)
    assert envelope == ENV
    assert [p.content_id for p in parts] == ["a@x"]


def test_bare_lf_headers_and_base64_are_read() -> None:
    # kit KNOWN-DEFECTS 11: bare-LF MIME header lines must be accepted
    body = (b"--b1\nContent-Type: application/soap+xml\n\n" + ENV + b"\n"
            b"--b1\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n"
            b"Content-ID: <p@x>\n\n" + base64.encodebytes(b"%PDF-1.7 data") + b"\n--b1--\n")
    envelope, parts = unpack_mime('multipart/related; boundary=b1; type="application/soap+xml"',
                                  body)
    assert envelope == ENV
    assert parts[0].data == b"%PDF-1.7 data"


def test_folded_content_type_and_cid_without_brackets() -> None:
    body = (b"--q\r\nContent-Type: application/soap+xml;\r\n\tcharset=UTF-8\r\n\r\n" + ENV
            + b"\r\n--q\r\nContent-Type: application/xml\r\nContent-ID: bare@x\r\n\r\n<a/>\r\n"
            b"--q--")
    _, parts = unpack_mime("multipart/related; boundary=q", body)
    assert parts[0].content_id == "bare@x"


def test_bare_soap_content_type_returns_envelope_only() -> None:
    assert unpack_mime("application/soap+xml; charset=UTF-8", ENV) == (ENV, ())


@pytest.mark.parametrize(
    ("scenario", "limits", "mutate"),
    [
        ("too-many-parts.rejected", MimeLimits(max_parts=3), None),
        ("oversized-part.rejected", MimeLimits(max_part_bytes=1000), None),
        ("oversized-message.rejected", MimeLimits(max_total_bytes=2000), None),
        ("missing-root.rejected", None, lambda c, b: (c.replace("root@x", "gone@x"), b)),
        ("truncated.rejected", None, lambda c, b: (c, b[: b.rindex(b"--B--")])),
        ("wrong-boundary.rejected", None, lambda c, b: (c.replace("boundary=B", "boundary=Z"), b)),
        ("duplicate-cid.rejected", None, lambda c, b: (c, b.replace(b"<p1@x>", b"<p0@x>"))),
        ("missing-cid.rejected", None, lambda c, b: (c, b.replace(b"Content-ID: <p1@x>\r\n", b""))),
        ("root-not-soap.rejected", None,
         lambda c, b: (c, b.replace(b"application/soap+xml; charset", b"text/plain; charset", 1))),
        ("bad-base64.rejected", None,
         lambda c, b: (c, b.replace(b"Content-Transfer-Encoding: binary\r\nContent-ID: <p0@x>",
                                    b"Content-Transfer-Encoding: base64\r\nContent-ID: <p0@x>"))),
        ("unknown-cte.rejected", None,
         lambda c, b: (c, b.replace(b"Encoding: binary\r\nContent-ID: <p0@x>",
                                    b"Encoding: x-uuencode\r\nContent-ID: <p0@x>"))),
        ("not-multipart.rejected", None, lambda c, b: ("text/plain", b)),
    ],
)
def test_mime_attacks_and_breakage_are_ebms_0007(scenario, limits, mutate) -> None:  # type: ignore[no-untyped-def]
    parts = [MimePart(f"p{i}@x", "application/octet-stream", b"\x00!" * 600) for i in range(3)]
    ctype, body = pack_mime(ENV, parts, boundary="B", root_content_id="root@x")
    if mutate is not None:
        ctype, body = mutate(ctype, body)
    with pytest.raises(EbmsError) as exc:
        unpack_mime(ctype, body, limits=limits)
    assert _code(exc) is EbmsErrorCode.MIME_INCONSISTENCY, scenario


def _message_with_parts(n: int, *, compress: bool) -> tuple:  # type: ignore[type-arg]
    payloads = [Payload(f"part{i}@de.oots", f"<doc n='{i}'/>".encode() * 50, "application/xml")
                for i in range(n)]
    infos, parts = package_payloads(payloads, compress_parts=compress)
    return oots_request(payloads=infos), parts, payloads


def test_cid_mismatch_with_partinfo_is_ebms_0007() -> None:
    message, parts, _ = _message_with_parts(2, compress=False)
    renamed = (parts[0], MimePart("other@x", parts[1].content_type, parts[1].data))
    with pytest.raises(EbmsError) as exc:
        match_parts(message, renamed)
    assert _code(exc) is EbmsErrorCode.MIME_INCONSISTENCY
    assert exc.value.ref_to_message_id == message.message_id


def test_unreferenced_extra_attachment_is_ebms_0007() -> None:
    message, parts, _ = _message_with_parts(1, compress=False)
    with pytest.raises(EbmsError) as exc:
        match_parts(message, (*parts, MimePart("extra@x", "text/plain", b"smuggled")))
    assert _code(exc) is EbmsErrorCode.MIME_INCONSISTENCY
    assert "extra@x" in exc.value.message


def test_external_href_is_ebms_0011_and_body_href_0007() -> None:
    external = oots_request(payloads=(PartInfo("http://evil.example/x", ()),))
    with pytest.raises(EbmsError) as exc:
        match_parts(external, ())
    assert _code(exc) is EbmsErrorCode.EXTERNAL_PAYLOAD_ERROR
    body = oots_request(payloads=(PartInfo(None, ()),))
    with pytest.raises(EbmsError) as exc:
        match_parts(body, ())
    assert _code(exc) is EbmsErrorCode.MIME_INCONSISTENCY


def test_compressed_payloads_round_trip_through_mime() -> None:
    message, parts, payloads = _message_with_parts(3, compress=True)
    assert all(p.content_type == "application/gzip" for p in parts)
    assert all(i.compression_type == "application/gzip" and i.mime_type == "application/xml"
               for i in message.payloads)
    ctype, body = pack_mime(build_envelope(message), parts)
    _, got = unpack_mime(ctype, body)
    opened = open_payloads(message, got)
    assert [(p.content_id, p.data, p.mime_type) for p in opened] == [
        (p.content_id, p.data, p.mime_type) for p in payloads]


def test_decompression_bomb_is_ebms_0303_with_bounded_memory() -> None:
    bomb = gzip.compress(b"\x00" * (200 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 300_000
    cap = 8 * 1024 * 1024
    props = (Property("MimeType", "application/xml"),
             Property("CompressionType", "application/gzip"))
    message = oots_request(payloads=(PartInfo("cid:bomb@x", props),))
    tracemalloc.start()
    try:
        with pytest.raises(EbmsError) as exc:
            open_payloads(message, (MimePart("bomb@x", "application/gzip", bomb),),
                          limits=MimeLimits(max_decompressed_bytes=cap))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert _code(exc) is EbmsErrorCode.DECOMPRESSION_FAILURE
    assert peak < 4 * cap, f"peak {peak} bytes while refusing a bomb capped at {cap}"


def test_decompression_budget_is_shared_by_all_parts() -> None:
    data = os.urandom(1000)
    infos = tuple(PartInfo(f"cid:p{i}@x", (Property("MimeType", "application/octet-stream"),
                                            Property("CompressionType", "application/gzip")))
                  for i in range(3))
    parts = tuple(MimePart(f"p{i}@x", "application/gzip", gzip.compress(data)) for i in range(3))
    message = oots_request(payloads=infos)
    assert len(open_payloads(message, parts, limits=MimeLimits(max_decompressed_bytes=3000))) == 3
    with pytest.raises(EbmsError) as exc:
        open_payloads(message, parts, limits=MimeLimits(max_decompressed_bytes=2999))
    assert _code(exc) is EbmsErrorCode.DECOMPRESSION_FAILURE


@pytest.mark.parametrize(
    ("scenario", "data", "ctype_value", "mime"),
    [
        ("not-gzip.rejected", b"plain text, not gzip", "application/gzip", "text/plain"),
        ("truncated-gzip.rejected", gzip.compress(b"x" * 5000)[:-30], "application/gzip",
         "text/plain"),
        ("corrupt-gzip.rejected", gzip.compress(b"y" * 5000)[:20] + b"\xff" * 40,
         "application/gzip", "text/plain"),
        ("unknown-compression.rejected", gzip.compress(b"z"), "application/x-bzip2", "text/plain"),
        ("compressed-without-mimetype.rejected", gzip.compress(b"z"), "application/gzip", None),
    ],
)
def test_decompression_failures_are_ebms_0303(scenario, data, ctype_value, mime) -> None:  # type: ignore[no-untyped-def]
    props = [Property("CompressionType", ctype_value)]
    if mime:
        props.append(Property("MimeType", mime))
    message = oots_request(payloads=(PartInfo("cid:p@x", tuple(props)),))
    with pytest.raises(EbmsError) as exc:
        open_payloads(message, (MimePart("p@x", "application/gzip", data),))
    assert _code(exc) is EbmsErrorCode.DECOMPRESSION_FAILURE, scenario


def test_multi_member_gzip_is_read_whole() -> None:
    data = gzip.compress(b"first ") + gzip.compress(b"second")
    assert decompress(data, max_bytes=100) == b"first second"


def test_boundary_look_alikes_inside_content_are_data() -> None:
    # RFC 2046 §5.1.1: only "--boundary" at the start of a line, followed by
    # optional "--", padding and a line break, is a delimiter.
    tricky = (b"x--BND\r\n" b"\r\n--BNDX\r\n" b"\n--BND-not\n" b"--BN\r\n"
              b"\r\n--BND  tail\r\n")
    body = (b"--BND\r\nContent-Type: application/soap+xml\r\n\r\n" + ENV + b"\r\n--BND\r\n"
            b"Content-ID: <t@x>\r\n\r\n" + tricky + b"\r\n--BND--\r\n")
    _, parts = unpack_mime("multipart/related; boundary=BND", body)
    assert parts[0].data == tricky
    with pytest.raises(ValueError, match="boundary occurs"):  # we never write such a package
        pack_mime(ENV, [MimePart("t@x", "application/octet-stream", tricky)], boundary="BND")


def test_transport_padding_after_delimiters_is_ignored() -> None:
    body = (b"--P  \r\nContent-Type: application/soap+xml\r\n\r\n" + ENV
            + b"\r\n--P\t\r\nContent-ID: <a@x>\r\n\r\nDATA\r\n--P--  \r\nepilogue")
    envelope, parts = unpack_mime("multipart/related; boundary=P", body)
    assert envelope == ENV and parts[0].data == b"DATA"


def test_part_flood_is_refused_before_parts_are_split() -> None:
    flood = b"".join(b"--F\r\nContent-ID: <%d@x>\r\n\r\nx\r\n" % i for i in range(200_000))
    body = b"--F\r\nContent-Type: application/soap+xml\r\n\r\n" + ENV + b"\r\n" + flood + b"--F--"
    with pytest.raises(EbmsError) as exc:
        unpack_mime("multipart/related; boundary=F", body)
    assert _code(exc) is EbmsErrorCode.MIME_INCONSISTENCY
    assert "more than 64 MIME parts" in exc.value.message
