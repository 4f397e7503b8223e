"""Typed errors of the Common Services (Evidence Broker, Data Service Directory) layer.

Codes: the services' own ``EB:ERR:xxxx`` / ``DSD:ERR:xxxx`` (TDD 3.1.4 §4.4, 3.2.4 §4.4,
code lists ``EBErrorCodes`` and ``DSDErrorCodes``) where a service would answer with one,
otherwise gateway codes ``GW:CS-...``.
"""

from __future__ import annotations

import enum

from gateway.errors import EvidenceError, Origin

__all__ = [
    "BuildError",
    "CommonServicesError",
    "DsdErrorCode",
    "EbErrorCode",
    "NoCommonVersion",
    "QueryRejected",
    "ResponseRejected",
    "ServiceRefused",
    "SignatureRejected",
]


class EbErrorCode(enum.Enum):
    """``EBErrorCodes`` code list (EDM 1.0 kit; EB:ERR:0004 is gone in oots-cs v2.0)."""

    EMPTY_RESULT = "EB:ERR:0001"
    UNKNOWN_REQUIREMENT = "EB:ERR:0002"
    INVALID_PARAMETERS = "EB:ERR:0003"
    INVALID_JURISDICTION_LEVEL = "EB:ERR:0004"
    INVALID_PROCEDURE = "EB:ERR:0005"
    INVALID_COUNTRY = "EB:ERR:0006"
    UNKNOWN_QUERY = "EB:ERR:0007"

    @property
    def exception_type(self) -> str:
        """The ``xsi:type`` of the ``rs:Exception`` this code travels in."""
        if self in (EbErrorCode.EMPTY_RESULT, EbErrorCode.UNKNOWN_REQUIREMENT):
            return "rs:ObjectNotFoundExceptionType"
        return "rs:InvalidRequestExceptionType"

    @property
    def message(self) -> str:
        """The code list's ``message`` text."""
        return _EB_MESSAGES[self]


_EB_MESSAGES: dict[EbErrorCode, str] = {
    EbErrorCode.EMPTY_RESULT: "The result set is empty",
    EbErrorCode.UNKNOWN_REQUIREMENT: (
        "The requirement requested, represented by the requirement id, does not exist"
    ),
    EbErrorCode.INVALID_PARAMETERS: "The query parameters do not follow the query specification",
    EbErrorCode.INVALID_JURISDICTION_LEVEL: (
        "The jurisdiction level code query parameter is invalid or unknown"
    ),
    EbErrorCode.INVALID_PROCEDURE: (
        "The value of the procedure-id query parameter is invalid or unknown"
    ),
    EbErrorCode.INVALID_COUNTRY: (
        "The value of the procedure implementation country query parameter is invalid or unknown"
    ),
    EbErrorCode.UNKNOWN_QUERY: "The requested Query does not exist",
}


class DsdErrorCode(enum.Enum):
    """``DSDErrorCodes`` code list (EDM 1.0 kit, unchanged codes in oots-cs v2.0)."""

    NO_DATA_SERVICES = "DSD:ERR:0001"
    UNKNOWN_EVIDENCE_TYPE = "DSD:ERR:0002"
    INVALID_PARAMETERS = "DSD:ERR:0003"
    UNKNOWN_QUERY = "DSD:ERR:0004"
    ADDITIONAL_INPUT = "DSD:ERR:0005"
    INCORRECT_VALUE = "DSD:ERR:0006"

    @property
    def exception_type(self) -> str:
        """The ``xsi:type`` of the ``rs:Exception`` this code travels in."""
        if self in (
            DsdErrorCode.NO_DATA_SERVICES,
            DsdErrorCode.UNKNOWN_EVIDENCE_TYPE,
            DsdErrorCode.ADDITIONAL_INPUT,
        ):
            return "rs:ObjectNotFoundExceptionType"
        return "rs:InvalidRequestExceptionType"

    @property
    def message(self) -> str:
        """The code list's ``message`` text."""
        return _DSD_MESSAGES[self]


_DSD_MESSAGES: dict[DsdErrorCode, str] = {
    DsdErrorCode.NO_DATA_SERVICES: "No Data Services were found based on the given parameters",
    DsdErrorCode.UNKNOWN_EVIDENCE_TYPE: "The Evidence Type requested cannot be found",
    DsdErrorCode.INVALID_PARAMETERS: "The query parameters do not follow the query specification",
    DsdErrorCode.UNKNOWN_QUERY: "The requested Query does not exist",
    DsdErrorCode.ADDITIONAL_INPUT: (
        "The query requires the included extra attributes to be provided by the user"
    ),
    DsdErrorCode.INCORRECT_VALUE: "Incorrect provided value for requested parameters",
}


class CommonServicesError(EvidenceError):
    """Root of the EB/DSD layer's errors."""

    default_code = "GW:CS-INVALID"
    default_origin = Origin.REMOTE


class BuildError(CommonServicesError):
    """A builder was given an invalid model; ``field`` names the field at fault."""

    default_code = "GW:CS-BUILD"
    default_origin = Origin.LOCAL


class ResponseRejected(CommonServicesError):
    """An EB/DSD response body cannot be read into the models (malformed, wrong shape)."""

    default_code = "GW:CS-RESPONSE"


class SignatureRejected(CommonServicesError):
    """The detached JAdES signature of an EB/DSD response is missing or does not verify."""

    default_code = "GW:CS-SIGNATURE"


class NoCommonVersion(CommonServicesError):
    """A data service announces no EDM version this gateway can send."""

    default_code = "GW:CS-VERSION"


class ServiceRefused(CommonServicesError):
    """The service answered with an ``rs:Exception``; ``code`` is its EB:ERR/DSD:ERR code."""

    default_code = "GW:CS-REFUSED"


class QueryRejected(CommonServicesError):
    """An EB/DSD HTTP query is invalid; ``error_code`` is what the service answers with."""

    default_code = "EB:ERR:0003"

    def __init__(
        self, message: str, *, error_code: EbErrorCode | DsdErrorCode, field: str | None = None
    ) -> None:
        super().__init__(message, code=error_code.value, field=field)
        self.error_code = error_code
