"""Evidence error response: ``query:QueryResponse`` status Failure with one ``rs:Exception``.

TDD 4.5.3 and EDM-ERR-S/C.sch (v1.0): slots SpecificationIdentifier,
EvidenceResponseIdentifier, ErrorProvider (``sdg:Agent``), EvidenceRequester; no
``rim:RegistryObjectList`` (R-EDM-ERR-S07); exactly one ``rs:Exception``
(R-EDM-ERR-C011) whose ``xsi:type``, ``code`` and ``message`` come from the
``EDMErrorCodes`` list (:class:`~gateway.errors.EdmErrorCode`), with a ``Timestamp`` slot
(S12). EDM:ERR:0002 "preview required" adds ``PreviewLocation`` with the
``...:EDMErrorResponse:PreviewRequired`` severity (R-EDM-ERR-C022); v1.0 also knows
``PreviewDescription`` (InternationalString; upper-case languages, EDM 1.0
KNOWN-DEFECTS 3) and ``PreviewMethod`` (GET/POST, C021), both dropped in v2.0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from gateway.errors import EdmErrorCode, Origin
from gateway.evidence.edm import _checks
from gateway.evidence.edm._regrep import (
    XSI_TYPE,
    LocalizedString,
    SlotReader,
    add_any_slot,
    add_datetime_slot,
    add_international_string_slot,
    add_string_slot,
    child_elements,
    parse_edm_xml,
    q,
    xsi_type,
)
from gateway.evidence.edm._sdg import Agent, SdgContext, build_agent, parse_agent, sdg
from gateway.evidence.edm.versions import EdmVersion, read_version
from gateway.namespaces import NS, CommonServicesURI, nsmap

__all__ = ["EdmException", "EvidenceErrorResponse", "build_error_response", "parse_error_response"]

_CODE = EdmErrorCode.INVALID_REQUEST
_SLOTS = (
    "SpecificationIdentifier",
    "EvidenceResponseIdentifier",
    "IssueDateTime",
    "ErrorProvider",
    "EvidenceRequester",
)
_EXC_SLOTS = ("Timestamp", "PreviewLocation", "PreviewDescription", "PreviewMethod")


@dataclass(frozen=True, slots=True)
class EdmException:
    """The ``rs:Exception`` of an error response."""

    code: EdmErrorCode
    timestamp: datetime
    detail: str | None = None
    message: str | None = None
    """None means the code list's fixed text (:attr:`EdmErrorCode.message`)."""
    severity: str = CommonServicesURI.SEVERITY_ERROR
    preview_location: str | None = None
    preview_description: tuple[LocalizedString, ...] = ()
    """v1.0 only."""
    preview_method: str | None = None
    """v1.0 only: ``GET`` or ``POST``."""

    @property
    def effective_message(self) -> str:
        """The ``message`` attribute as sent."""
        return self.message if self.message is not None else self.code.message

    @classmethod
    def preview_required(
        cls,
        version: EdmVersion,
        *,
        timestamp: datetime,
        preview_location: str,
        detail: str | None = None,
        preview_description: tuple[LocalizedString, ...] = (),
        preview_method: str | None = None,
    ) -> EdmException:
        """The EDM:ERR:0002 authorization exception asking for a preview."""
        return cls(
            code=EdmErrorCode.MISSING_AUTHORIZATION,
            timestamp=timestamp,
            detail=detail,
            severity=version.preview_required_severity,
            preview_location=preview_location,
            preview_description=preview_description,
            preview_method=preview_method,
        )


@dataclass(frozen=True, slots=True)
class EvidenceErrorResponse:
    """An evidence error response."""

    version: EdmVersion
    request_id: str | None
    """May be absent only for an InvalidRequestException (R-EDM-ERR-S003)."""
    response_id: str
    error_provider: Agent
    exception: EdmException
    requester: Agent | None = None
    issue_datetime: datetime | None = None


def build_error_response_element(resp: EvidenceErrorResponse) -> etree._Element:
    """Check ``resp`` and build the ``query:QueryResponse`` element."""
    ctx = SdgContext(_CODE, Origin.LOCAL)
    _check(resp, ctx)
    root = etree.Element(q(NS.QUERY, "QueryResponse"), nsmap=nsmap("query", "rim", "rs", "sdg",
                                                                   "xsi", "xlink"))
    if resp.request_id is not None:
        root.set("requestId", resp.request_id)
    root.set("status", CommonServicesURI.STATUS_FAILURE)
    add_string_slot(root, "SpecificationIdentifier", resp.version.value)
    add_string_slot(root, "EvidenceResponseIdentifier", resp.response_id)
    if resp.issue_datetime is not None:
        add_datetime_slot(root, "IssueDateTime", resp.issue_datetime)
    add_any_slot(root, "ErrorProvider", build_agent(None, resp.error_provider))
    if resp.requester is not None:
        add_any_slot(root, "EvidenceRequester", build_agent(None, resp.requester))
    exc = resp.exception
    el = etree.SubElement(root, q(NS.RS, "Exception"))
    el.set(XSI_TYPE, exc.code.exception_type)
    el.set("severity", exc.severity)
    el.set("message", exc.effective_message)
    if exc.detail is not None:
        el.set("detail", exc.detail)
    el.set("code", exc.code.value)
    add_datetime_slot(el, "Timestamp", exc.timestamp)
    if exc.preview_location is not None:
        add_string_slot(el, "PreviewLocation", exc.preview_location)
    if exc.preview_description:
        add_international_string_slot(el, "PreviewDescription", exc.preview_description)
    if exc.preview_method is not None:
        add_string_slot(el, "PreviewMethod", exc.preview_method)
    return root


def build_error_response(resp: EvidenceErrorResponse) -> bytes:
    """Serialise an error response (UTF-8, with XML declaration)."""
    return etree.tostring(
        build_error_response_element(resp), xml_declaration=True, encoding="UTF-8"
    )


def _check(resp: EvidenceErrorResponse, ctx: SdgContext) -> None:
    _checks.check_error_response(resp, ctx)
    if resp.request_id is None and resp.exception.code is not EdmErrorCode.INVALID_REQUEST:
        raise ctx.error("requestId may only be omitted for EDM:ERR:0003 (R-EDM-ERR-S003)",
                        field="request_id")


def parse_error_response(data: bytes) -> EvidenceErrorResponse:
    """Read an error response; refusals are :class:`EvidenceError`."""
    root = parse_edm_xml(data, what="evidence error response")
    return parse_error_response_element(root)


def parse_error_response_element(root: etree._Element) -> EvidenceErrorResponse:
    """Read a parsed ``query:QueryResponse`` with status Failure."""
    ctx = SdgContext(_CODE, Origin.REMOTE)
    if root.tag != q(NS.QUERY, "QueryResponse"):
        raise ctx.error(f"root element must be query:QueryResponse, found {root.tag}",
                        field="root")
    version = read_version(root)
    if root.get("status") != CommonServicesURI.STATUS_FAILURE:
        raise ctx.error(f"status {root.get('status')!r} is not Failure (R-EDM-ERR-S06)",
                        field="status")
    kids = child_elements(root)
    if any(c.tag == q(NS.RIM, "RegistryObjectList") for c in kids):
        raise ctx.error("an error response has no rim:RegistryObjectList (R-EDM-ERR-S07)",
                        field="RegistryObjectList")
    excs = [c for c in kids if c.tag == q(NS.RS, "Exception")]
    if len(excs) != 1:
        raise ctx.error(f"an error response holds one rs:Exception, found {len(excs)} "
                        "(R-EDM-ERR-C011)", field="Exception")
    slots = SlotReader(root, code=_CODE, where="query:QueryResponse")
    slots.refuse_others(_SLOTS)
    provider = _agent(slots.any("ErrorProvider"), ctx)
    requester_el = slots.any("EvidenceRequester", required=False)
    response_id = slots.string("EvidenceResponseIdentifier")
    assert response_id is not None
    resp = EvidenceErrorResponse(
        version=version,
        request_id=root.get("requestId"),
        response_id=response_id,
        error_provider=parse_agent(provider, ctx),
        requester=None if requester_el is None else parse_agent(_agent(requester_el, ctx), ctx),
        issue_datetime=slots.datetime("IssueDateTime", required=False),
        exception=_parse_exception(excs[0], ctx),
    )
    _check(resp, ctx)
    return resp


def _parse_exception(el: etree._Element, ctx: SdgContext) -> EdmException:
    raw_code = el.get("code")
    try:
        code = EdmErrorCode(raw_code)
    except ValueError as exc:
        raise ctx.error(f"rs:Exception code {raw_code!r} is not an EDM error code "
                        "(R-EDM-ERR-C017, C026)", field="Exception/@code") from exc
    found = xsi_type(el)
    expected = code.exception_type.split(":", 1)[1]
    if found != expected:
        raise ctx.error(f"{code.value} travels in {code.exception_type}, not {found!r} "
                        "(EDMErrorCodes)", field="Exception/@xsi:type")
    severity = el.get("severity")
    if severity is None:
        raise ctx.error(
            "rs:Exception has no severity (R-EDM-ERR-C014)", field="Exception/@severity"
        )
    slots = SlotReader(el, code=_CODE, where="rs:Exception")
    slots.refuse_others(_EXC_SLOTS)
    timestamp = slots.datetime("Timestamp")  # R-EDM-ERR-S12
    assert timestamp is not None
    message = el.get("message")
    if message is None:
        raise ctx.error("rs:Exception has no message (R-EDM-ERR-C016)", field="Exception/@message")
    return EdmException(
        code=code,
        timestamp=timestamp,
        detail=el.get("detail"),
        message=None if message == code.message else message,
        severity=severity,
        preview_location=slots.string("PreviewLocation", required=False),
        preview_description=slots.international_string("PreviewDescription", required=False)
        or (),
        preview_method=slots.string("PreviewMethod", required=False),
    )


def _agent(element: etree._Element | None, ctx: SdgContext) -> etree._Element:
    if element is None or element.tag != sdg("Agent"):
        raise ctx.error("expected sdg:Agent (R-EDM-ERR-S026)", field="Agent")
    return element
