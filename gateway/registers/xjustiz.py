"""Read the XJustiz structured register content ``nachricht.reg.0400003`` (no I/O).

Element paths follow kit ``de/xjustiz/REGISTER-MESSAGES.md`` (outline verified against
``xjustiz_0400_register_3_3.xsd`` / ``xjustiz_0000_grunddatensatz_3_5.xsd``):

- court: ``grunddaten/verfahrensdaten/instanzdaten/auswahl_instanzbehoerde/gericht/code``
  (fallback ``nachrichtenkopf/auswahl_absender/absender.gericht/code``);
- register type and number: ``.../aktenzeichen.strukturiert/register/code`` and
  ``.../laufendeNummer``;
- the legal entity: the ``beteiligung`` whose ``rollennummer`` is
  ``fachdatenRegister/betroffenerRechtstraeger/ref.rollennummer`` (role 287 Rechtsträger);
  other ``beteiligung`` entries are officers (086 Geschäftsführer, 285 Prokurist, ...);
- EUID: ``.//registereintragung/euid`` where the Land fills it in (often empty).

Code lists are type 3 (version free): unknown codes never break parsing (KNOWN-DEFECTS,
XJustiz "Code-list versions lag behind"); the status is read from
``basisdatenRegister/statusRechtstraeger/code``.
"""

from __future__ import annotations

from datetime import date, datetime, time

from lxml import etree

from gateway.errors import Origin, XmlRejected
from gateway.namespaces import NS
from gateway.registers.codelists import RegisterCodeLists
from gateway.registers.model import (
    CompanyRecord,
    CompanyStatus,
    Officer,
    RegisterKey,
    RegisterUnavailable,
)
from gateway.xml._parse import parse_xml

__all__ = ["ROOT", "STATUS_CODES", "parse_register_content"]

ROOT = f"{{{NS.XJUSTIZ}}}nachricht.reg.0400003"
_NS = {"t": NS.XJUSTIZ}
STATUS_CODES: dict[str, CompanyStatus] = {
    "001": CompanyStatus.ACTIVE,
    "002": CompanyStatus.DELETED,
    "004": CompanyStatus.INSOLVENCY,
}
"""``reg.status-rechtstraeger`` 2.0 (kit ``REG.Status_Rechtstraeger_2.0.xml``): 001 aktiv,
002 gelöscht, 004 insolvent; other codes (003 in Abwicklung, ...) keep the name as text."""
_ROLE_ENTITY = "287"


def _text(node: etree._Element, path: str) -> str | None:
    found = node.xpath(path, namespaces=_NS)
    if not isinstance(found, list) or not found:
        return None
    first = found[0]
    value = (first.text if isinstance(first, etree._Element) else str(first)) or ""
    value = value.strip()
    return value or None


def _bad(message: str) -> RegisterUnavailable:
    return RegisterUnavailable(f"register answer unusable: {message}")


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _officer(participation: etree._Element, lists: RegisterCodeLists) -> Officer | None:
    person = participation.find("t:beteiligter/t:auswahl_beteiligter/t:natuerlichePerson", _NS)
    role_code = _text(participation, "t:rolle/t:rollenbezeichnung/code")
    if person is None or role_code is None:
        return None
    given = _text(person, "t:vollerName/t:vorname") or ""
    family = _text(person, "t:vollerName/t:nachname") or ""
    return Officer(
        name=f"{given} {family}".strip(),
        role_code=role_code,
        role=lists.roles.get(role_code, role_code),
        birth_date=_date(_text(person, "t:geburt/t:geburtsdatum")),
        city=_text(person, "t:anschrift/t:ort"),
    )


def parse_register_content(data: bytes,
                           lists: RegisterCodeLists | None = None) -> CompanyRecord:
    """The company data of one ``nachricht.reg.0400003``; :class:`RegisterUnavailable` when
    the answer is not such a message or lacks the register key or the legal entity.
    ``lists`` give the names of the type-3 codes (:mod:`.codelists`)."""
    lists = lists or RegisterCodeLists()
    try:
        root = parse_xml(data, what="XJustiz register content", origin=Origin.REMOTE)
    except XmlRejected as exc:
        raise _bad(exc.message) from exc
    if root.tag != ROOT:
        raise _bad(f"root is {etree.QName(root).localname}, not nachricht.reg.0400003")
    proc = root.find("t:grunddaten/t:verfahrensdaten", _NS)
    if proc is None:
        raise _bad("no grunddaten/verfahrensdaten")
    court = (_text(proc, "t:instanzdaten/t:auswahl_instanzbehoerde/t:gericht/code")
             or _text(root, "t:nachrichtenkopf/t:auswahl_absender/t:absender.gericht/code"))
    az = "t:instanzdaten/t:aktenzeichen/t:auswahl_aktenzeichen/t:aktenzeichen.strukturiert/"
    rtype = _text(proc, az + "t:register/code")
    number = _text(proc, az + "t:laufendeNummer")
    if not (court and rtype and number):
        raise _bad("register court, type or number missing")
    reg = root.find("t:fachdatenRegister", _NS)
    if reg is None:
        raise _bad("no fachdatenRegister")
    entity_no = _text(reg, "t:betroffenerRechtstraeger/t:ref.rollennummer")
    entity = None
    officers = []
    for part in proc.findall("t:beteiligung", _NS):
        if _text(part, "t:rolle/t:rollennummer") == entity_no or (
                entity_no is None
                and _text(part, "t:rolle/t:rollenbezeichnung/code") == _ROLE_ENTITY):
            entity = part.find("t:beteiligter/t:auswahl_beteiligter/t:organisation", _NS)
            continue
        officer = _officer(part, lists)
        if officer is not None:
            officers.append(officer)
    if entity is None:
        raise _bad("the Rechtsträger (betroffenerRechtstraeger) is missing")
    name = _text(entity, "t:bezeichnung/t:bezeichnung.aktuell")
    if name is None:
        raise _bad("the Rechtsträger has no name")
    street = _text(entity, "t:anschrift/t:strasse")
    house = _text(entity, "t:anschrift/t:hausnummer")
    form_code = _text(entity, "t:angabenZurRechtsform/t:rechtsform/code") or ""
    status_code = _text(reg, "t:basisdatenRegister/t:statusRechtstraeger/code")
    retrieved_day = _date(_text(reg, "t:auszug/t:abrufdatum"))
    retrieved_time = _text(reg, "t:auszug/t:abrufuhrzeit")
    retrieved = None
    if retrieved_day and retrieved_time:
        try:
            retrieved = datetime.combine(retrieved_day, time.fromisoformat(retrieved_time))
        except ValueError:
            retrieved = None
    capital_path = "t:auswahl_zusatzangaben/t:kapitalgesellschaft//t:*[t:zahl]"
    capital = None
    for amount in reg.xpath(capital_path, namespaces=_NS):  # type: ignore[union-attr]
        assert isinstance(amount, etree._Element)
        currency = _text(amount, "t:auswahl_waehrung/t:waehrung/code") or ""
        capital = f"{_text(amount, 't:zahl')} {currency}".strip()
    return CompanyRecord(
        key=RegisterKey(court, rtype, number),
        court_name=lists.courts.get(court, court),
        name=name,
        legal_form_code=form_code,
        legal_form=lists.legal_forms.get(form_code, form_code),
        seat=_text(entity, "t:sitz/t:ort") or "",
        street=f"{street} {house}".strip() if street else None,
        post_code=_text(entity, "t:anschrift/t:postleitzahl"),
        city=_text(entity, "t:anschrift/t:ort"),
        status=STATUS_CODES.get(status_code or "001", CompanyStatus.ACTIVE),
        status_text=lists.statuses.get(status_code or "", status_code),
        registered_on=_date(_text(reg, "t:basisdatenRegister/t:gruendungsmetadaten/"
                                       "t:gruendungsdatum")),
        euid=_text(entity, ".//t:registereintragung/t:euid"),
        capital=capital,
        purpose=_text(reg, "t:basisdatenRegister/t:gegenstand"),
        officers=tuple(officers),
        retrieved_at=retrieved,
        source_message_id=_text(root, "t:nachrichtenkopf/t:eigeneNachrichtenID"),
    )
