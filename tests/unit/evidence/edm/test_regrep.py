"""RegRep slot helpers: build, read back, refuse malformed slots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from lxml import etree

from gateway.errors import EdmErrorCode, EvidenceError
from gateway.evidence.edm import _regrep as rr
from gateway.namespaces import NS, nsmap
from gateway.xml._parse import parse_xml


def _root() -> etree._Element:
    return etree.Element(rr.q(NS.QUERY, "QueryRequest"), nsmap=nsmap("rim", "query", "xsi", "sdg"))


def _reparse(el: etree._Element) -> etree._Element:
    return parse_xml(etree.tostring(el))


def test_every_slot_kind_round_trips() -> None:
    root = _root()
    when = datetime(2026, 8, 6, 10, 0, 0, 872000, tzinfo=UTC)
    rr.add_string_slot(root, "S", "oots-edm:v1.0")
    rr.add_boolean_slot(root, "B", False)
    rr.add_datetime_slot(root, "D", when)
    rr.add_international_string_slot(root, "I", [rr.LocalizedString("EN", "R1")])
    rr.add_any_slot(root, "A", etree.Element(rr.q(NS.SDG, "Agent")))
    rr.add_collection_slot(
        root, "C", [etree.Element(rr.q(NS.SDG, "Requirement"))], collection_type=rr.COLLECTION_SET
    )
    reader = rr.SlotReader(_reparse(root))
    assert reader.names() == ("S", "B", "D", "I", "A", "C")
    assert reader.string("S") == "oots-edm:v1.0"
    assert reader.boolean("B") is False
    assert reader.datetime("D") == when
    assert reader.international_string("I") == (rr.LocalizedString("EN", "R1"),)
    any_el = reader.any("A")
    assert any_el is not None and etree.QName(any_el).localname == "Agent"
    coll = reader.collection("C")
    assert coll is not None and coll[1] == rr.COLLECTION_SET and len(coll[0]) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-05-19T17:08:10.872Z", datetime(2022, 5, 19, 17, 8, 10, 872000, tzinfo=UTC)),
        (
            "2020-02-14T19:21:30+01:00",
            datetime(2020, 2, 14, 19, 21, 30, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("2026-08-06T10:00:00.000Z", datetime(2026, 8, 6, 10, tzinfo=UTC)),
        ("2026-08-06T10:00:00", datetime(2026, 8, 6, 10, tzinfo=UTC)),
        ("2026-08-06T10:00:00.1234567Z", datetime(2026, 8, 6, 10, 0, 0, 123456, tzinfo=UTC)),
    ],
)
def test_xsd_datetime_forms(text: str, expected: datetime) -> None:
    assert rr.parse_datetime(text) == expected


def test_datetime_format_keeps_offset_and_uses_z_for_utc() -> None:
    assert rr.format_datetime(datetime(2022, 5, 19, 17, 8, 10, 872000, tzinfo=UTC)) == (
        "2022-05-19T17:08:10.872Z"
    )
    plus1 = timezone(timedelta(hours=1))
    assert rr.format_datetime(datetime(2020, 2, 14, 19, 21, 30, tzinfo=plus1)) == (
        "2020-02-14T19:21:30+01:00"
    )
    with pytest.raises(ValueError, match="aware"):
        rr.format_datetime(datetime(2020, 1, 1))


@pytest.mark.parametrize("bad", ["2022-05-19", "yesterday", "2022-05-19T17:08", ""])
def test_not_a_datetime(bad: str) -> None:
    with pytest.raises(ValueError, match="xsd:dateTime"):
        rr.parse_datetime(bad)


def test_duplicate_slot_is_refused_with_the_callers_code() -> None:
    root = _root()
    rr.add_string_slot(root, "X", "a")
    rr.add_string_slot(root, "X", "b")
    with pytest.raises(EvidenceError) as info:
        rr.SlotReader(root, code=EdmErrorCode.INVALID_QUERY)
    assert info.value.code == "EDM:ERR:0008" and info.value.field == "X"


def test_wrong_value_type_is_refused() -> None:
    root = _root()
    rr.add_string_slot(root, "IssueDateTime", "2022-05-19T17:08:10Z")
    reader = rr.SlotReader(root)
    with pytest.raises(EvidenceError, match="DateTimeValueType") as info:
        reader.datetime("IssueDateTime")
    assert info.value.code == "EDM:ERR:0003" and info.value.field == "IssueDateTime"


def test_xsi_type_prefix_is_resolved_not_compared_textually() -> None:
    xml = (
        b'<q:QueryRequest xmlns:q="urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0" '
        b'xmlns:r="urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0" '
        b'xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:rim="urn:other">'
        b'<r:Slot name="A"><r:SlotValue i:type="r:StringValueType"><r:Value>x</r:Value>'
        b'</r:SlotValue></r:Slot>'
        b'<r:Slot name="B"><r:SlotValue i:type="rim:StringValueType"><r:Value>y</r:Value>'
        b"</r:SlotValue></r:Slot></q:QueryRequest>"
    )
    reader = rr.SlotReader(parse_xml(xml))
    assert reader.string("A") == "x"
    with pytest.raises(EvidenceError):
        reader.string("B")


def test_missing_mandatory_and_optional_slots() -> None:
    reader = rr.SlotReader(_root())
    assert reader.string("Procedure", required=False) is None
    with pytest.raises(EvidenceError, match="missing") as info:
        reader.string("SpecificationIdentifier")
    assert info.value.field == "SpecificationIdentifier"


def test_refuse_others_names_the_first_unknown_slot() -> None:
    root = _root()
    rr.add_string_slot(root, "A", "1")
    rr.add_string_slot(root, "Z", "2")
    with pytest.raises(EvidenceError) as info:
        rr.SlotReader(root).refuse_others(["A"])
    assert info.value.field == "Z"
