"""What is requested and what is returned: requirement, evidence type, distribution, evidence.

SDG-GenericMetadataProfile-v1.0.0.xsd types, as the EDM uses them:

- ``sdg:Requirement`` (``RequirementType``) in the request's ``Requirements`` slot:
  Identifier and Name only in v1.0 (R-EDM-REQ-S038); v2.0 adds ``sdg:Description``
  (oots-france reference request, kit ``oots-tdd-2.0/samples``).
- ``sdg:EvidenceProviderClassification`` (``InformationConceptType``).
- ``sdg:DataServiceEvidenceType`` in the ``EvidenceRequest`` slot, with its requested
  ``sdg:DistributedAs`` (``EvidenceTypeDistributionType``: Format, ConformsTo?,
  Transformation? in v1.0; v2.0 adds ``sdg:Language``* and
  ``sdg:AssociatedDocumentRequest``* and drops Transformation -- TDD 2.0.1 README,
  "What changed", items 4, 5 and 8).
- ``sdg:Evidence`` (``EvidenceType``) in the response's ``EvidenceMetadata`` slot.

ASSUMED (no 2.0.1 XSD in the kit): in ``DistributedAs`` the v2.0 elements are written
Format, Language*, ConformsTo?, Transformation?, AssociatedDocumentRequest* -- the
order ``DistributionType`` uses for Language. Parsers accept any order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree

from gateway.evidence.edm._persons import (
    Person,
    Subject,
    build_legal_person,
    build_person,
    parse_legal_person,
    parse_person,
)
from gateway.evidence.edm._sdg import (
    Agent,
    Identifier,
    SdgContext,
    SdgElement,
    Text,
    build_agent,
    build_identifier,
    build_texts,
    parse_agent,
    parse_identifier,
    parse_text,
    sdg,
    sub_text,
)

__all__ = [
    "DataServiceEvidenceType",
    "DistributedAs",
    "Distribution",
    "Evidence",
    "EvidenceTypeRef",
    "InformationConcept",
    "Period",
    "Requirement",
    "SupportedValue",
    "build_data_service_evidence_type",
    "build_evidence",
    "build_information_concept",
    "build_requirement",
    "parse_data_service_evidence_type",
    "parse_evidence",
    "parse_information_concept",
    "parse_requirement",
]


@dataclass(frozen=True, slots=True)
class Requirement:
    """A requirement of the procedure (Evidence Broker identifier and names)."""

    identifier: str
    names: tuple[Text, ...]
    descriptions: tuple[Text, ...] = ()
    """v2.0 only."""


def build_requirement(requirement: Requirement) -> etree._Element:
    """Build ``sdg:Requirement``."""
    el = etree.Element(sdg("Requirement"))
    sub_text(el, "Identifier", requirement.identifier)
    build_texts(el, "Name", requirement.names)
    build_texts(el, "Description", requirement.descriptions)
    return el


def parse_requirement(element: etree._Element, ctx: SdgContext) -> Requirement:
    """Read ``sdg:Requirement``."""
    r = SdgElement(element, ("Identifier", "Name", "Description"), ctx)
    return Requirement(
        identifier=r.text("Identifier"),
        names=tuple(parse_text(n) for n in r.all("Name")),
        descriptions=tuple(parse_text(n) for n in r.all("Description")),
    )


_SUPPORTED_KINDS = ("StringValue", "DateValue", "BooleanValue")


@dataclass(frozen=True, slots=True)
class SupportedValue:
    """``sdg:SupportedValueType``: one kind (``StringValue``/``DateValue``/``BooleanValue``)."""

    kind: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InformationConcept:
    """``sdg:InformationConceptType`` (used as ``sdg:EvidenceProviderClassification``)."""

    identifier: Identifier
    type: str | None = None
    value_expression: str | None = None
    descriptions: tuple[Text, ...] = ()
    supported_value: SupportedValue | None = None


def build_information_concept(
    concept: InformationConcept, local: str = "EvidenceProviderClassification"
) -> etree._Element:
    """Build an ``InformationConceptType`` element."""
    el = etree.Element(sdg(local))
    build_identifier(el, "Identifier", concept.identifier)
    sub_text(el, "Type", concept.type)
    sub_text(el, "ValueExpression", concept.value_expression)
    build_texts(el, "Description", concept.descriptions)
    if concept.supported_value is not None:
        sv = etree.SubElement(el, sdg("SupportedValue"))
        for value in concept.supported_value.values:
            sub_text(sv, concept.supported_value.kind, value)
    return el


def parse_information_concept(element: etree._Element, ctx: SdgContext) -> InformationConcept:
    """Read an ``InformationConceptType`` element."""
    r = SdgElement(
        element, ("Identifier", "Type", "ValueExpression", "Description", "SupportedValue"), ctx
    )
    supported = None
    sv_el = r.opt("SupportedValue")
    if sv_el is not None:
        s = SdgElement(sv_el, _SUPPORTED_KINDS, ctx)
        kinds = [k for k in _SUPPORTED_KINDS if s.all(k)]
        if len(kinds) != 1:
            message = "sdg:SupportedValue holds exactly one kind of value"
            raise ctx.error(message, field=r.field("SupportedValue"))
        supported = SupportedValue(kind=kinds[0], values=s.texts(kinds[0]))
    return InformationConcept(
        identifier=parse_identifier(r.one("Identifier")),
        type=r.opt_text("Type"),
        value_expression=r.opt_text("ValueExpression"),
        descriptions=tuple(parse_text(d) for d in r.all("Description")),
        supported_value=supported,
    )


@dataclass(frozen=True, slots=True)
class DistributedAs:
    """The requested distribution (``sdg:DistributedAs``)."""

    format: str
    """A code of ``OOTSMediaTypes`` (``application/pdf``, ``application/xml`` ...)."""
    conforms_to: str | None = None
    transformation: str | None = None
    """v1.0 only (removed in v2.0)."""
    languages: tuple[str, ...] = ()
    """v2.0 only: ``sdg:Language`` codes."""
    associated_document_requests: tuple[str, ...] = ()
    """v2.0 only: ``Annex``, ``HumanReadableVersion``, ``Translation`` (R-EDM-REQ-C119)."""


_DIST_AS = ("Format", "ConformsTo", "Transformation", "Language", "AssociatedDocumentRequest")


def _build_distributed_as(parent: etree._Element, d: DistributedAs) -> None:
    el = etree.SubElement(parent, sdg("DistributedAs"))
    sub_text(el, "Format", d.format)
    for lang in d.languages:
        sub_text(el, "Language", lang)
    sub_text(el, "ConformsTo", d.conforms_to)
    sub_text(el, "Transformation", d.transformation)
    for doc in d.associated_document_requests:
        sub_text(el, "AssociatedDocumentRequest", doc)


def _parse_distributed_as(element: etree._Element, ctx: SdgContext) -> DistributedAs:
    r = SdgElement(element, _DIST_AS, ctx)
    return DistributedAs(
        format=r.text("Format"),
        conforms_to=r.opt_text("ConformsTo"),
        transformation=r.opt_text("Transformation"),
        languages=r.texts("Language"),
        associated_document_requests=r.texts("AssociatedDocumentRequest"),
    )


@dataclass(frozen=True, slots=True)
class DataServiceEvidenceType:
    """The requested evidence type as the Data Service Directory described it."""

    identifier: str
    """The data service evidence type UUID from the DSD (R-EDM-REQ-C026)."""
    evidence_type_classification: str
    titles: tuple[Text, ...]
    distributed_as: tuple[DistributedAs, ...]
    descriptions: tuple[Text, ...] = ()


def build_data_service_evidence_type(dset: DataServiceEvidenceType) -> etree._Element:
    """Build ``sdg:DataServiceEvidenceType``."""
    el = etree.Element(sdg("DataServiceEvidenceType"))
    sub_text(el, "Identifier", dset.identifier)
    sub_text(el, "EvidenceTypeClassification", dset.evidence_type_classification)
    build_texts(el, "Title", dset.titles)
    build_texts(el, "Description", dset.descriptions)
    for d in dset.distributed_as:
        _build_distributed_as(el, d)
    return el


def parse_data_service_evidence_type(
    element: etree._Element, ctx: SdgContext
) -> DataServiceEvidenceType:
    """Read ``sdg:DataServiceEvidenceType`` (the request's view: no access service)."""
    r = SdgElement(
        element,
        ("Identifier", "EvidenceTypeClassification", "Title", "Description", "DistributedAs"),
        ctx,
    )
    return DataServiceEvidenceType(
        identifier=r.text("Identifier"),
        evidence_type_classification=r.text("EvidenceTypeClassification"),
        titles=tuple(parse_text(t) for t in r.all("Title")),
        descriptions=tuple(parse_text(t) for t in r.all("Description")),
        distributed_as=tuple(_parse_distributed_as(d, ctx) for d in r.all("DistributedAs")),
    )


@dataclass(frozen=True, slots=True)
class Distribution:
    """``sdg:DistributionType``: the format of a returned evidence."""

    format: str
    languages: tuple[str, ...] = ()
    conforms_to: str | None = None
    transformation: str | None = None


@dataclass(frozen=True, slots=True)
class Period:
    """``sdg:PeriodType``: validity of an evidence."""

    start_date: date
    end_date: date


@dataclass(frozen=True, slots=True)
class EvidenceTypeRef:
    """``sdg:IsConformantTo``: the evidence type an evidence conforms to."""

    evidence_type_classification: str
    titles: tuple[Text, ...]
    descriptions: tuple[Text, ...] = ()


@dataclass(frozen=True, slots=True)
class Evidence:
    """``sdg:Evidence``: the metadata of one returned document.

    v1.0 requires every element but ``ValidityPeriod``. v2.0 makes ``IsAbout``,
    ``IssuingAuthority``, ``IsConformantTo`` and ``IssuingDate`` optional in the XSD and
    requires them (and ``Distribution``) on the main evidence only (R-EDM-RESP-S062);
    supplementary documents must not carry them (R-EDM-RESP-S063).
    """

    identifier: str
    distributions: tuple[Distribution, ...]
    is_about: Subject | None = None
    issuing_authority: Agent | None = None
    is_conformant_to: EvidenceTypeRef | None = None
    issuing_date: date | None = None
    validity_period: Period | None = None


_EVIDENCE = (
    "Identifier",
    "IsAbout",
    "IssuingAuthority",
    "IsConformantTo",
    "IssuingDate",
    "Distribution",
    "ValidityPeriod",
)


def build_evidence(evidence: Evidence) -> etree._Element:
    """Build ``sdg:Evidence``."""
    el = etree.Element(sdg("Evidence"))
    sub_text(el, "Identifier", evidence.identifier)
    if evidence.is_about is not None:
        about = etree.SubElement(el, sdg("IsAbout"))
        if isinstance(evidence.is_about, Person):
            build_person(about, evidence.is_about, "NaturalPerson")
        else:
            build_legal_person(about, evidence.is_about, "LegalPerson")
    if evidence.issuing_authority is not None:
        build_agent(el, evidence.issuing_authority, "IssuingAuthority")
    if evidence.is_conformant_to is not None:
        ref = etree.SubElement(el, sdg("IsConformantTo"))
        conformant = evidence.is_conformant_to
        sub_text(ref, "EvidenceTypeClassification", conformant.evidence_type_classification)
        build_texts(ref, "Title", conformant.titles)
        build_texts(ref, "Description", conformant.descriptions)
    if evidence.issuing_date is not None:
        sub_text(el, "IssuingDate", evidence.issuing_date.isoformat())
    for d in evidence.distributions:
        dist = etree.SubElement(el, sdg("Distribution"))
        sub_text(dist, "Format", d.format)
        for lang in d.languages:
            sub_text(dist, "Language", lang)
        sub_text(dist, "ConformsTo", d.conforms_to)
        sub_text(dist, "Transformation", d.transformation)
    if evidence.validity_period is not None:
        vp = etree.SubElement(el, sdg("ValidityPeriod"))
        sub_text(vp, "StartDate", evidence.validity_period.start_date.isoformat())
        sub_text(vp, "EndDate", evidence.validity_period.end_date.isoformat())
    return el


def _parse_is_about(element: etree._Element, ctx: SdgContext) -> Subject:
    r = SdgElement(element, ("NaturalPerson", "LegalPerson"), ctx)
    people = r.all("NaturalPerson")
    legal = r.all("LegalPerson")
    if len(people) + len(legal) != 1:
        raise ctx.error("sdg:IsAbout holds one NaturalPerson or LegalPerson", field="IsAbout")
    if people:
        return parse_person(people[0], ctx)
    return parse_legal_person(legal[0], ctx)


def parse_evidence(element: etree._Element, ctx: SdgContext) -> Evidence:
    """Read ``sdg:Evidence``."""
    r = SdgElement(element, _EVIDENCE, ctx)
    about = r.opt("IsAbout")
    authority = r.opt("IssuingAuthority")
    ref_el = r.opt("IsConformantTo")
    ref = None
    if ref_el is not None:
        rr = SdgElement(ref_el, ("EvidenceTypeClassification", "Title", "Description"), ctx)
        ref = EvidenceTypeRef(
            evidence_type_classification=rr.text("EvidenceTypeClassification"),
            titles=tuple(parse_text(t) for t in rr.all("Title")),
            descriptions=tuple(parse_text(t) for t in rr.all("Description")),
        )
    dists = []
    for d in r.all("Distribution"):
        dr = SdgElement(d, ("Format", "Language", "ConformsTo", "Transformation"), ctx)
        dists.append(
            Distribution(
                format=dr.text("Format"),
                languages=dr.texts("Language"),
                conforms_to=dr.opt_text("ConformsTo"),
                transformation=dr.opt_text("Transformation"),
            )
        )
    period = None
    vp = r.opt("ValidityPeriod")
    if vp is not None:
        pr = SdgElement(vp, ("StartDate", "EndDate"), ctx)
        start, end = pr.date("StartDate"), pr.date("EndDate")
        assert start is not None and end is not None
        period = Period(start_date=start, end_date=end)
    return Evidence(
        identifier=r.text("Identifier"),
        is_about=None if about is None else _parse_is_about(about, ctx),
        issuing_authority=None if authority is None else parse_agent(authority, ctx),
        is_conformant_to=ref,
        issuing_date=r.date("IssuingDate", required=False),
        distributions=tuple(dists),
        validity_period=period,
    )

