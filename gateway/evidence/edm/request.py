"""Evidence request: ``query:QueryRequest`` (TDD 4.5.1; EDM-REQ-S/C.sch of v1.0).

Layout written by :func:`build_request` (slot order as R-EDM-REQ-S019 lists them):

- ``query:QueryRequest/@id`` (``urn:uuid:``, R-EDM-REQ-S004), ``@xml:lang`` v1.0 only
  (forbidden in v2.0, TDD 2.0.1 README item 5);
- slots SpecificationIdentifier, IssueDateTime, Procedure (v1.0
  InternationalString, v2.0 String), PreviewLocation, ReturnLocation (v2.0),
  PossibilityForPreview, ExplicitRequestGiven, Requirements, EvidenceRequester
  (collection), EvidenceProvider, EvidenceProviderClassification (collection);
- ``query:ResponseOption returnType="LeafClassWithRepositoryItem"`` (R-EDM-REQ-C024);
- ``query:Query queryDefinition="DocumentQuery"`` (R-EDM-REQ-C025) with the slots
  NaturalPerson or LegalPerson (R-EDM-REQ-S016), AuthorizedRepresentative, EvidenceRequest.

Collections carry ``collectionType=...:Set``: in v1.0 only ``Requirements`` does (as the
official samples), in v2.0 every collection does (as the oots-france reference messages).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from gateway.errors import EdmErrorCode, EvidenceError, Origin
from gateway.evidence.edm import _checks
from gateway.evidence.edm._evidence_type import (
    DataServiceEvidenceType,
    InformationConcept,
    Requirement,
    build_data_service_evidence_type,
    build_information_concept,
    build_requirement,
    parse_data_service_evidence_type,
    parse_information_concept,
    parse_requirement,
)
from gateway.evidence.edm._persons import (
    Person,
    Subject,
    build_legal_person,
    build_person,
    parse_legal_person,
    parse_person,
)
from gateway.evidence.edm._regrep import (
    COLLECTION_SET,
    XML_LANG,
    LocalizedString,
    SlotReader,
    add_any_slot,
    add_boolean_slot,
    add_collection_slot,
    add_datetime_slot,
    add_international_string_slot,
    add_string_slot,
    child_elements,
    parse_edm_xml,
    q,
)
from gateway.evidence.edm._sdg import Agent, SdgContext, build_agent, parse_agent, sdg
from gateway.evidence.edm.versions import EdmVersion, read_version
from gateway.namespaces import NS, EdmURI, nsmap

__all__ = ["EvidenceRequest", "Procedure", "build_request", "parse_request"]

_REQUEST_SLOTS = (
    "SpecificationIdentifier",
    "IssueDateTime",
    "Procedure",
    "PreviewLocation",
    "ReturnLocation",
    "PossibilityForPreview",
    "ExplicitRequestGiven",
    "Requirements",
    "EvidenceRequester",
    "EvidenceProvider",
    "EvidenceProviderClassification",
)
_QUERY_SLOTS = ("NaturalPerson", "LegalPerson", "AuthorizedRepresentative", "EvidenceRequest")


@dataclass(frozen=True, slots=True)
class Procedure:
    """The procedure code (``Procedures`` code list, e.g. ``R1``, ``T3``).

    ``lang`` is the ``xml:lang`` of the v1.0 ``rim:LocalizedString`` (``EN`` in the
    official samples); v2.0 sends a plain string and ``lang`` is None.
    """

    code: str
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class EvidenceRequest:
    """One evidence request, as built or as read from the wire."""

    version: EdmVersion
    request_id: str
    """``urn:uuid:...``; echoed back as the response's ``requestId``."""
    issue_datetime: datetime
    requesters: tuple[Agent, ...]
    """``EvidenceRequester`` collection: the requester (``ER``), optionally an ``IP``."""
    provider: Agent
    subject: Subject
    evidence_request: DataServiceEvidenceType
    procedure: Procedure | None = None
    possibility_for_preview: bool = False
    explicit_request_given: bool = True
    requirements: tuple[Requirement, ...] = ()
    provider_classifications: tuple[InformationConcept, ...] = ()
    authorized_representative: Person | None = None
    preview_location: str | None = None
    """Set on the second request of a preview (TDD 4.9)."""
    return_location: str | None = None
    """v2.0 only: the requester's return URL, set together with ``preview_location``."""
    lang: str | None = None
    """v1.0 only: preferred language (``xml:lang`` on ``query:QueryRequest``)."""

    @property
    def requester(self) -> Agent:
        """The agent classified ``ER`` (the first requester when none is classified)."""
        for agent in self.requesters:
            if agent.classification == "ER":
                return agent
        return self.requesters[0]

    @property
    def is_second_preview_request(self) -> bool:
        """True for the request that follows an EDM:ERR:0002 preview-required answer."""
        return self.preview_location is not None


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------


def _collection_type(version: EdmVersion, name: str) -> str | None:
    if version is EdmVersion.V2_0 or name == "Requirements":
        return COLLECTION_SET
    return None


def build_request_element(req: EvidenceRequest) -> etree._Element:
    """Check ``req`` and build the ``query:QueryRequest`` element."""
    _checks.check_request(req, SdgContext(EdmErrorCode.INVALID_REQUEST, Origin.LOCAL))
    v = req.version
    root = etree.Element(
        q(NS.QUERY, "QueryRequest"), nsmap=nsmap("query", "rim", "rs", "sdg", "xsi", "xlink")
    )
    if req.lang is not None:
        root.set(XML_LANG, req.lang)
    root.set("id", req.request_id)
    add_string_slot(root, "SpecificationIdentifier", v.value)
    add_datetime_slot(root, "IssueDateTime", req.issue_datetime)
    if req.procedure is not None:
        if v is EdmVersion.V1_0:
            lang = req.procedure.lang or "EN"
            add_international_string_slot(
                root, "Procedure", [LocalizedString(lang=lang, value=req.procedure.code)]
            )
        else:
            add_string_slot(root, "Procedure", req.procedure.code)
    if req.preview_location is not None:
        add_string_slot(root, "PreviewLocation", req.preview_location)
    if req.return_location is not None:
        add_string_slot(root, "ReturnLocation", req.return_location)
    add_boolean_slot(root, "PossibilityForPreview", req.possibility_for_preview)
    add_boolean_slot(root, "ExplicitRequestGiven", req.explicit_request_given)
    if req.requirements:
        add_collection_slot(
            root,
            "Requirements",
            [build_requirement(r) for r in req.requirements],
            collection_type=_collection_type(v, "Requirements"),
        )
    add_collection_slot(
        root,
        "EvidenceRequester",
        [build_agent(None, a) for a in req.requesters],
        collection_type=_collection_type(v, "EvidenceRequester"),
    )
    add_any_slot(root, "EvidenceProvider", build_agent(None, req.provider))
    if req.provider_classifications:
        add_collection_slot(
            root,
            "EvidenceProviderClassification",
            [build_information_concept(c) for c in req.provider_classifications],
            collection_type=_collection_type(v, "EvidenceProviderClassification"),
        )
    etree.SubElement(root, q(NS.QUERY, "ResponseOption"), returnType=EdmURI.RETURN_TYPE)
    query = etree.SubElement(
        root, q(NS.QUERY, "Query"), queryDefinition=EdmURI.QUERY_DEFINITION
    )
    if isinstance(req.subject, Person):
        add_any_slot(query, "NaturalPerson", build_person(None, req.subject))
    else:
        add_any_slot(query, "LegalPerson", build_legal_person(None, req.subject))
    if req.authorized_representative is not None:
        add_any_slot(
            query, "AuthorizedRepresentative", build_person(None, req.authorized_representative)
        )
    add_any_slot(query, "EvidenceRequest", build_data_service_evidence_type(req.evidence_request))
    return root


def build_request(req: EvidenceRequest) -> bytes:
    """Serialise an evidence request (UTF-8, with XML declaration).

    Raises :class:`EvidenceError` (origin local, ``field`` set) for an invalid model.
    """
    return etree.tostring(build_request_element(req), xml_declaration=True, encoding="UTF-8")


# ---------------------------------------------------------------------------
# Parse
# ---------------------------------------------------------------------------


def parse_request(data: bytes) -> EvidenceRequest:
    """Read an evidence request; refusals carry the EDM code to answer with.

    EDM:ERR:0003 for malformed or invalid requests, EDM:ERR:0007 for an unsupported
    EDM version, EDM:ERR:0008 for a ``query:Query`` with the wrong query definition.
    """
    root = parse_edm_xml(data, what="evidence request")
    return parse_request_element(root)


def parse_request_element(root: etree._Element) -> EvidenceRequest:
    """Read a parsed ``query:QueryRequest`` element."""
    if root.tag != q(NS.QUERY, "QueryRequest"):
        raise EvidenceError(
            f"root element must be query:QueryRequest, found {root.tag} (R-EDM-REQ-S001)",
            edm_code=EdmErrorCode.INVALID_REQUEST,
            field="root",
        )
    version = read_version(root)
    ctx = SdgContext(EdmErrorCode.INVALID_REQUEST, Origin.REMOTE)
    slots = SlotReader(root, where="query:QueryRequest")
    slots.refuse_others(_REQUEST_SLOTS)
    request_id = root.get("id")
    if request_id is None:
        raise ctx.error("query:QueryRequest has no id (R-EDM-REQ-S004)", field="id")
    procedure = None
    ptype = slots.value_type("Procedure")
    if ptype == "InternationalStringValueType":
        strings = slots.international_string("Procedure")
        assert strings is not None
        if len(strings) != 1:
            raise ctx.error("Procedure holds one rim:LocalizedString", field="Procedure")
        procedure = Procedure(code=strings[0].value, lang=strings[0].lang)
    elif slots.has("Procedure"):
        code = slots.string("Procedure")
        assert code is not None
        procedure = Procedure(code=code)
    requester_coll = slots.collection("EvidenceRequester")
    assert requester_coll is not None
    requesters = tuple(parse_agent(_expect(e, "Agent", ctx), ctx) for e in requester_coll[0])
    provider = parse_agent(_expect(slots.any("EvidenceProvider"), "Agent", ctx), ctx)
    requirements: tuple[Requirement, ...] = ()
    coll = slots.collection("Requirements", required=False)
    if coll is not None:
        requirements = tuple(
            parse_requirement(_expect(e, "Requirement", ctx), ctx) for e in coll[0]
        )
    classifications: tuple[InformationConcept, ...] = ()
    coll = slots.collection("EvidenceProviderClassification", required=False)
    if coll is not None:
        classifications = tuple(
            parse_information_concept(_expect(e, "EvidenceProviderClassification", ctx), ctx)
            for e in coll[0]
        )
    subject, representative, evidence_type = _parse_query(root, ctx)
    possibility = slots.boolean("PossibilityForPreview")
    explicit = slots.boolean("ExplicitRequestGiven")
    issued = slots.datetime("IssueDateTime")
    assert possibility is not None and explicit is not None and issued is not None
    req = EvidenceRequest(
        version=version,
        request_id=request_id,
        issue_datetime=issued,
        requesters=requesters,
        provider=provider,
        subject=subject,
        evidence_request=evidence_type,
        procedure=procedure,
        possibility_for_preview=possibility,
        explicit_request_given=explicit,
        requirements=requirements,
        provider_classifications=classifications,
        authorized_representative=representative,
        preview_location=slots.string("PreviewLocation", required=False),
        return_location=slots.string("ReturnLocation", required=False),
        lang=root.get(XML_LANG),
    )
    _checks.check_request(req, ctx)
    return req


def _expect(element: etree._Element | None, local: str, ctx: SdgContext) -> etree._Element:
    if element is None or element.tag != sdg(local):
        found = "nothing" if element is None else element.tag
        raise ctx.error(f"expected sdg:{local}, found {found}", field=local)
    return element


def _parse_query(
    root: etree._Element, ctx: SdgContext
) -> tuple[Subject, Person | None, DataServiceEvidenceType]:
    opts = [c for c in child_elements(root) if c.tag == q(NS.QUERY, "ResponseOption")]
    if len(opts) != 1 or opts[0].get("returnType") != EdmURI.RETURN_TYPE:
        raise EvidenceError(
            "query:ResponseOption/@returnType must be LeafClassWithRepositoryItem "
            "(R-EDM-REQ-C024)",
            edm_code=EdmErrorCode.INVALID_QUERY,
            field="ResponseOption",
        )
    queries = [c for c in child_elements(root) if c.tag == q(NS.QUERY, "Query")]
    if len(queries) != 1 or queries[0].get("queryDefinition") != EdmURI.QUERY_DEFINITION:
        raise EvidenceError(
            "query:Query/@queryDefinition must be DocumentQuery (R-EDM-REQ-C025)",
            edm_code=EdmErrorCode.INVALID_QUERY,
            field="Query",
        )
    slots = SlotReader(queries[0], where="query:Query")
    slots.refuse_others(_QUERY_SLOTS)
    # R-EDM-REQ-S016: NaturalPerson or LegalPerson, not both.
    if slots.has("NaturalPerson") == slots.has("LegalPerson"):
        raise ctx.error(
            "query:Query needs exactly one of NaturalPerson, LegalPerson (R-EDM-REQ-S016)",
            field="NaturalPerson",
        )
    subject: Subject
    if slots.has("NaturalPerson"):
        subject = parse_person(_expect(slots.any("NaturalPerson"), "Person", ctx), ctx)
    else:
        subject = parse_legal_person(_expect(slots.any("LegalPerson"), "LegalPerson", ctx), ctx)
    representative = None
    ar = slots.any("AuthorizedRepresentative", required=False)
    if ar is not None:
        representative = parse_person(_expect(ar, "Person", ctx), ctx)
    dset = parse_data_service_evidence_type(
        _expect(slots.any("EvidenceRequest"), "DataServiceEvidenceType", ctx), ctx
    )
    return subject, representative, dset

