"""Build and parse the ``sdg:Requirement`` content of Evidence Broker responses.

TDD 3.2.4 §4.2 (requirements by procedure and jurisdiction) and §4.3 (evidence types by
requirement and jurisdiction); v2.0 differences per the TDD 2.0.1 README, item 8.
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
from gateway.evidence.common_services.errors import ResponseRejected
from gateway.evidence.common_services.model import (
    CsVersion,
    EvidenceType,
    EvidenceTypeList,
    ReferenceFramework,
    Requirement,
)
from gateway.evidence.edm._sdg import SdgElement, build_texts, sdg, sub_text

__all__ = ["build_requirement", "parse_requirement"]


def _build_reference_framework(
    parent: etree._Element, local: str, rf: ReferenceFramework, version: CsVersion, field: str
) -> None:
    need(rf.identifier, f"{field}.identifier")
    el = etree.SubElement(parent, sdg(local))
    sub_text(el, "Identifier", rf.identifier)
    build_texts(el, "Title", rf.titles)
    build_texts(el, "Description", rf.descriptions)
    for i, related in enumerate(rf.related_to):
        _build_reference_framework(el, "RelatedTo", related, version, f"{field}.related_to[{i}]")
    if rf.jurisdiction is not None:
        build_jurisdiction(el, rf.jurisdiction, version, f"{field}.jurisdiction")


_REFERENCE_FRAMEWORK = ("Identifier", "Title", "Description", "RelatedTo", "Jurisdiction")


def _parse_reference_framework(element: etree._Element) -> ReferenceFramework:
    r = SdgElement(element, _REFERENCE_FRAMEWORK, CS_CONTEXT)
    jurisdiction = r.opt("Jurisdiction")
    return ReferenceFramework(
        identifier=r.text("Identifier"),
        titles=texts(r, "Title"),
        descriptions=texts(r, "Description"),
        related_to=tuple(_parse_reference_framework(e) for e in r.all("RelatedTo")),
        jurisdiction=None if jurisdiction is None else parse_jurisdiction(jurisdiction),
    )


def _build_evidence_type_list(
    parent: etree._Element, etl: EvidenceTypeList, version: CsVersion, field: str
) -> None:
    need(etl.identifier, f"{field}.identifier")
    only_in(version, CsVersion.V2_0, bool(etl.jurisdictions), f"{field}.jurisdictions")
    el = etree.SubElement(parent, sdg("EvidenceTypeList"))
    sub_text(el, "Identifier", etl.identifier)
    build_texts(el, "Name", etl.names)
    for i, et in enumerate(etl.evidence_types):
        f = f"{field}.evidence_types[{i}]"
        need(et.classification, f"{f}.classification")
        need(et.titles, f"{f}.titles")
        only_in(version, CsVersion.V1_0, bool(et.jurisdictions), f"{f}.jurisdictions")
        et_el = etree.SubElement(el, sdg("EvidenceType"))
        sub_text(et_el, "EvidenceTypeClassification", et.classification)
        build_texts(et_el, "Title", et.titles)
        build_texts(et_el, "Description", et.descriptions)
        for k, j in enumerate(et.jurisdictions):
            build_jurisdiction(et_el, j, version, f"{f}.jurisdictions[{k}]")
    for k, j in enumerate(etl.jurisdictions):
        build_jurisdiction(el, j, version, f"{field}.jurisdictions[{k}]")


def _parse_evidence_type_list(element: etree._Element) -> EvidenceTypeList:
    r = SdgElement(element, ("Identifier", "Name", "EvidenceType", "Jurisdiction"), CS_CONTEXT)
    types = []
    for et_el in r.all("EvidenceType"):
        t = SdgElement(
            et_el,
            ("EvidenceTypeClassification", "Title", "Description", "Jurisdiction"),
            CS_CONTEXT,
        )
        types.append(
            EvidenceType(
                classification=t.text("EvidenceTypeClassification"),
                titles=texts(t, "Title"),
                descriptions=texts(t, "Description"),
                jurisdictions=tuple(parse_jurisdiction(j) for j in t.all("Jurisdiction")),
            )
        )
    return EvidenceTypeList(
        identifier=r.text("Identifier"),
        names=texts(r, "Name"),
        evidence_types=tuple(types),
        jurisdictions=tuple(parse_jurisdiction(j) for j in r.all("Jurisdiction")),
    )


def build_requirement(req: Requirement, version: CsVersion, field: str) -> etree._Element:
    """``sdg:Requirement`` for an EB response of ``version``."""
    need(req.identifier, f"{field}.identifier")
    need(req.names, f"{field}.names")
    only_in(version, CsVersion.V2_0, bool(req.descriptions), f"{field}.descriptions")
    el = etree.Element(sdg("Requirement"))
    sub_text(el, "Identifier", req.identifier)
    build_texts(el, "Name", req.names)
    build_texts(el, "Description", req.descriptions)
    for i, rf in enumerate(req.reference_frameworks):
        _build_reference_framework(
            el, "ReferenceFramework", rf, version, f"{field}.reference_frameworks[{i}]"
        )
    for i, etl in enumerate(req.evidence_type_lists):
        _build_evidence_type_list(el, etl, version, f"{field}.evidence_type_lists[{i}]")
    return el


_REQUIREMENT = ("Identifier", "Name", "Description", "ReferenceFramework", "EvidenceTypeList")


def parse_requirement(element: etree._Element) -> Requirement:
    """Read an ``sdg:Requirement``."""
    if element.tag != sdg("Requirement"):
        raise ResponseRejected(
            f"expected sdg:Requirement, found {element.tag}", field="Requirement"
        )
    r = SdgElement(element, _REQUIREMENT, CS_CONTEXT)
    names = texts(r, "Name")
    if not names:
        raise ResponseRejected("sdg:Requirement needs an sdg:Name", field="Requirement/Name")
    return Requirement(
        identifier=r.text("Identifier"),
        names=names,
        descriptions=texts(r, "Description"),
        reference_frameworks=tuple(
            _parse_reference_framework(e) for e in r.all("ReferenceFramework")
        ),
        evidence_type_lists=tuple(_parse_evidence_type_list(e) for e in r.all("EvidenceTypeList")),
    )
