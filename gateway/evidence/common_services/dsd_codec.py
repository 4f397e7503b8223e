"""Build and parse the ``sdg:DataServiceEvidenceType`` content of DSD responses.

TDD 3.1.4 §4.3 (data services by evidence type and jurisdiction) and §4.4.3 (DSD:ERR:0005
with the additional input the user must give); v2.0 differences per the TDD 2.0.1
README, item 8.
"""

from __future__ import annotations

from lxml import etree

from gateway.evidence.common_services._codec import (
    CS_CONTEXT,
    build_jurisdiction,
    need,
    only_in,
    parse_jurisdiction,
    texts,
)
from gateway.evidence.common_services.errors import BuildError, ResponseRejected
from gateway.evidence.common_services.model import (
    AccessService,
    CsVersion,
    DataServiceEvidenceType,
    Distribution,
    InformationConcept,
    JurisdictionDetermination,
    Publisher,
    SupportedValue,
    ValueKind,
)
from gateway.evidence.edm._sdg import (
    SdgElement,
    build_address,
    build_identifier,
    build_texts,
    parse_address,
    parse_identifier,
    sdg,
    sub_text,
)

__all__ = [
    "build_data_service_evidence_type",
    "build_information_concept",
    "build_jurisdiction_determination",
    "parse_data_service_evidence_type",
    "parse_information_concept",
    "parse_jurisdiction_determination",
]


def build_information_concept(
    parent: etree._Element | None, local: str, c: InformationConcept, field: str
) -> etree._Element:
    """An ``sdg:InformationConceptType`` element (appended when ``parent`` is given)."""
    need(c.identifier.value, f"{field}.identifier")
    el = etree.Element(sdg(local)) if parent is None else etree.SubElement(parent, sdg(local))
    build_identifier(el, "Identifier", c.identifier)
    sub_text(el, "Type", c.type)
    sub_text(el, "ValueExpression", c.value_expression)
    build_texts(el, "Description", c.descriptions)
    if c.supported_value is not None:
        need(c.supported_value.values, f"{field}.supported_value.values")
        sv = etree.SubElement(el, sdg("SupportedValue"))
        for value in c.supported_value.values:
            sub_text(sv, c.supported_value.kind.value, value)
    return el


_CONCEPT = ("Identifier", "Type", "ValueExpression", "Description", "SupportedValue")


def parse_information_concept(element: etree._Element) -> InformationConcept:
    """Read an ``sdg:InformationConceptType`` element."""
    r = SdgElement(element, _CONCEPT, CS_CONTEXT)
    supported = None
    sv_el = r.opt("SupportedValue")
    if sv_el is not None:
        kinds = [k.value for k in ValueKind]
        sv = SdgElement(sv_el, kinds, CS_CONTEXT)
        present = [k for k in ValueKind if sv.all(k.value)]
        if len(present) != 1:  # SupportedValueType is an xs:choice
            raise ResponseRejected(
                "sdg:SupportedValue must hold values of exactly one kind",
                field=f"{r.path}/SupportedValue",
            )
        supported = SupportedValue(kind=present[0], values=sv.texts(present[0].value))
    return InformationConcept(
        identifier=parse_identifier(r.one("Identifier")),
        type=r.opt_text("Type"),
        value_expression=r.opt_text("ValueExpression"),
        descriptions=texts(r, "Description"),
        supported_value=supported,
    )


def build_jurisdiction_determination(
    parent: etree._Element | None, jd: JurisdictionDetermination, version: CsVersion, field: str
) -> etree._Element:
    """``sdg:EvidenceProviderJurisdictionDetermination`` (v1.0 only)."""
    only_in(version, CsVersion.V1_0, True, field)
    need(jd.context_id, f"{field}.context_id")
    need(jd.contexts, f"{field}.contexts")
    need(jd.level, f"{field}.level")
    local = "EvidenceProviderJurisdictionDetermination"
    el = etree.Element(sdg(local)) if parent is None else etree.SubElement(parent, sdg(local))
    sub_text(el, "JurisdictionContextId", jd.context_id)
    build_texts(el, "JurisdictionContext", jd.contexts)
    sub_text(el, "JurisdictionLevel", jd.level)
    return el


def parse_jurisdiction_determination(element: etree._Element) -> JurisdictionDetermination:
    """Read an ``sdg:EvidenceProviderJurisdictionDetermination``."""
    r = SdgElement(
        element, ("JurisdictionContextId", "JurisdictionContext", "JurisdictionLevel"), CS_CONTEXT
    )
    return JurisdictionDetermination(
        context_id=r.text("JurisdictionContextId"),
        contexts=texts(r, "JurisdictionContext"),
        level=r.text("JurisdictionLevel"),
    )


# ---------------------------------------------------------------------------
# DataServiceEvidenceType (DSD)
# ---------------------------------------------------------------------------


def _build_access_service(
    parent: etree._Element, a: AccessService, version: CsVersion, field: str
) -> None:
    need(a.identifier.value, f"{field}.identifier")
    need(a.conforms_to, f"{field}.conforms_to")
    if version is CsVersion.V1_0 and len(a.conforms_to) > 1:  # v1.0 XSD: one sdg:ConformsTo
        raise BuildError(
            "v1.0 allows one ConformsTo per access service", field=f"{field}.conforms_to"
        )
    only_in(version, CsVersion.V2_0, bool(a.names), f"{field}.names")
    el = etree.SubElement(parent, sdg("AccessService"))
    build_identifier(el, "Identifier", a.identifier)
    build_texts(el, "Name", a.names)
    for value in a.conforms_to:
        sub_text(el, "ConformsTo", value)
    p: Publisher = a.publisher
    pf = f"{field}.publisher"
    need(p.identifier.value, f"{pf}.identifier")
    need(p.names, f"{pf}.names")
    only_in(version, CsVersion.V2_0, bool(p.descriptions), f"{pf}.descriptions")
    p_el = etree.SubElement(el, sdg("Publisher"))
    build_identifier(p_el, "Identifier", p.identifier)
    build_texts(p_el, "Name", p.names)
    build_texts(p_el, "Description", p.descriptions)
    build_address(p_el, "Address", p.address)
    build_jurisdiction(p_el, p.jurisdiction, version, f"{pf}.jurisdiction")
    for i, concept in enumerate(p.classification_concepts):
        build_information_concept(
            p_el, "ClassificationConcept", concept, f"{pf}.classification_concepts[{i}]"
        )


_PUBLISHER = (
    "Identifier",
    "Name",
    "Description",
    "Address",
    "Jurisdiction",
    "ClassificationConcept",
)


def _parse_access_service(element: etree._Element) -> AccessService:
    r = SdgElement(element, ("Identifier", "Name", "ConformsTo", "Publisher"), CS_CONTEXT)
    p = SdgElement(r.one("Publisher"), _PUBLISHER, CS_CONTEXT)
    publisher = Publisher(
        identifier=parse_identifier(p.one("Identifier")),
        names=texts(p, "Name"),
        descriptions=texts(p, "Description"),
        address=parse_address(p.one("Address"), CS_CONTEXT),
        jurisdiction=parse_jurisdiction(p.one("Jurisdiction")),
        classification_concepts=tuple(
            parse_information_concept(e) for e in p.all("ClassificationConcept")
        ),
    )
    conforms = r.texts("ConformsTo")
    if not conforms:
        raise ResponseRejected(
            "sdg:AccessService needs sdg:ConformsTo", field=r.field("ConformsTo")
        )
    return AccessService(
        identifier=parse_identifier(r.one("Identifier")),
        names=texts(r, "Name"),
        conforms_to=conforms,
        publisher=publisher,
    )


def _build_distribution(
    parent: etree._Element, d: Distribution, version: CsVersion, field: str
) -> None:
    need(d.format, f"{field}.format")
    only_in(version, CsVersion.V1_0, d.transformation is not None, f"{field}.transformation")
    only_in(version, CsVersion.V2_0, bool(d.languages), f"{field}.languages")
    el = etree.SubElement(parent, sdg("DistributedAs"))
    sub_text(el, "Format", d.format)
    # Assumption: v2.0 Language follows Format as in the v1.0 DistributionType sequence.
    for lang in d.languages:
        sub_text(el, "Language", lang)
    sub_text(el, "ConformsTo", d.conforms_to)
    sub_text(el, "Transformation", d.transformation)


def build_data_service_evidence_type(
    dset: DataServiceEvidenceType, version: CsVersion, field: str
) -> etree._Element:
    """``sdg:DataServiceEvidenceType`` for a DSD response of ``version``."""
    need(dset.identifier, f"{field}.identifier")
    need(dset.classification, f"{field}.classification")
    need(dset.titles, f"{field}.titles")
    need(dset.distributions, f"{field}.distributions")
    el = etree.Element(sdg("DataServiceEvidenceType"))
    sub_text(el, "Identifier", dset.identifier)
    sub_text(el, "EvidenceTypeClassification", dset.classification)
    build_texts(el, "Title", dset.titles)
    build_texts(el, "Description", dset.descriptions)
    for i, d in enumerate(dset.distributions):
        _build_distribution(el, d, version, f"{field}.distributions[{i}]")
    for i, a in enumerate(dset.access_services):
        _build_access_service(el, a, version, f"{field}.access_services[{i}]")
    sub_text(el, "AuthenticationLevelOfAssurance", dset.level_of_assurance)
    if dset.jurisdiction_determination is not None:
        build_jurisdiction_determination(
            el, dset.jurisdiction_determination, version, f"{field}.jurisdiction_determination"
        )
    for i, c in enumerate(dset.provider_classifications):
        build_information_concept(
            el, "EvidenceProviderClassification", c, f"{field}.provider_classifications[{i}]"
        )
    return el


_DSET = (
    "Identifier",
    "EvidenceTypeClassification",
    "Title",
    "Description",
    "DistributedAs",
    "AccessService",
    "AuthenticationLevelOfAssurance",
    "EvidenceProviderJurisdictionDetermination",
    "EvidenceProviderClassification",
)


def parse_data_service_evidence_type(element: etree._Element) -> DataServiceEvidenceType:
    """Read an ``sdg:DataServiceEvidenceType``."""
    if element.tag != sdg("DataServiceEvidenceType"):
        raise ResponseRejected(
            f"expected sdg:DataServiceEvidenceType, found {element.tag}",
            field="DataServiceEvidenceType",
        )
    r = SdgElement(element, _DSET, CS_CONTEXT)
    distributions = []
    for d_el in r.all("DistributedAs"):
        d = SdgElement(d_el, ("Format", "Language", "ConformsTo", "Transformation"), CS_CONTEXT)
        distributions.append(
            Distribution(
                format=d.text("Format"),
                languages=d.texts("Language"),
                conforms_to=d.opt_text("ConformsTo"),
                transformation=d.opt_text("Transformation"),
            )
        )
    jd = r.opt("EvidenceProviderJurisdictionDetermination")
    return DataServiceEvidenceType(
        identifier=r.text("Identifier"),
        classification=r.text("EvidenceTypeClassification"),
        titles=texts(r, "Title"),
        descriptions=texts(r, "Description"),
        distributions=tuple(distributions),
        access_services=tuple(_parse_access_service(a) for a in r.all("AccessService")),
        level_of_assurance=r.opt_text("AuthenticationLevelOfAssurance"),
        jurisdiction_determination=None if jd is None else parse_jurisdiction_determination(jd),
        provider_classifications=tuple(
            parse_information_concept(c) for c in r.all("EvidenceProviderClassification")
        ),
    )
