"""One error root for the whole gateway, carrying the protocols' own codes.

Rules (see ``docs/errors.md``):

1. Every failure the gateway raises is a :class:`GatewayError`. The root itself
   cannot be instantiated; raise one of its subclasses.
2. Every error carries a ``code`` taken from the protocol that governs the
   exchange: ``EBMS:0101`` (ebMS3 Core §6.7, AS4 §5), ``EDM:ERR:0003`` (OOTS EDM
   error code list), ``EB:ERR:0001`` / ``DSD:ERR:0005`` (common services), or a
   gateway code ``GW:...`` for local failures that no protocol names.
3. Every error says whether the *remote* side caused it (bad input from a peer:
   answer it with the code) or the *local* side did (our configuration, our
   bug, an unavailable dependency: log, alert, answer with a generic failure).
4. Failures raise; nothing returns ``False``. Foreign exceptions (lxml,
   cryptography, httpx, SQLAlchemy) are wrapped at the boundary with
   ``raise ... from exc``.
5. Only the web adapter maps errors to the wire (ebMS signal, SOAP fault, EDM
   error response, HTTP status). Cores never build wire errors themselves.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, ClassVar

__all__ = [
    "ConfigurationError",
    "EbmsError",
    "EbmsErrorCode",
    "EdmErrorCode",
    "EvidenceError",
    "GatewayError",
    "InvalidInput",
    "Origin",
    "SchemaKitError",
    "XmlRejected",
]


class Origin(enum.Enum):
    """Which side caused a failure."""

    LOCAL = "local"
    """Our configuration, our code or one of our dependencies failed."""
    REMOTE = "remote"
    """The peer sent something we refuse; answer it with the error's code."""


class GatewayError(Exception):
    """Root of every error the gateway raises. Not instantiable itself."""

    default_code: ClassVar[str] = "GW:ERROR"
    default_origin: ClassVar[Origin] = Origin.LOCAL

    def __new__(cls, *args: Any, **kwargs: Any) -> GatewayError:
        if cls is GatewayError:
            raise TypeError("GatewayError is abstract: raise one of its subclasses")
        return super().__new__(cls)

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        origin: Origin | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.origin = origin or self.default_origin
        self.detail = detail

    @property
    def is_remote(self) -> bool:
        """True when the peer caused the failure."""
        return self.origin is Origin.REMOTE

    def diagnostics(self) -> str:
        """A readable, multi-line explanation for operators."""
        lines = [f"{self.code}: {self.message}", f"  caused by: {self.origin.value} side"]
        if self.detail:
            lines.append(f"  detail: {self.detail}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class ConfigurationError(GatewayError):
    """The gateway's own configuration (settings, PModes, keys, kits) is wrong."""

    default_code = "GW:CONFIG"


class SchemaKitError(ConfigurationError):
    """A schema kit is missing, incomplete or does not match its sha256 pins."""

    default_code = "GW:SCHEMA-KIT"


class InvalidInput(GatewayError):
    """Input from outside (a peer, a file given to the CLI) is refused."""

    default_code = "GW:INVALID-INPUT"
    default_origin = Origin.REMOTE


class XmlRejected(InvalidInput):
    """The hardened XML parser refused a document (malformed, DTD, entity, caps)."""

    default_code = "GW:XML-REJECTED"


# ---------------------------------------------------------------------------
# ebMS3 / AS4 error codes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _EbmsCodeInfo:
    short_name: str
    severity: str  # ebMS3 Core §6.2: "warning" or "failure"
    category: str  # Content, Communication, UnPackaging, Processing


class EbmsErrorCode(enum.Enum):
    """ebMS3 Core §6.7.1 (0001-0011), §6.7.2 (0101-0103), §6.7.3 (0201-0202)
    and the AS4 profile §3.4 / §5.2.3 (0301-0303). Values are the wire codes."""

    VALUE_NOT_RECOGNIZED = "EBMS:0001"
    FEATURE_NOT_SUPPORTED = "EBMS:0002"
    VALUE_INCONSISTENT = "EBMS:0003"
    OTHER = "EBMS:0004"
    CONNECTION_FAILURE = "EBMS:0005"
    EMPTY_MPC = "EBMS:0006"
    MIME_INCONSISTENCY = "EBMS:0007"
    FEATURE_NOT_SUPPORTED_INCONSISTENTLY = "EBMS:0008"
    INVALID_HEADER = "EBMS:0009"
    PROCESSING_MODE_MISMATCH = "EBMS:0010"
    EXTERNAL_PAYLOAD_ERROR = "EBMS:0011"
    FAILED_AUTHENTICATION = "EBMS:0101"
    FAILED_DECRYPTION = "EBMS:0102"
    POLICY_NONCOMPLIANCE = "EBMS:0103"
    DYSFUNCTIONAL_RELIABILITY = "EBMS:0201"
    DELIVERY_FAILURE = "EBMS:0202"
    MISSING_RECEIPT = "EBMS:0301"
    INVALID_RECEIPT = "EBMS:0302"
    DECOMPRESSION_FAILURE = "EBMS:0303"

    @property
    def info(self) -> _EbmsCodeInfo:
        """Short name, default severity and category as the specs list them."""
        return _EBMS_INFO[self]

    @property
    def short_name(self) -> str:
        """The ebMS3 short description, e.g. ``FailedAuthentication``."""
        return self.info.short_name


_EBMS_INFO: dict[EbmsErrorCode, _EbmsCodeInfo] = {
    EbmsErrorCode.VALUE_NOT_RECOGNIZED: _EbmsCodeInfo("ValueNotRecognized", "failure", "Content"),
    EbmsErrorCode.FEATURE_NOT_SUPPORTED: _EbmsCodeInfo("FeatureNotSupported", "warning", "Content"),
    EbmsErrorCode.VALUE_INCONSISTENT: _EbmsCodeInfo("ValueInconsistent", "failure", "Content"),
    EbmsErrorCode.OTHER: _EbmsCodeInfo("Other", "failure", "Content"),
    EbmsErrorCode.CONNECTION_FAILURE: _EbmsCodeInfo(
        "ConnectionFailure", "failure", "Communication"
    ),
    EbmsErrorCode.EMPTY_MPC: _EbmsCodeInfo(
        "EmptyMessagePartitionChannel", "warning", "Communication"
    ),
    EbmsErrorCode.MIME_INCONSISTENCY: _EbmsCodeInfo("MimeInconsistency", "failure", "UnPackaging"),
    EbmsErrorCode.FEATURE_NOT_SUPPORTED_INCONSISTENTLY: _EbmsCodeInfo(
        "FeatureNotSupportedInconsistently", "failure", "UnPackaging"
    ),
    EbmsErrorCode.INVALID_HEADER: _EbmsCodeInfo("InvalidHeader", "failure", "UnPackaging"),
    EbmsErrorCode.PROCESSING_MODE_MISMATCH: _EbmsCodeInfo(
        "ProcessingModeMismatch", "failure", "Processing"
    ),
    EbmsErrorCode.EXTERNAL_PAYLOAD_ERROR: _EbmsCodeInfo(
        "ExternalPayloadError", "failure", "Content"
    ),
    EbmsErrorCode.FAILED_AUTHENTICATION: _EbmsCodeInfo(
        "FailedAuthentication", "failure", "Processing"
    ),
    EbmsErrorCode.FAILED_DECRYPTION: _EbmsCodeInfo("FailedDecryption", "failure", "Processing"),
    EbmsErrorCode.POLICY_NONCOMPLIANCE: _EbmsCodeInfo(
        "PolicyNoncompliance", "failure", "Processing"
    ),
    EbmsErrorCode.DYSFUNCTIONAL_RELIABILITY: _EbmsCodeInfo(
        "DysfunctionalReliability", "failure", "Processing"
    ),
    EbmsErrorCode.DELIVERY_FAILURE: _EbmsCodeInfo("DeliveryFailure", "failure", "Communication"),
    EbmsErrorCode.MISSING_RECEIPT: _EbmsCodeInfo("MissingReceipt", "failure", "Communication"),
    EbmsErrorCode.INVALID_RECEIPT: _EbmsCodeInfo("InvalidReceipt", "failure", "Communication"),
    EbmsErrorCode.DECOMPRESSION_FAILURE: _EbmsCodeInfo(
        "DecompressionFailure", "failure", "Communication"
    ),
}


class EbmsError(GatewayError):
    """An ebMS3/AS4 processing error; ``code`` is an ``EBMS:xxxx`` value."""

    default_code = EbmsErrorCode.OTHER.value
    default_origin = Origin.REMOTE

    def __init__(
        self,
        message: str,
        *,
        ebms_code: EbmsErrorCode = EbmsErrorCode.OTHER,
        ref_to_message_id: str | None = None,
        origin: Origin | None = None,
        detail: str | None = None,
        security: bool = False,
    ) -> None:
        super().__init__(message, code=ebms_code.value, origin=origin, detail=detail)
        self.ebms_code = ebms_code
        self.ref_to_message_id = ref_to_message_id
        self.security = security
        """True when the error's ``@origin`` on the wire is ``security``."""

    @property
    def severity(self) -> str:
        """``failure`` or ``warning`` (ebMS3 Core §6.2.4)."""
        return self.ebms_code.info.severity

    @property
    def category(self) -> str:
        """ebMS3 Core §6.2.3 category."""
        return self.ebms_code.info.category


# ---------------------------------------------------------------------------
# OOTS EDM error codes
# ---------------------------------------------------------------------------


class EdmErrorCode(enum.Enum):
    """OOTS ``EDMErrorCodes`` code list (EDM 1.0 and unchanged in 2.0.1)."""

    FAILED_AUTHENTICATION = "EDM:ERR:0001"
    MISSING_AUTHORIZATION = "EDM:ERR:0002"
    INVALID_REQUEST = "EDM:ERR:0003"
    OBJECT_NOT_FOUND = "EDM:ERR:0004"
    TIMEOUT = "EDM:ERR:0005"
    UNRESOLVED_REFERENCE = "EDM:ERR:0006"
    UNSUPPORTED_CAPABILITY = "EDM:ERR:0007"
    INVALID_QUERY = "EDM:ERR:0008"

    @property
    def exception_type(self) -> str:
        """The ``xsi:type`` of the ``rs:Exception`` this code travels in."""
        return _EDM_TYPES[self][0]

    @property
    def message(self) -> str:
        """The code list's fixed ``message`` text."""
        return _EDM_TYPES[self][1]


_EDM_TYPES: dict[EdmErrorCode, tuple[str, str]] = {
    EdmErrorCode.FAILED_AUTHENTICATION: ("rs:AuthenticationExceptionType", "Failed Authentication"),
    EdmErrorCode.MISSING_AUTHORIZATION: ("rs:AuthorizationExceptionType", "Missing Authorization"),
    EdmErrorCode.INVALID_REQUEST: (
        "rs:InvalidRequestExceptionType",
        "Syntactically or semantically invalid request",
    ),
    EdmErrorCode.OBJECT_NOT_FOUND: ("rs:ObjectNotFoundExceptionType", "Object not found"),
    EdmErrorCode.TIMEOUT: ("rs:TimeoutExceptionType", "Exceeding timeout period"),
    EdmErrorCode.UNRESOLVED_REFERENCE: (
        "rs:UnresolvedReferenceExceptionType",
        "Referenced object that cannot be resolved",
    ),
    EdmErrorCode.UNSUPPORTED_CAPABILITY: (
        "rs:UnsupportedCapabilityExceptionType",
        "Optional feature or capability is not supported",
    ),
    EdmErrorCode.INVALID_QUERY: (
        "query:QueryExceptionType",
        "Invalid query syntax or semantics that must be corrected",
    ),
}


class EvidenceError(GatewayError):
    """An OOTS EDM-level error; ``code`` is ``EDM:ERR:xxxx`` (or ``EB:ERR``/``DSD:ERR``)."""

    default_code = EdmErrorCode.INVALID_REQUEST.value
    default_origin = Origin.REMOTE

    def __init__(
        self,
        message: str,
        *,
        edm_code: EdmErrorCode | None = None,
        code: str | None = None,
        origin: Origin | None = None,
        detail: str | None = None,
        field: str | None = None,
    ) -> None:
        wire = code or (edm_code.value if edm_code else None)
        super().__init__(message, code=wire, origin=origin, detail=detail)
        self.edm_code = edm_code
        self.field = field
        """The model field or XML location at fault, when known."""
