"""The provider's EDM answers: evidence response with XML + PDF payloads, or an error.

Response packaging (TDD 2.0.1 4.5.2 §2.6; kit README item 3):

- v1.0: two flat ``rim:RegistryObject`` documents (the XML extract, the PDF), each with
  its ``sdg:Evidence`` metadata and ``rim:RepositoryItemRef`` naming its AS4 part
  (R-EDM-RESP-S015, S033..S037);
- v2.0: one ``rim:RegistryPackage`` whose ``MainEvidence`` is the XML extract and whose
  ``HumanReadableVersion`` is the PDF, linked by an
  ``urn:oasis:names:tc:ebxml-regrep:AssociationType:HumanReadableVersion`` association
  from the PDF (source) to the extract (target) (S048..S061).

Errors use the fixed ``EDMErrorCodes`` texts; ``detail`` says what was wrong. No I/O.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime

from gateway.ebms import Payload
from gateway.errors import EdmErrorCode
from gateway.evidence.edm import (
    Address,
    Agent,
    Association,
    Distribution,
    EdmException,
    EdmVersion,
    Evidence,
    EvidenceDocument,
    EvidenceErrorResponse,
    EvidencePackage,
    EvidenceRequest,
    EvidenceResponse,
    EvidenceTypeRef,
    Identifier,
    LegalPerson,
    LocalizedString,
    RepositoryItemRef,
    Subject,
    Text,
    build_error_response,
    build_response,
)
from gateway.provider.config import ProviderConfig

__all__ = ["EBRS_MIME", "Answer", "error_answer", "evidence_answer", "preview_answer"]

EBRS_MIME = "application/x-ebrs+xml"
RESPONSE_ACTION = "ExecuteQueryResponse"
ERROR_ACTION = "ExceptionResponse"


@dataclass(frozen=True, slots=True)
class Answer:
    """One EDM answer ready for AS4: the action, the RegRep body first, then documents."""

    action: str
    payloads: tuple[Payload, ...]
    code: str | None = None
    """The EDM error code for an error answer; None for evidence."""

    @property
    def body(self) -> bytes:
        """The RegRep message."""
        return self.payloads[0].data


def _urn(seed: str, n: int) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{seed}/{n}')}"


def extract_model_uri(version: EdmVersion) -> str:
    """``sdg:ConformsTo`` of the XML extract (R-EDM-RESP-C044a: required for XML).

    [ASSUMED] SR form (README item 11: ``distributions/`` in v1.0, ``datamodels/`` in v2.0);
    the model is ours (:mod:`gateway.evidence.extract`), not a registered SR model."""
    if version is EdmVersion.V1_0:
        return "https://sr.oots.tech.europa.eu/distributions/DE/handelsregister-extract-1"
    return "https://sr.oots.tech.ec.europa.eu/datamodels/DE/handelsregister-extract-1"


def provider_agent(cfg: ProviderConfig, *, classification: str | None) -> Agent:
    """The provider (``EP``) or error provider (``ERRP``) agent."""
    return Agent(identifier=Identifier(cfg.provider_id, cfg.provider_scheme),
                 names=(Text(cfg.provider_name, "DE"),),
                 address=Address(admin_unit_level_1="DE") if classification else None,
                 classification=classification)


def _about(subject: Subject, euid: str) -> Subject:
    """IsAbout: the requested company with the register's EUID (no LoA in evidence)."""
    if isinstance(subject, LegalPerson):
        return dataclasses.replace(subject, level_of_assurance=None,
                                   identifiers=(Identifier(euid, "EUID"),))
    return subject


def _requester(request: EvidenceRequest | None) -> Agent | None:
    if request is None:
        return None
    return dataclasses.replace(request.requester, address=None, classification=None)


def error_answer(cfg: ProviderConfig, version: EdmVersion, request: EvidenceRequest | None,
                 code: EdmErrorCode, detail: str, *, now: datetime,
                 response_seed: str, sender: tuple[str, str] | None = None,
                 request_id: str | None = None) -> Answer:
    """An EDM error response for ``code`` (the code list's fixed message).

    Without a readable request the EvidenceRequester (mandatory in an error response) is
    the AS4 ``originalSender`` (``sender``: value, EAS scheme)."""
    requester = _requester(request)
    if requester is None and sender is not None:
        requester = Agent(Identifier(sender[0], sender[1]), (Text(sender[0]),))
    resp = EvidenceErrorResponse(
        version=version, request_id=request.request_id if request else request_id,
        response_id=str(uuid.uuid5(uuid.NAMESPACE_URL, response_seed)),
        error_provider=provider_agent(cfg, classification="ERRP"),
        exception=EdmException(code=code, timestamp=now, detail=detail[:1000]),
        requester=requester, issue_datetime=now)
    return Answer(ERROR_ACTION, (Payload("edm-error@de.oots", build_error_response(resp),
                                         EBRS_MIME),), code.value)


def preview_answer(cfg: ProviderConfig, request: EvidenceRequest, location: str, *,
                   now: datetime, response_seed: str) -> Answer:
    """EDM:ERR:0002 with the PreviewRequired severity and ``PreviewLocation`` (4.5.3, 4.9)."""
    v1 = request.version is EdmVersion.V1_0
    exc = EdmException.preview_required(
        request.version, timestamp=now, preview_location=location,
        detail="The company's representative must preview and approve the evidence.",
        preview_description=(
            LocalizedString("DE", "Bitte melden Sie sich an und prüfen Sie den Auszug."),
            LocalizedString("EN", "Please log in and review the register extract."),
        ) if v1 else (),
        preview_method="GET" if v1 else None)
    resp = EvidenceErrorResponse(
        version=request.version, request_id=request.request_id,
        response_id=str(uuid.uuid5(uuid.NAMESPACE_URL, response_seed)),
        error_provider=provider_agent(cfg, classification="ERRP"), exception=exc,
        requester=_requester(request), issue_datetime=now)
    return Answer(ERROR_ACTION, (Payload("edm-error@de.oots", build_error_response(resp),
                                         EBRS_MIME),),
                  EdmErrorCode.MISSING_AUTHORIZATION.value)


def evidence_answer(cfg: ProviderConfig, request: EvidenceRequest, *, extract: bytes,
                    pdf: bytes, euid: str, now: datetime, response_seed: str) -> Answer:
    """The evidence response carrying the extract (main evidence) and the signed PDF."""
    v = request.version
    # R-EDM-RESP-C042: href '^cid:[a-z0-9]*@[a-z0-9]*' (no '-' before the '@')
    token = uuid.uuid5(uuid.NAMESPACE_URL, response_seed).hex
    xml_cid, pdf_cid = f"extract{token}@de.oots", f"pdf{token}@de.oots"
    et = request.evidence_request
    main_meta = Evidence(
        identifier=str(uuid.uuid5(uuid.NAMESPACE_URL, response_seed + "/evidence")),
        distributions=(Distribution("application/xml", ("DE",),
                                    conforms_to=extract_model_uri(v)),),
        is_about=_about(request.subject, euid),
        issuing_authority=provider_agent(cfg, classification=None),
        is_conformant_to=EvidenceTypeRef(et.evidence_type_classification, et.titles),
        issuing_date=now.date())
    pdf_id = str(uuid.uuid5(uuid.NAMESPACE_URL, response_seed + "/pdf"))
    pdf_meta = (dataclasses.replace(main_meta, identifier=pdf_id,
                                    distributions=(Distribution("application/pdf", ("DE",)),))
                if v is EdmVersion.V1_0 else
                Evidence(pdf_id, distributions=(Distribution("application/pdf", ("DE",)),)))
    main = EvidenceDocument(_urn(response_seed, 1), main_meta,
                            RepositoryItemRef(f"cid:{xml_cid}", "Handelsregister extract"))
    human = EvidenceDocument(_urn(response_seed, 2), pdf_meta,
                             RepositoryItemRef(f"cid:{pdf_cid}", "Handelsregisterauszug (PDF)"))
    base = EvidenceResponse(
        version=v, request_id=request.request_id,
        response_id=str(uuid.uuid5(uuid.NAMESPACE_URL, response_seed)), issue_datetime=now,
        providers=(provider_agent(cfg, classification="EP"),),
        requester=_requester(request) or request.requester)
    if v is EdmVersion.V1_0:
        resp = dataclasses.replace(base, documents=(main, human))
    else:
        main = dataclasses.replace(main, role="MainEvidence",
                                   classification_id=_urn(response_seed, 3))
        human = dataclasses.replace(human, role="HumanReadableVersion",
                                    classification_id=_urn(response_seed, 4))
        resp = dataclasses.replace(base, packages=(EvidencePackage(
            _urn(response_seed, 5), (main, human),
            (Association(_urn(response_seed, 6), "HumanReadableVersion", human.id, main.id),)),))
    return Answer(RESPONSE_ACTION, (
        Payload("edm-response@de.oots", build_response(resp), EBRS_MIME),
        Payload(xml_cid, extract, "application/xml"),
        Payload(pdf_cid, pdf, "application/pdf"),
    ))
