"""Project checks for ``oots-edm:v2.0`` messages, plugged into the validation engine.

The official 2.0.1 rule files are not in the reference kit, so the rules that the kit
documents (``oots-tdd-2.0/README.md`` "What changed from v1.0 to v2.0" and
``KNOWN-DEFECTS.md``) are encoded here. Where the kit gives the official rule id, the
finding carries it; rules the kit describes without an id get a ``GW-EDM2-...`` id and
cite the TDD chapter. When a user installs the official 2.0.1 package
(``oots-gateway schemas install --from DIR``) both run.

Packaging rules follow the assertions, not the messages (KNOWN-DEFECTS 4), and keep
the uneven scheme filter of the published rules (KNOWN-DEFECTS 3: S048 and S052..S058
require ``urn:fdc:oots:classification:edm``; S050 and S059..S063 read any scheme).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from gateway.evidence.edm._checks import ASSOCIATED_DOCUMENTS, severity_token
from gateway.evidence.edm._packaging import DOCUMENT_ROLES, MAIN_EVIDENCE, SUPPLEMENTARY_ROLES
from gateway.evidence.edm._regrep import child_elements, q, text_of, xsi_type
from gateway.evidence.edm.versions import EdmVersion, ExchangeHeader, is_uuid
from gateway.evidence.validation import Finding, MessageKind, Severity, Validator
from gateway.namespaces import NS, EdmURI

__all__ = [
    "RULE_SET",
    "check_ebms_header",
    "check_error_response",
    "check_request",
    "check_response",
    "register_v2_rules",
]

RULE_SET = "gateway EDM v2.0 checks"
V2 = EdmVersion.V2_0.value
_SLOT = q(NS.RIM, "Slot")
_VALUE = q(NS.RIM, "Value")
_RO = q(NS.RIM, "RegistryObject")
_ROL = q(NS.RIM, "RegistryObjectList")
_CLASSIFICATION = q(NS.RIM, "Classification")
_NS = {"rim": NS.RIM, "sdg": NS.SDG, "query": NS.QUERY, "rs": NS.RS}


def _f(rule: str, el: etree._Element, message: str, sev: Severity = Severity.ERROR) -> Finding:
    return Finding(rule, sev, "project", RULE_SET, el.getroottree().getpath(el), message, None)


def _slot_text(parent: etree._Element, name: str) -> tuple[etree._Element, str] | None:
    for slot in child_elements(parent):
        if slot.tag == _SLOT and slot.get("name") == name:
            values = slot.findall(f"{{{NS.RIM}}}SlotValue/{{{NS.RIM}}}Value")
            return slot, text_of(values[0]) if values else ""
    return None


def _spec(root: etree._Element, rule: str) -> Iterator[Finding]:
    found = _slot_text(root, "SpecificationIdentifier")
    if found is not None and found[1] != V2:
        yield _f(rule, found[0], f"SpecificationIdentifier must be the literal {V2}")


def check_request(root: etree._Element) -> Iterator[Finding]:
    """Evidence request checks (TDD 2.0.1 4.5.1, 4.9)."""
    yield from _spec(root, "R-EDM-REQ-C001")
    # 4.5.1 §3.5 (README item 5): xml:lang on query:QueryRequest is forbidden.
    if root.get(f"{{{NS.XML}}}lang") is not None:
        yield _f("GW-EDM2-REQ-LANG", root, "xml:lang on query:QueryRequest is forbidden in "
                 "v2.0; use sdg:Language in sdg:DistributedAs (TDD 4.5.1 §3.5)")
    preview = _slot_text(root, "PreviewLocation")
    ret = _slot_text(root, "ReturnLocation")
    # 4.9 (README item 6.3): the two slots require each other.
    if (preview is None) != (ret is None):
        el = (preview or ret)[0]  # type: ignore[index]
        yield _f("GW-EDM2-REQ-PREVIEW-PAIR", el, "PreviewLocation and ReturnLocation must be "
                 "present together (TDD 4.5.1, 4.9)")
    for rule, found in (("R-EDM-REQ-C005", preview), ("GW-EDM2-REQ-RETURN-HTTPS", ret)):
        if found is not None and not found[1].startswith("https://"):
            yield _f(rule, found[0], "the location must be an https:// URL (TDD 4.9)")
    for el in root.iterfind(".//sdg:DistributedAs/sdg:AssociatedDocumentRequest", _NS):
        if text_of(el) not in ASSOCIATED_DOCUMENTS:
            yield _f("R-EDM-REQ-C119", el, f"AssociatedDocumentRequest {text_of(el)!r} is not "
                     f"one of {', '.join(ASSOCIATED_DOCUMENTS)}", Severity.FATAL)
    for el in root.iterfind(".//sdg:DistributedAs/sdg:Transformation", _NS):
        yield _f("GW-EDM2-REQ-TRANSFORMATION", el, "sdg:Transformation was removed in v2.0; a "
                 "transformation is a distribution with its own ConformsTo (README item 8)")


def _classified(obj: etree._Element, node: str, *, edm_scheme: bool) -> bool:
    for c in obj.findall(_CLASSIFICATION):
        if c.get("classificationNode") != node:
            continue
        if not edm_scheme or c.get("classificationScheme") == EdmURI.CLASSIFICATION_SCHEME:
            return True
    return False


def _is_urn_uuid(value: str | None) -> bool:
    return value is not None and value.startswith("urn:uuid:") and is_uuid(value[9:])


def _packages(root: etree._Element) -> Iterator[Finding]:
    top = root.findall(f"{_ROL}/{_RO}")
    for obj in top:
        if xsi_type(obj) != "RegistryPackageType":
            yield _f("R-EDM-RESP-S066", obj, "top-level registry objects must be packages")
            continue
        if not _is_urn_uuid(obj.get("id")):
            yield _f("R-EDM-RESP-S037", obj, "package id must be urn:uuid:<UUID>")
        lists = obj.findall(_ROL)
        if len(lists) != 1:
            yield _f("R-EDM-RESP-S046", obj, "a package holds exactly one rim:RegistryObjectList")
            continue
        yield from _package_list(lists[0])


def _package_list(rol: etree._Element) -> Iterator[Finding]:
    objs = rol.findall(_RO)
    by_id = {o.get("id"): o for o in objs if o.get("id") is not None}
    assocs = [o for o in objs if xsi_type(o) == "AssociationType"]
    docs = [o for o in objs if xsi_type(o) != "AssociationType"]
    if not any(_classified(o, MAIN_EVIDENCE, edm_scheme=False) for o in docs):
        yield _f("R-EDM-RESP-S047", rol, "the package list holds no MainEvidence")
    for o in objs:
        if not _is_urn_uuid(o.get("id")):
            yield _f("R-EDM-RESP-S037", o, "registry object id must be urn:uuid:<UUID>")
        for c in o.findall(_CLASSIFICATION):
            if c.get("id") is not None and not _is_urn_uuid(c.get("id")):
                yield _f("R-EDM-RESP-S065", c, "classification id must be urn:uuid:<UUID>")
    for o in docs:
        edm = [c for c in o.findall(_CLASSIFICATION)
               if c.get("classificationScheme") == EdmURI.CLASSIFICATION_SCHEME]
        if len(edm) != 1:
            yield _f("R-EDM-RESP-S048", o, "one classification under "
                     f"{EdmURI.CLASSIFICATION_SCHEME} is required")
        for c in edm:
            if c.get("classificationNode") not in DOCUMENT_ROLES:
                yield _f("R-EDM-RESP-S049", c, f"classificationNode must be one of "
                         f"{', '.join(DOCUMENT_ROLES)}")
        evidence = o.find("rim:Slot[@name='EvidenceMetadata']/rim:SlotValue/sdg:Evidence", _NS)
        if evidence is None:
            continue
        if _classified(o, MAIN_EVIDENCE, edm_scheme=False):
            # S062, by its assertion (KNOWN-DEFECTS 4): six elements, Distribution included.
            for name in ("Identifier", "IssuingDate", "IsAbout", "IssuingAuthority",
                         "IsConformantTo", "Distribution"):
                if evidence.find(f"sdg:{name}", _NS) is None:
                    yield _f("R-EDM-RESP-S062", evidence, f"MainEvidence lacks sdg:{name}")
        if any(_classified(o, r, edm_scheme=False) for r in SUPPLEMENTARY_ROLES):
            forbidden = [
                el
                for name in ("IsAbout", "IssuingAuthority", "IsConformantTo", "ValidityPeriod",
                             "IssuingDate", "Distribution/sdg:ConformsTo")
                for el in evidence.iterfind(f"sdg:{name}", _NS)
            ]
            for el in forbidden:
                yield _f("R-EDM-RESP-S063", el, "a supplementary document must not carry "
                         f"sdg:{etree.QName(el).localname}")
            if not any(a.get("sourceObject") == o.get("id") for a in assocs):
                yield _f("R-EDM-RESP-S050", o, "a supplementary document must be the source "
                         "of an association")
    forward = {"Annex": ("R-EDM-RESP-S052", "R-EDM-RESP-S056"),
               "HumanReadableVersion": ("R-EDM-RESP-S053", "R-EDM-RESP-S057"),
               "Translation": ("R-EDM-RESP-S054", "R-EDM-RESP-S058")}
    reverse = {"Annex": "R-EDM-RESP-S059", "Translation": "R-EDM-RESP-S060",
               "HumanReadableVersion": "R-EDM-RESP-S061"}  # KNOWN-DEFECTS 2: numbers cross
    for a in assocs:
        src, tgt = a.get("sourceObject"), a.get("targetObject")
        if src is None:
            yield _f("R-EDM-RESP-S051", a, "association without sourceObject")
        if tgt is None:
            yield _f("R-EDM-RESP-S055", a, "association without targetObject")
        kind = (a.get("type") or "").removeprefix(EdmURI.ASSOCIATION_TYPE_PREFIX)
        source, target = by_id.get(src), by_id.get(tgt)
        if kind in forward:
            if source is None or not _classified(source, kind, edm_scheme=True):
                yield _f(forward[kind][0], a, f"the source of an {kind} association must be "
                         f"classified {kind}")
            if target is None or not _classified(target, MAIN_EVIDENCE, edm_scheme=True):
                yield _f(forward[kind][1], a, "the target of the association must be the "
                         "MainEvidence")
        if source is not None and target is not None and _classified(
            target, MAIN_EVIDENCE, edm_scheme=False
        ):
            for role, rule in reverse.items():
                if _classified(source, role, edm_scheme=False) and kind != role:
                    yield _f(rule, a, f"an association from a {role} to the MainEvidence "
                             f"must have type {EdmURI.ASSOCIATION_TYPE_PREFIX}{role}")


def check_response(root: etree._Element) -> Iterator[Finding]:
    """Evidence response checks (TDD 2.0.1 4.5.2 §2.6)."""
    yield from _spec(root, "R-EDM-RESP-C002")
    yield from _packages(root)


def check_error_response(root: etree._Element) -> Iterator[Finding]:
    """Error response checks (TDD 2.0.1 4.5.3)."""
    yield from _spec(root, "R-EDM-ERR-C001")
    for exc in root.findall(q(NS.RS, "Exception")):
        preview = _slot_text(exc, "PreviewLocation")
        if preview is not None:
            if severity_token(exc.get("severity") or "") != EdmURI.SEVERITY_PREVIEW_REQUIRED_V2:
                yield _f("R-EDM-ERR-C022", exc, "an exception with a PreviewLocation must have "
                         f"severity {EdmURI.SEVERITY_PREVIEW_REQUIRED_V2}")
            if not preview[1].startswith("https://"):
                yield _f("R-EDM-ERR-C019", preview[0], "PreviewLocation must be an https:// URL")
        for name in ("PreviewMethod", "PreviewDescription"):
            found = _slot_text(exc, name)
            if found is not None:
                yield _f("GW-EDM2-ERR-PREVIEW-SLOTS", found[0], f"{name} was dropped in v2.0; "
                         "preview and return use HTTP GET only (TDD 4.5.3, 4.9)")


def check_ebms_header(messaging: etree._Element) -> list[Finding]:
    """R-EDM-ebMS-017, -018, -037, -038 on an ``eb:Messaging`` header of a v2.0 message.

    The validation engine does not judge ebMS headers, so the AS4 layer calls this.
    """
    header, count = ExchangeHeader.from_messaging(messaging)
    out: list[Finding] = []
    if not is_uuid(header.conversation_id):
        out.append(_f("R-EDM-ebMS-017", messaging, "ConversationId must be a UUID",
                      Severity.FATAL))
    if count != 4:
        out.append(_f("R-EDM-ebMS-018", messaging, f"v2.0 requires 4 eb:Property elements "
                      f"(originalSender, finalRecipient, ExchangeId, SpecificationId), "
                      f"found {count}"))
    if header.exchange_id is None or not is_uuid(header.exchange_id):
        out.append(_f("R-EDM-ebMS-037", messaging, "ExchangeId must be present and a UUID",
                      Severity.FATAL))
    if header.specification_id != V2:
        # KNOWN-DEFECTS 1: the official assertion is this literal.
        out.append(_f("R-EDM-ebMS-038", messaging, f"SpecificationId must be {V2}"))
    return out


def register_v2_rules(validator: Validator) -> None:
    """Register the checks for the three evidence exchange kinds at ``oots-edm:v2.0``."""
    validator.register_project_rules(MessageKind.EVIDENCE_REQUEST, V2, check_request)
    validator.register_project_rules(MessageKind.EVIDENCE_RESPONSE, V2, check_response)
    validator.register_project_rules(
        MessageKind.EVIDENCE_ERROR_RESPONSE, V2, check_error_response
    )
