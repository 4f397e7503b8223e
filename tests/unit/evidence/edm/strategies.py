"""Hypothesis strategies for valid EDM models (values drawn from the v1.0 code lists, so
builder output must also pass the official Schematron)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import strategies as st

from gateway.errors import EdmErrorCode
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
from gateway.evidence.edm._persons import LegalPerson, Person, SectorSpecificAttribute
from gateway.evidence.edm._regrep import LocalizedString
from gateway.evidence.edm._sdg import Address, Agent, Identifier, Text
from gateway.evidence.edm.error import EdmException, EvidenceErrorResponse
from gateway.evidence.edm.request import EvidenceRequest, Procedure
from gateway.evidence.edm.response import EvidenceResponse
from gateway.evidence.edm.versions import EdmVersion

V1, V2 = EdmVersion.V1_0, EdmVersion.V2_0
LANGS = ("EN", "DE", "FR", "NL", "DA")
COUNTRIES = ("DE", "DK", "FR", "NL", "AT", "BE", "EL")
EAS = ("urn:cef.eu:names:identifier:EAS:9930", "urn:cef.eu:names:identifier:EAS:0096",
       "urn:cef.eu:names:identifier:EAS:0204")
PROCEDURES = ("R1", "S1", "T1", "T3", "U1", "X4")
FORMATS = ("application/pdf", "image/jpeg")

_chars = st.characters(whitelist_categories=("Lu", "Ll", "Nd"), max_codepoint=0x24F)
words = st.text(_chars, min_size=1, max_size=12)
phrase = st.lists(words, min_size=1, max_size=4).map(" ".join)
alnum = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=9, max_size=16)
uuids = st.uuids().map(str)
urn_uuids = uuids.map(lambda u: f"urn:uuid:{u}")
https = st.builds(lambda a, b: f"https://{a}.example.eu/{b}", alnum, alnum)
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
datetimes = st.builds(
    lambda d, tz: d.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)),
    st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))]),
)


def texts(*, lang: bool = True, least: int = 1) -> st.SearchStrategy[tuple[Text, ...]]:
    """Multilingual strings."""
    item = st.builds(Text, phrase, st.sampled_from(LANGS) if lang else st.none())
    return st.lists(item, min_size=least, max_size=2).map(tuple)


addresses = st.builds(
    Address,
    admin_unit_level_1=st.sampled_from(COUNTRIES),
    full_address=st.none() | phrase,
    post_code=st.none() | st.text("0123456789", min_size=4, max_size=5),
    post_city_name=st.none() | words,
)
eidas = st.builds(lambda a, b, c: Identifier(f"{a}/{b}/{c}", "eidas"),
                  st.sampled_from(COUNTRIES), st.sampled_from(COUNTRIES), alnum)


def agents(*, classification: str | None = None, address: bool = False) -> st.SearchStrategy[Agent]:
    """Agents with an EAS identifier."""
    return st.builds(
        Agent,
        identifier=st.builds(Identifier, alnum, st.sampled_from(EAS)),
        names=texts(lang=True, least=1),
        address=addresses if address else st.none(),
        classification=st.just(classification),
    )


def persons(*, request: bool) -> st.SearchStrategy[Person]:
    """Natural persons; in requests with level of assurance and the optional MDS."""
    return st.builds(
        Person,
        family_name=words,
        given_name=words,
        date_of_birth=dates,
        level_of_assurance=st.sampled_from(("Low", "Substantial", "High")) if request
        else st.none(),
        identifier=eidas,  # SHOULD in requests and responses (R-EDM-REQ-C038, RESP-C027)
        birth_name=st.none() | phrase if request else st.none(),
        place_of_birth=st.none() | words,
        current_address=st.none() | addresses if request else st.none(),
        gender=st.none() | st.sampled_from(("Male", "Female", "Unspecified")) if request
        else st.none(),
        sector_specific_attributes=st.lists(
            st.builds(SectorSpecificAttribute, words, https, alnum), max_size=2
        ).map(tuple) if request else st.just(()),
    )


legal_persons = st.builds(
    LegalPerson,
    legal_name=phrase,
    level_of_assurance=st.sampled_from(("Low", "Substantial", "High")),
    identifiers=st.lists(st.builds(Identifier, alnum, st.sampled_from(("VAT", "TAX", "EUID"))),
                         max_size=2).map(tuple),
    legal_person_identifier=eidas,
    registered_address=st.none() | addresses,
)


def sr(version: EdmVersion) -> str:
    """Semantic repository prefix."""
    return "https://sr.oots.tech.europa.eu" if version is V1 else "https://sr.oots.tech.ec.europa.eu"


def evidence_types(version: EdmVersion) -> st.SearchStrategy[DataServiceEvidenceType]:
    """The requested evidence type with one distribution."""
    if version is V1:
        dist = st.builds(DistributedAs, format=st.sampled_from(FORMATS),
                         conforms_to=st.none() | alnum.map(lambda a: f"{sr(V1)}/distributions/{a}"))
    else:
        dist = st.builds(
            DistributedAs, format=st.sampled_from(FORMATS),
            languages=st.lists(st.sampled_from(LANGS), max_size=2, unique=True).map(tuple),
            associated_document_requests=st.lists(
                st.sampled_from(("Annex", "HumanReadableVersion", "Translation")), max_size=3,
                unique=True).map(tuple))
    return st.builds(
        DataServiceEvidenceType,
        identifier=uuids,
        evidence_type_classification=st.builds(
            lambda c, u: f"{sr(version)}/evidencetypeclassifications/{c}/{u}",
            st.sampled_from(COUNTRIES), uuids),
        titles=texts(),
        distributed_as=st.tuples(dist),
        descriptions=texts(least=0),
    )


@st.composite
def requests(draw: st.DrawFn, version: EdmVersion) -> EvidenceRequest:
    """A valid evidence request of ``version``."""
    legal = draw(st.booleans())
    preview = draw(st.none() | https)
    return EvidenceRequest(
        version=version,
        request_id=draw(urn_uuids),
        issue_datetime=draw(datetimes),
        requesters=(draw(agents(classification="ER", address=True)),
                    *draw(st.lists(agents(classification="IP"), max_size=1))),
        provider=draw(agents()),
        subject=draw(legal_persons) if legal else draw(persons(request=True)),
        evidence_request=draw(evidence_types(version)),
        # Procedure and Requirements are SHOULD (R-EDM-REQ-S007, S011: warnings).
        procedure=draw(st.builds(
            Procedure, st.sampled_from(PROCEDURES),
            st.sampled_from(LANGS) if version is V1 else st.none())),
        possibility_for_preview=draw(st.booleans()),
        explicit_request_given=draw(st.booleans()),
        requirements=tuple(draw(st.lists(st.builds(
            Requirement, uuids.map(lambda u: f"{sr(version)}/requirements/{u}"),
            texts(), texts(least=0) if version is V2 else st.just(())), min_size=1, max_size=2))),
        provider_classifications=tuple(draw(st.lists(st.builds(
            InformationConcept, identifier=uuids.map(Identifier), type=st.just("Codelist"),
            value_expression=st.none() | https, descriptions=texts(least=0),
            supported_value=st.builds(SupportedValue, st.just("StringValue"),
                                      st.lists(words, min_size=1, max_size=2).map(tuple))),
            max_size=1))),
        authorized_representative=draw(st.none() | persons(request=True)) if legal else None,
        preview_location=preview,
        return_location=draw(https) if preview is not None and version is V2 else None,
        lang=draw(st.none() | st.sampled_from(LANGS)) if version is V1 else None,
    )


def _main_evidence(version: EdmVersion) -> st.SearchStrategy[Evidence]:
    return st.builds(
        Evidence,
        identifier=uuids,
        distributions=st.tuples(st.builds(Distribution, st.sampled_from(FORMATS),
                                          st.lists(st.sampled_from(LANGS), max_size=2,
                                                   unique=True).map(tuple))),
        is_about=persons(request=False) | st.builds(
            LegalPerson, legal_name=phrase, legal_person_identifier=eidas),
        issuing_authority=agents(),
        is_conformant_to=st.builds(EvidenceTypeRef, st.builds(
            lambda c, u: f"{sr(version)}/evidencetypeclassifications/{c}/{u}",
            st.sampled_from(COUNTRIES), uuids), texts(), texts(least=0)),
        issuing_date=dates,
        validity_period=st.none() | st.builds(Period, dates, dates),
    )


def _doc(version: EdmVersion, role: str | None) -> st.SearchStrategy[EvidenceDocument]:
    evidence = _main_evidence(version) if role in (None, "MainEvidence") else st.builds(
        Evidence, identifier=uuids,
        distributions=st.tuples(st.builds(Distribution, st.sampled_from(FORMATS))))
    return st.builds(
        EvidenceDocument, id=urn_uuids, evidence=evidence,
        item=st.builds(lambda a, b, t: RepositoryItemRef(f"cid:{a}@{b}", t), alnum, alnum, words),
        role=st.just(role), classification_id=urn_uuids if role else st.none())


@st.composite
def packages(draw: st.DrawFn) -> EvidencePackage:
    """A v2.0 package: one main evidence, optional supplementary documents, associations."""
    main = draw(_doc(V2, "MainEvidence"))
    roles = draw(st.lists(st.sampled_from(("Annex", "HumanReadableVersion", "Translation")),
                          max_size=3))
    supp = [draw(_doc(V2, r)) for r in roles]
    assocs = tuple(Association(draw(urn_uuids), d.role or "", d.id, main.id) for d in supp)
    return EvidencePackage(draw(urn_uuids), (main, *supp), assocs)


@st.composite
def responses(draw: st.DrawFn, version: EdmVersion) -> EvidenceResponse:
    """A valid evidence response of ``version``."""
    docs: tuple[EvidenceDocument, ...] = ()
    pkgs: tuple[EvidencePackage, ...] = ()
    if version is V1:
        docs = tuple(draw(st.lists(_doc(V1, None), min_size=1, max_size=2)))
    else:
        pkgs = tuple(draw(st.lists(packages(), min_size=1, max_size=2)))
    return EvidenceResponse(
        version=version, request_id=draw(urn_uuids), response_id=draw(uuids),
        issue_datetime=draw(datetimes),
        providers=tuple(draw(st.lists(agents(classification="EP", address=True), min_size=1,
                                      max_size=2))),
        requester=draw(agents()),
        response_available_datetime=draw(st.none() | datetimes),
        documents=docs,
        packages=pkgs,
    )


@st.composite
def error_responses(draw: st.DrawFn, version: EdmVersion) -> EvidenceErrorResponse:
    """A valid error response of ``version`` for any EDM error code."""
    code = draw(st.sampled_from(list(EdmErrorCode)))
    ts = draw(datetimes)
    detail = draw(st.none() | phrase)
    # v1.0 R-EDM-ERR-C015 forbids the plain Error severity on an AuthorizationException.
    preview = version is V1 or draw(st.booleans())
    if code is EdmErrorCode.MISSING_AUTHORIZATION and preview:
        exc = EdmException.preview_required(
            version, timestamp=ts, preview_location=draw(https), detail=detail,
            preview_description=tuple(draw(st.lists(st.builds(
                LocalizedString, st.sampled_from(LANGS), phrase), max_size=2)))
            if version is V1 else (),
            preview_method=draw(st.none() | st.sampled_from(("GET", "POST")))
            if version is V1 else None)
    else:
        exc = EdmException(code=code, timestamp=ts, detail=detail)
    request_id = draw(urn_uuids)
    if code is EdmErrorCode.INVALID_REQUEST and draw(st.booleans()):
        request_id = None  # type: ignore[assignment]
    return EvidenceErrorResponse(
        version=version, request_id=request_id, response_id=draw(uuids),
        error_provider=draw(agents(classification="ERRP", address=True)),
        exception=exc,
        # v1.0: EDM-ERR-S.sch requires one EvidenceRequester slot (assertion without id).
        requester=draw(agents() if version is V1 else st.none() | agents()),
    )
