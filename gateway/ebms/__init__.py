"""eDelivery AS4 / ebMS3 core: typed messages, SOAP envelopes, MIME packaging, signals.

Protocol core without I/O: bytes and explicit values in, frozen dataclasses out.
WS-Security lives in :mod:`gateway.ebms.security`.
"""

from gateway.ebms._capture import Capture, read_capture
from gateway.ebms._compression import compress, decompress
from gateway.ebms._envelope import ParsedEnvelope, build_envelope, parse_envelope, parse_messaging
from gateway.ebms._mime import MimeLimits, MimePart, pack_mime, unpack_mime
from gateway.ebms._model import (
    DEFAULT_MPC,
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
from gateway.ebms._payloads import Payload, match_parts, open_payloads, package_payloads
from gateway.ebms._signal_model import (
    NriReference,
    NriTransform,
    PullRequest,
    Receipt,
    SignalError,
    SignalMessage,
)

__all__ = [
    "DEFAULT_MPC",
    "AgreementRef",
    "Capture",
    "CollaborationInfo",
    "InvalidEbmsValue",
    "MessageInfo",
    "MimeLimits",
    "MimePart",
    "NriReference",
    "NriTransform",
    "ParsedEnvelope",
    "PartInfo",
    "Party",
    "PartyId",
    "Payload",
    "Property",
    "PullRequest",
    "Receipt",
    "Service",
    "SignalError",
    "SignalMessage",
    "UserMessage",
    "build_envelope",
    "compress",
    "decompress",
    "match_parts",
    "open_payloads",
    "pack_mime",
    "package_payloads",
    "parse_envelope",
    "parse_messaging",
    "read_capture",
    "unpack_mime",
]
