"""Serialise the ebMS3 models into ``eb:Messaging`` content (strict writing).

Element order follows the ebMS3 header schema (``ebms-header-3_0-200704.xsd``):
MessageInfo, PartyInfo, CollaborationInfo, MessageProperties, PayloadInfo for a
UserMessage; MessageInfo, PullRequest, Receipt, Error for a SignalMessage.
"""

from __future__ import annotations

from lxml import etree

from gateway.ebms._model import (
    MessageInfo,
    PartInfo,
    Party,
    Property,
    UserMessage,
    format_timestamp,
)
from gateway.ebms._signal_model import NriReference, SignalError, SignalMessage
from gateway.namespaces import NS, Algorithm

__all__ = ["messaging_element"]

_EC = Algorithm.EXC_C14N.value  # namespace of ec:InclusiveNamespaces (exc-c14n §3)


def _q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


def _sub(parent: etree._Element, local: str, text: str | None = None,
         ns: str = NS.EB) -> etree._Element:
    el = etree.SubElement(parent, _q(ns, local))
    if text is not None:
        el.text = text
    return el


def _message_info(parent: etree._Element, info: MessageInfo) -> None:
    mi = _sub(parent, "MessageInfo")
    _sub(mi, "Timestamp", format_timestamp(info.timestamp))
    _sub(mi, "MessageId", info.message_id)
    if info.ref_to_message_id is not None:
        _sub(mi, "RefToMessageId", info.ref_to_message_id)


def _party(parent: etree._Element, local: str, party: Party) -> None:
    el = _sub(parent, local)
    for pid in party.party_ids:
        p = _sub(el, "PartyId", pid.value)
        if pid.type is not None:
            p.set("type", pid.type)
    _sub(el, "Role", party.role)


def _properties(parent: etree._Element, props: tuple[Property, ...]) -> None:
    for prop in props:
        p = _sub(parent, "Property", prop.value)
        p.set("name", prop.name)
        if prop.type is not None:
            p.set("type", prop.type)


def _part_info(parent: etree._Element, part: PartInfo) -> None:
    el = _sub(parent, "PartInfo")
    if part.href is not None:
        el.set("href", part.href)
    if part.properties:
        _properties(_sub(el, "PartProperties"), part.properties)


def _user_message(parent: etree._Element, um: UserMessage) -> None:
    el = _sub(parent, "UserMessage")
    if um.mpc is not None:
        el.set("mpc", um.mpc)
    _message_info(el, um.message_info)
    pi = _sub(el, "PartyInfo")
    _party(pi, "From", um.from_party)
    _party(pi, "To", um.to_party)
    ci = _sub(el, "CollaborationInfo")
    collab = um.collaboration_info
    if collab.agreement_ref is not None:
        ar = _sub(ci, "AgreementRef", collab.agreement_ref.value)
        if collab.agreement_ref.type is not None:
            ar.set("type", collab.agreement_ref.type)
        if collab.agreement_ref.pmode is not None:
            ar.set("pmode", collab.agreement_ref.pmode)
    svc = _sub(ci, "Service", collab.service.value)
    if collab.service.type is not None:
        svc.set("type", collab.service.type)
    _sub(ci, "Action", collab.action)
    _sub(ci, "ConversationId", collab.conversation_id)
    if um.message_properties:
        _properties(_sub(el, "MessageProperties"), um.message_properties)
    if um.payloads:
        pl = _sub(el, "PayloadInfo")
        for part in um.payloads:
            _part_info(pl, part)


def nri_reference_element(parent: etree._Element, ref: NriReference) -> None:
    """Append a ``ds:Reference`` copy (XML-DSig §4.4.3 structure) under ``parent``."""
    el = _sub(parent, "Reference", ns=NS.DS)
    el.set("URI", ref.uri)
    if ref.transforms:
        ts = _sub(el, "Transforms", ns=NS.DS)
        for t in ref.transforms:
            te = _sub(ts, "Transform", ns=NS.DS)
            te.set("Algorithm", t.algorithm)
            if t.inclusive_prefixes is not None:
                inc = _sub(te, "InclusiveNamespaces", ns=_EC)
                inc.set("PrefixList", " ".join(t.inclusive_prefixes))
    dm = _sub(el, "DigestMethod", ns=NS.DS)
    dm.set("Algorithm", ref.digest_method)
    _sub(el, "DigestValue", ref.digest_b64, ns=NS.DS)


def _error(parent: etree._Element, err: SignalError) -> None:
    el = _sub(parent, "Error")
    # ebMS3 Core §6.2: attribute set of eb:Error
    el.set("errorCode", err.error_code)
    el.set("severity", err.severity)
    if err.category is not None:
        el.set("category", err.category)
    if err.origin is not None:
        el.set("origin", err.origin)
    if err.ref_to_message_in_error is not None:
        el.set("refToMessageInError", err.ref_to_message_in_error)
    if err.short_description is not None:
        el.set("shortDescription", err.short_description)
    if err.description is not None:
        d = _sub(el, "Description", err.description)
        if err.description_lang:
            d.set(_q(NS.XML, "lang"), err.description_lang)
    if err.error_detail is not None:
        _sub(el, "ErrorDetail", err.error_detail)


def _signal_message(parent: etree._Element, sm: SignalMessage) -> None:
    el = _sub(parent, "SignalMessage")
    _message_info(el, sm.message_info)
    if sm.pull_request is not None:
        pr = _sub(el, "PullRequest")
        if sm.pull_request.mpc is not None:
            pr.set("mpc", sm.pull_request.mpc)
    if sm.receipt is not None:
        rc = _sub(el, "Receipt")
        if sm.receipt.non_repudiation:
            nri = _sub(rc, "NonRepudiationInformation", ns=NS.EBBP)
            for ref in sm.receipt.references:
                part = _sub(nri, "MessagePartNRInformation", ns=NS.EBBP)
                nri_reference_element(part, ref)
    for err in sm.errors:
        _error(el, err)


def messaging_element(
    message: UserMessage | SignalMessage,
    *,
    messaging_id: str,
    soap_ns: str = NS.SOAP12,
) -> etree._Element:
    """``eb:Messaging`` with ``wsu:Id`` and ``S12:mustUnderstand="true"`` (AS4 §5.1.1)."""
    el = etree.Element(
        _q(NS.EB, "Messaging"),
        nsmap={"eb": NS.EB, "wsu": NS.WSU, "S12": soap_ns},
    )
    el.set(_q(soap_ns, "mustUnderstand"), "true")
    el.set(_q(NS.WSU, "Id"), messaging_id)
    if isinstance(message, UserMessage):
        _user_message(el, message)
    elif isinstance(message, SignalMessage):
        _signal_message(el, message)
    else:  # pragma: no cover - typing guards this
        raise TypeError(f"cannot serialise {type(message).__name__}")
    return el
