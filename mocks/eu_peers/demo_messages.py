"""The demo's requester side: discovery through the mock EB/DSD, then the EDM evidence request.

:func:`discover` walks the common services the way an OOTS requester does (TDD 3.2.4,
3.1.4): requirements of procedure ``X1`` -> evidence types of the provider country ->
data services (answering a ``DSD:ERR:0005`` with the register court when asked), every
answer's JAdES signature verified against the mock EC anchor before it is parsed.
:func:`evidence_request` builds the ``query:QueryRequest`` for the company registration
evidence in the EDM version the access service announces.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from gateway.evidence import edm
from gateway.evidence.common_services import (
    AdditionalInputRequest,
    CsVersion,
    DataServicesQuery,
    DataServicesResponse,
    EdmVersion,
    ErrorResponse,
    EvidenceTypesQuery,
    EvidenceTypesResponse,
    RequirementsQuery,
    RequirementsResponse,
    Response,
    TrustAnchors,
    choose_for_service,
    parse_response,
    verify_response,
)
from gateway.evidence.common_services.model import DataServiceEvidenceType
from gateway.evidence.common_services.queries import HttpQuery
from mocks.eu_peers.data import company_registration as cr

__all__ = ["Discovery", "discover", "evidence_request"]

Say = Callable[[str], None]

_REQUESTERS = {
    "DE": edm.Agent(edm.Identifier("DE811569869", "urn:cef.eu:names:identifier:EAS:9930"),
                    (edm.Text("Gewerbeamt Hamburg (Portal)", "DE"),),
                    edm.Address("DE", post_city_name="Hamburg"), classification="ER"),
    "NL": edm.Agent(edm.Identifier("00000001003214345000", "urn:cef.eu:names:identifier:EAS:0190"),
                    (edm.Text("Gemeente Utrecht", "NL"),),
                    edm.Address("NL", post_city_name="Utrecht"), classification="ER"),
    "AT": edm.Agent(edm.Identifier("ATU12345678", "urn:cef.eu:names:identifier:EAS:9914"),
                    (edm.Text("Magistrat der Stadt Wien", "DE"),),
                    edm.Address("AT", post_city_name="Wien"), classification="ER"),
}
_COMPANIES = {  # legal name, EUID (BRIS), national number (9 characters), city
    "DE": ("Beispiel Handels GmbH", "DEK1101R.HRB116737", "HRB116737", "Hamburg"),
    "NL": ("Voorbeeld Handel B.V.", "NLNHR.59581883", "059581883", "Utrecht"),
    "AT": ("Beispiel Handel GmbH", "ATBRA.473888w", "FN473888W", "Wien"),
}


def _company(country: str, requester: str) -> edm.LegalPerson:
    """The demo company of ``country``; its eIDAS identifier is ``<country>/<requester>/...``
    (eIDAS: origin and destination member state, R-EDM-REQ-C039)."""
    name, euid, number, city = _COMPANIES[country]
    return edm.LegalPerson(name, "Substantial", (edm.Identifier(euid, "EUID"),),
                           edm.Identifier(f"{country}/{requester}/{number}", "eidas"),
                           edm.Address(country, post_city_name=city))


@dataclass(frozen=True, slots=True)
class Discovery:
    """What the common services told a requester about one provider country."""

    country: str
    cs_version: CsVersion
    requirement_id: str
    requirement_name: str
    data_service: DataServiceEvidenceType
    access_point: str
    edm_version: EdmVersion
    classification_values: tuple[tuple[str, str], ...] = ()
    answers: tuple[bytes, ...] = ()
    """Every verified EB/DSD body, for the demo's validation step."""


def _ask(base: str, service: str, http: HttpQuery, anchors: TrustAnchors,
         bodies: list[bytes], say: Say) -> Response:
    response = httpx.get(http.url(f"{base}/{service}"), headers=dict(http.headers), timeout=30)
    verified = verify_response(response.content, dict(response.headers), anchors=anchors,
                               now=datetime.now(UTC))
    bodies.append(verified.body)
    answer = parse_response(verified.body)
    signer = verified.signer.subject if verified.signer else "-"
    what = (answer.exception.code if isinstance(answer, ErrorResponse)
            else f"{type(answer).__name__}")
    say(f"    {service.upper():3} {dict(http.params)['queryId'].rsplit(':', 1)[-1]:52} "
        f"HTTP {response.status_code} -> {what}; signature ES256 verified ({signer})")
    return answer


def discover(base: str, country: str, *, anchors: TrustAnchors, say: Say,
             version: CsVersion = CsVersion.V2_0,
             user_values: dict[str, str] | None = None) -> Discovery:
    """Requirement -> evidence type -> data service for ``country`` (see module docstring)."""
    bodies: list[bytes] = []
    reqs = _ask(base, "eb", RequirementsQuery(version, cr.PROCEDURE, country).to_http(),
                anchors, bodies, say)
    if not isinstance(reqs, RequirementsResponse):
        raise RuntimeError(f"EB found no requirement for {cr.PROCEDURE} in {country}")
    requirement = reqs.requirements[0]
    types = _ask(base, "eb", EvidenceTypesQuery(requirement.identifier, version, country)
                 .to_http(), anchors, bodies, say)
    if not isinstance(types, EvidenceTypesResponse):
        raise RuntimeError(f"EB lists no evidence type in {country}")
    classification = types.requirements[0].evidence_type_lists[0].evidence_types[0].classification
    query = DataServicesQuery(classification, country, version)
    services = _ask(base, "dsd", query.to_http(), anchors, bodies, say)
    if isinstance(services, ErrorResponse) and services.exception.code == "DSD:ERR:0005":
        need = AdditionalInputRequest.from_response(services)
        values = {cid: (user_values or {}).get(cid, "") for cid in need.concept_ids}
        say(f"    the DSD asks the user for {list(need.concept_ids)}; the user answers "
            f"{values}")
        query = need.follow_up(query, values)
        services = _ask(base, "dsd", query.to_http(), anchors, bodies, say)
    if not isinstance(services, DataServicesResponse):
        raise RuntimeError(f"DSD found no data service in {country}")
    entry = services.data_services[0]
    access = entry.access_services[0]
    return Discovery(country, version, requirement.identifier, requirement.names[0].value,
                     entry, access.identifier.value, choose_for_service(access),
                     query.classification_values, tuple(bodies))


def evidence_request(found: Discovery, *, requester: str, now: datetime) -> tuple[str, bytes]:
    """(request id, ``query:QueryRequest`` bytes) asking ``found.country`` for the extract."""
    version = found.edm_version
    v1 = version is EdmVersion.V1_0
    dset = found.data_service
    publisher = dset.access_services[0].publisher
    provider = edm.Agent(publisher.identifier, publisher.names)
    classifications = tuple(
        dataclasses.replace(
            edm.InformationConcept(
                edm.Identifier(c.identifier.value), c.type, c.value_expression, c.descriptions),
            supported_value=edm.SupportedValue("StringValue", (dict(found.classification_values)
                                                              [c.identifier.value],)))
        for c in dset.provider_classifications
        if c.identifier.value in dict(found.classification_values)
    )
    request_id = f"urn:uuid:{uuid.uuid4()}"
    request = edm.EvidenceRequest(
        version=version,
        request_id=request_id,
        issue_datetime=now,
        requesters=(_REQUESTERS[requester],),
        provider=provider,
        subject=_company(found.country, requester),
        evidence_request=edm.DataServiceEvidenceType(
            identifier=dset.identifier,
            evidence_type_classification=dset.classification,
            titles=dset.titles,
            descriptions=dset.descriptions,
            distributed_as=(edm.DistributedAs(format=dset.distributions[0].format),),
        ),
        procedure=edm.Procedure(cr.PROCEDURE, "EN" if v1 else None),
        possibility_for_preview=False,
        explicit_request_given=True,
        requirements=(edm.Requirement(found.requirement_id,
                                      (edm.Text(found.requirement_name, "EN"),)),),
        provider_classifications=classifications,
        lang="EN" if v1 else None,
    )
    return request_id, edm.build_request(request)
