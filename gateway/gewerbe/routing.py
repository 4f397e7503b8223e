"""Routing to the competent Gewerbeamt by the establishment's municipality key (AGS, 8 digits).

The table is ``data/gewerbeaemter.csv``. In production the recipient would be found in the DVDV
(STRUCTURE.md, "Transport"); the DVDV is not public, so the table stands in for it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from gateway.gewerbe.errors import FormIncomplete, NoCompetentAuthority
from gateway.gewerbe.mappings import read_table

__all__ = ["AGS_LIST_URI", "Gewerbeamt", "authorities", "route"]

AGS_LIST_URI = "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:ags"
_AGS = re.compile(r"^[0-9]{8}$")


@dataclass(frozen=True, slots=True)
class Gewerbeamt:
    """One Gewerbeamt: its municipality key and how messages are addressed to it."""

    ags: str
    gemeinde: str
    behoerdenname: str
    strasse: str
    hausnr: str
    plz: str
    ort: str
    email: str


@functools.cache
def authorities() -> dict[str, Gewerbeamt]:
    """Every known Gewerbeamt by AGS."""
    return {row["ags"]: Gewerbeamt(**{k: v for k, v in row.items() if k != "basis"})
            for row in read_table("gewerbeaemter.csv")}


def route(ags: str) -> Gewerbeamt:
    """The Gewerbeamt competent for ``ags``; refuse malformed or unknown keys."""
    if not _AGS.match(ags):
        raise FormIncomplete(("ags",), f"municipality key {ags!r} is not 8 digits")
    try:
        return authorities()[ags]
    except KeyError:
        raise NoCompetentAuthority(f"no Gewerbeamt known for municipality key {ags}") from None
