"""Message kind and version detection from the root element, its content and the
``SpecificationIdentifier`` slot (docs/validation.md, "Kinds").
"""

from __future__ import annotations

from lxml import etree

from gateway.evidence.validation.model import MessageKind
from gateway.namespaces import NS

__all__ = ["RULE_SETS", "detect", "specification_identifier"]

_RIM = f"{{{NS.RIM}}}"
_SDG = f"{{{NS.SDG}}}"
_RS = f"{{{NS.RS}}}"

# Rule files per kind: the table of ../shared/oots-edm-1.0/README.md ("Which rule files apply
# to which message"), not the official sch/README.md, which pairs the evidence response with the
# EDM-ERR files (KNOWN-DEFECTS item 19).
RULE_SETS: dict[MessageKind, tuple[str, ...]] = {
    MessageKind.EVIDENCE_REQUEST: ("EDM-REQ-S", "EDM-REQ-C"),
    MessageKind.EVIDENCE_RESPONSE: ("EDM-RESP-S", "EDM-RESP-C"),
    MessageKind.EVIDENCE_ERROR_RESPONSE: ("EDM-ERR-S", "EDM-ERR-C"),
    MessageKind.DSD_RESPONSE: ("DSD-RESP-S", "DSD-RESP-C"),
    MessageKind.DSD_ERROR_RESPONSE: ("DSD-ERR-S", "DSD-ERR-C"),
    MessageKind.LCM_SUBMIT_DSD: ("DSD-SUB-S", "DSD-SUB-C"),
    MessageKind.EB_REQUIREMENTS_RESPONSE: ("EB-REQ-S", "EB-REQ-C"),
    MessageKind.EB_EVIDENCE_TYPES_RESPONSE: ("EB-EVI-S", "EB-EVI-C"),
    MessageKind.EB_ERROR_RESPONSE: ("EB-ERR",),
    MessageKind.LCM_SUBMIT_EB: ("EB-SUB-S", "EB-SUB-C"),
    MessageKind.LCM_SUCCESS_RESPONSE: ("LCM-SUC",),
    MessageKind.LCM_ERROR_RESPONSE: ("LCM-ERR",),
}

_ERROR_PREFIXES: tuple[tuple[str, MessageKind], ...] = (
    ("EDM:ERR:", MessageKind.EVIDENCE_ERROR_RESPONSE),
    ("DSD:ERR:", MessageKind.DSD_ERROR_RESPONSE),
    ("EB:ERR:", MessageKind.EB_ERROR_RESPONSE),
)


def specification_identifier(root: etree._Element) -> str | None:
    """The value of the root's ``rim:Slot[@name='SpecificationIdentifier']``, if any."""
    for slot in root.iterchildren(f"{_RIM}Slot"):
        if slot.get("name") == "SpecificationIdentifier":
            for value in slot.iter(f"{_RIM}Value"):
                return (value.text or "").strip() or None
    return None


def _has(root: etree._Element, *local_names: str) -> bool:
    return any(next(root.iter(f"{_SDG}{n}"), None) is not None for n in local_names)


def _query_response(root: etree._Element, spec: str | None) -> MessageKind:
    exception = root.find(f"{_RS}Exception")
    if exception is not None:
        code = exception.get("code", "")
        for prefix, kind in _ERROR_PREFIXES:
            if code.startswith(prefix):
                return kind
        # No recognisable code: an EDM error unless the message says Common Services.
        if spec and spec.startswith("oots-cs:"):
            return MessageKind.EB_ERROR_RESPONSE
        return MessageKind.EVIDENCE_ERROR_RESPONSE
    slot_names = {s.get("name") for s in root.iterchildren(f"{_RIM}Slot")}
    if "EvidenceResponseIdentifier" in slot_names or (spec or "").startswith("oots-edm:"):
        return MessageKind.EVIDENCE_RESPONSE
    if _has(root, "DataServiceEvidenceType", "AccessService"):
        return MessageKind.DSD_RESPONSE
    if _has(root, "EvidenceTypeList", "EvidenceType"):
        return MessageKind.EB_EVIDENCE_TYPES_RESPONSE
    if _has(root, "Requirement") or (spec or "").startswith("oots-cs:"):
        return MessageKind.EB_REQUIREMENTS_RESPONSE
    return MessageKind.EVIDENCE_RESPONSE


def detect(root: etree._Element) -> tuple[MessageKind, str | None]:
    """(kind, SpecificationIdentifier) of a parsed document."""
    if not isinstance(root.tag, str):
        return MessageKind.NOT_EDM, None
    qname = etree.QName(root)
    spec = specification_identifier(root)
    if qname.namespace == NS.QUERY and qname.localname == "QueryRequest":
        return MessageKind.EVIDENCE_REQUEST, spec
    if qname.namespace == NS.QUERY and qname.localname == "QueryResponse":
        return _query_response(root, spec), spec
    if qname.namespace == NS.LCM and qname.localname == "SubmitObjectsRequest":
        if _has(root, "DataServiceEvidenceType", "AccessService"):
            return MessageKind.LCM_SUBMIT_DSD, spec
        return MessageKind.LCM_SUBMIT_EB, spec
    if qname.namespace == NS.RS and qname.localname == "RegistryResponse":
        if root.get("status", "").endswith(":Success"):
            return MessageKind.LCM_SUCCESS_RESPONSE, spec
        return MessageKind.LCM_ERROR_RESPONSE, spec
    if qname.namespace == NS.EB and qname.localname == "Messaging":
        return MessageKind.EBMS_HEADER, None
    return MessageKind.NOT_EDM, None
