"""The ONE place that maps a :class:`~gateway.errors.GatewayError` to the wire.

=========================  ======================================================
error                      on the wire
=========================  ======================================================
``EbmsError``              SOAP 1.2 Fault + ``eb:Messaging/eb:SignalMessage/eb:Error``
                           (ebMS3 Core §6.2, §6.6); HTTP 400 when the peer is at
                           fault (``env:Sender``), 500 when we are (``env:Receiver``),
                           as the SOAP 1.2 HTTP binding (Part 2 §7.5.1.2) says
``EvidenceError``          problem+json with the EDM code; the application turns it
                           into an EDM error response carried back over AS4
``InvalidInput``,          400 problem+json with a readable message
``XmlRejected``
``BodyTooLarge``           413 problem+json (``Settings.max_message_bytes``)
``StoreUnavailable``       503 + ``Retry-After``, generic body
``ConfigurationError``,    500, generic body with an incident id (details only in
any other local error      the log)
anything else              500, generic body: a stack trace never reaches a peer
=========================  ======================================================

:func:`to_wire` is pure (``now`` and the ids are passed in); the web app's
exception handlers call it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree

from gateway.errors import (
    EbmsError,
    EdmErrorCode,
    EvidenceError,
    GatewayError,
    InvalidInput,
)
from gateway.namespaces import NS
from gateway.store.errors import StoreUnavailable
from gateway.web.limits import BodyTooLarge

__all__ = ["PROBLEM_JSON", "SOAP12_MEDIA_TYPE", "WireError", "ebms_fault", "to_wire"]

SOAP12_MEDIA_TYPE = "application/soap+xml; charset=utf-8"
"""SOAP 1.2 media type (RFC 3902)."""
PROBLEM_JSON = "application/problem+json"
"""RFC 9457 problem details."""

_EDM_HTTP_STATUS: dict[EdmErrorCode, int] = {
    EdmErrorCode.FAILED_AUTHENTICATION: 401,
    EdmErrorCode.MISSING_AUTHORIZATION: 403,
    EdmErrorCode.OBJECT_NOT_FOUND: 404,
    EdmErrorCode.TIMEOUT: 504,
    EdmErrorCode.UNSUPPORTED_CAPABILITY: 501,
}
"""EDM codes with a more precise HTTP status than 400 (remote) / 500 (local)."""


@dataclass(frozen=True, slots=True)
class WireError:
    """An error as it goes out: status, media type, body, extra headers."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _timestamp(now: datetime) -> str:
    # ebMS3 Core §5.2.2.2: xsd:dateTime in UTC, 'Z' designator
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def ebms_fault(error: EbmsError, *, now: datetime, message_id: str) -> bytes:
    """A SOAP 1.2 envelope with an ebMS3 error signal in the header and a Fault in the body.

    ebMS3 Core §6.2 (eb:Error attributes), §6.6 (error signal combined with a SOAP
    Fault). Local errors carry no ``eb:ErrorDetail``: internals never reach a peer.
    """
    env = etree.Element(_q(NS.SOAP12, "Envelope"), nsmap={"S12": NS.SOAP12, "eb": NS.EB})
    header = etree.SubElement(env, _q(NS.SOAP12, "Header"))
    messaging = etree.SubElement(header, _q(NS.EB, "Messaging"))
    messaging.set(_q(NS.SOAP12, "mustUnderstand"), "true")
    signal = etree.SubElement(messaging, _q(NS.EB, "SignalMessage"))
    info = etree.SubElement(signal, _q(NS.EB, "MessageInfo"))
    etree.SubElement(info, _q(NS.EB, "Timestamp")).text = _timestamp(now)
    etree.SubElement(info, _q(NS.EB, "MessageId")).text = message_id
    if error.ref_to_message_id:
        etree.SubElement(info, _q(NS.EB, "RefToMessageId")).text = error.ref_to_message_id
    eb_error = etree.SubElement(signal, _q(NS.EB, "Error"))
    eb_error.set("origin", "security" if error.security else "ebMS")
    eb_error.set("category", error.category)
    eb_error.set("errorCode", error.ebms_code.value)
    eb_error.set("severity", error.severity)
    eb_error.set("shortDescription", error.ebms_code.short_name)
    if error.ref_to_message_id:
        eb_error.set("refToMessageInError", error.ref_to_message_id)
    description = etree.SubElement(eb_error, _q(NS.EB, "Description"))
    description.set(_q(NS.XML, "lang"), "en")
    description.text = error.message if error.is_remote else "internal processing error"
    if error.is_remote and error.detail:
        etree.SubElement(eb_error, _q(NS.EB, "ErrorDetail")).text = error.detail
    body = etree.SubElement(env, _q(NS.SOAP12, "Body"))
    fault = etree.SubElement(body, _q(NS.SOAP12, "Fault"))
    code = etree.SubElement(fault, _q(NS.SOAP12, "Code"))
    etree.SubElement(code, _q(NS.SOAP12, "Value")).text = (
        "S12:Sender" if error.is_remote else "S12:Receiver"
    )
    reason = etree.SubElement(fault, _q(NS.SOAP12, "Reason"))
    text = etree.SubElement(reason, _q(NS.SOAP12, "Text"))
    text.set(_q(NS.XML, "lang"), "en")
    text.text = f"{error.ebms_code.value} {error.ebms_code.short_name}"
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))


def _problem(status: int, title: str, **members: str | None) -> WireError:
    doc: dict[str, object] = {"type": "about:blank", "title": title, "status": status}
    doc.update({k: v for k, v in members.items() if v is not None})
    return WireError(status, PROBLEM_JSON, json.dumps(doc, ensure_ascii=False).encode())


def _generic(status: int, incident: str) -> WireError:
    return _problem(
        status,
        "Internal error" if status == 500 else "Service unavailable",
        detail=f"the gateway could not process the request; incident {incident} is logged",
        incident=incident,
    )


def to_wire(exc: BaseException, *, now: datetime, message_id: str, incident: str) -> WireError:
    """Map any exception to what the client sees (see the module table)."""
    if isinstance(exc, EbmsError):
        status = 400 if exc.is_remote else 500
        return WireError(status, SOAP12_MEDIA_TYPE, ebms_fault(exc, now=now, message_id=message_id))
    if isinstance(exc, StoreUnavailable):
        wire = _generic(503, incident)
        return WireError(wire.status, wire.media_type, wire.body, {"Retry-After": "5"})
    if not isinstance(exc, GatewayError) or not exc.is_remote:
        return _generic(500, incident)
    if isinstance(exc, EvidenceError):
        status = _EDM_HTTP_STATUS.get(exc.edm_code, 400) if exc.edm_code else 400
        return _problem(
            status, "Evidence request refused", detail=exc.message, code=exc.code, field=exc.field
        )
    title = "Invalid input" if isinstance(exc, InvalidInput) else "Request refused"
    detail = exc.message if not exc.detail else f"{exc.message} ({exc.detail})"
    status = 413 if isinstance(exc, BodyTooLarge) else 400
    return _problem(status, title, detail=detail, code=exc.code)
