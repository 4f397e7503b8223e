"""Errors of the Gewerbeanmeldung flow; codes ``XGA:...`` are shown to the person or the sender."""

from __future__ import annotations

from gateway.errors import InvalidInput, Origin

__all__ = [
    "FormIncomplete",
    "GewerbeError",
    "MessageInvalid",
    "NoCompetentAuthority",
    "Unmapped",
]


class GewerbeError(InvalidInput):
    """Root of the Gewerbe errors (input the person or a sender can correct)."""

    default_code = "XGA:ERROR"
    default_origin = Origin.REMOTE


class Unmapped(GewerbeError):
    """A register value (legal form, country, register type) has no entry in our mapping tables.

    Never guessed: the assistant shows ``field`` and ``value`` to the person.
    """

    default_code = "XGA:UNMAPPED"

    def __init__(self, field: str, value: str, *, table: str) -> None:
        super().__init__(
            f"{field} {value!r} has no mapping in {table}; it must be chosen by the person",
            detail=f"field={field} value={value!r} table={table}",
        )
        self.field = field
        self.value = value
        self.table = table


class FormIncomplete(GewerbeError):
    """A field only the person can give (activity, start date, ...) is missing or wrong."""

    default_code = "XGA:FORM-INCOMPLETE"

    def __init__(self, fields: tuple[str, ...], message: str = "") -> None:
        super().__init__(message or f"missing or invalid: {', '.join(fields)}")
        self.fields = fields


class NoCompetentAuthority(GewerbeError):
    """No Gewerbeamt is known for the establishment's municipality key (AGS)."""

    default_code = "XGA:NO-AUTHORITY"


class MessageInvalid(GewerbeError):
    """An XGewerbeanzeige message fails the schema in use or a project rule."""

    default_code = "XGA:INVALID"
