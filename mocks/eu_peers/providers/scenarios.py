"""EB/DSD scenarios where the requester must ask the user (an overlay of the mock catalogue).

Procedure ``X2`` (Procedures code list, EDM 1.0 kit) has its own requirement
(:func:`requirement_id`) whose answers need the user's decision, so the requester must
send them back to the portal (issue 7):

=====================  ==================================================================
scenario               what the services answer
=====================  ==================================================================
``nl-two-evidence-     EB: two NL evidence types (the KvK extract, and the historical
types``                extract); the requester may not pick the first silently
``nl-two-providers``   DSD, historical extract: two access services/providers (KvK and the KvK
                       archive), same access point NL-OOTS-AP
``at-needs-court``     DSD, AT extract of X2: ``DSD:ERR:0005`` asking for the
                       Firmenbuchgericht (TDD 3.1.4 §4.4.3), then the Firmenbuch entry
=====================  ==================================================================

Everything else is answered by :func:`mocks.eu_peers.catalogue.answer`. The HTTP side
(:mod:`.cs_server`) signs like the EC (JAdES, mock EC chain of the test PKI).
"""

from __future__ import annotations

import dataclasses

from gateway.evidence.common_services import (
    AdditionalInputRequest,
    CsException,
    CsVersion,
    DataServicesQuery,
    DataServicesResponse,
    DsdErrorCode,
    ErrorResponse,
    EvidenceTypesQuery,
    EvidenceTypesResponse,
    RequirementsQuery,
    RequirementsResponse,
    Response,
)
from gateway.evidence.common_services.model import (
    DataServiceEvidenceType,
    Identifier,
    InformationConcept,
    Requirement,
    SupportedValue,
    Text,
    ValueKind,
)
from gateway.evidence.common_services.queries import Query
from mocks.eu_peers import catalogue
from mocks.eu_peers.data import company_registration as cr

__all__ = ["AT_COURTS", "COURT_CONCEPT", "SCENARIO_PROCEDURE", "answer", "classification",
           "requirement_id"]

SCENARIO_PROCEDURE = "X2"
_REQUIREMENT_UUID = "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e"
_PATHS = {"NL-historical": "NL/3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
          "AT-court": "AT/4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a"}
COURT_CONCEPT = "6e7f8a9b-0c1d-4e2f-8a3b-4c5d6e7f8a9b"
"""The ``EvidenceProviderClassification`` the AT scenario asks for (a UUID)."""
AT_COURTS = ("HG Wien", "LG Linz", "LG Graz", "LG Innsbruck")
"""Firmenbuchgerichte (Handelsgericht Wien and Landesgerichte)."""


def _host(version: CsVersion) -> str:
    return cr.SR if version is CsVersion.V2_0 else cr.SR_V1


def requirement_id(version: CsVersion) -> str:
    """The identifier of the X2 requirement in ``version``."""
    return f"{_host(version)}/requirements/{_REQUIREMENT_UUID}"


def classification(name: str, version: CsVersion) -> str:
    """Classification URI of a scenario evidence type (``NL-historical``, ``AT-court``)."""
    return f"{_host(version)}/evidencetypeclassifications/{_PATHS[name]}"


def _court_concept(*, with_values: bool) -> InformationConcept:
    return InformationConcept(
        identifier=Identifier(COURT_CONCEPT), type="Codelist",
        value_expression=f"{cr.SR_V1}/ep-classification/AT/firmenbuchgericht",
        descriptions=(Text("Firmenbuchgericht der Firma", "DE"),
                      Text("The register court keeping the company's entry", "EN")),
        supported_value=SupportedValue(ValueKind.STRING, AT_COURTS) if with_values else None)


def _requirement(version: CsVersion, country: str, *, with_types: bool) -> Requirement:
    base = cr.requirement(version, (country,), with_evidence_types=with_types)
    base = dataclasses.replace(base, identifier=requirement_id(version), names=(
        Text("Proof of registration with the register history", "EN"),))
    if not with_types:
        return base
    lst = base.evidence_type_lists[0]
    types = lst.evidence_types
    if country == "NL":  # scenario nl-two-evidence-types
        types = (*types, dataclasses.replace(
            types[0], classification=classification("NL-historical", version),
            titles=(Text("Historisch uittreksel Handelsregister", "NL"),
                    Text("Historical extract from the Business Register", "EN"))))
    else:  # scenario at-needs-court
        types = (dataclasses.replace(types[0],
                                     classification=classification("AT-court", version)),)
    return dataclasses.replace(base, evidence_type_lists=(
        dataclasses.replace(lst, evidence_types=types),))


def _nl_two_providers(version: CsVersion) -> DataServicesResponse:
    entry = cr.data_service("NL", version)
    access = entry.access_services[0]
    archive = dataclasses.replace(access, publisher=dataclasses.replace(
        access.publisher, identifier=Identifier("59581884", access.publisher.identifier.scheme_id),
        names=(Text("KvK Archief", "NL"), Text("Chamber of Commerce archive", "EN"))))
    # one data service with two access services (v1.0 allows one registry object,
    # R-DSD-RESP-S0015): two providers serve the historical extract
    ds = dataclasses.replace(entry, classification=classification("NL-historical", version),
                             identifier="9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b60",
                             access_services=(access, archive))
    return DataServicesResponse(version, (("urn:uuid:2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c60",
                                           ds),))


def _at_needs_court(q: DataServicesQuery) -> Response:
    entry = cr.data_service("AT", q.version)
    bare = DataServiceEvidenceType(
        identifier=entry.identifier, classification=q.evidence_type_classification,
        titles=entry.titles, descriptions=entry.descriptions, distributions=entry.distributions)
    need = AdditionalInputRequest(version=q.version, concepts=(_court_concept(with_values=False),),
                                  evidence_type=bare)
    if need.missing_from(q):
        return need.to_error(detail="name the Firmenbuchgericht of the company")
    court = dict(q.classification_values)[COURT_CONCEPT]
    if court not in AT_COURTS:
        return ErrorResponse(version=q.version, exception=CsException.for_code(
            DsdErrorCode.INCORRECT_VALUE, detail=f"Firmenbuchgericht {court!r}"))
    publisher = dataclasses.replace(entry.access_services[0].publisher,
                                    names=(Text(f"Firmenbuch ({court})", "DE"),),
                                    classification_concepts=(_court_concept(with_values=True),))
    ds = dataclasses.replace(
        entry, classification=q.evidence_type_classification,
        access_services=(dataclasses.replace(entry.access_services[0], publisher=publisher),),
        provider_classifications=(_court_concept(with_values=False),))
    return DataServicesResponse(q.version, (("urn:uuid:3b4c5d6e-7f8a-4b9c-8d0e-2f3a4b5c6d7e",
                                             ds),))


def answer(query: Query) -> Response:
    """The overlay's answer (scenarios above), else the catalogue's."""
    if isinstance(query, RequirementsQuery) and query.procedure_id == SCENARIO_PROCEDURE \
            and query.country_code in ("NL", "AT"):
        req = _requirement(query.version, query.country_code, with_types=False)
        return RequirementsResponse(query.version, ((f"urn:uuid:{_REQUIREMENT_UUID}", req),))
    if isinstance(query, EvidenceTypesQuery) and query.requirement_id == requirement_id(
            query.version) and query.country_code in ("NL", "AT"):
        req = _requirement(query.version, query.country_code, with_types=True)
        return EvidenceTypesResponse(query.version, (("urn:uuid:1f2e3d4c-5b6a-4978-8a9b-"
                                                      "0c1d2e3f4a5b", req),))
    if isinstance(query, DataServicesQuery):
        if query.evidence_type_classification == classification("NL-historical", query.version):
            return _nl_two_providers(query.version)
        if query.evidence_type_classification == classification("AT-court", query.version):
            return _at_needs_court(query)
    return catalogue.answer(query)

