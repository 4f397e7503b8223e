"""Entry model: canonical JSON as documented in docs/audit.md, salted subject digests."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.audit._entry import (
    EventKind,
    LogEntry,
    entries_involving,
    subject_digest,
    wire_digest,
)
from gateway.audit._errors import EntryError

WIRE = hashlib.sha256(b"the exact HTTP body").hexdigest()
SALT = b"0123456789abcdef0123456789abcdef"


def _entry(**overrides: object) -> LogEntry:
    fields: dict[str, object] = {
        "event": EventKind.REQUEST_SENT,
        "time": datetime(2026, 12, 1, 10, 0, 0, 250000, tzinfo=timezone(timedelta(hours=1))),
        "message_id": "m1@gw.de",
        "wire_sha256": WIRE,
        "sender": "DE-GW",
        "receiver": "ÖSTERREICH-GW",
    }
    fields.update(overrides)
    return LogEntry(**fields)  # type: ignore[arg-type]


def test_canonical_form_is_the_documented_one() -> None:
    # docs/audit.md §Entries: all keys, sorted, compact, UTF-8, times in UTC with "Z".
    expected = (
        '{"conversation_id":null,"event":"request-sent","evidence_type":null,'
        '"message_id":"m1@gw.de","message_time":null,"outcome":"ok","procedure":null,'
        '"query_id":null,"receiver":"ÖSTERREICH-GW","ref_to_message_id":null,'
        '"sender":"DE-GW","subjects":[],"time":"2026-12-01T09:00:00.250000Z","v":1,'
        f'"wire_sha256":"{WIRE}"}}'
    ).encode()
    assert _entry().canonical() == expected


def test_round_trip_and_non_canonical_input_refused() -> None:
    entry = _entry(subjects=(subject_digest(SALT, "s", "v"),), procedure="T1")
    assert LogEntry.from_canonical(entry.canonical()) == entry
    spaced = entry.canonical().replace(b'","', b'", "', 1)
    with pytest.raises(EntryError, match="not in canonical form"):
        LogEntry.from_canonical(spaced)
    with pytest.raises(EntryError, match="version 1"):
        LogEntry.from_canonical(b'{"v":2}')


def test_naive_time_and_bad_digest_refused() -> None:
    with pytest.raises(EntryError, match="timezone-aware"):
        _entry(time=datetime(2026, 12, 1, 10, 0))
    with pytest.raises(EntryError, match="64 lower-case hex"):
        _entry(wire_sha256="ABC")
    with pytest.raises(EntryError, match="subject_digest"):
        _entry(subjects=("DE/HRB 12345",))


def test_subject_digest_is_hmac_sha256_of_scheme_newline_value() -> None:
    expected = hmac.new(SALT, b"LegalPersonIdentifier\nDE/HRB 1", hashlib.sha256).hexdigest()
    assert subject_digest(SALT, "LegalPersonIdentifier", " DE/HRB 1 ") == expected
    with pytest.raises(EntryError, match="salt"):
        subject_digest(b"short", "s", "v")


def test_involvement_needs_the_salt() -> None:
    entries = [
        (0, _entry(subjects=(subject_digest(SALT, "id", "A"),))),
        (1, _entry(subjects=(subject_digest(SALT, "id", "B"),))),
    ]
    assert entries_involving(entries, SALT, "id", "B") == [1]
    assert entries_involving(entries, b"another-operator-salt", "id", "B") == []


_text = st.text(min_size=1, max_size=40)


@given(
    message_id=_text,
    sender=_text,
    receiver=_text,
    outcome=_text,
    optional=st.lists(st.none() | _text, min_size=5, max_size=5),
    micros=st.integers(min_value=0, max_value=10**15),
    salts=st.lists(st.binary(min_size=16, max_size=16), max_size=3),
)
def test_fast_canonical_equals_generic_json_encoding(
    message_id: str,
    sender: str,
    receiver: str,
    outcome: str,
    optional: list[str | None],
    micros: int,
    salts: list[bytes],
) -> None:
    entry = _entry(
        message_id=message_id,
        sender=sender,
        receiver=receiver,
        outcome=outcome,
        conversation_id=optional[0],
        ref_to_message_id=optional[1],
        query_id=optional[2],
        procedure=optional[3],
        evidence_type=optional[4],
        time=datetime(2000, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros),
        message_time=None if optional[0] is None else datetime(2030, 5, 6, tzinfo=UTC),
        subjects=tuple(subject_digest(s, "x", "y") for s in salts),
    )
    assert entry.canonical() == entry.canonical_reference()
    assert LogEntry.from_canonical(entry.canonical()) == entry


def test_wire_digest_is_sha256_hex_of_the_body() -> None:
    body = b"--MIMEBoundary\r\n...the whole HTTP body...\r\n"
    assert wire_digest(body) == hashlib.sha256(body).hexdigest()
    assert _entry(wire_sha256=wire_digest(body)).wire_sha256 == hashlib.sha256(body).hexdigest()


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 0, 30, 59, 999999, tzinfo=timezone(timedelta(hours=2))),
        datetime(1969, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
        datetime(1000, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ],
)
def test_time_format_matches_strftime_reference(moment: datetime) -> None:
    reference = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert _entry(time=moment).to_json()["time"] == reference
