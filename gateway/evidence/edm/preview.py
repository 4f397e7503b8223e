"""The preview sequence (TDD 2.0.1 4.9; kit ``oots-tdd-2.0/README.md``, item 6).

1. First request: ``PossibilityForPreview`` true, a new ``ExchangeId``, no
   ``PreviewLocation``/``ReturnLocation``.
2. The provider answers EDM:ERR:0002 with the PreviewRequired severity and a
   ``PreviewLocation`` (https).
3. Second request, same exchange: same ``ExchangeId`` and ``ConversationId``, the received
   URL copied into ``PreviewLocation`` and (v2.0) a requester-side ``ReturnLocation``.
   In v1.x the return address was appended to the PreviewLocation URL instead of a slot.
4. The provider answers the second request with the evidence the user approved.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from gateway.errors import EdmErrorCode, EvidenceError, Origin
from gateway.evidence.edm._checks import severity_token
from gateway.evidence.edm.error import EvidenceErrorResponse
from gateway.evidence.edm.request import EvidenceRequest
from gateway.evidence.edm.versions import EdmVersion, ExchangeHeader

__all__ = ["is_preview_required", "second_request"]


def is_preview_required(error: EvidenceErrorResponse) -> bool:
    """True when ``error`` asks the requester to send the user to a preview."""
    exc = error.exception
    return (
        exc.code is EdmErrorCode.MISSING_AUTHORIZATION
        and exc.preview_location is not None
        and severity_token(exc.severity) == error.version.preview_required_severity
    )


def second_request(
    first: EvidenceRequest,
    first_header: ExchangeHeader,
    error: EvidenceErrorResponse,
    *,
    request_id: str,
    issue_datetime: datetime,
    return_location: str | None = None,
) -> tuple[EvidenceRequest, ExchangeHeader]:
    """The second request of the preview sequence and the ebMS header values to send it with.

    ``return_location`` is required for v2.0 and refused for v1.0 (where the caller appends
    its return address to the preview URL it redirects the user to).
    """

    def bad(message: str, field: str) -> EvidenceError:
        return EvidenceError(message, edm_code=EdmErrorCode.INVALID_REQUEST,
                             origin=Origin.LOCAL, field=field)

    if error.request_id != first.request_id:
        raise bad("the error response does not answer the first request", "error.request_id")
    if error.version is not first.version:
        raise bad("the error response is of another EDM version", "error.version")
    if not is_preview_required(error):
        raise bad("the error response does not ask for a preview", "error.exception")
    if not first.possibility_for_preview:
        raise bad("the first request did not offer a preview", "first.possibility_for_preview")
    if first.version is EdmVersion.V2_0 and return_location is None:
        raise bad("v2.0 needs a ReturnLocation for the second request", "return_location")
    if first.version is EdmVersion.V1_0 and return_location is not None:
        raise bad("v1.0 has no ReturnLocation slot", "return_location")
    second = dataclasses.replace(
        first,
        request_id=request_id,
        issue_datetime=issue_datetime,
        preview_location=error.exception.preview_location,
        return_location=return_location,
    )
    header = ExchangeHeader.for_version(
        first.version,
        conversation_id=first_header.conversation_id,
        exchange_id=first_header.exchange_id,
    )
    return second, header
