"""Project checks for rules the standard expresses in Schematron (not in its XSD).

The official Schematron (``spezifikation.xsl``) is not public (KNOWN-DEFECTS.md gap 1), so the
rules the gateway relies on are written here, each with its id:

* ``SCH-0036``: ``exists(xga:gewerbe/xga:betriebArt)`` in an Anmeldung. Cited verbatim from the
  header comment of the KoSIT test message ``xgwa2.1-invalid-sch.xml`` (context
  ``lue.satz/anmeldung``; the gateway applies it to every Anmeldung it accepts).
* ``PRJ-ANM-01`` (project rule): an Anmeldung names the establishment address
  (``gewerbe/anschrift``; GewAnzV Anlage 1 asks for the "Betriebsstätte").
* ``PRJ-ANM-02`` (project rule): ``betriebArt/handwerk = 1`` requires ``gewerbe/handwerkskarte``.
* ``PRJ-MSG-01`` (project rule): the root's ``version`` attribute names the version of its
  namespace (``version="2.2"`` with ``.../spezifikation/2.2``), as in every KoSIT test message.

PRJ-ANM rules are our reading of ``xgwa2.0-invalid-sch.xml``: these two omissions are among its
differences from ``xgwa2.0-valid.xml``; which Schematron rule KoSIT meant is not documented.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

__all__ = ["RuleFailure", "check_anmeldung"]


@dataclass(frozen=True, slots=True)
class RuleFailure:
    """One failed rule: its id, a readable text and where (the record's position)."""

    rule: str
    message: str
    location: str


def _q(ns: str, path: str) -> str:
    return "/".join(f"{{{ns}}}{step}" for step in path.split("/"))


def check_anmeldung(root: etree._Element) -> tuple[RuleFailure, ...]:
    """Apply the rules above (the record rules to every ``satz/anmeldung``)."""
    ns = etree.QName(root).namespace or ""
    failures: list[RuleFailure] = []
    if root.get("version") != ns.rsplit("/", 1)[-1]:
        failures.append(RuleFailure(
            "PRJ-MSG-01", f"version={root.get('version')!r} does not match namespace {ns}", "/"))
    for index, record in enumerate(root.iterfind(_q(ns, "satz/anmeldung")), start=1):
        where = f"satz[{index}]/anmeldung"
        gewerbe = record.find(_q(ns, "gewerbe"))
        if gewerbe is None:
            continue  # the XSD reports a missing gewerbe
        if gewerbe.find(_q(ns, "betriebArt")) is None:
            failures.append(RuleFailure("SCH-0036", "gewerbe/betriebArt is missing", where))
        if gewerbe.find(_q(ns, "anschrift")) is None:
            failures.append(RuleFailure(
                "PRJ-ANM-01", "the establishment address (gewerbe/anschrift) is missing", where))
        craft = gewerbe.findtext(_q(ns, "betriebArt/handwerk") + "/code")
        if craft is not None and craft.strip() == "1" and gewerbe.find(
                _q(ns, "handwerkskarte")) is None:
            failures.append(RuleFailure(
                "PRJ-ANM-02", "betriebArt/handwerk is 1 but gewerbe/handwerkskarte is missing",
                where))
    return tuple(failures)
