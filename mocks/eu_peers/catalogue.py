"""What the mocked Evidence Broker and Data Service Directory answer (no I/O).

:func:`answer` maps a parsed query (``gateway.evidence.common_services.parse_query``) to
the response model the service returns; the HTTP adapter (:mod:`.common_services`) builds,
signs and sends it. Error choices follow the code lists (EDM 1.0 kit):

* EB requirements: unknown procedure -> ``EB:ERR:0005``; unknown country -> ``EB:ERR:0006``;
  nothing left after filtering -> ``EB:ERR:0001``;
* EB evidence types: unknown requirement -> ``EB:ERR:0002``; country without a type ->
  ``EB:ERR:0001``;
* DSD: unknown classification -> ``DSD:ERR:0002``; another country than the type's, or a
  ``specification`` no access service conforms to, or a v1.0 query for a service that
  speaks only ``oots-edm:v2.0`` -> ``DSD:ERR:0001``; the German entry
  without a register court -> ``DSD:ERR:0005`` (TDD 3.1.4 §4.4.3), with an unknown court ->
  ``DSD:ERR:0006``.
"""

from __future__ import annotations

import uuid

from gateway.evidence.common_services import (
    AdditionalInputRequest,
    CsException,
    CsVersion,
    DataServicesQuery,
    DataServicesResponse,
    DsdErrorCode,
    EbErrorCode,
    ErrorResponse,
    EvidenceTypesQuery,
    EvidenceTypesResponse,
    RequirementsQuery,
    RequirementsResponse,
    Response,
)
from gateway.evidence.common_services.queries import Query
from mocks.eu_peers.data import company_registration as cr

__all__ = ["KNOWN_COUNTRIES", "answer"]

KNOWN_COUNTRIES = frozenset({"AT", "BE", "DE", "DK", "ES", "FI", "FR", "IT", "NL", "PL", "SE"})
"""Member states the mock EB knows (procedures exist only for DE, NL, AT)."""
_KNOWN_PROCEDURES = frozenset({"R1", "S1", "T1", "T2", "T3", "U1", "U2", "U3", "U4", "V1", "V2",
                               "V3", "V4", "W1", "W2", "X1", "X2", "X3", "X4", "X5", "X6"})
"""The Procedures code list of the EDM 1.0 kit."""


def _error(version: CsVersion, code: EbErrorCode | DsdErrorCode, detail: str) -> ErrorResponse:
    return ErrorResponse(version=version, exception=CsException.for_code(code, detail=detail))


def _object_id(kind: str, key: str) -> str:
    """A stable ``urn:uuid:`` per answer object (the demo output stays comparable)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'mock-cs/{kind}/{key}')}"


def _requirements(q: RequirementsQuery) -> Response:
    if q.procedure_id is not None and q.procedure_id not in _KNOWN_PROCEDURES:
        return _error(q.version, EbErrorCode.INVALID_PROCEDURE, f"procedure {q.procedure_id}")
    if q.country_code is not None and q.country_code not in KNOWN_COUNTRIES:
        return _error(q.version, EbErrorCode.INVALID_COUNTRY, f"country {q.country_code}")
    if q.procedure_id not in (None, cr.PROCEDURE):
        return _error(q.version, EbErrorCode.EMPTY_RESULT, f"no requirement for {q.procedure_id}")
    countries = tuple(c for c in cr.EVIDENCE_TYPES if q.country_code in (None, c))
    if not countries:
        return _error(q.version, EbErrorCode.EMPTY_RESULT, f"no procedure in {q.country_code}")
    req = cr.requirement(q.version, countries)
    return RequirementsResponse(q.version, ((_object_id("req", req.identifier), req),))


def _evidence_types(q: EvidenceTypesQuery) -> Response:
    if q.requirement_id != cr.requirement_id(q.version):
        return _error(q.version, EbErrorCode.UNKNOWN_REQUIREMENT, q.requirement_id)
    if q.country_code is not None and q.country_code not in KNOWN_COUNTRIES:
        return _error(q.version, EbErrorCode.INVALID_COUNTRY, f"country {q.country_code}")
    countries = tuple(c for c in cr.EVIDENCE_TYPES if q.country_code in (None, c))
    if not countries:
        return _error(q.version, EbErrorCode.EMPTY_RESULT,
                      f"no evidence type for {q.requirement_id} in {q.country_code}")
    req = cr.requirement(q.version, countries, with_evidence_types=True)
    return EvidenceTypesResponse(q.version, ((_object_id("evi", req.identifier), req),))


def _data_services(q: DataServicesQuery) -> Response:
    country = cr.country_of(q.evidence_type_classification)
    if country is None:
        return _error(q.version, DsdErrorCode.UNKNOWN_EVIDENCE_TYPE,
                      q.evidence_type_classification)
    if q.country_code != country:
        return _error(q.version, DsdErrorCode.NO_DATA_SERVICES,
                      f"the evidence type is served in {country}, not {q.country_code}")
    entry = cr.data_service(country, q.version)
    speaks = cr.EVIDENCE_TYPES[country].conforms_to
    if q.version is CsVersion.V1_0 and "oots-edm:v1.0" not in speaks:
        return _error(q.version, DsdErrorCode.NO_DATA_SERVICES,
                      f"the data service of {country} speaks no oots-edm:v1.0")
    if q.specification is not None and all(
        q.specification not in a.conforms_to for a in entry.access_services
    ):
        return _error(q.version, DsdErrorCode.NO_DATA_SERVICES,
                      f"no data service conforms to {q.specification}")
    court: str | None = None
    if entry.provider_classifications:  # scenario de-handelsregister-needs-register-court
        need = AdditionalInputRequest(
            version=q.version,
            concepts=entry.provider_classifications,
            evidence_type=cr.data_service(country, q.version, bare=True),
        )
        if need.missing_from(q):
            return need.to_error(detail="name the register court of the company")
        court = dict(q.classification_values)[cr.REGISTER_COURT_CONCEPT]
        supported = cr.register_court_concept(with_values=True).supported_value
        if supported is None or court not in supported.values:
            return _error(q.version, DsdErrorCode.INCORRECT_VALUE, f"register court {court!r}")
        entry = cr.data_service(country, q.version, court=court)
    elif q.classification_values:
        name = q.classification_values[0][0]
        return _error(q.version, DsdErrorCode.INVALID_PARAMETERS, f"unknown parameter {name}")
    key = f"{entry.identifier}/{court or '-'}"
    return DataServicesResponse(q.version, ((_object_id("dsd", key), entry),))


def answer(query: Query) -> Response:
    """The mock service's answer to ``query`` (success or an EB/DSD error response)."""
    if isinstance(query, RequirementsQuery):
        return _requirements(query)
    if isinstance(query, EvidenceTypesQuery):
        return _evidence_types(query)
    return _data_services(query)
