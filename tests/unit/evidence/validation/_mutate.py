"""In-memory mutations of official samples (lxml), for the negative tests."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from gateway.namespaces import nsmap
from gateway.xml import parse_xml

NSMAP = nsmap("rim", "rs", "query", "lcm", "sdg", "xsi", "xml", "xlink")
Action = Callable[[etree._Element], None]


def mutate(data: bytes, xpath: str, action: Action, *, expect: int | None = None) -> bytes:
    """Apply ``action`` to every node ``xpath`` selects; fail loudly when it selects nothing."""
    root = parse_xml(data)
    nodes = root.xpath(xpath, namespaces=NSMAP)
    assert isinstance(nodes, list) and nodes, f"mutation matched nothing: {xpath}"
    if expect is not None:
        assert len(nodes) == expect, f"{xpath} matched {len(nodes)} nodes"
    for node in nodes:
        assert isinstance(node, etree._Element)
        action(node)
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def text(value: str) -> Action:
    """Replace the element's text."""

    def _set(el: etree._Element) -> None:
        el.text = value

    return _set


def attr(name: str, value: str | None) -> Action:
    """Set (or with ``None`` delete) an attribute; ``name`` may be Clark notation."""

    def _set(el: etree._Element) -> None:
        if value is None:
            del el.attrib[name]
        else:
            el.set(name, value)

    return _set


def remove(el: etree._Element) -> None:
    """Remove the element (its tail text is kept)."""
    parent = el.getparent()
    assert parent is not None
    parent.remove(el)


def rename(tag: str) -> Action:
    """Rename the element (Clark notation)."""

    def _set(el: etree._Element) -> None:
        el.tag = tag

    return _set


def _fragment(xml: str) -> list[etree._Element]:
    declarations = " ".join(f'xmlns:{p}="{u}"' for p, u in NSMAP.items() if p != "xml")
    return list(parse_xml(f"<w {declarations}>{xml}</w>".encode()))


def append(xml: str) -> Action:
    """Append children parsed from ``xml`` (namespace prefixes from :data:`NSMAP`)."""

    def _add(el: etree._Element) -> None:
        for child in _fragment(xml):
            el.append(child)

    return _add


def after(xml: str) -> Action:
    """Insert the elements parsed from ``xml`` right after the element."""

    def _add(el: etree._Element) -> None:
        for child in reversed(_fragment(xml)):
            el.addnext(child)

    return _add
