"""Reading the security header: the schema-order fast paths give the same elements as
the general look-ups, and headers written another way (comments, other order) still open.

The readers (``_dom.shaped``, ``first_child``, ``first_children``, ``children_by_tag``)
try the shape every implementation writes first and group the children otherwise; the
property tests compare both ways against a plain "first child with this tag" scan.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from gateway.ebms import unpack_mime
from gateway.ebms.security import SecurityProfile
from gateway.ebms.security._dom import (
    b64decode,
    children,
    children_by_tag,
    first_child,
    first_children,
    shaped,
)
from gateway.errors import EbmsError, EbmsErrorCode
from gateway.namespaces import NS
from mocks.pki import TestPki

from ._fixtures import PROFILES, open_at_nl, send
from ._tamper import edit

_NS = "urn:test"
_TAGS = tuple(f"{{{_NS}}}{local}" for local in ("A", "B", "C", "D"))
_KIND = st.sampled_from(["A", "B", "C", "D", "X", "comment", "pi"])


def _element(kinds: list[str]) -> etree._Element:
    parent = etree.Element(f"{{{_NS}}}P")
    for i, kind in enumerate(kinds):
        if kind == "comment":
            parent.append(etree.Comment(f"c{i}"))
        elif kind == "pi":
            parent.append(etree.ProcessingInstruction("pi", f"p{i}"))
        else:
            etree.SubElement(parent, f"{{{_NS}}}{kind}", n=str(i))
    return parent


def _first_scan(parent: etree._Element, tag: str) -> etree._Element | None:
    return next((c for c in parent.iterchildren(tag)), None)


@given(st.lists(_KIND, max_size=8))
def test_shaped_equals_the_first_child_of_each_tag(kinds: list[str]) -> None:
    parent = _element(kinds)
    got = shaped(parent, _TAGS[:3])
    assert list(got) == [_first_scan(parent, tag) for tag in _TAGS[:3]]


@given(st.lists(_KIND, max_size=8))
def test_child_helpers_agree_with_a_plain_scan(kinds: list[str]) -> None:
    parent = _element(kinds)
    grouped = children_by_tag(parent)
    firsts = first_children(parent)
    for tag in (*_TAGS, f"{{{_NS}}}X"):
        scan = list(parent.iterchildren(tag))
        local = tag.split("}")[1]
        assert grouped.get(tag, []) == scan
        assert children(parent, _NS, local) == scan
        assert firsts.get(tag) is (scan[0] if scan else None)
        assert first_child(parent, _NS, local) is (scan[0] if scan else None)
    assert all(isinstance(tag, str) for tag in grouped)  # comments and PIs are not children
    assert all(isinstance(tag, str) for tag in firsts)


def test_shaped_fast_path_is_taken_only_for_the_exact_sequence() -> None:
    exact = _element(["A", "B", "C"])
    assert [e.get("n") for e in shaped(exact, _TAGS[:3]) if e is not None] == ["0", "1", "2"]
    repeated = _element(["A", "A", "C"])  # same length, not the sequence: the first A wins
    assert [e.get("n") if e is not None else None
            for e in shaped(repeated, _TAGS[:3])] == ["0", None, "2"]


def test_base64_text_with_line_breaks_is_read_and_garbage_refused() -> None:
    assert b64decode("QUJD\nREVG\r\n", "x") == b"ABCDEF"
    assert b64decode(None, "x") == b""
    with pytest.raises(EbmsError) as caught:
        b64decode("QUJ!", "DigestValue")
    assert caught.value.ebms_code is EbmsErrorCode.FAILED_AUTHENTICATION


def _in_security(change: Callable[[etree._Element], None]) -> Callable[[etree._Element], None]:
    def apply(root: etree._Element) -> None:
        security = next(root.iter(f"{{{NS.WSSE}}}Security"))
        for el in list(security.iter(etree.Element)):
            change(el)
    return apply


def _comment_first(el: etree._Element) -> None:
    el.insert(0, etree.Comment(" written by another stack "))


def _signed(el: etree._Element) -> bool:
    """Inside ds:SignedInfo: what the SignatureValue covers, order included."""
    return any(a.tag == f"{{{NS.DS}}}SignedInfo" for a in el.iterancestors()) or (
        el.tag == f"{{{NS.DS}}}SignedInfo")


def _reverse_children(el: etree._Element) -> None:
    kids = list(el)
    if _signed(el):
        return
    for kid in kids:
        el.remove(kid)
    for kid in reversed(kids):
        el.append(kid)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.value)
@pytest.mark.parametrize("change", [_comment_first, _reverse_children],
                         ids=["comment-before-every-child", "children-in-reverse-order"])
def test_header_written_another_way_still_opens(pki: TestPki, profile: SecurityProfile,
                                                change: Callable[[etree._Element], None],
                                                ) -> None:
    """Comments are outside Exclusive C14N without comments, and outside SignedInfo the
    order of children carries no meaning to the reader: the general look-ups take over
    and the message opens to the same payloads."""
    wire = send(pki, profile)
    envelope, parts = unpack_mime(wire.content_type, wire.body)
    expected = open_at_nl(pki, profile, envelope, parts)
    changed = edit(envelope, _in_security(change))
    assert changed != envelope
    got = open_at_nl(pki, profile, changed, parts)
    assert [p.data for p in got.attachments] == [p.data for p in expected.attachments]
    assert got.messaging == expected.messaging


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.value)
def test_shuffled_header_children_still_open(pki: TestPki, profile: SecurityProfile) -> None:
    wire = send(pki, profile)
    envelope, parts = unpack_mime(wire.content_type, wire.body)
    rng = random.Random(20261201)

    def shuffle(el: etree._Element) -> None:
        if _signed(el):
            return
        kids = list(el)
        rng.shuffle(kids)
        for kid in kids:
            el.remove(kid)
            el.append(kid)

    for _ in range(5):
        open_at_nl(pki, profile, edit(envelope, _in_security(shuffle)), parts)
