"""Evidence response: ``query:QueryResponse`` with status Success (TDD 4.5.2).

Slots SpecificationIdentifier, EvidenceResponseIdentifier, IssueDateTime,
EvidenceProvider (collection), EvidenceRequester, ResponseAvailableDateTime?
(R-EDM-RESP-S009..S016), then ``rim:RegistryObjectList``:

- v1.0: flat ``rim:RegistryObject xsi:type="rim:ExtrinsicObjectType"`` with the
  ``EvidenceMetadata`` slot (``sdg:Evidence``) and ``rim:RepositoryItemRef
  xlink:href="cid:..."`` naming the AS4 payload part (R-EDM-RESP-S015, S033..S037).
- v2.0 (4.5.2 §2.6): each top-level object is a ``rim:RegistryPackageType`` (S066) with
  one ``rim:RegistryObjectList`` (S046) holding the documents, each classified once
  under ``urn:fdc:oots:classification:edm`` (S048) as ``MainEvidence``, ``Annex``,
  ``HumanReadableVersion`` or ``Translation`` (S049), and ``rim:AssociationType``
  objects from each supplementary document (source) to the main evidence (target)
  typed ``urn:oasis:names:tc:ebxml-regrep:AssociationType:<node>`` (S050..S061).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from gateway.errors import EdmErrorCode, Origin
from gateway.evidence.edm import _checks
from gateway.evidence.edm._evidence_type import Evidence
from gateway.evidence.edm._packaging import (
    Association,
    EvidenceDocument,
    EvidencePackage,
    RepositoryItemRef,
    build_document,
    build_package,
    check_package,
    parse_document,
    parse_package,
)
from gateway.evidence.edm._regrep import (
    COLLECTION_SET,
    SlotReader,
    add_any_slot,
    add_collection_slot,
    add_datetime_slot,
    add_string_slot,
    child_elements,
    parse_edm_xml,
    q,
    xsi_type,
)
from gateway.evidence.edm._sdg import Agent, SdgContext, build_agent, parse_agent, sdg
from gateway.evidence.edm.versions import EdmVersion, read_version
from gateway.namespaces import NS, CommonServicesURI, nsmap

__all__ = [
    "Association",
    "Evidence",
    "EvidenceDocument",
    "EvidencePackage",
    "EvidenceResponse",
    "RepositoryItemRef",
    "build_response",
    "parse_response",
]

_SLOTS = (
    "SpecificationIdentifier",
    "EvidenceResponseIdentifier",
    "IssueDateTime",
    "EvidenceProvider",
    "EvidenceRequester",
    "ResponseAvailableDateTime",
)
_CODE = EdmErrorCode.INVALID_REQUEST


@dataclass(frozen=True, slots=True)
class EvidenceResponse:
    """A successful evidence response."""

    version: EdmVersion
    request_id: str
    """The ``id`` of the request answered (``urn:uuid:...``)."""
    response_id: str
    """``EvidenceResponseIdentifier``."""
    issue_datetime: datetime
    providers: tuple[Agent, ...]
    requester: Agent
    documents: tuple[EvidenceDocument, ...] = ()
    """v1.0: the flat list of returned documents."""
    packages: tuple[EvidencePackage, ...] = ()
    """v2.0: one package per returned evidence with its supplementary documents."""
    response_available_datetime: datetime | None = None

    @property
    def all_documents(self) -> tuple[EvidenceDocument, ...]:
        """Every returned document, whatever the packaging."""
        if self.version is EdmVersion.V1_0:
            return self.documents
        return tuple(d for p in self.packages for d in p.documents)


def build_response_element(resp: EvidenceResponse) -> etree._Element:
    """Check ``resp`` and build the ``query:QueryResponse`` element."""
    ctx = SdgContext(_CODE, Origin.LOCAL)
    _check(resp, ctx)
    v = resp.version
    root = etree.Element(q(NS.QUERY, "QueryResponse"), nsmap=nsmap("query", "rim", "rs", "sdg",
                                                                   "xsi", "xlink"))
    root.set("status", CommonServicesURI.STATUS_SUCCESS)
    root.set("requestId", resp.request_id)
    add_string_slot(root, "SpecificationIdentifier", v.value)
    add_string_slot(root, "EvidenceResponseIdentifier", resp.response_id)
    add_datetime_slot(root, "IssueDateTime", resp.issue_datetime)
    add_collection_slot(
        root,
        "EvidenceProvider",
        [build_agent(None, a) for a in resp.providers],
        collection_type=COLLECTION_SET if v is EdmVersion.V2_0 else None,
    )
    add_any_slot(root, "EvidenceRequester", build_agent(None, resp.requester))
    if resp.response_available_datetime is not None:
        add_datetime_slot(root, "ResponseAvailableDateTime", resp.response_available_datetime)
    rol = etree.SubElement(root, q(NS.RIM, "RegistryObjectList"))
    if v is EdmVersion.V1_0:
        for doc in resp.documents:
            rol.append(build_document(doc, v))
    else:
        for package in resp.packages:
            rol.append(build_package(package, v))
    return root


def build_response(resp: EvidenceResponse) -> bytes:
    """Serialise an evidence response (UTF-8, with XML declaration)."""
    return etree.tostring(build_response_element(resp), xml_declaration=True, encoding="UTF-8")


def _check(resp: EvidenceResponse, ctx: SdgContext) -> None:
    _checks.check_response(resp, ctx)
    v = resp.version
    if v is EdmVersion.V1_0:
        if resp.packages:
            raise ctx.error("v1.0 responses are not packaged", field="packages")
        if not resp.documents:
            raise ctx.error("a successful response returns a document (R-EDM-RESP-S007)",
                            field="documents")
        for i, doc in enumerate(resp.documents):
            if doc.role is not None:
                raise ctx.error("v1.0 documents are not classified", field=f"documents[{i}].role")
            _checks.check_evidence(ctx, doc.evidence, f"documents[{i}].evidence", v, main=True)
            _checks.check_urn_uuid(ctx, doc.id, f"documents[{i}].id")
    else:
        if resp.documents:
            raise ctx.error("v2.0 responses use packages (4.5.2 §2.6)", field="documents")
        for i, package in enumerate(resp.packages):
            check_package(package, ctx, f"packages[{i}]", v)


def parse_response(data: bytes) -> EvidenceResponse:
    """Read a successful evidence response; refusals are :class:`EvidenceError`."""
    root = parse_edm_xml(data, what="evidence response")
    return parse_response_element(root)


def parse_response_element(root: etree._Element) -> EvidenceResponse:
    """Read a parsed ``query:QueryResponse`` with status Success."""
    ctx = SdgContext(_CODE, Origin.REMOTE)
    if root.tag != q(NS.QUERY, "QueryResponse"):
        raise ctx.error(f"root element must be query:QueryResponse, found {root.tag}",
                        field="root")
    version = read_version(root)
    if root.get("status") != CommonServicesURI.STATUS_SUCCESS:
        raise ctx.error(f"status {root.get('status')!r} is not Success (R-EDM-RESP-S006)",
                        field="status")
    if any(c.tag == q(NS.RS, "Exception") for c in child_elements(root)):
        raise ctx.error("a successful response holds no rs:Exception (R-EDM-RESP-S008)",
                        field="Exception")
    slots = SlotReader(root, code=_CODE, where="query:QueryResponse")
    slots.refuse_others(_SLOTS)
    coll = slots.collection("EvidenceProvider")
    assert coll is not None
    providers = tuple(parse_agent(_agent(e, ctx), ctx) for e in coll[0])
    requester = parse_agent(_agent(slots.any("EvidenceRequester"), ctx), ctx)
    lists = [c for c in child_elements(root) if c.tag == q(NS.RIM, "RegistryObjectList")]
    if len(lists) != 1:
        raise ctx.error("a successful response has one rim:RegistryObjectList (S007)",
                        field="RegistryObjectList")
    documents: list[EvidenceDocument] = []
    packages: list[EvidencePackage] = []
    for obj in child_elements(lists[0]):
        if obj.tag != q(NS.RIM, "RegistryObject"):
            raise ctx.error(
                f"unexpected {obj.tag} in rim:RegistryObjectList", field="RegistryObject"
            )
        if version is EdmVersion.V1_0:
            documents.append(parse_document(obj, ctx, version))
        else:
            if xsi_type(obj) != "RegistryPackageType":
                raise ctx.error("v2.0 top-level objects must be rim:RegistryPackageType "
                                "(R-EDM-RESP-S066)", field="RegistryObject")
            packages.append(parse_package(obj, ctx, version))
    issued = slots.datetime("IssueDateTime")
    response_id = slots.string("EvidenceResponseIdentifier")
    request_id = root.get("requestId")
    assert issued is not None and response_id is not None
    if request_id is None:
        raise ctx.error("requestId is missing (R-EDM-RESP-S003)", field="requestId")
    resp = EvidenceResponse(
        version=version,
        request_id=request_id,
        response_id=response_id,
        issue_datetime=issued,
        providers=providers,
        requester=requester,
        documents=tuple(documents),
        packages=tuple(packages),
        response_available_datetime=slots.datetime("ResponseAvailableDateTime", required=False),
    )
    _check(resp, ctx)
    return resp


def _agent(element: etree._Element | None, ctx: SdgContext) -> etree._Element:
    if element is None or element.tag != sdg("Agent"):
        raise ctx.error("expected sdg:Agent", field="Agent")
    return element

