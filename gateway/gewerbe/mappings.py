"""The mapping tables in ``gateway/gewerbe/data/`` (each row carries its source in ``basis``).

Look-ups match exact values after whitespace/case normalisation of the alias list. Anything else
raises :class:`~gateway.gewerbe.errors.Unmapped`: a value is never guessed.
"""

from __future__ import annotations

import csv
import enum
import functools
import io
from dataclasses import dataclass
from importlib import resources

from gateway.gewerbe.errors import Unmapped
from gateway.gewerbe.models import LegalForm

__all__ = [
    "LegalFormCodeList",
    "LegalFormEntry",
    "comparable_forms",
    "country_key",
    "eintragung_art",
    "legal_form",
    "read_table",
]

XUNTERNEHMEN_RECHTSFORMEN = "urn:xoev-de:xunternehmen:codeliste:rechtsformen"
XGA_RECHTSFORMEN = "urn:xoev-de:xgewerbeanzeige:codeliste:rechtsformen"


class LegalFormCodeList(enum.Enum):
    """Which legal-form code list ``rechtsformSchluessel`` uses.

    ``XUNTERNEHMEN_2_2`` (default): the 6-digit XUnternehmen list in the kit, which states that it
    serves XGewerbeanzeige. ``XGEWERBEANZEIGE_5``: the 3-digit list of the KoSIT test messages;
    only the codes those messages show are known, all others are unmapped.
    """

    XUNTERNEHMEN_2_2 = (XUNTERNEHMEN_RECHTSFORMEN, "2.2")
    XGEWERBEANZEIGE_5 = (XGA_RECHTSFORMEN, "5")


@dataclass(frozen=True, slots=True)
class LegalFormEntry:
    """One row of ``legal_forms.csv``."""

    country: str
    source_form: str
    label: str
    xunternehmen_code: str
    xunternehmen_label: str
    xga5_code: str
    sole_trader: bool
    register: str
    group: str
    """Comparable-form group (``data/legal_form_groups.csv``) for the DE <-> NL <-> AT direction."""
    basis: str

    def code(self, code_list: LegalFormCodeList) -> str:
        """The code in ``code_list``, or raise :class:`Unmapped`."""
        value = (
            self.xunternehmen_code
            if code_list is LegalFormCodeList.XUNTERNEHMEN_2_2
            else self.xga5_code
        )
        if not value:
            raise Unmapped(
                "legal form", f"{self.country}:{self.source_form}", table=code_list.value[0]
            )
        return value


def read_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of one CSV data file (UTF-8, header line)."""
    text = resources.files("gateway.gewerbe").joinpath("data", name).read_text(encoding="utf-8")
    return tuple(dict(row) for row in csv.DictReader(io.StringIO(text)))


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


@functools.cache
def _legal_forms() -> dict[tuple[str, str], LegalFormEntry]:
    table: dict[tuple[str, str], LegalFormEntry] = {}
    for row in read_table("legal_forms.csv"):
        entry = LegalFormEntry(
            country=row["country"],
            source_form=row["source_form"],
            label=row["label"],
            xunternehmen_code=row["xunternehmen_code"],
            xunternehmen_label=row["xunternehmen_label"],
            xga5_code=row["xga5_code"],
            sole_trader=row["sole_trader"] == "yes",
            register=row["register"],
            group=row["group"],
            basis=row["basis"],
        )
        for alias in (row["source_form"], *row["aliases"].split("|")):
            key = (row["country"], _norm(alias))
            if key in table and table[key] != entry:
                raise ValueError(f"legal_forms.csv: alias {alias!r} is ambiguous")
            table[key] = entry
    return table


def legal_form(form: LegalForm) -> LegalFormEntry:
    """The mapping row for a register's legal form, or raise :class:`Unmapped`."""
    entry = _legal_forms().get((form.country.upper(), _norm(form.code)))
    if entry is None:
        raise Unmapped("legal form", f"{form.country}:{form.code}", table="legal_forms.csv")
    return entry


def comparable_forms(form: LegalForm, country: str) -> tuple[LegalFormEntry, ...]:
    """The forms of ``country`` in the same group as ``form`` (a German GmbH shown to the NL
    mock as BV, ...); :class:`Unmapped` when there is none. Several entries for one country are
    all returned (DE GmbH and UG): the person picks, nothing is chosen for them."""
    entry = legal_form(form)
    wanted = country.upper()
    found: dict[str, LegalFormEntry] = {}
    for (c, _), other in _legal_forms().items():
        if c == wanted and other.group == entry.group:
            found[other.source_form] = other
    if not found:
        raise Unmapped("legal form", f"{form.country}:{form.code} in {wanted}",
                       table="legal_forms.csv (group)")
    return tuple(found[k] for k in sorted(found))


@functools.cache
def _countries() -> dict[str, dict[str, str]]:
    return {row["iso2"]: row for row in read_table("countries.csv")}


def country_key(iso2: str) -> str:
    """``nationSchluessel`` for an ISO 3166-1 alpha-2 country, or raise :class:`Unmapped`."""
    row = _countries().get(iso2.upper())
    if row is None:
        raise Unmapped("country", iso2, table="countries.csv")
    return row["iso_numeric"]


@functools.cache
def _register_types() -> dict[str, str]:
    rows = read_table("register_types.csv")
    return {row["xjustiz_registerart"]: row["eintragung_art"] for row in rows}


def eintragung_art(country: str, register_type: str) -> str:
    """``eintragungArt`` (XUnternehmen ``artdereintragung``): DE register type, or ``X`` abroad."""
    if country.upper() != "DE":
        row = _countries().get(country.upper())
        if row is None or not row["register_eintragung_art"]:
            raise Unmapped("country", country, table="countries.csv")
        return row["register_eintragung_art"]
    # GDS.Registerart is case-sensitive (GnR, GsR): KNOWN-DEFECTS.md, XJustiz section.
    art = _register_types().get(register_type)
    if art is None:
        raise Unmapped("register type", register_type, table="register_types.csv")
    return art
