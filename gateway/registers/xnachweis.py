"""The register question as an XNachweis 1.2.0 ``DE.EvidenceRequest.0301``-shaped message.

Use case 3 (EU -> German provider via the Intermediäre Plattform, PEERS.md §2): the IP
asks the Data Provider with ``xn-noots:DE.EvidenceRequest.0301`` (``xn-bk:Nachricht`` with
``nachrichtenkopf``, ``SpecificationIdentifier``, ``IssueDateTime``, ``EvidenceRequester``,
``EvidenceProvider``, ``Query``; attribute ``id`` a ``urn:uuid``). The subject travels as
``LegalPerson`` with ``LegalPersonIdentifier`` (eIDAS form) and an ``Identifier`` whose
``schemeID`` is ``EUID`` ([ASSUMED]: the ``identifierschemes`` list is not in the kit).

"Shaped", not schema-valid: XNachweis needs the XÖV base message
``xoev-basisnachricht-g2g_1.1.xsd``, which is not in the kit (KNOWN-DEFECTS, gaps 3), so the
``nachrichtenkopf`` content is our minimum (message id, creation time, sender, receiver).
No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from gateway.errors import EvidenceError, Origin, XmlRejected
from gateway.namespaces import NS
from gateway.registers.model import RegisterKey
from gateway.xml._parse import parse_xml

__all__ = ["RegisterQuery", "build_register_query", "parse_register_query"]

ROOT = f"{{{NS.XNACHWEIS_NOOTS}}}DE.EvidenceRequest.0301"
_NS = {"n": NS.XNACHWEIS_NOOTS, "bk": NS.XNACHWEIS_BK}


@dataclass(frozen=True, slots=True)
class RegisterQuery:
    """What the provider asks the register."""

    request_id: str
    """``urn:uuid:...`` (the EDM request's id, for correlation)."""
    issue_datetime: datetime
    key: RegisterKey
    evidence_type: str
    """The evidence type classification the EU requester asked for."""
    requester: str
    """Name of the foreign requesting authority (for the register's log)."""


def _sub(parent: etree._Element, ns: str, name: str, text: str | None = None,
         **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ns}}}{name}", attrs)
    if text is not None:
        el.text = text
    return el


def build_register_query(query: RegisterQuery) -> bytes:
    """Serialise ``query`` as ``DE.EvidenceRequest.0301``."""
    root = etree.Element(ROOT, {"id": query.request_id, "produkt": "oots-gateway",
                                "produkthersteller": "DE OOTS node", "produktversion": "1"},
                         nsmap={"xn-noots": NS.XNACHWEIS_NOOTS, "xn-bk": NS.XNACHWEIS_BK})
    head = _sub(root, NS.XNACHWEIS_BK, "nachrichtenkopf")
    _sub(head, NS.XNACHWEIS_BK, "identifikation.nachricht", query.request_id)
    _sub(head, NS.XNACHWEIS_BK, "erstellungszeitpunkt", query.issue_datetime.isoformat())
    _sub(root, NS.XNACHWEIS_NOOTS, "lang", "de")
    _sub(root, NS.XNACHWEIS_NOOTS, "SpecificationIdentifier", "xnachweis:1.2.0")
    _sub(root, NS.XNACHWEIS_NOOTS, "IssueDateTime", query.issue_datetime.isoformat())
    requester = _sub(root, NS.XNACHWEIS_NOOTS, "EvidenceRequester")
    _sub(requester, NS.XNACHWEIS_BK, "Name", query.requester)
    provider = _sub(root, NS.XNACHWEIS_NOOTS, "EvidenceProvider")
    _sub(provider, NS.XNACHWEIS_BK, "Identifier", query.key.court, schemeID="gds.gerichte")
    q = _sub(root, NS.XNACHWEIS_NOOTS, "Query")
    _sub(q, NS.XNACHWEIS_BK, "EvidenceTypeClassification", query.evidence_type)
    person = _sub(q, NS.XNACHWEIS_BK, "LegalPerson")
    _sub(person, NS.XNACHWEIS_BK, "Identifier", query.key.euid, schemeID="EUID")
    reg = _sub(person, NS.XNACHWEIS_BK, "Registration")
    _sub(reg, NS.XNACHWEIS_BK, "Court", query.key.court)
    _sub(reg, NS.XNACHWEIS_BK, "RegisterType", query.key.register_type)
    _sub(reg, NS.XNACHWEIS_BK, "RegisterNumber", query.key.number)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def parse_register_query(data: bytes) -> RegisterQuery:
    """Read a query built by :func:`build_register_query` (the mock register's side)."""
    def bad(message: str) -> EvidenceError:
        return EvidenceError(message, origin=Origin.REMOTE, field="DE.EvidenceRequest.0301")

    try:
        root = parse_xml(data, what="XNachweis request", origin=Origin.REMOTE)
    except XmlRejected as exc:
        raise bad(exc.message) from exc
    if root.tag != ROOT:
        raise bad("not a DE.EvidenceRequest.0301")

    def text(path: str) -> str:
        found = root.xpath(path, namespaces=_NS)
        first = found[0] if isinstance(found, list) and found else None
        if not isinstance(first, etree._Element) or not (first.text or "").strip():
            raise bad(f"missing {path}")
        return str(first.text).strip()

    reg = "n:Query/bk:LegalPerson/bk:Registration/bk:"
    try:
        issued = datetime.fromisoformat(text("n:IssueDateTime"))
    except ValueError as exc:
        raise bad("IssueDateTime is not a dateTime") from exc
    return RegisterQuery(
        request_id=root.get("id", ""),
        issue_datetime=issued,
        key=RegisterKey(text(reg + "Court"), text(reg + "RegisterType"),
                        text(reg + "RegisterNumber")),
        evidence_type=text("n:Query/bk:EvidenceTypeClassification"),
        requester=text("n:EvidenceRequester/bk:Name"),
    )
