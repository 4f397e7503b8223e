"""Read ``eb:Messaging`` content into the typed models (lenient reading).

Namespace URIs are bound, never prefixes (peers and the Domibus WS plugin use
``eb``, ``eb3``, ``ns``, ``ns5``...). Leniency, each seen in real messages:

- surrounding whitespace in element text and attributes is trimmed;
- ``severity="Failure"`` is read as ``failure`` (kit KNOWN-DEFECTS 13);
- an empty ``refToMessageInError=""`` is read as absent (KNOWN-DEFECTS 14);
- a Timestamp without a zone offset is read as UTC; any fraction length.

Anything the schema requires but is missing or malformed raises
``EBMS:0009 InvalidHeader`` (ebMS3 Core §6.7.1) from the remote side, naming the field.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from lxml import etree

from gateway.ebms._model import (
    AgreementRef,
    CollaborationInfo,
    InvalidEbmsValue,
    MessageInfo,
    PartInfo,
    Party,
    PartyId,
    Property,
    Service,
    UserMessage,
)
from gateway.ebms._signal_model import (
    NriReference,
    NriTransform,
    PullRequest,
    Receipt,
    SignalError,
    SignalMessage,
    _b64,
)
from gateway.errors import EbmsErrorCode, Origin
from gateway.namespaces import NS, Algorithm

__all__ = ["read_messaging", "read_nri_reference"]

_EC = Algorithm.EXC_C14N.value
_TS = re.compile(
    r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$"
)


def _q(local: str, ns: str = NS.EB) -> str:
    return f"{{{ns}}}{local}"


def _fail(message: str, field: str, ref: str | None = None) -> InvalidEbmsValue:
    return InvalidEbmsValue(message, field=field, origin=Origin.REMOTE, ref_to_message_id=ref)


def _children(el: etree._Element, local: str, ns: str = NS.EB) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str) and c.tag == _q(local, ns)]


def _one(el: etree._Element, local: str, field: str, ns: str = NS.EB,
         required: bool = True) -> etree._Element | None:
    found = _children(el, local, ns)
    if len(found) > 1:
        raise _fail(f"{local} appears {len(found)} times", field)
    if not found:
        if required:
            raise _fail(f"{local} is missing", field)
        return None
    return found[0]


def _text(el: etree._Element | None, field: str, required: bool = True) -> str | None:
    if el is None:
        if required:
            raise _fail("is missing", field)
        return None
    value = "".join(str(t) for t in el.itertext()).strip()
    if not value and required:
        raise _fail("is empty", field)
    return value or None


def _req_text(el: etree._Element | None, field: str) -> str:
    value = _text(el, field)
    assert value is not None
    return value


def _attr(el: etree._Element, name: str) -> str | None:
    value = el.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _timestamp(text: str, field: str) -> datetime:
    m = _TS.match(text)
    if not m:
        raise _fail(f"{text!r} is not an xsd:dateTime", field)
    frac = (m.group(2) or ".0")[1:7].ljust(6, "0")
    try:
        base = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
    except ValueError as exc:
        raise _fail(f"{text!r} is not a valid date/time", field) from exc
    zone = m.group(3)
    ts = base.replace(microsecond=int(frac))
    if zone in (None, "Z"):
        return ts.replace(tzinfo=UTC)
    try:
        aware = datetime.fromisoformat(f"{m.group(1)}{zone}")
        return aware.replace(microsecond=int(frac)).astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise _fail(f"{text!r} is out of range", field) from exc


def _message_info(parent: etree._Element, where: str) -> MessageInfo:
    mi = _one(parent, "MessageInfo", f"{where}.MessageInfo")
    assert mi is not None
    mid = _req_text(_one(mi, "MessageId", "MessageInfo.MessageId"), "MessageInfo.MessageId")
    ts_text = _req_text(_one(mi, "Timestamp", "MessageInfo.Timestamp"), "MessageInfo.Timestamp")
    ref = _text(_one(mi, "RefToMessageId", "MessageInfo.RefToMessageId", required=False),
                "MessageInfo.RefToMessageId", required=False)
    return MessageInfo(
        message_id=mid, timestamp=_timestamp(ts_text, "MessageInfo.Timestamp"),
        ref_to_message_id=ref,
    )


def _party(parent: etree._Element, local: str) -> Party:
    el = _one(parent, local, f"PartyInfo.{local}")
    assert el is not None
    ids = tuple(
        PartyId(_req_text(p, f"PartyInfo.{local}.PartyId"), _attr(p, "type"))
        for p in _children(el, "PartyId")
    )
    if not ids:
        raise _fail("at least one PartyId is required", f"PartyInfo.{local}.PartyId")
    role = _req_text(_one(el, "Role", f"PartyInfo.{local}.Role"), f"PartyInfo.{local}.Role")
    return Party(ids, role)


def _properties(parent: etree._Element | None, where: str) -> tuple[Property, ...]:
    if parent is None:
        return ()
    out: list[Property] = []
    for p in _children(parent, "Property"):
        name = _attr(p, "name")
        if name is None:
            raise _fail("Property without @name", where)
        out.append(Property(name, "".join(str(t) for t in p.itertext()).strip(), _attr(p, "type")))
    return tuple(out)


def _user_message(el: etree._Element) -> UserMessage:
    info = _message_info(el, "UserMessage")
    try:
        pi = _one(el, "PartyInfo", "UserMessage.PartyInfo")
        assert pi is not None
        ci = _one(el, "CollaborationInfo", "UserMessage.CollaborationInfo")
        assert ci is not None
        ar_el = _one(ci, "AgreementRef", "CollaborationInfo.AgreementRef", required=False)
        agreement = None
        if ar_el is not None:
            agreement = AgreementRef(
                _req_text(ar_el, "CollaborationInfo.AgreementRef"),
                _attr(ar_el, "type"), _attr(ar_el, "pmode"),
            )
        svc = _one(ci, "Service", "CollaborationInfo.Service")
        assert svc is not None
        collab = CollaborationInfo(
            service=Service(_req_text(svc, "CollaborationInfo.Service"), _attr(svc, "type")),
            action=_req_text(_one(ci, "Action", "CollaborationInfo.Action"),
                             "CollaborationInfo.Action"),
            conversation_id=_req_text(
                _one(ci, "ConversationId", "CollaborationInfo.ConversationId"),
                "CollaborationInfo.ConversationId",
            ),
            agreement_ref=agreement,
        )
        mp = _one(el, "MessageProperties", "UserMessage.MessageProperties", required=False)
        payloads: list[PartInfo] = []
        pl = _one(el, "PayloadInfo", "UserMessage.PayloadInfo", required=False)
        for part in _children(pl, "PartInfo") if pl is not None else []:
            pp = _one(part, "PartProperties", "PartInfo.PartProperties", required=False)
            payloads.append(PartInfo(_attr(part, "href"), _properties(pp, "PartProperties")))
        known = {_q(n) for n in ("MessageInfo", "PartyInfo", "CollaborationInfo",
                                 "MessageProperties", "PayloadInfo")}
        extra = tuple(str(c.tag) for c in el if isinstance(c.tag, str) and c.tag not in known)
        return UserMessage(
            message_info=info,
            from_party=_party(pi, "From"),
            to_party=_party(pi, "To"),
            collaboration_info=collab,
            message_properties=_properties(mp, "MessageProperties"),
            payloads=tuple(payloads),
            mpc=_attr(el, "mpc"),
            extra=extra,
        )
    except InvalidEbmsValue as exc:
        raise _fail(exc.message.split(": ", 1)[-1], exc.field, info.message_id) from exc


def read_nri_reference(ref: etree._Element) -> NriReference:
    """A ``ds:Reference`` element (in NRI or in a ``ds:SignedInfo``) as :class:`NriReference`."""
    transforms: list[NriTransform] = []
    ts = _one(ref, "Transforms", "ds:Reference.Transforms", ns=NS.DS, required=False)
    for t in _children(ts, "Transform", NS.DS) if ts is not None else []:
        alg = _attr(t, "Algorithm")
        if alg is None:
            raise _fail("ds:Transform without @Algorithm", "ds:Transform@Algorithm")
        inc = _one(t, "InclusiveNamespaces", "ds:Transform", ns=_EC, required=False)
        prefixes = None
        if inc is not None:
            prefixes = tuple((inc.get("PrefixList") or "").split())
        transforms.append(NriTransform(alg, prefixes))
    dm = _one(ref, "DigestMethod", "ds:DigestMethod", ns=NS.DS)
    assert dm is not None
    method = _attr(dm, "Algorithm")
    if method is None:
        raise _fail("is missing", "ds:DigestMethod@Algorithm")
    value = _req_text(_one(ref, "DigestValue", "ds:DigestValue", ns=NS.DS), "ds:DigestValue")
    return NriReference(uri=ref.get("URI", ""), digest_method=method,
                        digest_value=_b64(value), transforms=tuple(transforms))


def _receipt(el: etree._Element) -> Receipt:
    refs: list[NriReference] = []
    other: list[str] = []
    nri_found = False
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.tag == _q("NonRepudiationInformation", NS.EBBP):
            nri_found = True
            for part in _children(child, "MessagePartNRInformation", NS.EBBP):
                found = _children(part, "Reference", NS.DS)
                if len(found) != 1:
                    # ebBP signals 2.0: each MessagePartNRInformation holds one ds:Reference
                    names = [str(c.tag) for c in part if isinstance(c.tag, str)]
                    raise InvalidEbmsValue(
                        f"MessagePartNRInformation holds {names or 'nothing'} instead of "
                        "one ds:Reference (wrong namespace?)",
                        field="Receipt.NonRepudiationInformation",
                        ebms_code=EbmsErrorCode.INVALID_RECEIPT, origin=Origin.REMOTE,
                    )
                refs.append(read_nri_reference(found[0]))
        else:
            other.append(str(child.tag))
    if nri_found and not refs:
        raise InvalidEbmsValue("NonRepudiationInformation lists no MessagePartNRInformation",
                               field="Receipt.NonRepudiationInformation",
                               ebms_code=EbmsErrorCode.INVALID_RECEIPT, origin=Origin.REMOTE)
    return Receipt(references=tuple(refs), non_repudiation=nri_found, other_content=tuple(other))


def _error(el: etree._Element) -> SignalError:
    code = _attr(el, "errorCode")
    if code is None:
        raise _fail("is missing", "Error@errorCode")
    severity = (_attr(el, "severity") or "").lower()
    desc = _one(el, "Description", "Error.Description", required=False)
    return SignalError(
        error_code=code,
        severity=severity,
        category=_attr(el, "category"),
        origin=_attr(el, "origin"),
        ref_to_message_in_error=_attr(el, "refToMessageInError"),
        short_description=_attr(el, "shortDescription"),
        description=_text(desc, "Error.Description", required=False),
        description_lang=(desc.get(f"{{{NS.XML}}}lang") or None) if desc is not None else None,
        error_detail=_text(_one(el, "ErrorDetail", "Error.ErrorDetail", required=False),
                           "Error.ErrorDetail", required=False),
    )


def _signal_message(el: etree._Element) -> SignalMessage:
    info = _message_info(el, "SignalMessage")
    try:
        pr_el = _one(el, "PullRequest", "SignalMessage.PullRequest", required=False)
        rc_el = _one(el, "Receipt", "SignalMessage.Receipt", required=False)
        return SignalMessage(
            message_info=info,
            pull_request=PullRequest(_attr(pr_el, "mpc")) if pr_el is not None else None,
            receipt=_receipt(rc_el) if rc_el is not None else None,
            errors=tuple(_error(e) for e in _children(el, "Error")),
        )
    except InvalidEbmsValue as exc:
        raise InvalidEbmsValue(exc.message.split(": ", 1)[-1], field=exc.field,
                               ebms_code=exc.ebms_code, origin=Origin.REMOTE,
                               ref_to_message_id=info.message_id) from exc


def read_messaging(
    messaging: etree._Element,
) -> tuple[tuple[UserMessage, ...], tuple[SignalMessage, ...]]:
    """All UserMessages and SignalMessages of one ``eb:Messaging`` element, in order."""
    if messaging.tag != _q("Messaging"):
        raise _fail(f"expected eb:Messaging, found {messaging.tag}", "Messaging")
    users = tuple(_user_message(u) for u in _children(messaging, "UserMessage"))
    signals = tuple(_signal_message(s) for s in _children(messaging, "SignalMessage"))
    if not users and not signals:
        raise _fail("holds neither a UserMessage nor a SignalMessage", "Messaging")
    return users, signals

