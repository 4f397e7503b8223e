"""EB and DSD query responses and error responses: models, builders, parsers.

Every answer is a RegRep 4 ``query:QueryResponse`` (TDD 3.1.4 §4.3/§4.4, 3.2.4
§4.2-§4.4; HTTP status is always 200, KNOWN-DEFECTS item 9):

* success (``status`` ``...ResponseStatusType:Success``): a ``rim:RegistryObjectList`` with
  one ``rim:RegistryObject`` per result, each holding one ``rim:AnyValueType`` slot
  ``Requirement`` (EB) or ``DataServiceEvidenceType`` (DSD);
* failure (``...:Failure``): one ``rs:Exception`` with ``code`` ``EB:ERR:xxxx`` /
  ``DSD:ERR:xxxx``; DSD:ERR:0005 adds slots with the additional input the user must give;
* ``oots-cs:v2.0`` answers carry a ``SpecificationIdentifier`` string slot first (README
  item 13); v1.0 answers carry none, and R-EB-ERR-017 forbids slots on EB errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from gateway.evidence.common_services.dsd_codec import (
    build_data_service_evidence_type,
    parse_data_service_evidence_type,
)
from gateway.evidence.common_services.eb_codec import build_requirement, parse_requirement
from gateway.evidence.common_services.error_responses import (
    CsException,
    ErrorResponse,
    build_exception,
    parse_exception,
)
from gateway.evidence.common_services.errors import BuildError, ResponseRejected
from gateway.evidence.common_services.model import (
    CsVersion,
    DataServiceEvidenceType,
    Requirement,
    Service,
)
from gateway.evidence.common_services.slots import CsSlotReader
from gateway.evidence.common_services.structure import check_data_services, check_requirements
from gateway.evidence.edm._regrep import add_any_slot, add_string_slot, child_elements, q
from gateway.namespaces import NS, CommonServicesURI
from gateway.xml import parse_xml

__all__ = [
    "CsException",
    "DataServicesResponse",
    "ErrorResponse",
    "EvidenceTypesResponse",
    "RequirementsResponse",
    "Response",
    "Service",
    "build_response",
    "parse_response",
]

_NSMAP = {
    "query": NS.QUERY,
    "rim": NS.RIM,
    "rs": NS.RS,
    "sdg": NS.SDG,
    "xsi": NS.XSI,
}
_SPEC_SLOT = "SpecificationIdentifier"
XSI_TYPE = f"{{{NS.XSI}}}type"


@dataclass(frozen=True, slots=True)
class _Paging:
    """Optional RegRep paging attributes of ``query:QueryResponse``."""

    total_result_count: int | None = None
    start_index: int | None = None


@dataclass(frozen=True, slots=True)
class RequirementsResponse:
    """EB "requirements by procedure and jurisdiction" answer (TDD 3.2.4 §4.2).

    ``objects`` pairs each ``rim:RegistryObject/@id`` with its requirement.
    """

    version: CsVersion
    objects: tuple[tuple[str, Requirement], ...]
    total_result_count: int | None = None
    start_index: int | None = None

    @property
    def requirements(self) -> tuple[Requirement, ...]:
        """The requirements, in document order."""
        return tuple(r for _, r in self.objects)


@dataclass(frozen=True, slots=True)
class EvidenceTypesResponse:
    """EB "evidence types by requirement and jurisdiction" answer (TDD 3.2.4 §4.3)."""

    version: CsVersion
    objects: tuple[tuple[str, Requirement], ...]
    total_result_count: int | None = None
    start_index: int | None = None

    @property
    def requirements(self) -> tuple[Requirement, ...]:
        """The requirements with their evidence type lists, in document order."""
        return tuple(r for _, r in self.objects)


@dataclass(frozen=True, slots=True)
class DataServicesResponse:
    """DSD "data services by evidence type and jurisdiction" answer (TDD 3.1.4 §4.3)."""

    version: CsVersion
    objects: tuple[tuple[str, DataServiceEvidenceType], ...]
    total_result_count: int | None = None
    start_index: int | None = None

    @property
    def data_services(self) -> tuple[DataServiceEvidenceType, ...]:
        """The data service evidence types, in document order."""
        return tuple(d for _, d in self.objects)


Response = RequirementsResponse | EvidenceTypesResponse | DataServicesResponse | ErrorResponse
"""Any EB/DSD answer."""


# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------


def _root(version: CsVersion, status: str, paging: _Paging) -> etree._Element:
    root = etree.Element(q(NS.QUERY, "QueryResponse"), nsmap=_NSMAP)
    root.set("status", status)
    if paging.total_result_count is not None:
        root.set("totalResultCount", str(paging.total_result_count))
    if paging.start_index is not None:
        root.set("startIndex", str(paging.start_index))
    if version is CsVersion.V2_0:
        add_string_slot(root, _SPEC_SLOT, CommonServicesURI.CS_V2)
    return root


def build_response(response: Response) -> bytes:
    """Serialise an EB/DSD answer as UTF-8 XML (with declaration)."""
    if isinstance(response, ErrorResponse):
        root = _root(response.version, CommonServicesURI.STATUS_FAILURE, _Paging())
        build_exception(root, response.version, response.exception)
    else:
        if isinstance(response, DataServicesResponse):
            check_data_services(response.objects, response.version)
        else:
            check_requirements(
                response.objects, evidence_types=isinstance(response, EvidenceTypesResponse)
            )
        paging = _Paging(response.total_result_count, response.start_index)
        root = _root(response.version, CommonServicesURI.STATUS_SUCCESS, paging)
        ro_list = etree.SubElement(root, q(NS.RIM, "RegistryObjectList"))
        for i, (object_id, item) in enumerate(response.objects):
            if not object_id:
                raise BuildError("registry object id is mandatory", field=f"objects[{i}].id")
            ro = etree.SubElement(ro_list, q(NS.RIM, "RegistryObject"), id=object_id)
            wants_dsd = isinstance(response, DataServicesResponse)
            if isinstance(item, Requirement) and not wants_dsd:
                payload = build_requirement(item, response.version, f"objects[{i}]")
                add_any_slot(ro, "Requirement", payload)
            elif isinstance(item, DataServiceEvidenceType) and wants_dsd:
                payload = build_data_service_evidence_type(item, response.version, f"objects[{i}]")
                add_any_slot(ro, "DataServiceEvidenceType", payload)
            else:
                raise BuildError(
                    f"{type(item).__name__} does not belong in {type(response).__name__}",
                    field=f"objects[{i}]",
                )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# ---------------------------------------------------------------------------
# Parsers
# ---------------------------------------------------------------------------


def _int_attr(root: etree._Element, name: str) -> int | None:
    raw = root.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ResponseRejected(f"{name} is not an integer: {raw!r}", field=name) from exc


def _version(slots: CsSlotReader) -> CsVersion:
    spec = slots.string(_SPEC_SLOT, required=False)
    if spec is None:
        return CsVersion.V1_0
    if spec != CommonServicesURI.CS_V2:
        raise ResponseRejected(f"unsupported SpecificationIdentifier {spec!r}", field=_SPEC_SLOT)
    return CsVersion.V2_0


def parse_response(data: bytes) -> Response:
    """Read an EB/DSD answer (use only bytes :func:`signature.verify_response` returned)."""
    root = parse_xml(data, what="Common Services response")
    if root.tag != q(NS.QUERY, "QueryResponse"):
        raise ResponseRejected(f"expected query:QueryResponse, found {root.tag}", field="root")
    slots = CsSlotReader(root, where="query:QueryResponse")
    slots.refuse_others((_SPEC_SLOT,))
    version = _version(slots)
    status = root.get("status")
    exceptions = [c for c in child_elements(root) if c.tag == q(NS.RS, "Exception")]
    lists = [c for c in child_elements(root) if c.tag == q(NS.RIM, "RegistryObjectList")]
    if status == CommonServicesURI.STATUS_FAILURE:
        if len(exceptions) != 1 or lists:
            raise ResponseRejected(
                "a failed answer carries exactly one rs:Exception", field="status"
            )
        return ErrorResponse(version=version, exception=parse_exception(exceptions[0]))
    if status != CommonServicesURI.STATUS_SUCCESS:
        raise ResponseRejected(f"unexpected status {status!r}", field="status")
    if exceptions or len(lists) > 1:
        raise ResponseRejected("a successful answer carries no rs:Exception", field="status")
    requirements: list[tuple[str, Requirement]] = []
    services: list[tuple[str, DataServiceEvidenceType]] = []
    for ro in child_elements(lists[0]) if lists else []:
        object_id = ro.get("id")
        if ro.tag != q(NS.RIM, "RegistryObject") or not object_id:
            raise ResponseRejected("expected rim:RegistryObject with an id", field="RegistryObject")
        ro_slots = CsSlotReader(ro, where=f"RegistryObject {object_id}")
        ro_slots.refuse_others(("Requirement", "DataServiceEvidenceType"))
        if ro_slots.has("Requirement"):
            payload = ro_slots.any("Requirement")
            assert payload is not None
            requirements.append((object_id, parse_requirement(payload)))
        else:
            payload = ro_slots.any("DataServiceEvidenceType")
            assert payload is not None
            services.append((object_id, parse_data_service_evidence_type(payload)))
    total = _int_attr(root, "totalResultCount")
    start = _int_attr(root, "startIndex")
    if requirements and services:
        raise ResponseRejected("an answer mixes EB and DSD objects", field="RegistryObjectList")
    if services:
        return DataServicesResponse(version, tuple(services), total, start)
    if any(r.evidence_type_lists for _, r in requirements):
        return EvidenceTypesResponse(version, tuple(requirements), total, start)
    return RequirementsResponse(version, tuple(requirements), total, start)
