"""Model checks run by builders (origin local) and parsers (origin remote).

They enforce what the models rely on and what the rule files make mandatory
(structure and the version split); code-list membership (languages, countries, EAS
schemes, procedures, media types) is left to the validation engine, so that official
samples that break a code list (EDM 1.0 KNOWN-DEFECTS 3 and 4) still parse.
Each failure names the model field.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from gateway.errors import EvidenceError, Origin
from gateway.evidence.edm._evidence_type import DataServiceEvidenceType, Evidence
from gateway.evidence.edm._persons import LegalPerson, Person, Subject
from gateway.evidence.edm._sdg import Agent, Identifier, SdgContext, Text
from gateway.evidence.edm.versions import EdmVersion
from gateway.evidence.identifiers import EidasIdentifier

if TYPE_CHECKING:
    from gateway.evidence.edm.error import EvidenceErrorResponse
    from gateway.evidence.edm.request import EvidenceRequest
    from gateway.evidence.edm.response import EvidenceResponse

__all__ = [
    "ASSOCIATED_DOCUMENTS",
    "LEVELS_OF_ASSURANCE",
    "check_error_response",
    "check_request",
    "check_response",
    "severity_token",
]

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_URN_UUID = re.compile(rf"^urn:uuid:{_UUID}$", re.I)
_UUID_END = re.compile(rf"{_UUID}$", re.I)

_EIDAS_V1 = re.compile(r"[a-z]{2}/[a-z]{2}/[a-z0-9]{9}", re.I)

LEVELS_OF_ASSURANCE = ("Low", "Substantial", "High")
"""eIDAS ``LevelsOfAssurance`` code list (R-EDM-REQ-C037)."""
ASSOCIATED_DOCUMENTS = ("Annex", "HumanReadableVersion", "Translation")
"""The values R-EDM-REQ-C119 allows for ``sdg:AssociatedDocumentRequest`` (v2.0)."""


def _need(ctx: SdgContext, ok: bool, message: str, field: str) -> None:
    if not ok:
        raise ctx.error(message, field=field)


def check_urn_uuid(ctx: SdgContext, value: str | None, field: str) -> None:
    """``urn:uuid:`` + RFC 4122 UUID (R-EDM-REQ-S004, R-EDM-RESP-S004/S037)."""
    _need(ctx, value is not None and bool(_URN_UUID.match(value.strip())),
          f"{field} must be urn:uuid:<UUID>, got {value!r}", field)


def check_https(ctx: SdgContext, value: str | None, field: str) -> None:
    """An ``https://`` URL (R-EDM-REQ-C005, R-EDM-ERR-C019)."""
    if value is not None:
        _need(ctx, value.startswith("https://"), f"{field} must start with https://", field)


def _texts(ctx: SdgContext, texts: tuple[Text, ...], field: str, *, lang: bool, least: int) -> None:
    _need(ctx, len(texts) >= least, f"{field} needs at least {least} entry", field)
    for t in texts:
        _need(ctx, bool(t.value.strip()), f"{field} must not be empty", field)
        if lang:
            _need(ctx, bool(t.lang and t.lang.strip()), f"{field} needs a lang attribute", field)


def check_agent(ctx: SdgContext, agent: Agent, field: str, *, classified: bool) -> None:
    """Identifier with ``schemeID`` (R-EDM-REQ-C010/C017, RESP-C038, ERR-C003/C009),
    at least one name, and a classification where the rules require one."""
    _need(ctx, bool(agent.identifier.value.strip()), f"{field}.identifier is empty", field)
    _need(ctx, bool(agent.identifier.scheme_id), f"{field}.identifier needs a schemeID",
          f"{field}.identifier.scheme_id")
    _texts(ctx, agent.names, f"{field}.names", lang=False, least=1)
    if classified:
        _need(ctx, bool(agent.classification and agent.classification.strip()),
              f"{field}.classification is required (R-EDM-REQ-C013)", f"{field}.classification")


def _eidas(ctx: SdgContext, ident: Identifier | None, field: str, version: EdmVersion) -> None:
    if ident is None:
        return
    # R-EDM-REQ-C042/C053: schemeID "eidas"; v2.0 also "eidas2" (TDD 2.0.1 4.5.1 §3.6).
    schemes = ("eidas",) if version is EdmVersion.V1_0 else ("eidas", "eidas2")
    _need(ctx, ident.scheme_id in schemes, f"{field} needs schemeID {' or '.join(schemes)}",
          f"{field}.scheme_id")
    try:
        EidasIdentifier.parse(ident.value, field=field)
    except EvidenceError as exc:
        raise ctx.error(exc.message, field=field) from exc
    if ctx.origin is Origin.LOCAL and version is EdmVersion.V1_0:
        # What we send must also pass the official v1.0 pattern (R-EDM-REQ-C039/C050/C061,
        # R-EDM-RESP-C028): nine letters/digits after the second slash. Incoming
        # identifiers are not held to it (TDD 2.0 KNOWN-DEFECTS 5: the minimum is the
        # Schematron's own, the prose says only "up to 256").
        _need(ctx, bool(_EIDAS_V1.search(ident.value)),
              f"{field} must match the v1.0 pattern XX/YY/ + 9 letters or digits "
              "(R-EDM-REQ-C039)", field)


def check_person(ctx: SdgContext, p: Person, field: str, version: EdmVersion, *,
                 request: bool) -> None:
    """Names non-empty; in requests a level of assurance (R-EDM-REQ-C036/C058)."""
    _need(ctx, bool(p.family_name.strip()), f"{field}.family_name is empty", f"{field}.family_name")
    _need(ctx, bool(p.given_name.strip()), f"{field}.given_name is empty", f"{field}.given_name")
    if request:
        _need(ctx, p.level_of_assurance in LEVELS_OF_ASSURANCE,
              f"{field}.level_of_assurance must be one of {', '.join(LEVELS_OF_ASSURANCE)}",
              f"{field}.level_of_assurance")
    _eidas(ctx, p.identifier, f"{field}.identifier", version)


def check_legal_person(ctx: SdgContext, p: LegalPerson, field: str, version: EdmVersion, *,
                       request: bool) -> None:
    """Legal name; in requests a level of assurance (R-EDM-REQ-C047) and the eIDAS
    legal person identifier (R-EDM-REQ-C049)."""
    _need(ctx, bool(p.legal_name.strip()), f"{field}.legal_name is empty", f"{field}.legal_name")
    if request:
        _need(ctx, p.level_of_assurance in LEVELS_OF_ASSURANCE,
              f"{field}.level_of_assurance must be one of {', '.join(LEVELS_OF_ASSURANCE)}",
              f"{field}.level_of_assurance")
        _need(ctx, p.legal_person_identifier is not None,
              f"{field}.legal_person_identifier is required (R-EDM-REQ-C049)",
              f"{field}.legal_person_identifier")
    for i, ident in enumerate(p.identifiers):
        _need(ctx, bool(ident.scheme_id), f"{field}.identifiers[{i}] needs a schemeID (C054)",
              f"{field}.identifiers")
    _eidas(ctx, p.legal_person_identifier, f"{field}.legal_person_identifier", version)


def _subject(ctx: SdgContext, s: Subject, field: str, v: EdmVersion, *, request: bool) -> None:
    if isinstance(s, Person):
        check_person(ctx, s, field, v, request=request)
    else:
        check_legal_person(ctx, s, field, v, request=request)


def check_evidence_type(ctx: SdgContext, d: DataServiceEvidenceType, v: EdmVersion) -> None:
    """R-EDM-REQ-C026, C029, C031, C032, C119 and the v1.0/v2.0 distribution split."""
    f = "evidence_request"
    _need(ctx, bool(_UUID_END.search(d.identifier)),
          f"{f}.identifier must be a UUID (R-EDM-REQ-C026)", f"{f}.identifier")
    _need(ctx, bool(d.evidence_type_classification.strip()),
          f"{f}.evidence_type_classification is empty", f"{f}.evidence_type_classification")
    _texts(ctx, d.titles, f"{f}.titles", lang=True, least=1)
    _texts(ctx, d.descriptions, f"{f}.descriptions", lang=True, least=0)
    _need(ctx, len(d.distributed_as) >= 1, f"{f}.distributed_as is required", f"{f}.distributed_as")
    if v is EdmVersion.V1_0:
        _need(ctx, len(d.distributed_as) == 1,
              f"{f}.distributed_as occurs once in v1.0 (R-EDM-REQ-C032)", f"{f}.distributed_as")
    for dist in d.distributed_as:
        _need(ctx, bool(dist.format.strip()), f"{f}.distributed_as.format is empty",
              f"{f}.distributed_as.format")
        if v is EdmVersion.V1_0:
            _need(ctx, not dist.languages and not dist.associated_document_requests,
                  "sdg:Language and sdg:AssociatedDocumentRequest are v2.0 elements",
                  f"{f}.distributed_as.languages")
        else:
            _need(ctx, dist.transformation is None, "sdg:Transformation was removed in v2.0",
                  f"{f}.distributed_as.transformation")
            for doc in dist.associated_document_requests:
                _need(ctx, doc in ASSOCIATED_DOCUMENTS,
                      f"AssociatedDocumentRequest {doc!r} is not one of "
                      f"{', '.join(ASSOCIATED_DOCUMENTS)} (R-EDM-REQ-C119)",
                      f"{f}.distributed_as.associated_document_requests")


def check_request(req: EvidenceRequest, ctx: SdgContext) -> None:
    """Every check on an evidence request."""
    v = req.version
    check_urn_uuid(ctx, req.request_id, "request_id")
    _need(ctx, req.issue_datetime.tzinfo is not None, "issue_datetime must be timezone-aware",
          "issue_datetime")
    if v is EdmVersion.V2_0:
        _need(ctx, req.lang is None, "xml:lang on query:QueryRequest is forbidden in v2.0", "lang")
        # TDD 4.5.1 / 4.9: PreviewLocation and ReturnLocation require each other.
        _need(ctx, (req.preview_location is None) == (req.return_location is None),
              "PreviewLocation and ReturnLocation must be given together (v2.0)",
              "return_location" if req.return_location is None else "preview_location")
        _need(ctx, req.procedure is None or req.procedure.lang is None,
              "v2.0 Procedure is a plain string without language", "procedure.lang")
    else:
        _need(ctx, req.return_location is None, "ReturnLocation is a v2.0 slot", "return_location")
    check_https(ctx, req.preview_location, "preview_location")
    check_https(ctx, req.return_location, "return_location")
    if req.procedure is not None:
        _need(ctx, bool(req.procedure.code.strip()), "procedure.code is empty", "procedure.code")
    _need(ctx, len(req.requesters) >= 1, "requesters needs at least one agent", "requesters")
    for i, agent in enumerate(req.requesters):
        check_agent(ctx, agent, f"requesters[{i}]", classified=True)
    check_agent(ctx, req.provider, "provider", classified=False)
    for i, r in enumerate(req.requirements):
        _need(ctx, bool(r.identifier.strip()), "requirement identifier is empty",
              f"requirements[{i}].identifier")
        _texts(ctx, r.names, f"requirements[{i}].names", lang=False, least=1)
        if v is EdmVersion.V1_0:
            _need(ctx, not r.descriptions, "requirement descriptions are v2.0 only (S038)",
                  f"requirements[{i}].descriptions")
    for i, c in enumerate(req.provider_classifications):
        fc = f"provider_classifications[{i}]"
        _need(ctx, bool(c.type and c.type.strip()), f"{fc}.type is required (C020)", f"{fc}.type")
        _need(ctx, c.supported_value is not None and bool(c.supported_value.values),
              f"{fc}.supported_value is required (C023)", f"{fc}.supported_value")
        _texts(ctx, c.descriptions, f"{fc}.descriptions", lang=True, least=0)
    _subject(ctx, req.subject, "subject", v, request=True)
    if req.authorized_representative is not None:
        ar = req.authorized_representative
        check_person(ctx, ar, "authorized_representative", v, request=True)
        _need(ctx, ar.identifier is not None, "authorized_representative.identifier is required "
              "(R-EDM-REQ-C060)", "authorized_representative.identifier")
    check_evidence_type(ctx, req.evidence_request, v)


def check_evidence(ctx: SdgContext, e: Evidence, field: str, v: EdmVersion, *,
                   main: bool) -> None:
    """v1.0: every EvidenceType element but ValidityPeriod (XSD). v2.0 main evidence:
    Identifier, IssuingDate, IsAbout, IssuingAuthority, IsConformantTo, Distribution
    (R-EDM-RESP-S062, by its assertion); supplementary documents none of IsAbout,
    IssuingAuthority, IsConformantTo, ValidityPeriod, IssuingDate, ConformsTo (S063)."""
    _need(ctx, bool(_UUID_END.search(e.identifier)),
          f"{field}.identifier must be a UUID (R-EDM-RESP-C015)", f"{field}.identifier")
    full = v is EdmVersion.V1_0 or main
    if full:
        for name in ("is_about", "issuing_authority", "is_conformant_to", "issuing_date"):
            _need(ctx, getattr(e, name) is not None, f"{field}.{name} is required "
                  "(R-EDM-RESP-S062)" if v is EdmVersion.V2_0 else f"{field}.{name} is required",
                  f"{field}.{name}")
        _need(ctx, len(e.distributions) >= 1, f"{field}.distributions is required",
              f"{field}.distributions")
    else:
        for name in ("is_about", "issuing_authority", "is_conformant_to", "issuing_date",
                     "validity_period"):
            _need(ctx, getattr(e, name) is None,
                  f"{field}.{name} is not allowed on a supplementary document (R-EDM-RESP-S063)",
                  f"{field}.{name}")
        _need(ctx, all(d.conforms_to is None for d in e.distributions),
              f"{field}: no ConformsTo on a supplementary document (R-EDM-RESP-S063)",
              f"{field}.distributions")
    if v is EdmVersion.V1_0:
        _need(ctx, len(e.distributions) == 1, f"{field}.distributions occurs once in v1.0",
              f"{field}.distributions")
    if e.is_about is not None:
        _subject(ctx, e.is_about, f"{field}.is_about", v, request=False)
    if e.issuing_authority is not None:
        check_agent(ctx, e.issuing_authority, f"{field}.issuing_authority", classified=False)
    if e.is_conformant_to is not None:
        _texts(ctx, e.is_conformant_to.titles, f"{field}.is_conformant_to.titles", lang=True,
               least=1)
        _texts(ctx, e.is_conformant_to.descriptions, f"{field}.is_conformant_to.descriptions",
               lang=True, least=0)
    for d in e.distributions:
        _need(ctx, bool(d.format.strip()), f"{field}.distributions.format is empty",
              f"{field}.distributions")


def check_response(resp: EvidenceResponse, ctx: SdgContext) -> None:
    """Every check on an evidence response (the v2.0 packaging rules are in
    :mod:`gateway.evidence.edm.response`, which enforces them by construction)."""
    check_urn_uuid(ctx, resp.request_id, "request_id")
    _need(ctx, bool(_UUID_END.search(resp.response_id)),
          "response_id must be a UUID (R-EDM-RESP-C003)", "response_id")
    _need(ctx, resp.issue_datetime.tzinfo is not None, "issue_datetime must be aware",
          "issue_datetime")
    _need(ctx, len(resp.providers) >= 1, "providers needs at least one agent", "providers")
    for i, agent in enumerate(resp.providers):
        check_agent(ctx, agent, f"providers[{i}]", classified=True)
    check_agent(ctx, resp.requester, "requester", classified=False)


def severity_token(value: str) -> str:
    """A severity URN without surrounding whitespace and U+007F.

    The official v1.0 education error response ends its severity with a DEL character
    (the separator of the Schematron code lists, EDM 1.0 RESULTS.md recipe step 8), so
    its ``PreviewRequired`` is only recognised once that is stripped. Models keep the
    value as received.
    """
    return value.strip().strip("\x7f").strip()


def check_error_response(resp: EvidenceErrorResponse, ctx: SdgContext) -> None:
    """R-EDM-ERR-C002, C003, C007, C019, C022 and the v1.0/v2.0 preview split."""
    if resp.request_id is not None:
        check_urn_uuid(ctx, resp.request_id, "request_id")
    _need(ctx, bool(_UUID_END.search(resp.response_id)),
          "response_id must be a UUID (R-EDM-ERR-C002)", "response_id")
    check_agent(ctx, resp.error_provider, "error_provider", classified=True)
    if resp.requester is not None:
        check_agent(ctx, resp.requester, "requester", classified=False)
    exc = resp.exception
    _need(ctx, exc.timestamp.tzinfo is not None, "exception.timestamp must be aware",
          "exception.timestamp")
    check_https(ctx, exc.preview_location, "exception.preview_location")
    preview = resp.version.preview_required_severity
    if exc.preview_location is not None:
        # R-EDM-ERR-C022: a PreviewLocation implies the PreviewRequired severity.
        _need(ctx, severity_token(exc.severity) == preview,
              f"exception.severity must be {preview} with a PreviewLocation (R-EDM-ERR-C022)",
              "exception.severity")
    if resp.version is EdmVersion.V2_0:
        _need(ctx, exc.preview_method is None and not exc.preview_description,
              "PreviewMethod and PreviewDescription are v1.0 slots (dropped in v2.0)",
              "exception.preview_method")
    if exc.preview_method is not None:
        _need(ctx, exc.preview_method in ("GET", "POST"),
              "exception.preview_method must be GET or POST (R-EDM-ERR-C021)",
              "exception.preview_method")
