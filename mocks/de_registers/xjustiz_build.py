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


def _code(parent: etree._Element, name: str, code: str, list_uri: str, version: str,
          label: str | None = None) -> etree._Element:
    el = _el(parent, name)
    c = _el(el, "code", code)
    c.set("listURI", list_uri)
    c.set("listVersionID", version)
    if label is not None:
        _el(el, "name", label)
    return el


def register_content(company: DemoCompany, *, now: datetime) -> bytes:
    """The structured register content (SI) of ``company`` as retrieved at ``now``."""
    root = etree.Element(f"{{{_T}}}nachricht.reg.0400003", nsmap={"tns": _T})
    head = _el(root, "nachrichtenkopf")
    head.set("xjustizVersion", "3.5.1")
    _el(head, "erstellungszeitpunkt", now.isoformat(timespec="seconds"))
    sender = _el(_el(head, "auswahl_absender"), "absender.gericht")
    _el(sender, "code", company.court).set("listURI", "urn:xoev-de:xjustiz:codeliste:gds.gerichte")
    _el(head, "eigeneNachrichtenID", str(uuid.uuid5(uuid.NAMESPACE_URL,
                                                    f"{company.euid}/{now.isoformat()}")))
    _code(head, "ereignis", "002", "urn:xoev-de:xjustiz:codeliste:gds.ereignis", "1.3",
          "HR-Auszug")
    proc = _el(_el(root, "grunddaten"), "verfahrensdaten")
    inst = _el(proc, "instanzdaten")
    _code(_el(inst, "auswahl_instanzbehoerde"), "gericht", company.court,
          "urn:xoev-de:xjustiz:codeliste:gds.gerichte", "3.6", company.court_name)
    az = _el(_el(_el(inst, "aktenzeichen"), "auswahl_aktenzeichen"), "aktenzeichen.strukturiert")
    _code(az, "register", company.register_type,
          "urn:xoev-de:xjustiz:codeliste:gds.registerzeichen", "3.5")
    _el(az, "laufendeNummer", company.number)
    entity_part = _el(proc, "beteiligung")
    role = _el(entity_part, "rolle")
    _el(role, "rollennummer", "1")
    _code(role, "rollenbezeichnung", "287", "urn:xoev-de:xjustiz:codeliste:gds.rollenbezeichnung",
          "3.6", "Rechtsträger")
    org = _el(_el(_el(entity_part, "beteiligter"), "auswahl_beteiligter"), "organisation")
    _el(_el(org, "bezeichnung"), "bezeichnung.aktuell", company.name)
    _code(_el(org, "angabenZurRechtsform"), "rechtsform", company.legal_form_code,
          "urn:xoev-de:xunternehmen:codeliste:rechtsformen", "2.2", company.legal_form)
    _el(_el(org, "sitz"), "ort", company.seat)
    addr = _el(org, "anschrift")
    _el(addr, "strasse", company.street)
    _el(addr, "hausnummer", company.house)
    _el(addr, "postleitzahl", company.post_code)
    _el(addr, "ort", company.seat)
    reg_entry = _el(org, "registereintragung")
    _el(reg_entry, "euid", company.euid if company.euid_filled else None)
    for n, officer in enumerate(company.officers, start=2):
        part = _el(proc, "beteiligung")
        role = _el(part, "rolle")
        _el(role, "rollennummer", str(n))
        _code(role, "rollenbezeichnung", officer.role_code,
              "urn:xoev-de:xjustiz:codeliste:gds.rollenbezeichnung", "3.6", officer.role)
        person = _el(_el(_el(part, "beteiligter"), "auswahl_beteiligter"), "natuerlichePerson")
        name = _el(person, "vollerName")
        _el(name, "vorname", officer.given)
        _el(name, "nachname", officer.family)
        _el(_el(person, "geburt"), "geburtsdatum", officer.birth.isoformat())
        _el(_el(person, "anschrift"), "ort", officer.city)
    _el(root, "schriftgutobjekte")
    fach = _el(root, "fachdatenRegister")
    fach.set("fachdatenRegisterVersion", "3.3")
    _code(fach, "mitteilungsart", "002", "urn:xoev-de:xjustiz:codeliste:gds.ereignis", "1.3")
    _el(_el(fach, "betroffenerRechtstraeger"), "ref.rollennummer", "1")
    auszug = _el(fach, "auszug")
    _el(auszug, "abrufdatum", now.date().isoformat())
    _el(auszug, "abrufuhrzeit", now.time().replace(microsecond=0).isoformat())
    _el(auszug, "letzteEintragung", company.registered_on.isoformat())
    _el(auszug, "anzahlEintragungen", "1")
    text = _el(auszug, "eintragungstext")
    _el(text, "spalte", "2")
    _el(text, "position", "1")
    _el(text, "laufendeNummer", "1")
    _el(text, "text", f"{company.name}, {company.seat}")
    base = _el(fach, "basisdatenRegister")
    rt = _el(base, "rechtstraeger")
    _code(rt, "statusRechtstraeger", company.status_code,
          "urn:xoev-de:xjustiz:codeliste:reg.status-rechtstraeger", "2.0", company.status)
    _el(_el(base, "gruendungsmetadaten"), "gruendungsdatum", company.registered_on.isoformat())
    if company.purpose:
        _el(base, "gegenstand", company.purpose)
    if company.capital is not None:
        kind, amount = company.capital
        form = "zusatzAktiengesellschaft" if kind == "grundkapital" else "zusatzGmbH"
        money = _el(_el(_el(_el(fach, "auswahl_zusatzangaben"), "kapitalgesellschaft"), form),
                    kind)
        _el(money, "zahl", amount)
        _code(money, "waehrung", "EUR", "urn:xoev-de:bund:kba:codeliste:waehrung", "2.0")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
