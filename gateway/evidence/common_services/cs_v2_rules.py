"""Project checks for ``oots-cs:v2.0`` EB/DSD answers, plugged into the validation engine.

The official 2.0.1 EB/DSD rule files are not in the kit (README "Read this first"), so
the engine applies only the RegRep 4.0 schemas to these answers. These checks add what
the kit documents, each citing its source:

* ``GW-CS2-001`` README item 13: the ``SpecificationIdentifier`` slot is a
  ``rim:StringValueType`` with ``oots-cs:v2.0``;
* ``GW-CS2-002`` README item 8: v1.0-only content is gone (``sdg:Transformation``,
  ``sdg:EvidenceProviderJurisdictionDetermination``, the DSD:ERR:0005
  ``JurisdictionDetermination`` slot, ``sdg:Jurisdiction`` on ``sdg:EvidenceType``,
  code ``EB:ERR:0004``);
* ``GW-CS2-003``: the answer reads into the typed models (no undeclared SDG element,
  slot types as declared);
* the structural EB/DSD rules of :mod:`.structure`, reported under their v1.0 rule ids
  (the 7 acceptance captures satisfy them).
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from gateway.errors import GatewayError
from gateway.evidence.common_services.error_responses import ErrorResponse
from gateway.evidence.common_services.errors import BuildError
from gateway.evidence.common_services.model import CsVersion
from gateway.evidence.common_services.responses import (
    DataServicesResponse,
    EvidenceTypesResponse,
    parse_response,
)
from gateway.evidence.common_services.structure import (
    check_data_services,
    check_exception_evidence_type,
    check_requirements,
)
from gateway.evidence.edm._regrep import child_elements, q, xsi_type
from gateway.evidence.validation import Finding, MessageKind, Severity, Validator
from gateway.namespaces import NS, CommonServicesURI

__all__ = ["CS_V2_KINDS", "RULE_SET", "check_cs_v2", "register_cs_v2_rules"]

RULE_SET = "gateway oots-cs v2.0 checks"
CS_V2_KINDS = (
    MessageKind.EB_REQUIREMENTS_RESPONSE,
    MessageKind.EB_EVIDENCE_TYPES_RESPONSE,
    MessageKind.EB_ERROR_RESPONSE,
    MessageKind.DSD_RESPONSE,
    MessageKind.DSD_ERROR_RESPONSE,
)
_V1_ONLY = (
    ("sdg:Transformation", ".//sdg:DistributedAs/sdg:Transformation"),
    (
        "sdg:EvidenceProviderJurisdictionDetermination",
        ".//sdg:DataServiceEvidenceType/sdg:EvidenceProviderJurisdictionDetermination",
    ),
    ("slot JurisdictionDetermination", "rs:Exception/rim:Slot[@name='JurisdictionDetermination']"),
    (
        "sdg:EvidenceType/sdg:Jurisdiction",
        ".//sdg:EvidenceTypeList/sdg:EvidenceType/sdg:Jurisdiction",
    ),
    ("EB:ERR:0004", "rs:Exception[@code='EB:ERR:0004']"),
)
_NS = {"sdg": NS.SDG, "rim": NS.RIM, "rs": NS.RS}


def _finding(rule: str, el: etree._Element, message: str) -> Finding:
    path = el.getroottree().getpath(el)
    return Finding(rule, Severity.ERROR, "project", RULE_SET, path, message, None)


def _spec_slot(root: etree._Element) -> Iterable[Finding]:
    for slot in child_elements(root):
        if slot.tag == q(NS.RIM, "Slot") and slot.get("name") == "SpecificationIdentifier":
            values = [v for v in child_elements(slot) if v.tag == q(NS.RIM, "SlotValue")]
            if len(values) != 1 or xsi_type(values[0]) != "StringValueType":
                yield _finding(
                    "GW-CS2-001", slot, "SpecificationIdentifier must be one rim:StringValueType"
                )
            return
    yield _finding("GW-CS2-001", root, f"{CommonServicesURI.CS_V2} answers carry the slot")


def _structure(root: etree._Element) -> Iterable[Finding]:
    try:
        model = parse_response(etree.tostring(root))
    except GatewayError as exc:
        yield _finding("GW-CS2-003", root, f"does not read into the models: {exc.message}")
        return
    try:
        if isinstance(model, ErrorResponse):
            dset = model.exception.data_service_evidence_type
            if dset is not None:
                check_exception_evidence_type(dset)
        elif isinstance(model, DataServicesResponse):
            check_data_services(model.objects, CsVersion.V2_0)
        else:
            check_requirements(
                model.objects, evidence_types=isinstance(model, EvidenceTypesResponse)
            )
    except BuildError as exc:
        rule, _, text = exc.message.partition(": ")
        yield _finding(rule, root, f"{text} ({exc.field})")


def check_cs_v2(root: etree._Element) -> list[Finding]:
    """All ``oots-cs:v2.0`` project findings for one answer."""
    findings = list(_spec_slot(root))
    for what, path in _V1_ONLY:
        found = root.xpath(path, namespaces=_NS)
        assert isinstance(found, list)
        for el in found:
            if not isinstance(el, etree._Element):
                continue
            findings.append(
                _finding("GW-CS2-002", el, f"{what} is v1.0 only (TDD 2.0.1 README item 8)")
            )
    findings.extend(_structure(root))
    return findings


def register_cs_v2_rules(validator: Validator) -> None:
    """Register :func:`check_cs_v2` for every EB/DSD kind at ``oots-cs:v2.0``."""
    for kind in CS_V2_KINDS:
        validator.register_project_rules(kind, CommonServicesURI.CS_V2, check_cs_v2)
