"""gateway.web.errors.to_wire, the one error-to-wire mapping, without a server."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from gateway.errors import (
    ConfigurationError,
    EbmsError,
    EbmsErrorCode,
    EdmErrorCode,
    EvidenceError,
    InvalidInput,
    Origin,
    XmlRejected,
)
from gateway.namespaces import NS
from gateway.store.errors import IllegalTransition, StoreUnavailable
from gateway.web.errors import PROBLEM_JSON, SOAP12_MEDIA_TYPE, to_wire
from gateway.web.limits import BodyTooLarge
from gateway.xml import parse_xml

NOW = datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=UTC)
NS_MAP = {"S12": NS.SOAP12, "eb": NS.EB}


def _wire(exc: BaseException):  # type: ignore[no-untyped-def]
    return to_wire(exc, now=NOW, message_id="err-1@DE-OOTS-GW", incident="inc42")


@pytest.mark.parametrize("code", list(EbmsErrorCode))
def test_every_ebms_code_becomes_a_signal_with_the_spec_attributes(code: EbmsErrorCode) -> None:
    wire = _wire(EbmsError("peer sent nonsense", ebms_code=code, ref_to_message_id="m@nl"))
    assert wire.status == 400 and wire.media_type == SOAP12_MEDIA_TYPE
    root = parse_xml(wire.body)
    info = root.find("S12:Header/eb:Messaging/eb:SignalMessage/eb:MessageInfo", NS_MAP)
    assert info is not None
    assert info.findtext("eb:Timestamp", namespaces=NS_MAP) == "2026-12-01T09:30:15.123Z"
    assert info.findtext("eb:MessageId", namespaces=NS_MAP) == "err-1@DE-OOTS-GW"
    [err] = root.findall(".//eb:Error", NS_MAP)
    assert err.get("errorCode") == code.value
    assert err.get("shortDescription") == code.short_name
    assert err.get("severity") == code.info.severity
    assert err.get("category") == code.info.category
    assert err.findtext("eb:Description", namespaces=NS_MAP) == "peer sent nonsense"
    messaging = root.find("S12:Header/eb:Messaging", NS_MAP)
    assert messaging is not None and messaging.get(f"{{{NS.SOAP12}}}mustUnderstand") == "true"


def test_ebms_error_without_reference_has_no_ref_elements() -> None:
    root = parse_xml(_wire(EbmsError("x", ebms_code=EbmsErrorCode.INVALID_HEADER)).body)
    assert root.find(".//eb:RefToMessageId", NS_MAP) is None
    [err] = root.findall(".//eb:Error", NS_MAP)
    assert "refToMessageInError" not in err.attrib


def test_local_ebms_error_hides_message_and_detail() -> None:
    wire = _wire(EbmsError("key file /etc/x", origin=Origin.LOCAL, detail="/etc/x"))
    assert wire.status == 500 and b"/etc/x" not in wire.body
    root = parse_xml(wire.body)
    assert root.findtext(".//S12:Value", namespaces=NS_MAP) == "S12:Receiver"


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (InvalidInput("bad", detail="why"), 400, "GW:INVALID-INPUT"),
        (XmlRejected("DTD refused"), 400, "GW:XML-REJECTED"),
        (BodyTooLarge("too big"), 413, "GW:BODY-TOO-LARGE"),
        (EvidenceError("nope"), 400, "EDM:ERR:0003"),
        (EvidenceError("who?", edm_code=EdmErrorCode.FAILED_AUTHENTICATION), 401, "EDM:ERR:0001"),
        (EvidenceError("late", edm_code=EdmErrorCode.TIMEOUT), 504, "EDM:ERR:0005"),
    ],
)
def test_remote_errors_are_readable_problems(exc: Exception, status: int, code: str) -> None:
    wire = _wire(exc)
    assert wire.status == status and wire.media_type == PROBLEM_JSON
    body = json.loads(wire.body)
    assert body["status"] == status and body["code"] == code and body["detail"]


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (ConfigurationError("secret path"), 500),
        (EvidenceError("secret", origin=Origin.LOCAL), 500),
        (IllegalTransition("secret"), 500),
        (ValueError("secret"), 500),
        (StoreUnavailable("secret"), 503),
    ],
)
def test_local_errors_are_generic(exc: Exception, status: int) -> None:
    wire = _wire(exc)
    assert wire.status == status and b"secret" not in wire.body
    assert json.loads(wire.body)["incident"] == "inc42"
