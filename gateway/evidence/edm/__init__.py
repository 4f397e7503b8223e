"""OOTS EDM evidence exchange messages (``oots-edm:v1.0`` and ``oots-edm:v2.0``).

Typed, frozen models with builders (model -> XML bytes) and parsers (bytes -> model)
for the evidence request (``query:QueryRequest``), the evidence response and the
error response (``query:QueryResponse``). No I/O happens in this package.

- Builders check the model first and raise :class:`~gateway.errors.EvidenceError`
  (origin local) naming the field at fault.
- Parsers read ``SpecificationIdentifier`` first and raise ``EvidenceError`` (origin
  remote) carrying the EDM code to answer with: EDM:ERR:0003 invalid request,
  EDM:ERR:0007 unsupported version, EDM:ERR:0008 invalid query.
- :mod:`gateway.evidence.edm.v2_rules` holds the project's v2.0 checks for the
  validation engine (``register_v2_rules(validator)``).
"""

from __future__ import annotations

from lxml import etree

from gateway.errors import EdmErrorCode, EvidenceError
from gateway.evidence.edm._evidence_type import (
    DataServiceEvidenceType,
    DistributedAs,
    Distribution,
    Evidence,
    EvidenceTypeRef,
    InformationConcept,
    Period,
    Requirement,
    SupportedValue,
)
from gateway.evidence.edm._packaging import (
    Association,
    EvidenceDocument,
    EvidencePackage,
    RepositoryItemRef,
)
from gateway.evidence.edm._persons import LegalPerson, Person, SectorSpecificAttribute, Subject
from gateway.evidence.edm._regrep import LocalizedString, parse_edm_xml
from gateway.evidence.edm._sdg import Address, Agent, Identifier, Jurisdiction, Text
from gateway.evidence.edm.error import (
    EdmException,
    EvidenceErrorResponse,
    build_error_response,
    parse_error_response,
    parse_error_response_element,
)
from gateway.evidence.edm.preview import is_preview_required, second_request
from gateway.evidence.edm.request import (
    EvidenceRequest,
    Procedure,
    build_request,
    parse_request,
    parse_request_element,
)
from gateway.evidence.edm.response import (
    EvidenceResponse,
    build_response,
    parse_response,
    parse_response_element,
)
from gateway.evidence.edm.versions import (
    EdmVersion,
    ExchangeHeader,
    check_header_matches_body,
    read_version,
    version_from_identifier,
)
from gateway.namespaces import NS, CommonServicesURI

__all__ = [
    "Address",
    "Agent",
    "Association",
    "DataServiceEvidenceType",
    "DistributedAs",
    "Distribution",
    "EdmException",
    "EdmMessage",
    "EdmVersion",
    "Evidence",
    "EvidenceDocument",
    "EvidenceErrorResponse",
    "EvidencePackage",
    "EvidenceRequest",
    "EvidenceResponse",
    "EvidenceTypeRef",
    "ExchangeHeader",
    "Identifier",
    "InformationConcept",
    "Jurisdiction",
    "LegalPerson",
    "LocalizedString",
    "Period",
    "Person",
    "Procedure",
    "RepositoryItemRef",
    "Requirement",
    "SectorSpecificAttribute",
    "Subject",
    "SupportedValue",
    "Text",
    "build_error_response",
    "build_message",
    "build_request",
    "build_response",
    "check_header_matches_body",
    "is_preview_required",
    "parse_error_response",
    "parse_message",
    "parse_request",
    "parse_response",
    "read_version",
    "second_request",
    "version_from_identifier",
]

EdmMessage = EvidenceRequest | EvidenceResponse | EvidenceErrorResponse
"""Any evidence exchange message."""


def parse_message(data: bytes) -> EdmMessage:
    """Read any evidence exchange message, telling request, response and error apart by
    the root element and ``@status`` (RegRep 4.0 ``ResponseStatusType``)."""
    root = parse_edm_xml(data, what="EDM message")
    if root.tag == f"{{{NS.QUERY}}}QueryRequest":
        return parse_request_element(root)
    if root.tag == f"{{{NS.QUERY}}}QueryResponse":
        if root.get("status") == CommonServicesURI.STATUS_SUCCESS:
            return parse_response_element(root)
        return parse_error_response_element(root)
    raise EvidenceError(
        f"not an EDM evidence exchange message: {etree.QName(root).localname}",
        edm_code=EdmErrorCode.INVALID_REQUEST,
        field="root",
    )


def build_message(message: EdmMessage) -> bytes:
    """Serialise any evidence exchange message."""
    if isinstance(message, EvidenceRequest):
        return build_request(message)
    if isinstance(message, EvidenceResponse):
        return build_response(message)
    return build_error_response(message)
