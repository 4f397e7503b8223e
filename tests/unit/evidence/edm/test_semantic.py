"""The semantic comparison helper itself: it ignores what rule 1-6 say, and nothing else."""

from __future__ import annotations

import pytest

from gateway.evidence.edm import build_request
from gateway.evidence.edm.versions import EdmVersion

from . import factories as f
from .semantic import assert_semantically_equal

BASE = build_request(f.request(EdmVersion.V1_0))


def _swap(old: bytes, new: bytes) -> bytes:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def _move_slot_last(name: bytes) -> bytes:
    start = BASE.index(b'<rim:Slot name="' + name + b'">')
    end = BASE.index(b"</rim:Slot>", start) + len(b"</rim:Slot>")
    slot, rest = BASE[start:end], BASE[:start] + BASE[end:]
    anchor = rest.index(b"<query:ResponseOption")
    return rest[:anchor] + slot + rest[anchor:]


SAME = {
    "prefixes-renamed": BASE.replace(b"<rim:", b"<r4:").replace(b"</rim:", b"</r4:")
    .replace(b"xmlns:rim=", b"xmlns:r4=").replace(b'xsi:type="rim:', b'xsi:type="r4:'),
    "slot-order": _move_slot_last(b"SpecificationIdentifier"),
    "whitespace-and-comments": _swap(b"<sdg:FamilyName>Smith</sdg:FamilyName>",
                                     b"<!-- c --><sdg:FamilyName>\n  Smith\n</sdg:FamilyName>"),
    "datetime-lexical-form": _swap(b"2026-12-01T09:30:00.125Z", b"2026-12-01T10:30:00.125+01:00"),
    "stray-text-in-element-content": _swap(b"</sdg:Title><sdg:Title", b"</sdg:Title>,<sdg:Title"),
}
DIFFERENT = {
    "slot-value": _swap(b"<rim:Value>oots-edm:v1.0</rim:Value>", b"<rim:Value>x</rim:Value>"),
    "attribute": _swap(b'schemeID="eidas"', b'schemeID="other"'),
    "title-order": _swap(
        b'<sdg:Title lang="EN">Certificate of Birth</sdg:Title>'
        b'<sdg:Title lang="DE">Geburtsurkunde</sdg:Title>',
        b'<sdg:Title lang="DE">Geburtsurkunde</sdg:Title>'
        b'<sdg:Title lang="EN">Certificate of Birth</sdg:Title>'),
    "missing-element": _swap(b"<sdg:BirthName>John Doe</sdg:BirthName>", b""),
    "xsi-type": _swap(b'<rim:SlotValue xsi:type="rim:BooleanValueType"><rim:Value>true',
                      b'<rim:SlotValue xsi:type="rim:StringValueType"><rim:Value>true'),
    "boolean": _swap(b"<rim:Value>true</rim:Value>", b"<rim:Value>false</rim:Value>"),
    "instant": _swap(b"2026-12-01T09:30:00.125Z", b"2026-12-01T09:30:00.125+01:00"),
}


@pytest.mark.parametrize("name", sorted(SAME))
def test_equal(name: str) -> None:
    assert SAME[name] != BASE
    assert_semantically_equal(BASE, SAME[name])


@pytest.mark.parametrize("name", sorted(DIFFERENT))
def test_different(name: str) -> None:
    with pytest.raises(AssertionError):
        assert_semantically_equal(BASE, DIFFERENT[name])
