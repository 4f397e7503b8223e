"""Hypothesis strategies for valid EB/DSD models of one version (texts are XML-safe, trimmed)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st

from gateway.evidence.common_services.error_responses import CsException, ErrorResponse
from gateway.evidence.common_services.errors import DsdErrorCode, EbErrorCode
from gateway.evidence.common_services.model import (
    AccessService,
    Address,
    Code,
    CsVersion,
    DataServiceEvidenceType,
    Distribution,
    EvidenceType,
    EvidenceTypeList,
    Identifier,
    InformationConcept,
    Jurisdiction,
    JurisdictionDetermination,
    Publisher,
    ReferenceFramework,
    Requirement,
    SupportedValue,
    Text,
    ValueKind,
)
from gateway.evidence.common_services.responses import (
    DataServicesResponse,
    EvidenceTypesResponse,
    RequirementsResponse,
    Response,
)

_ALPHABET = st.characters(
    codec="utf-8", categories=["L", "M", "N", "P", "S", "Zs"], exclude_characters="\x85\xa0"
)
words = st.text(_ALPHABET, min_size=1, max_size=24).map(str.strip).filter(bool)
tokens = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)
langs = st.sampled_from(["EN", "DE", "FR", "FI", "NL"])
countries = st.sampled_from(["DE", "FR", "FI", "AT", "NL", "EL"])
uris = tokens.map(lambda t: f"https://sr.oots.tech.europa.eu/distributions/{t}")
uuids = st.uuids().map(str)
requirement_ids = uuids.map(lambda u: f"https://sr.oots.tech.europa.eu/requirements/{u}")
classifications = st.builds(
    lambda c, u: f"https://sr.oots.tech.europa.eu/evidencetypeclassifications/{c}/{u}",
    countries,
    uuids,
)


def texts(min_size: int = 0) -> st.SearchStrategy[tuple[Text, ...]]:
    """Multilingual texts."""
    return st.lists(st.builds(Text, words, langs), min_size=min_size, max_size=3).map(tuple)


def jurisdictions(version: CsVersion) -> st.SearchStrategy[Jurisdiction]:
    """Jurisdictions; additional classifications only in v2.0."""
    extra = (
        st.lists(st.builds(Code, tokens, st.none() | uris), max_size=2).map(tuple)
        if version is CsVersion.V2_0
        else st.just(())
    )
    return st.builds(
        Jurisdiction,
        countries,
        st.none() | st.sampled_from(["DE3", "DEF", "FI1"]),
        st.none() | st.sampled_from(["11000000", "02000000"]),
        extra,
    )


def requirements(version: CsVersion, with_lists: bool) -> st.SearchStrategy[Requirement]:
    """Requirements with reference frameworks (and evidence type lists when asked)."""
    v2 = version is CsVersion.V2_0
    procedures = ["R1", "T2", "X6"] + (["00", "AM1"] if v2 else [])
    related = st.builds(ReferenceFramework, st.sampled_from(procedures))
    frameworks = st.builds(
        ReferenceFramework,
        uuids,
        texts(),
        texts(),
        st.lists(related, min_size=1, max_size=2).map(tuple),
        jurisdictions(version),
    )
    evidence_type = st.builds(
        EvidenceType,
        classifications,
        texts(1),
        texts(),
        st.just(()) if v2 else st.lists(jurisdictions(version), max_size=2).map(tuple),
    )
    etl = st.builds(
        EvidenceTypeList,
        uuids,
        texts(),
        st.lists(evidence_type, min_size=1, max_size=3).map(tuple),
        st.lists(jurisdictions(version), max_size=2).map(tuple) if v2 else st.just(()),
    )
    return st.builds(
        Requirement,
        requirement_ids,
        texts(1),
        texts() if v2 else st.just(()),
        st.lists(frameworks, min_size=1, max_size=3).map(tuple),
        st.lists(etl, min_size=1, max_size=2).map(tuple) if with_lists else st.just(()),
    )


def concepts(with_values: bool) -> st.SearchStrategy[InformationConcept]:
    """Information concepts (publisher classification concepts carry supported values)."""
    supported = st.builds(
        SupportedValue,
        st.just(ValueKind.STRING),
        st.lists(tokens, min_size=1, max_size=3).map(tuple),
    )
    return st.builds(
        InformationConcept,
        st.builds(Identifier, uuids),
        st.just("Codelist") if with_values else st.none() | st.just("Codelist"),
        st.none() | uris,
        texts(),
        supported if with_values else st.none(),
    )


def _distribution(v2: bool) -> st.SearchStrategy[Distribution]:
    @st.composite
    def build(draw: st.DrawFn) -> Distribution:
        fmt = draw(st.sampled_from(["application/pdf", "application/xml"]))
        conforms = draw(uris) if fmt == "application/xml" else draw(st.none() | uris)
        transformation = None if v2 or conforms is None else draw(st.none() | uris)
        languages = tuple(draw(st.lists(langs, max_size=2))) if v2 else ()
        return Distribution(fmt, conforms, transformation, languages)

    return build()


def data_services(
    version: CsVersion, *, bare: bool = False
) -> st.SearchStrategy[DataServiceEvidenceType]:
    """Data service evidence types (``bare``: the DSD:ERR:0005 form, no access services)."""
    v2 = version is CsVersion.V2_0
    publisher = st.builds(
        Publisher,
        st.builds(Identifier, tokens, st.just("urn:cef.eu:names:identifier:EAS:9930")),
        texts(1),
        st.builds(Address, countries, st.none() | words),
        jurisdictions(version),
        texts() if v2 else st.just(()),
        st.lists(concepts(True), min_size=1, max_size=2).map(tuple),
    )
    access = st.builds(
        AccessService,
        st.builds(Identifier, tokens, st.just("urn:cef.eu:names:identifier:EAS:0060")),
        st.lists(
            st.sampled_from(["oots-edm:v1.0", "oots-edm:v2.0"] if v2 else ["oots-edm:v1.0"]),
            min_size=1,
            max_size=2 if v2 else 1,
            unique=True,
        ).map(tuple),
        publisher,
        texts() if v2 else st.just(()),
    )
    determination = st.builds(
        JurisdictionDetermination, uuids, texts(1), st.sampled_from(["LAU", "NUTS1", "Country"])
    )
    typed_concepts = concepts(False).map(lambda c: c if c.type else replace(c, type="Codelist"))
    return st.builds(
        DataServiceEvidenceType,
        uuids,
        classifications,
        texts(1),
        st.lists(_distribution(v2), min_size=1, max_size=3).map(tuple),
        texts(),
        st.just(()) if bare else st.lists(access, min_size=1, max_size=2).map(tuple),
        st.none() | st.sampled_from(["Low", "Substantial", "High"]),
        st.none() if v2 or bare else st.none() | determination,
        st.just(()) if bare else st.lists(typed_concepts, max_size=1).map(tuple),
    )


def _objects(
    items: st.SearchStrategy[object], max_size: int = 3
) -> st.SearchStrategy[tuple[tuple[str, object], ...]]:
    return st.lists(
        st.tuples(uuids.map(lambda u: f"urn:uuid:{u}"), items), min_size=1, max_size=max_size
    ).map(tuple)


def errors(version: CsVersion) -> st.SearchStrategy[ErrorResponse]:
    """Error responses for every code the version has."""
    codes = [c for c in [*EbErrorCode, *DsdErrorCode] if c is not DsdErrorCode.ADDITIONAL_INPUT]
    if version is CsVersion.V2_0:
        codes.remove(EbErrorCode.INVALID_JURISDICTION_LEVEL)
    plain = st.builds(CsException.for_code, st.sampled_from(codes), st.none() | words)
    extra = st.builds(
        lambda detail, dset, cs: replace(
            CsException.for_code(DsdErrorCode.ADDITIONAL_INPUT, detail, version=version),
            data_service_evidence_type=dset,
            user_requested_concepts=cs,
        ),
        st.none() | words,
        data_services(version, bare=True),
        st.lists(concepts(False), min_size=1, max_size=2).map(tuple),
    )
    return st.builds(ErrorResponse, st.just(version), plain | extra)


def responses(version: CsVersion) -> st.SearchStrategy[Response]:
    """Any valid EB/DSD answer of ``version``."""
    dsd_max = 3 if version is CsVersion.V2_0 else 1  # R-DSD-RESP-S0015 (v1.0)
    return st.one_of(
        st.builds(RequirementsResponse, st.just(version), _objects(requirements(version, False))),
        st.builds(EvidenceTypesResponse, st.just(version), _objects(requirements(version, True))),
        st.builds(
            DataServicesResponse, st.just(version), _objects(data_services(version), dsd_max)
        ),
        errors(version),
    )
