"""The one hardened XML parse path. Nothing else in the gateway parses XML.

Rule 1. No DTD: a document carrying a document type declaration (internal or
        external subset) is refused, so no entity can be declared at all.
Rule 2. No entity expansion, no external loads, no network (libxml2 options
        ``resolve_entities=False``, ``load_dtd=False``, ``no_network=True``).
Rule 3. Size cap before parsing (default 16 MiB), depth cap after parsing
        (default 64 levels; libxml2 itself stops at 256 without ``huge_tree``).
Rule 4. Every failure is an :class:`~gateway.errors.XmlRejected` that says why.

The cheap checks run before the parser sees the bytes, so billion-laughs and
quadratic-blowup documents are refused in time proportional to their size.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from gateway.errors import InvalidInput, Origin, XmlRejected

__all__ = [
    "DEFAULT_LIMITS",
    "TRUSTED_FILE_LIMITS",
    "ParseLimits",
    "parse_xml",
    "parse_xml_file",
]


@dataclass(frozen=True)
class ParseLimits:
    """Caps applied to one document."""

    max_bytes: int = 16 * 1024 * 1024
    max_depth: int = 64


DEFAULT_LIMITS = ParseLimits()
"""Limits for messages from peers."""

TRUSTED_FILE_LIMITS = ParseLimits(max_bytes=64 * 1024 * 1024, max_depth=200)
"""Limits for installed, sha256-pinned kit files (XSD, Schematron, code lists)."""

# A DOCTYPE anywhere before the root element, in an ASCII-compatible encoding.
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


_LOCAL = threading.local()


def _parser() -> etree.XMLParser:
    """This thread's parser (lxml parsers must not be shared between threads)."""
    parser: etree.XMLParser | None = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            load_dtd=False,
            dtd_validation=False,
            no_network=True,
            huge_tree=False,
            remove_blank_text=False,
            remove_comments=False,
            collect_ids=False,
        )
        _LOCAL.parser = parser
    return parser


_WIDE_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)


def _ascii_view(data: bytes) -> bytes:
    """The document as ASCII-compatible bytes for the cheap DTD check (Rule 1 fast path).

    UTF-16/UTF-32 input (with or without a byte-order mark, XML 1.0 Appendix F) is decoded
    first, so that a DTD in a wide encoding is refused before libxml2 sees it as well.
    """
    if data[:1] == b"<" and data[1:2] != b"\x00":  # the usual case: "<" in one byte
        return data
    codec = next((c for bom, c in _WIDE_BOMS if data.startswith(bom)), None)
    if codec is None and len(data) > 3:
        if data[:2] == b"\x00\x00":
            codec = "utf-32-be"
        elif data[2:4] == b"\x00\x00" and data[1:2] == b"\x00":
            codec = "utf-32-le"
        elif data[:1] == b"\x00":
            codec = "utf-16-be"
        elif data[1:2] == b"\x00":
            codec = "utf-16-le"
    if codec is None:
        return data
    return data.decode(codec, errors="replace").encode("ascii", errors="replace")


def parse_xml(
    data: bytes,
    *,
    limits: ParseLimits = DEFAULT_LIMITS,
    origin: Origin = Origin.REMOTE,
    what: str = "XML document",
) -> etree._Element:
    """Parse ``data`` into an element tree under the rules above.

    ``origin`` says who supplied the bytes, so that a refusal is reported as the
    peer's fault (the default) or ours (a corrupt installed kit file).
    """
    if not isinstance(data, bytes):
        raise TypeError("parse_xml takes bytes")
    if len(data) > limits.max_bytes:
        raise XmlRejected(
            f"{what} is {len(data)} bytes, over the limit of {limits.max_bytes}",
            origin=origin,
        )
    if not data or data.isspace():
        raise XmlRejected(f"{what} is empty", origin=origin)
    # Rule 1, fast path (ASCII-compatible encodings directly, UTF-16/32 decoded first).
    view = _ascii_view(data)
    # A one-byte memchr first: most documents have no "!" at all (a two-byte search is
    # ten times slower on markup full of "<").
    if b"!" in view and b"<!" in view and _DECLARATION.search(view):
        raise XmlRejected(
            f"{what} carries a DTD or entity declaration; DTDs are not accepted",
            origin=origin,
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise XmlRejected(f"{what} is not well-formed XML: {exc}", origin=origin) from exc
    except ValueError as exc:  # e.g. unsupported encoding declarations
        raise XmlRejected(f"{what} cannot be parsed: {exc}", origin=origin) from exc
    tree = root.getroottree()
    docinfo = tree.docinfo
    # Rule 1, authoritative check (covers UTF-16 and any encoding).
    doctype = getattr(docinfo, "doctype", "")
    if doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XmlRejected(f"{what} carries a DTD; DTDs are not accepted", origin=origin)
    _check_depth(root, limits.max_depth, origin, what)
    # No DTD means no entity can be declared: any reference other than the five predefined
    # ones is a well-formedness error, so no Entity node can exist here (Rule 2).
    return root


_DEPTH_PROBES: dict[int, etree.XPath] = {}
_SHALLOW = 16


def _depth_probe(depth: int) -> etree.XPath:
    """``boolean(/*/*/...)``: whether an element exists at ``depth`` (the root is 1)."""
    probe = _DEPTH_PROBES.get(depth)
    if probe is None:
        probe = etree.XPath("boolean(/" + "/".join(["*"] * depth) + ")")
        _DEPTH_PROBES[depth] = probe
    return probe


def _check_depth(root: etree._Element, max_depth: int, origin: Origin, what: str) -> None:
    """Refuse documents nesting elements deeper than ``max_depth`` (evaluated in C)."""
    # Most documents are shallow: a short probe first (each step of a path costs even
    # when it selects nothing), the full one only when the document is that deep.
    if max_depth > _SHALLOW and not _depth_probe(_SHALLOW)(root):
        return
    if _depth_probe(max_depth + 1)(root):
        raise XmlRejected(f"{what} nests elements deeper than {max_depth} levels", origin=origin)


def parse_xml_file(
    path: Path,
    *,
    limits: ParseLimits = TRUSTED_FILE_LIMITS,
    origin: Origin = Origin.LOCAL,
) -> etree._Element:
    """Read ``path`` (refusing files over the cap before reading) and parse it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc}", origin=origin) from exc
    if size > limits.max_bytes:
        raise XmlRejected(
            f"{path} is {size} bytes, over the limit of {limits.max_bytes}", origin=origin
        )
    return parse_xml(path.read_bytes(), limits=limits, origin=origin, what=str(path))
