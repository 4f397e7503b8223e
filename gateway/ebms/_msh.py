"""The message service handler core: one call to send, one to receive, one to accept a receipt.

Pure functions over bytes and explicit values (keys, certificates, ``now``); the
HTTP adapter, the store and the retry worker (issue 6) wrap them.

Sending (AS4 §3.1, §5.1; eDelivery AS4 1.15/2.0): build the UserMessage from the
PMode leg -> gzip the payloads when the leg compresses -> sign and encrypt for the
peer's profile -> MIME package. The references we signed are kept, so that the
receipt's NRI can be checked (AS4 §3.2, ebMS3 Part 2 §4.2).

Receiving: MIME -> SOAP -> the PMode leg (header read *before* verification, to
choose keys and profile) -> decrypt + verify with the peer's certificate -> the
signed ``eb:Messaging`` must equal the header the leg was chosen from, else
``EBMS:0101`` -> decompress -> an NRI receipt, signed when the PMode says so.
Every failure raises :class:`~gateway.errors.EbmsError`; :func:`error_response`
turns it into the error signal to return.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509

from gateway.ebms._envelope import build_envelope, parse_envelope, parse_messaging
from gateway.ebms._mime import MimeLimits, pack_mime, unpack_mime
from gateway.ebms._model import (
    AgreementRef,
    CollaborationInfo,
    MessageInfo,
    Party,
    Property,
    Service,
    UserMessage,
)
from gateway.ebms._payloads import Payload, open_payloads, package_payloads
from gateway.ebms._pmode import LegMatch, PMode, match_inbound
from gateway.ebms._signal_model import NriReference, Receipt, SignalMessage
from gateway.ebms._signals import (
    build_error_signal,
    check_receipt,
    new_message_id,
    receipt_envelope,
    signed_references,
)
from gateway.ebms.security import (
    DecryptionIdentity,
    ExpectedPeer,
    SecurityProfile,
    SigningIdentity,
    TrustPolicy,
    open_message,
    secure_message,
    sign_signal,
    verify_signal,
)
from gateway.errors import ConfigurationError, EbmsError, EbmsErrorCode, Origin

__all__ = [
    "LocalIdentity",
    "Outbound",
    "PeerKeys",
    "Received",
    "accept_response",
    "error_response",
    "prepare_outbound",
    "receive",
]

SOAP_CONTENT_TYPE = "application/soap+xml; charset=UTF-8"


@dataclass(frozen=True, slots=True)
class LocalIdentity:
    """Our keys for one security profile (RSA for 1.15; Ed25519 + X25519 for 2.0)."""

    signing: SigningIdentity
    decryption: DecryptionIdentity


@dataclass(frozen=True, slots=True)
class PeerKeys:
    """A peer's certificates, resolved from the PMode's references by the caller."""

    signing: tuple[x509.Certificate, ...]
    encryption: x509.Certificate | None = None


@dataclass(frozen=True, slots=True)
class Outbound:
    """A message ready to push, and what is needed to judge the receipt."""

    message: UserMessage
    content_type: str
    body: bytes
    endpoint: str | None
    peer: str
    profile: SecurityProfile
    signed_references: tuple[NriReference, ...]


@dataclass(frozen=True, slots=True)
class Received:
    """A verified, decrypted and decompressed inbound message with its receipt."""

    message: UserMessage
    match: LegMatch
    payloads: tuple[Payload, ...]
    signer: x509.Certificate | None
    references: tuple[NriReference, ...]
    receipt: bytes
    """The (signed) receipt envelope to return in the HTTP response."""
    receipt_content_type: str = SOAP_CONTENT_TYPE
    receipt_id: str = field(default="")


def _identity(identities: Mapping[SecurityProfile, LocalIdentity],
              profile: SecurityProfile) -> LocalIdentity:
    try:
        return identities[profile]
    except KeyError:
        raise ConfigurationError(f"no local keys configured for {profile.value}") from None


def prepare_outbound(
    pmode: PMode,
    *,
    peer: str,
    action: str,
    conversation_id: str,
    payloads: Sequence[Payload],
    properties: Sequence[Property],
    identities: Mapping[SecurityProfile, LocalIdentity],
    peer_keys: PeerKeys,
    now: datetime,
    message_id: str,
    ref_to_message_id: str | None = None,
) -> Outbound:
    """Build, compress, sign, encrypt and package a UserMessage for ``peer``."""
    target = next((p for p in pmode.peers if p.name == peer), None)
    leg = pmode.leg(action)
    if target is None or leg is None:
        raise ConfigurationError(f"PMode {pmode.id!r} has no peer {peer!r} or no leg for "
                                 f"action {action!r}")
    names = {p.name for p in properties}
    missing = [s.name for s in pmode.properties if s.required and s.name not in names]
    if missing:
        raise ConfigurationError(f"message properties {missing} are required by PMode "
                                 f"{pmode.id!r}")
    infos, parts = package_payloads(payloads, compress_parts=leg.compress)
    agreement = (AgreementRef(pmode.agreement, pmode.agreement_type)
                 if pmode.agreement is not None else None)
    message = UserMessage(
        message_info=MessageInfo(message_id, now, ref_to_message_id),
        from_party=Party((pmode.party,), pmode.initiator_role),
        to_party=Party((target.party_id,), pmode.responder_role),
        collaboration_info=CollaborationInfo(Service(pmode.service, pmode.service_type),
                                             action, conversation_id, agreement),
        message_properties=tuple(properties),
        payloads=infos,
    )
    profile = pmode.profile_for(target)
    if pmode.security.encrypt and peer_keys.encryption is None:
        raise ConfigurationError(f"PMode {pmode.id!r} encrypts but peer {peer!r} has no "
                                 "encryption certificate")
    envelope, secured = secure_message(
        build_envelope(message), parts, signing=_identity(identities, profile).signing,
        recipient=peer_keys.encryption if pmode.security.encrypt else None,
        profile=profile, now=now)
    content_type, body = pack_mime(envelope, secured)
    return Outbound(message, content_type, body, target.endpoint, target.name, profile,
                    signed_references(envelope))


def _same_header(signed: bytes, parsed: UserMessage | SignalMessage) -> None:
    users, signals = parse_messaging(signed)
    if [*users, *signals] != [parsed]:
        raise EbmsError("the signed eb:Messaging differs from the header that was read",
                        ebms_code=EbmsErrorCode.FAILED_AUTHENTICATION, origin=Origin.REMOTE,
                        security=True)


def receive(
    content_type: str,
    body: bytes,
    *,
    pmodes: Sequence[PMode],
    identities: Mapping[SecurityProfile, LocalIdentity],
    trust: TrustPolicy,
    peer_keys: Mapping[str, PeerKeys],
    now: datetime,
    receipt_domain: str,
    limits: MimeLimits | None = None,
    sign_receipt: bool = True,
) -> Received:
    """Process one pushed UserMessage (see the module docstring for the steps).

    ``sign_receipt=False`` skips signing the receipt even when the PMode asks for it:
    for re-opening a message that was already answered (the node's worker)."""
    envelope, attachments = unpack_mime(content_type, body, limits=limits)
    parsed = parse_envelope(envelope)
    if parsed.soap_version != "1.2":  # AS4 §2.1 / eDelivery AS4: SOAP 1.2 only
        raise EbmsError(f"SOAP {parsed.soap_version} envelope; eDelivery AS4 uses SOAP 1.2",
                        ebms_code=EbmsErrorCode.INVALID_HEADER, origin=Origin.REMOTE)
    single = parsed.single()
    if not isinstance(single, UserMessage):
        raise EbmsError(f"expected a UserMessage, got a {single.kind} signal",
                        ebms_code=EbmsErrorCode.INVALID_HEADER, origin=Origin.REMOTE)
    match = match_inbound(list(pmodes), single)
    profile = match.profile
    local = _identity(identities, profile)
    keys = peer_keys.get(match.peer.name)
    if keys is None or not keys.signing:
        raise ConfigurationError(f"no signing certificate resolved for peer {match.peer.name!r}")
    if not match.pmode.security.sign:
        raise ConfigurationError(f"PMode {match.pmode.id!r}: unsigned messages are not "
                                 "supported (AS4 §5.1 requires signing)")
    try:
        verified = open_message(
            envelope, attachments, decryption=local.decryption, trust=trust,
            expected_peer=ExpectedPeer(keys.signing, name=match.peer.name), profile=profile,
            now=now, require_encryption=match.pmode.security.encrypt)
    except EbmsError as exc:
        exc.ref_to_message_id = exc.ref_to_message_id or single.message_id
        raise
    _same_header(verified.messaging, single)
    payloads = open_payloads(single, verified.attachments, limits=limits)
    refs = tuple(NriReference.from_signed(r) for r in verified.references)
    receipt_id = new_message_id(receipt_domain)
    receipt = receipt_envelope(single, verified.references, now=now, message_id=receipt_id)
    if match.pmode.security.signed_receipts and sign_receipt:
        receipt = sign_signal(receipt, signing=local.signing, profile=profile, now=now)
    return Received(single, match, payloads, verified.signer, refs, receipt,
                    receipt_id=receipt_id)


def error_response(
    error: EbmsError,
    *,
    now: datetime,
    message_id: str,
    signing: SigningIdentity | None = None,
    profile: SecurityProfile = SecurityProfile.EDELIVERY_AS4_1_15,
) -> bytes:
    """The error signal envelope reporting ``error`` (signed when ``signing`` is given)."""
    signal = build_error_signal([error], now=now, message_id=message_id,
                                ref_to_message_id=error.ref_to_message_id)
    envelope = build_envelope(signal)
    if signing is not None:
        envelope = sign_signal(envelope, signing=signing, profile=profile, now=now)
    return envelope


def accept_response(
    content_type: str,
    body: bytes,
    *,
    outbound: Outbound,
    trust: TrustPolicy,
    peer_keys: PeerKeys,
    now: datetime,
) -> Receipt:
    """Judge the synchronous response to ``outbound``: a valid receipt, or an error.

    A returned ``eb:Error`` raises :class:`EbmsError` with the peer's code (remote);
    a receipt that is unsigned, badly signed or whose NRI differs from what we
    signed raises ``EBMS:0302 InvalidReceipt``.
    """
    envelope, _ = unpack_mime(content_type, body)
    parsed = parse_envelope(envelope)
    signal = parsed.signal_message
    if signal is None or parsed.user_messages:
        raise EbmsError(f"the response is {parsed.kind or 'empty'}, not one signal",
                        ebms_code=EbmsErrorCode.INVALID_RECEIPT, origin=Origin.REMOTE,
                        ref_to_message_id=outbound.message.message_id)
    if signal.errors and signal.receipt is None:
        first = signal.errors[0]
        code = first.code or EbmsErrorCode.OTHER
        raise EbmsError(f"{outbound.peer} refused {outbound.message.message_id}: "
                        f"{first.error_code} {first.short_description or ''} "
                        f"{first.description or ''}".strip(),
                        ebms_code=code, origin=Origin.REMOTE,
                        ref_to_message_id=outbound.message.message_id)
    try:
        verified = verify_signal(envelope, trust=trust,
                                 expected_peer=ExpectedPeer(peer_keys.signing,
                                                            name=outbound.peer),
                                 profile=outbound.profile, now=now)
        _same_header(verified.messaging, signal)
    except EbmsError as exc:
        raise EbmsError(f"the receipt's signature is not acceptable: {exc.message}",
                        ebms_code=EbmsErrorCode.INVALID_RECEIPT, origin=Origin.REMOTE,
                        ref_to_message_id=outbound.message.message_id,
                        detail=exc.detail) from exc
    return check_receipt(signal, sent_message_id=outbound.message.message_id,
                         sent_references=outbound.signed_references)
