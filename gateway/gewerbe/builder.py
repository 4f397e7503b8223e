"""XGewerbeanzeige 2.2 ``anmeldung`` from company evidence plus what the person typed.

Version: 2.2. It is the newest version in the kit, the one STRUCTURE.md reconstructs the message
body from (``xgwa2.2-valid.xml``, an Anmeldung) and the one the FIM data fields for the
Gewerbeanmeldung cite (STRUCTURE.md, "Company register data"). Root: ``alg.gewerbemeldung.0300``
("allgemein"), the Anmeldung message of the 2.0 test messages; the 2.2 messages in the kit only
show ``abh...0500`` (immigration office), which is not the Gewerbeamt's inbox [ASSUMED that
0300 is unchanged in 2.2].

The builder is pure: the same input gives the same bytes (UUIDs are name-based, times come from
``FormInput.submitted_at``), so a resubmission is recognisably the same notification.
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid
from datetime import UTC

from lxml import etree

from gateway.gewerbe import mappings
from gateway.gewerbe.errors import FormIncomplete
from gateway.gewerbe.mappings import LegalFormCodeList
from gateway.gewerbe.models import (
    Address,
    CompanyEvidence,
    EstablishmentKind,
    FormInput,
    Provenance,
    Representative,
)
from gateway.gewerbe.routing import AGS_LIST_URI, Gewerbeamt, route
from gateway.namespaces import NS

__all__ = ["MESSAGE_ROOT", "PREFILLED_FIELDS", "XGA_VERSION", "build_anmeldung", "digest_of"]

XGA_VERSION = "2.2"
MESSAGE_ROOT = "alg.gewerbemeldung.0300"
_NS = NS.XGEWERBEANZEIGE_2_2
_UUID_NS = uuid.UUID("6f1c1f0e-5b7a-4c1e-9d55-0a8f3e0e6a21")  # project namespace for uuid5
# Company-evidence fields the Anmeldung carries; each needs a source in the Provenance.
PREFILLED_FIELDS = ("name", "legal_form", "seat", "address", "register_number",
                    "register_authority", "representatives")
# personFunktion: 1 for the owner of a sole trader (Tibor Pick e.K., xgwa2.2-valid.xml),
# 3 for legal representatives of companies (Logistik 24 GmbH, xgwa2.1-invalid-xsd.xml).
_OWNER, _REPRESENTATIVE = "1", "3"


def digest_of(xml: bytes) -> str:
    """``sha256:<hex>`` of the message bytes (what the log entry links to the evidence)."""
    return "sha256:" + hashlib.sha256(xml).hexdigest()


def _el(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{_NS}}}{name}")
    if text is not None:
        child.text = text
    return child


def _code(parent: etree._Element, name: str, code: str, *, list_uri: str = "",
          list_version: str = "") -> etree._Element:
    """XÖV code type: ``<name listURI listVersionID><code>..</code></name>`` (code unqualified)."""
    element = _el(parent, name)
    if list_uri:
        element.set("listURI", list_uri)
    if list_version:
        element.set("listVersionID", list_version)
    etree.SubElement(element, "code").text = code
    return element


def _yes_no(parent: etree._Element, name: str, flag: bool) -> None:
    _code(parent, name, "1" if flag else "0")


def _authority(parent: etree._Element, name: str, *, praefix: str, praefix_uri: str,
               kennung: str, kennung_uri: str, email: str, address: Address | None,
               behoerdenname: str) -> None:
    node = _el(parent, name)
    kennung_node = _el(node, "behoerdenkennung")
    _code(kennung_node, "praefix", praefix, list_uri=praefix_uri)
    _code(kennung_node, "kennung", kennung, list_uri=kennung_uri)
    if email:
        reach = _el(node, "erreichbarkeit")
        _code(reach, "kanal", "01")  # 01 = e-mail (with e-mail addresses in every test message)
        _el(reach, "kennung", email)
    if address is not None:
        anschrift = _el(node, "anschrift")
        _el(anschrift, "strasse", address.street)
        _el(anschrift, "hausNr", address.house_number)
        _el(anschrift, "ort", address.city)
        _el(anschrift, "plz", address.postcode)
    _el(node, "behoerdenname", behoerdenname)


@functools.cache
def _sender_values() -> dict[str, str]:
    return {row["key"]: row["value"] for row in mappings.read_table("sender.csv")}


def _sender(parent: etree._Element) -> None:
    s = _sender_values()
    _authority(parent, "autor", praefix=s["praefix"], praefix_uri=s["praefix_list_uri"],
               kennung=s["kennung"], kennung_uri="", email="", address=None,
               behoerdenname=s["behoerdenname"])


def _reader(parent: etree._Element, amt: Gewerbeamt) -> None:
    # The Gewerbeamt is identified as in the test messages: DVDV prefix MELDID + its AGS.
    _authority(parent, "leser", praefix="MELDID",
               praefix_uri="urn:xoev-de:bund:bmi:bit:codeliste:dvdv.praefix",
               kennung=amt.ags, kennung_uri=AGS_LIST_URI, email=amt.email,
               address=Address(amt.strasse, amt.hausnr, amt.plz, amt.ort, "DE"),
               behoerdenname=amt.behoerdenname)


def _address(parent: etree._Element, name: str, address: Address) -> None:
    """Mapping: ``data/address_fields.csv``."""
    node = _el(parent, name)
    _el(node, "strasse", address.street)
    if address.house_number:
        _el(node, "hausNrVon", address.house_number)
    _el(node, "ort", address.city)
    if address.postcode:
        _el(node, "plz", address.postcode)
    _code(node, "nationSchluessel", mappings.country_key(address.country))


def _person(parent: etree._Element, person: Representative, function: str) -> None:
    node = _el(parent, "beteiligtePerson")
    _code(node, "personFunktion", function)
    _el(node, "familienname", person.family_name)
    if person.given_names:
        _el(node, "vorname", person.given_names)
    if person.birth_date is not None:
        _el(node, "geburtsdatum", person.birth_date.strftime("%d%m%Y"))


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _texts(company: CompanyEvidence, form: FormInput) -> list[tuple[str, str, bool]]:
    """(field, value, required) of every text that goes into the message."""
    texts = [("activity", form.activity, True), ("activity_code", form.activity_code, False),
             ("email", form.email, False), ("craft_card_status", form.craft_card_status, False)]
    for prefix, address in (("establishment_address", form.establishment_address),
                            ("company.address", company.address)):
        texts += [(f"{prefix}.street", address.street, True),
                  (f"{prefix}.house_number", address.house_number, False),
                  (f"{prefix}.postcode", address.postcode, False),
                  (f"{prefix}.city", address.city, True)]
    texts += [("company.name", company.name, True),
              ("company.register_number", company.register_number, True),
              ("company.register_authority", company.register_authority, True),
              ("company.court_code", company.court_code, False),
              ("company.register_place", company.register_place, False)]
    for i, person in enumerate(company.representatives):
        texts += [(f"company.representatives[{i}].family_name", person.family_name, True),
                  (f"company.representatives[{i}].given_names", person.given_names, False)]
    return texts


def _check_inputs(company: CompanyEvidence, form: FormInput, provenance: Provenance) -> None:
    # Every text the schema requires must be non-blank, and no text may hold characters XML
    # cannot carry: the message we return always validates (tests/unit/gewerbe).
    missing = [name for name, value, required in _texts(company, form)
               if (required and not value.strip()) or _XML_ILLEGAL.search(value)]
    if form.full_time_employees < 0 or form.part_time_employees < 0:
        missing.append("employees")
    if form.kind.craft and not form.craft_card_status.strip():
        missing.append("craft_card_status")  # project rule PRJ-ANM-02 (gateway/gewerbe/checks.py)
    if not (form.kind.industry or form.kind.craft or form.kind.trade or form.kind.other):
        missing.append("kind")
    if form.submitted_at.utcoffset() is None:
        raise FormIncomplete(("submitted_at",), "submitted_at must be an aware UTC time")
    if missing:
        raise FormIncomplete(tuple(missing))
    unsourced = [f for f in PREFILLED_FIELDS if f not in provenance.fields]
    if unsourced:
        raise FormIncomplete(tuple(unsourced), "prefilled fields without provenance: "
                             + ", ".join(unsourced))
    if not company.representatives:
        raise FormIncomplete(("representatives",), "the evidence names no owner/representative")


def _betrieb(parent: etree._Element, company: CompanyEvidence, code_list: LegalFormCodeList,
             ) -> bool:
    entry = mappings.legal_form(company.legal_form)
    code = entry.code(code_list)  # raises Unmapped before anything is built
    art = mappings.eintragung_art(company.legal_form.country, company.register_type)
    betrieb = _el(parent, "betrieb")
    _el(betrieb, "ID", "1")
    _el(betrieb, "eingetragenerName", company.name)
    _el(betrieb, "eintragungNr", company.register_number)
    _el(betrieb, "eintragungOrt", company.register_place.strip() or company.register_authority)
    _code(betrieb, "eintragungArt", art,
          list_uri="urn:xoev-de:xunternehmen:codeliste:artdereintragung", list_version="2")
    if company.legal_form.country.upper() == "DE" and company.court_code:
        _code(betrieb, "gerichtSchluessel", company.court_code,
              list_uri="urn:xoev-de:xunternehmen:codeliste:registergerichte")
    _code(betrieb, "rechtsformSchluessel", code, list_uri=code_list.value[0],
          list_version=code_list.value[1])
    return entry.sole_trader


def build_anmeldung(
    company_evidence: CompanyEvidence,
    form_input: FormInput,
    provenance: Provenance,
    *,
    code_list: LegalFormCodeList = LegalFormCodeList.XUNTERNEHMEN_2_2,
) -> tuple[bytes, str]:
    """The XGewerbeanzeige 2.2 Anmeldung and its digest (``sha256:<hex>``).

    Raises :class:`~gateway.gewerbe.errors.Unmapped` for a legal form/country/register type
    without mapping, :class:`~gateway.gewerbe.errors.FormIncomplete` for missing person input or
    provenance, :class:`~gateway.gewerbe.errors.NoCompetentAuthority` for an unknown AGS.
    """
    company, form = company_evidence, form_input
    _check_inputs(company, form, provenance)
    amt = route(form.ags)
    when = form.submitted_at.astimezone(UTC)
    stamp = when.isoformat(timespec="seconds")
    seed = "|".join((company.legal_form.country, company.register_authority,
                     company.register_number, form.ags, form.establishment_address.street,
                     form.establishment_address.house_number))
    betrieb_id = uuid.uuid5(_UUID_NS, "gewerbebetrieb|" + seed)

    root = etree.Element(f"{{{_NS}}}{MESSAGE_ROOT}", nsmap={"xga": _NS})
    sender = _sender_values()
    for attr, value in (("produkt", sender["produkt"]),
                        ("produkthersteller", sender["produkthersteller"]),
                        ("produktversion", "1"), ("standard", "XGewerbeanzeige"),
                        ("version", XGA_VERSION)):
        root.set(attr, value)
    head = _el(root, "nachrichtenkopf")
    ident = _el(head, "identifikation.nachricht")
    id_slot = _el(ident, "nachrichtenUUID")
    _code(ident, "nachrichtentyp", MESSAGE_ROOT.rsplit(".", 1)[1])
    _el(ident, "erstellungszeitpunkt", stamp)
    _reader(head, amt)
    _sender(head)

    anmeldung = _el(_el(root, "satz"), "anmeldung")
    _el(anmeldung, "satzErstellung", stamp)
    _el(anmeldung, "ereigniszeitpunkt", stamp)
    _sender(anmeldung)
    _code(anmeldung, "istKorrektur", "0")
    _code(anmeldung, "gemeindeSchluessel", form.ags, list_uri=AGS_LIST_URI)
    _el(anmeldung, "gewerbebetriebID", str(betrieb_id))
    uuid_slot = _el(anmeldung, "uuid")
    gewerbe = _el(anmeldung, "gewerbe")
    sole_trader = _betrieb(gewerbe, company, code_list)
    _el(gewerbe, "anzahlVollzeitBeschaeftigte", str(form.full_time_employees))
    _el(gewerbe, "anzahlTeilzeitBeschaeftigte", str(form.part_time_employees))
    art = _el(gewerbe, "betriebArt")
    for name, flag in (("industrie", form.kind.industry), ("handwerk", form.kind.craft),
                       ("handel", form.kind.trade), ("sonstiges", form.kind.other)):
        _yes_no(art, name, flag)
    _code(gewerbe, "niederlassungArt", form.establishment.value)
    _yes_no(gewerbe, "istReisegewerbe", False)
    _yes_no(gewerbe, "istNebenerwerb", form.side_business)
    if form.kind.craft:
        _code(_el(gewerbe, "handwerkskarte"), "status", form.craft_card_status)
    _address(gewerbe, "anschrift", form.establishment_address)
    if form.email:
        reach = _el(gewerbe, "erreichbarkeit")
        _code(reach, "kanal", "01")
        _el(reach, "kennung", form.email)
    if form.establishment is not EstablishmentKind.HEAD_OFFICE:
        _address(_el(gewerbe, "hauptniederlassung"), "anschrift", company.address)
    function = _OWNER if sole_trader else _REPRESENTATIVE
    for person in company.representatives:
        _person(gewerbe, person, function)
    _el(anmeldung, "gueltigAb", form.start_date.isoformat())
    _el(anmeldung, "datumMeldung", when.date().isoformat())
    schwerpunkt = _el(_el(anmeldung, "taetigkeitenGesamt"), "schwerpunkt")
    _el(schwerpunkt, "taetigkeitSchwerpunkt", form.activity)
    if form.activity_code:
        _el(schwerpunkt, "taetigkeitSchluessel", form.activity_code)
    _code(anmeldung, "grundAnmeldungSchluessel", "01")  # 01 = Neuerrichtung (STRUCTURE.md)

    # Name-based ids over the content (without them), so equal input gives equal ids.
    content = etree.tostring(root, method="c14n")
    record_id = uuid.uuid5(_UUID_NS, "anmeldung|" + hashlib.sha256(content).hexdigest())
    uuid_slot.text = str(record_id)
    id_slot.text = str(uuid.uuid5(_UUID_NS, "nachricht|" + str(record_id)))
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml, digest_of(xml)
