"""XML Schema datatype helpers (``xsd:dateTime``) for EDM slot values."""

from __future__ import annotations

import re
from datetime import UTC, datetime

__all__ = ["format_datetime", "parse_datetime", "utc"]


# xsd:dateTime lexical space (XML Schema 1.1 Part 2, 3.3.7), timezone optional.
_DATETIME = re.compile(
    r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$"
)


def parse_datetime(text: str) -> datetime:
    """Parse an ``xsd:dateTime``; a value without timezone is read as UTC.

    Raises ``ValueError`` on anything else (callers wrap it into their own error).
    """
    value = text.strip()
    if not _DATETIME.match(value):
        raise ValueError(f"not an xsd:dateTime: {text!r}")
    main, _, rest = value.partition(".")
    fraction = ""
    tz = ""
    if rest:
        digits = re.match(r"\d+", rest)
        assert digits is not None
        fraction = digits.group(0)
        tz = rest[len(fraction) :]
    else:
        match = re.search(r"(Z|[+-]\d{2}:\d{2})$", main)
        if match:
            tz = match.group(0)
            main = main[: -len(tz)]
    # Python keeps microseconds: more digits are truncated, fewer are padded.
    micro = (fraction + "000000")[:6] if fraction else ""
    iso = main + (f".{micro}" if micro else "") + ("+00:00" if tz in ("", "Z") else tz)
    return datetime.fromisoformat(iso)


def format_datetime(value: datetime) -> str:
    """Format an aware datetime as ``xsd:dateTime``: ``Z`` for UTC, milliseconds when set."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    offset = value.utcoffset()
    base = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        if value.microsecond % 1000 == 0:
            base += f".{value.microsecond // 1000:03d}"
        else:
            base += f".{value.microsecond:06d}"
    if offset is not None and offset.total_seconds() == 0:
        return base + "Z"
    text = value.isoformat()
    return base + text[-6:]


def utc(value: datetime) -> datetime:
    """``value`` converted to UTC (helper for callers comparing instants)."""
    return value.astimezone(UTC)
