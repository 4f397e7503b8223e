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

# These import gateway.ebms.security, which itself builds on the modules above.
from gateway.ebms._msh import (
    LocalIdentity,
    Outbound,
    PeerKeys,
    Received,
    accept_response,
    error_response,
    prepare_outbound,
    receive,
)
from gateway.ebms._payloads import Payload, match_parts, open_payloads, package_payloads
from gateway.ebms._pmode import LegMatch, PMode, ReceptionAwareness, match_inbound
from gateway.ebms._pmode_toml import load_pmode, render_pmode
from gateway.ebms._signal_model import (
    NriReference,
    NriTransform,
    PullRequest,
    Receipt,
    SignalError,
    SignalMessage,
)
from gateway.ebms._signals import (
    build_error_signal,
    build_receipt,
    check_receipt,
    new_message_id,
    receipt_envelope,
    signed_references,
)

__all__ = [
    "DEFAULT_MPC",
    "AgreementRef",
    "Capture",
    "CollaborationInfo",
    "InvalidEbmsValue",
    "LegMatch",
    "LocalIdentity",
    "MessageInfo",
    "MimeLimits",
    "MimePart",
    "NriReference",
    "NriTransform",
    "Outbound",
    "PMode",
    "ParsedEnvelope",
    "PartInfo",
    "Party",
    "PartyId",
    "Payload",
    "PeerKeys",
    "Property",
    "PullRequest",
    "Receipt",
    "Received",
    "ReceptionAwareness",
    "Service",
    "SignalError",
    "SignalMessage",
    "UserMessage",
    "accept_response",
    "build_envelope",
    "build_error_signal",
    "build_receipt",
    "check_receipt",
    "compress",
    "decompress",
    "error_response",
    "load_pmode",
    "match_inbound",
    "match_parts",
    "new_message_id",
    "open_payloads",
    "pack_mime",
    "package_payloads",
    "parse_envelope",
    "parse_messaging",
    "prepare_outbound",
    "read_capture",
    "receipt_envelope",
    "receive",
    "render_pmode",
    "signed_references",
    "unpack_mime",
]
