"""The requester's EDM messages: the evidence request out, the answers in (no I/O).

:func:`first_request` turns a discovery result (:class:`~.discovery.Found`) and the
portal's input into the ``query:QueryRequest`` (TDD 4.5.1) of the version chosen from
the access service's ``conformsTo`` (TDD 3.1.4; :func:`choose_for_service`). The
preview sequence (TDD 4.9, kit ``oots-tdd-2.0/README.md`` item 6) reuses
:func:`gateway.evidence.edm.second_request`: the second request keeps the ExchangeId and
ConversationId, copies the ``PreviewLocation``, and (v2.0) adds ``ReturnLocation``;
in v1.0 the return address travels as the query parameter :data:`V1_RETURN_PARAMETER`
of the URL the user is redirected to (assumption, the kit names no parameter).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode, urlsplit, urlunsplit

from gateway.errors import EdmErrorCode, EvidenceError, Origin
from gateway.evidence import edm
from gateway.evidence.edm import EdmVersion, ExchangeHeader
from gateway.requester.discovery import Found

__all__ = [
    "V1_RETURN_PARAMETER",
    "Company",
    "Outgoing",
    "Requester",
    "deterministic_id",
    "first_request",
    "preview_redirect",
    "request_properties",
    "second_request",
]

V1_RETURN_PARAMETER = "returnUrl"
"""v1.0: the query parameter carrying the return address on the preview URL."""
_NS = uuid.UUID("0b8e4f5e-4d2a-4c49-8f4e-8f1f0b6d1a77")


@dataclass(frozen=True, slots=True)
class Company:
    """The foreign company the evidence is about (from the portal)."""

    legal_name: str
    country: str
    national_id: str
    """The register number (KvK-nummer, Firmenbuchnummer, ...): the eIDAS identifier's tail."""
    euid: str | None = None
    """The BRIS EUID, when the portal knows it."""
    city: str | None = None


@dataclass(frozen=True, slots=True)
class Requester:
    """Who asks (corner 1: ``EvidenceRequester`` classified ``ER``)."""

    identifier: str
    scheme: str
    name: str
    country: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One request ready for the AS4 layer: model, bytes and ebMS header values."""

    request: edm.EvidenceRequest
    body: bytes
    header: ExchangeHeader


def _agent_of(requester: Requester) -> edm.Agent:
    return edm.Agent(edm.Identifier(requester.identifier, requester.scheme),
                     (edm.Text(requester.name, "DE"),),
                     edm.Address(requester.country), classification="ER")


def _subject(company: Company, requester: Requester, version: EdmVersion) -> edm.LegalPerson:
    # eIDAS legal person identifier: <origin MS>/<destination MS>/<id> (R-EDM-REQ-C039).
    number = "".join(ch for ch in company.national_id if ch.isalnum())
    if version is EdmVersion.V1_0:  # v1.0: exactly 9 letters or digits after XX/YY/
        if len(number) > 9:
            raise EvidenceError(f"register number {company.national_id!r} is longer than the "
                                "9 characters of a v1.0 eIDAS identifier (R-EDM-REQ-C039)",
                                edm_code=EdmErrorCode.INVALID_REQUEST, origin=Origin.LOCAL,
                                field="company.national_id")
        number = number.rjust(9, "0")
    return edm.LegalPerson(
        company.legal_name, "Substantial",
        (edm.Identifier(company.euid, "EUID"),) if company.euid else (),
        edm.Identifier(f"{company.country}/{requester.country}/{number}", "eidas"),
        edm.Address(company.country, post_city_name=company.city))


def deterministic_id(*parts: str) -> str:
    """A UUID derived from ``parts``: recomputations (handler retries) give the same id."""
    return str(uuid.uuid5(_NS, "|".join(parts)))


def first_request(found: Found, *, company: Company, requester: Requester, procedure: str,
                  preview: bool, request_id: str, conversation_id: str, exchange_id: str,
                  now: datetime, distribution: str | None = None) -> Outgoing:
    """The first evidence request of an exchange (TDD 4.5.1).

    ``distribution``: the format the portal needs (e.g. ``application/xml`` for the Gewerbe
    assistant's prefill); it must be one the DSD lists for the data service, else
    ``EDM:ERR:0007``. Without it the DSD's first distribution is requested.
    """
    version = found.edm_version
    v1 = version is EdmVersion.V1_0
    ds, access = found.data_service, found.access_service
    values = dict(found.values)
    classifications = tuple(
        edm.InformationConcept(
            edm.Identifier(c.identifier.value), c.type, c.value_expression, c.descriptions,
            edm.SupportedValue("StringValue", (values[c.identifier.value],)))
        for c in ds.provider_classifications if c.identifier.value in values)
    chosen = ds.distributions[0] if ds.distributions else None
    if distribution is not None:
        chosen = next((d for d in ds.distributions if d.format == distribution), None)
        if chosen is None:
            raise EvidenceError(f"the data service offers no {distribution} distribution",
                                edm_code=EdmErrorCode.UNSUPPORTED_CAPABILITY,
                                origin=Origin.REMOTE, field="distribution")
    request = edm.EvidenceRequest(
        version=version,
        request_id=request_id,
        issue_datetime=now,
        requesters=(_agent_of(requester),),
        provider=edm.Agent(access.publisher.identifier, access.publisher.names),
        subject=_subject(company, requester, version),
        evidence_request=edm.DataServiceEvidenceType(
            identifier=ds.identifier,
            evidence_type_classification=ds.classification,
            titles=ds.titles,
            descriptions=ds.descriptions,
            distributed_as=(edm.DistributedAs(
                format=chosen.format if chosen else "application/pdf",
                # R-EDM-RESP-C044a: an XML/JSON distribution names what it conforms to
                conforms_to=chosen.conforms_to if chosen else None),),
        ),
        procedure=edm.Procedure(procedure, "EN" if v1 else None),
        possibility_for_preview=preview,
        explicit_request_given=True,
        requirements=(edm.Requirement(found.requirement.identifier,
                                      found.requirement.names[:1]),),
        provider_classifications=classifications,
        lang="EN" if v1 else None,
    )
    header = ExchangeHeader.for_version(version, conversation_id=conversation_id,
                                        exchange_id=exchange_id)
    return Outgoing(request, edm.build_request(request), header)


def second_request(first: Outgoing, error: edm.EvidenceErrorResponse, *, return_url: str,
                   request_id: str, now: datetime) -> Outgoing:
    """The second request of the preview sequence (TDD 4.9) answering ``error``."""
    second, header = edm.second_request(
        first.request, first.header, error, request_id=request_id, issue_datetime=now,
        return_location=return_url if first.request.version is EdmVersion.V2_0 else None)
    return Outgoing(second, edm.build_request(second), header)


def preview_redirect(error: edm.EvidenceErrorResponse, return_url: str) -> str:
    """Where the portal sends the user: the PreviewLocation (v2.0: as given; the return
    address is the ReturnLocation slot) or, in v1.0, with the return address appended."""
    location = error.exception.preview_location
    if location is None:
        raise EvidenceError("the error response carries no PreviewLocation",
                            edm_code=EdmErrorCode.MISSING_AUTHORIZATION, origin=Origin.REMOTE,
                            field="exception.preview_location")
    if error.version is EdmVersion.V2_0:
        return location
    parts = urlsplit(location)
    query = "&".join(p for p in (parts.query, urlencode({V1_RETURN_PARAMETER: return_url})) if p)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def request_properties(outgoing: Outgoing, *, requester: Requester) -> list[tuple[str, str,
                                                                                  str | None]]:
    """The ``eb:Property`` values: four-corner ``originalSender`` (C1) and
    ``finalRecipient`` (C4), plus ExchangeId/SpecificationId in v2.0 (R-EDM-ebMS-018)."""
    provider = outgoing.request.provider.identifier
    props: list[tuple[str, str, str | None]] = [
        ("originalSender", requester.identifier, requester.scheme),
        ("finalRecipient", provider.value, provider.scheme_id),
    ]
    props += [(name, value, None) for name, value in outgoing.header.message_properties()]
    return props
