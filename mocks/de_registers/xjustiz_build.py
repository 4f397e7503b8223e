"""Build the mock register's XJustiz ``nachricht.reg.0400003`` for a demo company.

Shaped after kit ``de/xjustiz/REGISTER-MESSAGES.md`` (XJustiz 3.5.1, Fachmodul Register
3.3): ``nachrichtenkopf``, ``grunddaten/verfahrensdaten`` (court, structured file number,
one ``beteiligung`` per role: 287 Rechtsträger, then the officers), empty
``schriftgutobjekte``, ``fachdatenRegister`` (mitteilungsart 002 HR-Auszug, auszug,
basisdatenRegister, capital). Code elements carry ``listURI``/``listVersionID``.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from lxml import etree

from gateway.namespaces import NS
from mocks.de_registers.companies import DemoCompany

__all__ = ["register_content"]

_T = NS.XJUSTIZ


def _el(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, f"{{{_T}}}{name}")
    if text is not None:
        el.text = text
    return el


def _code(parent: etree._Element, name: str, code: str, list_uri: str,
          version: str) -> etree._Element:
    """An XÖV type-3 code (``xoev-code.xsd``): ``listURI``/``listVersionID`` on the element
    and an unqualified ``code`` child; no ``name`` (the receiver holds the code list)."""
    el = _el(parent, name)
    el.set("listURI", list_uri)
    el.set("listVersionID", version)
    etree.SubElement(el, "code").text = code
    return el


def register_content(company: DemoCompany, *, now: datetime) -> bytes:
    """The structured register content (SI) of ``company`` as retrieved at ``now``."""
    root = etree.Element(f"{{{_T}}}nachricht.reg.0400003", nsmap={"tns": _T})
    head = _el(root, "nachrichtenkopf")
    head.set("xjustizVersion", "3.5.1")
    _el(head, "erstellungszeitpunkt", now.isoformat(timespec="seconds"))
    _code(_el(head, "auswahl_absender"), "absender.gericht", company.court,
          "urn:xoev-de:xjustiz:codeliste:gds.gerichte", "3.6")
    _el(_el(head, "auswahl_empfaenger"), "empfaenger.sonstige", "OOTS-Knoten DE")
    _el(head, "eigeneNachrichtenID", str(uuid.uuid5(uuid.NAMESPACE_URL,
                                                    f"{company.euid}/{now.isoformat()}")))
    _code(head, "ereignis", "002", "urn:xoev-de:xjustiz:codeliste:gds.ereignis", "1.3")
    proc = _el(_el(root, "grunddaten"), "verfahrensdaten")
    inst = _el(proc, "instanzdaten")
    _el(inst, "instanznummer", "1")
    _code(_el(inst, "auswahl_instanzbehoerde"), "gericht", company.court,
          "urn:xoev-de:xjustiz:codeliste:gds.gerichte", "3.6")
    az = _el(_el(_el(inst, "aktenzeichen"), "auswahl_aktenzeichen"), "aktenzeichen.strukturiert")
    _code(az, "register", company.register_type,
          "urn:xoev-de:xjustiz:codeliste:gds.registerzeichen", "3.5")
    _el(az, "laufendeNummer", company.number)
    _el(az, "jahr", str(company.registered_on.year))  # required by the schema
    entity_part = _el(proc, "beteiligung")
    role = _el(entity_part, "rolle")
    _el(role, "rollennummer", "1")
    _code(role, "rollenbezeichnung", "287", "urn:xoev-de:xjustiz:codeliste:gds.rollenbezeichnung",
          "3.6")
    party = _el(entity_part, "beteiligter")
    _el(party, "beteiligtennummer", "1")
    org = _el(_el(party, "auswahl_beteiligter"), "organisation")
    _el(_el(org, "bezeichnung"), "bezeichnung.aktuell", company.name)
    _code(_el(org, "angabenZurRechtsform"), "rechtsform", company.legal_form_code,
          "urn:xoev-de:xunternehmen:codeliste:rechtsformen", "2.2")
    _el(_el(org, "sitz"), "ort", company.seat)
    reg_entry = _el(org, "registereintragung")
    court = _el(_el(reg_entry, "auswahl_registerbehoerde"), "inlaendischesRegistergericht")
    _code(court, "gericht", company.court, "urn:xoev-de:xjustiz:codeliste:gds.gerichte", "3.6")
    _code(court, "registerart", company.register_type,
          "urn:xoev-de:xjustiz:codeliste:gds.registerart", "1.2")
    _el(reg_entry, "registernummer", company.number)
    if company.euid_filled:
        _el(reg_entry, "euid", company.euid)
    addr = _el(org, "anschrift")
    _el(addr, "strasse", company.street)
    _el(addr, "hausnummer", company.house)
    _el(addr, "postleitzahl", company.post_code)
    _el(addr, "ort", company.seat)
    for n, officer in enumerate(company.officers, start=2):
        part = _el(proc, "beteiligung")
        role = _el(part, "rolle")
        _el(role, "rollennummer", str(n))
        _code(role, "rollenbezeichnung", officer.role_code,
              "urn:xoev-de:xjustiz:codeliste:gds.rollenbezeichnung", "3.6")
        party = _el(part, "beteiligter")
        _el(party, "beteiligtennummer", str(n))
        person = _el(_el(party, "auswahl_beteiligter"), "natuerlichePerson")
        name = _el(person, "vollerName")
        _el(name, "vorname", officer.given)
        _el(name, "nachname", officer.family)
        _el(_el(person, "geburt"), "geburtsdatum", officer.birth.isoformat())
        _el(_el(person, "anschrift"), "ort", officer.city)
    _el(root, "schriftgutobjekte")
    fach = _el(root, "fachdatenRegister")
    fach.set("fachdatenRegisterVersion", "3.4")  # fixed value of the 3.5.1 register module
    _code(fach, "mitteilungsart", "002", "urn:xoev-de:xjustiz:codeliste:gds.ereignis", "1.3")
    _el(_el(fach, "betroffenerRechtstraeger"), "ref.rollennummer", "1")
    auszug = _el(fach, "auszug")
    text = _el(auszug, "eintragungstext")
    _el(text, "spalte", "2")
    _el(text, "position", "1")
    _el(text, "laufendeNummer", "1")
    _code(text, "eintragungsart", "003", "urn:xoev-de:xjustiz:codeliste:reg.eintragungstyp", "1.0")
    _el(text, "text", f"{company.name}, {company.seat}")
    _el(auszug, "abrufuhrzeit", now.time().replace(microsecond=0).isoformat())
    _el(auszug, "abrufdatum", now.date().isoformat())
    _el(auszug, "letzteEintragung", company.registered_on.isoformat())
    _el(auszug, "anzahlEintragungen", "1")
    base = _el(fach, "basisdatenRegister")
    _el(_el(base, "gruendungsmetadaten"), "gruendungsdatum", company.registered_on.isoformat())
    if company.purpose:
        _el(base, "gegenstand", company.purpose)
    _code(base, "statusRechtstraeger", company.status_code,
          "urn:xoev-de:xjustiz:codeliste:reg.status-rechtstraeger", "2.0")
    if company.capital is not None:
        kind, amount = company.capital
        form = "zusatzAktiengesellschaft" if kind == "grundkapital" else "zusatzGmbH"
        money = _el(_el(_el(_el(fach, "auswahl_zusatzangaben"), "kapitalgesellschaft"), form),
                    kind)
        if kind == "grundkapital":  # Grundkapital wraps the amount in hoehe
            money = _el(money, "hoehe")
        _el(money, "zahl", amount)
        _code(_el(money, "auswahl_waehrung"), "waehrung", "EUR",
              "urn:xoev-de:bund:kba:codeliste:waehrung", "2.0")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
