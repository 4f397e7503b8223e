"""Registry objects of an evidence response: documents, v2.0 packages and associations.

TDD 2.0.1 4.5.2 §2.6 and the EDM-RESP-S rules S046..S066 as oots-france documents
them (kit ``oots-tdd-2.0/KNOWN-DEFECTS.md`` items 2..4): the forward association rules
pair S052/S056 with Annex, S053/S057 with HumanReadableVersion, S054/S058 with
Translation; the reverse ones are S059 Annex, S060 Translation, S061 HumanReadableVersion.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from gateway.evidence.edm import _checks
from gateway.evidence.edm._evidence_type import Evidence, build_evidence, parse_evidence
from gateway.evidence.edm._regrep import (
    XSI_TYPE,
    SlotReader,
    add_any_slot,
    child_elements,
    q,
    xsi_type,
)
from gateway.evidence.edm._sdg import SdgContext, sdg
from gateway.evidence.edm.versions import EdmVersion
from gateway.namespaces import NS, EdmURI

__all__ = [
    "DOCUMENT_ROLES",
    "MAIN_EVIDENCE",
    "SUPPLEMENTARY_ROLES",
    "Association",
    "EvidenceDocument",
    "EvidencePackage",
    "RepositoryItemRef",
    "build_document",
    "build_package",
    "check_package",
    "parse_document",
    "parse_package",
]

MAIN_EVIDENCE = "MainEvidence"
SUPPLEMENTARY_ROLES = ("Annex", "HumanReadableVersion", "Translation")
DOCUMENT_ROLES = (MAIN_EVIDENCE, *SUPPLEMENTARY_ROLES)
"""The classification nodes R-EDM-RESP-S049 allows."""

_XLINK_HREF = q(NS.XLINK, "href")
_XLINK_TITLE = q(NS.XLINK, "title")


@dataclass(frozen=True, slots=True)
class RepositoryItemRef:
    """``rim:RepositoryItemRef``: the AS4 payload part (``cid:...``) holding the document."""

    href: str
    title: str


@dataclass(frozen=True, slots=True)
class EvidenceDocument:
    """One ``rim:ExtrinsicObjectType``: metadata plus the reference to the payload."""

    id: str
    evidence: Evidence
    item: RepositoryItemRef
    role: str | None = None
    """v2.0: the classification node (``MainEvidence``, ``Annex`` ...); None in v1.0."""
    classification_id: str | None = None
    """v2.0: ``urn:uuid:`` id of the ``rim:Classification`` (R-EDM-RESP-S065)."""


@dataclass(frozen=True, slots=True)
class Association:
    """A ``rim:AssociationType`` from a supplementary document to the main evidence."""

    id: str
    kind: str
    """``Annex``, ``HumanReadableVersion`` or ``Translation``."""
    source: str
    """The supplementary document's id."""
    target: str
    """The main evidence's id."""

    @property
    def type(self) -> str:
        """The association type URN."""
        return EdmURI.ASSOCIATION_TYPE_PREFIX + self.kind


@dataclass(frozen=True, slots=True)
class EvidencePackage:
    """A v2.0 ``rim:RegistryPackageType``: one evidence and its supplementary documents."""

    id: str
    documents: tuple[EvidenceDocument, ...]
    associations: tuple[Association, ...] = ()

    @property
    def main(self) -> EvidenceDocument | None:
        """The document classified ``MainEvidence``."""
        for doc in self.documents:
            if doc.role == MAIN_EVIDENCE:
                return doc
        return None


def build_document(doc: EvidenceDocument, version: EdmVersion) -> etree._Element:
    """Build one ``rim:RegistryObject xsi:type="rim:ExtrinsicObjectType"``."""
    obj = etree.Element(q(NS.RIM, "RegistryObject"))
    obj.set(XSI_TYPE, "rim:ExtrinsicObjectType")
    obj.set("id", doc.id)
    add_any_slot(obj, "EvidenceMetadata", build_evidence(doc.evidence))
    if version is EdmVersion.V2_0 and doc.role is not None:
        c = etree.SubElement(obj, q(NS.RIM, "Classification"))
        if doc.classification_id is not None:
            c.set("id", doc.classification_id)
        c.set("classificationScheme", EdmURI.CLASSIFICATION_SCHEME)
        c.set("classificationNode", doc.role)
    ref = etree.SubElement(obj, q(NS.RIM, "RepositoryItemRef"))
    ref.set(_XLINK_HREF, doc.item.href)
    ref.set(_XLINK_TITLE, doc.item.title)
    return obj


def build_package(package: EvidencePackage, version: EdmVersion) -> etree._Element:
    """Build one ``rim:RegistryObject xsi:type="rim:RegistryPackageType"``."""
    obj = etree.Element(q(NS.RIM, "RegistryObject"))
    obj.set(XSI_TYPE, "rim:RegistryPackageType")
    obj.set("id", package.id)
    rol = etree.SubElement(obj, q(NS.RIM, "RegistryObjectList"))
    for doc in package.documents:
        rol.append(build_document(doc, version))
    for a in package.associations:
        assoc = etree.SubElement(rol, q(NS.RIM, "RegistryObject"))
        assoc.set(XSI_TYPE, "rim:AssociationType")
        assoc.set("id", a.id)
        assoc.set("type", a.type)
        assoc.set("sourceObject", a.source)
        assoc.set("targetObject", a.target)
    return obj


def parse_document(obj: etree._Element, ctx: SdgContext, version: EdmVersion) -> EvidenceDocument:
    """Read one document object."""
    if xsi_type(obj) != "ExtrinsicObjectType":
        raise ctx.error("documents must be rim:ExtrinsicObjectType", field="RegistryObject")
    obj_id = obj.get("id")
    if obj_id is None:
        raise ctx.error("rim:RegistryObject has no id (R-EDM-RESP-S036)", field="id")
    allowed = {q(NS.RIM, n) for n in ("Slot", "Classification", "RepositoryItemRef")}
    for child in child_elements(obj):
        if child.tag not in allowed:
            raise ctx.error(f"unexpected {child.tag} in a document object", field=obj_id)
    slots = SlotReader(obj, code=ctx.code, where=f"RegistryObject {obj_id}")
    slots.refuse_others(["EvidenceMetadata"])
    metadata = slots.any("EvidenceMetadata")  # R-EDM-RESP-S015
    if metadata is None or metadata.tag != sdg("Evidence"):
        raise ctx.error("EvidenceMetadata must hold sdg:Evidence (R-EDM-RESP-S029)",
                        field="EvidenceMetadata")
    refs = obj.findall(q(NS.RIM, "RepositoryItemRef"))
    if len(refs) != 1:
        raise ctx.error("a document has one rim:RepositoryItemRef (R-EDM-RESP-S033)",
                        field="RepositoryItemRef")
    href, title = refs[0].get(_XLINK_HREF), refs[0].get(_XLINK_TITLE)
    if href is None or title is None:
        raise ctx.error("rim:RepositoryItemRef needs xlink:href and xlink:title (S034, S035)",
                        field="RepositoryItemRef")
    role = classification_id = None
    classifications = obj.findall(q(NS.RIM, "Classification"))
    if version is EdmVersion.V1_0 and classifications:
        raise ctx.error("v1.0 documents carry no rim:Classification", field="Classification")
    if version is EdmVersion.V2_0:
        edm = [c for c in classifications
               if c.get("classificationScheme") == EdmURI.CLASSIFICATION_SCHEME]
        if len(edm) != 1 or len(classifications) != 1:
            raise ctx.error(
                "a packaged document has one classification under "
                f"{EdmURI.CLASSIFICATION_SCHEME} (R-EDM-RESP-S048)",
                field="Classification",
            )
        role = edm[0].get("classificationNode")
        classification_id = edm[0].get("id")
    return EvidenceDocument(
        id=obj_id,
        evidence=parse_evidence(metadata, ctx),
        item=RepositoryItemRef(href=href, title=title),
        role=role,
        classification_id=classification_id,
    )


def parse_package(obj: etree._Element, ctx: SdgContext, version: EdmVersion) -> EvidencePackage:
    """Read one v2.0 package."""
    pkg_id = obj.get("id")
    if pkg_id is None:
        raise ctx.error("rim:RegistryPackageType has no id (R-EDM-RESP-S036)", field="id")
    kids = child_elements(obj)
    if len(kids) != 1 or kids[0].tag != q(NS.RIM, "RegistryObjectList"):
        raise ctx.error("a package holds exactly one rim:RegistryObjectList (R-EDM-RESP-S046)",
                        field=pkg_id)
    docs: list[EvidenceDocument] = []
    assocs: list[Association] = []
    for inner in child_elements(kids[0]):
        if inner.tag != q(NS.RIM, "RegistryObject"):
            raise ctx.error(f"unexpected {inner.tag} in a package", field=pkg_id)
        if xsi_type(inner) == "AssociationType":
            a_id, a_type = inner.get("id"), inner.get("type") or ""
            src, tgt = inner.get("sourceObject"), inner.get("targetObject")
            if src is None or tgt is None:
                raise ctx.error("association without sourceObject/targetObject (S051, S055)",
                                field=a_id or pkg_id)
            if not a_type.startswith(EdmURI.ASSOCIATION_TYPE_PREFIX):
                raise ctx.error(f"association type {a_type!r} is not a RegRep AssociationType",
                                field=a_id or pkg_id)
            assocs.append(Association(id=a_id or "", kind=a_type.removeprefix(
                EdmURI.ASSOCIATION_TYPE_PREFIX), source=src, target=tgt))
        else:
            docs.append(parse_document(inner, ctx, version))
    return EvidencePackage(id=pkg_id, documents=tuple(docs), associations=tuple(assocs))


def check_package(package: EvidencePackage, ctx: SdgContext, field: str, v: EdmVersion) -> None:
    """The v2.0 packaging rules on one package (S037, S047..S065)."""
    _checks.check_urn_uuid(ctx, package.id, f"{field}.id")
    roles: dict[str, str] = {}
    mains = 0
    for i, doc in enumerate(package.documents):
        f = f"{field}.documents[{i}]"
        _checks.check_urn_uuid(ctx, doc.id, f"{f}.id")
        if doc.role not in DOCUMENT_ROLES:
            raise ctx.error(f"{f}.role {doc.role!r} is not one of {', '.join(DOCUMENT_ROLES)} "
                            "(R-EDM-RESP-S049)", field=f"{f}.role")
        if doc.classification_id is not None:
            _checks.check_urn_uuid(ctx, doc.classification_id, f"{f}.classification_id")
        assert doc.role is not None
        roles[doc.id] = doc.role
        mains += doc.role == MAIN_EVIDENCE
        _checks.check_evidence(ctx, doc.evidence, f"{f}.evidence", v,
                               main=doc.role == MAIN_EVIDENCE)
    if mains != 1:
        raise ctx.error(f"{field} needs exactly one MainEvidence document (R-EDM-RESP-S047)",
                        field=f"{field}.documents")
    sources = set()
    for i, a in enumerate(package.associations):
        f = f"{field}.associations[{i}]"
        _checks.check_urn_uuid(ctx, a.id, f"{f}.id")
        if a.kind not in SUPPLEMENTARY_ROLES:
            raise ctx.error(f"{f}.kind {a.kind!r} is not a supplementary role", field=f"{f}.kind")
        # S052..S058: the source is classified as the type names, the target is the main one.
        if roles.get(a.source) != a.kind:
            raise ctx.error(f"{f}: source must be a document classified {a.kind} "
                            "(R-EDM-RESP-S052..S054, S059..S061)", field=f"{f}.source")
        if roles.get(a.target) != MAIN_EVIDENCE:
            raise ctx.error(f"{f}: target must be the MainEvidence (R-EDM-RESP-S056..S058)",
                            field=f"{f}.target")
        sources.add(a.source)
    for doc_id, role in roles.items():
        if role != MAIN_EVIDENCE and doc_id not in sources:
            raise ctx.error(f"{field}: supplementary document {doc_id} has no association "
                            "(R-EDM-RESP-S050)", field=f"{field}.associations")
