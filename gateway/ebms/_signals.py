"""Receipts and error signals: build them for a received message, check a received receipt.

- Receipt (AS4 §5.1.8, ebMS3 Part 2 §4.2; eDelivery AS4 requires non-repudiation
  receipts): ``eb:SignalMessage`` whose ``MessageInfo/RefToMessageId`` is the
  received UserMessage's id and whose ``eb:Receipt`` holds
  ``ebbp:NonRepudiationInformation`` with one ``ebbp:MessagePartNRInformation``
  per ``ds:Reference`` of the received, verified signature. The envelope built
  here is unsigned; :func:`gateway.ebms.security.sign_signal` signs it.
- Error signal (ebMS3 Core §6.2/§6.3): one ``eb:Error`` per failure, with the
  code's severity and category, ``@origin`` ``security`` for 0101-0103, and
  ``refToMessageInError``.
- Checking a receipt for a message we sent (AS4 §3.2 reception awareness):
  it must be a Receipt, refer to our MessageId, carry NRI and list exactly the
  references we signed with equal digests; anything else is ``EBMS:0302``.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import datetime

from gateway.ebms._envelope import build_envelope
from gateway.ebms._model import MessageInfo, UserMessage
from gateway.ebms._read import read_nri_reference
from gateway.ebms._signal_model import (
    NriReference,
    NriTransform,
    Receipt,
    SignalError,
    SignalMessage,
)
from gateway.errors import EbmsError, EbmsErrorCode, Origin, XmlRejected
from gateway.namespaces import NS
from gateway.xml import parse_xml

__all__ = [
    "build_error_signal",
    "build_receipt",
    "check_receipt",
    "error_for",
    "new_message_id",
    "nri_reference",
    "receipt_envelope",
    "signed_references",
]


def new_message_id(domain: str) -> str:
    """A fresh ebMS MessageId ``<uuid4>@<domain>`` (RFC 2822 msg-id form, §5.2.2.1)."""
    return f"{uuid.uuid4()}@{domain}"


def nri_reference(ref: object) -> NriReference:
    """Copy a signed reference for NRI, PrefixLists included.

    AS4-security's ``SignedReference.prefix_lists`` keeps each transform's exc-c14n
    ``InclusiveNamespaces/@PrefixList`` as received, so the receipt repeats the
    reference exactly (ebbp ``MessagePartNRInformation``).
    """
    lists = getattr(ref, "prefix_lists", ())
    base = NriReference.from_signed(ref)
    if not lists or len(lists) != len(base.transforms):
        return base
    return dataclasses.replace(base, transforms=tuple(
        NriTransform(t.algorithm, tuple(p) if p is not None else None)
        for t, p in zip(base.transforms, lists, strict=True)))


def signed_references(envelope: bytes) -> tuple[NriReference, ...]:
    """The ``ds:Reference``s of the signature in our own secured envelope (what we signed).

    Kept by the sender to check the receipt's NRI later (:func:`check_receipt`).
    Only the ``ds:Signature`` directly inside ``wsse:Security`` counts.
    """
    try:
        root = parse_xml(envelope, what="our secured envelope")
    except XmlRejected as exc:
        raise EbmsError(f"cannot read our own envelope: {exc.message}",
                        ebms_code=EbmsErrorCode.OTHER, origin=Origin.LOCAL) from exc
    refs: list[NriReference] = []
    for security in root.iter(f"{{{NS.WSSE}}}Security"):
        for sig in security.findall(f"{{{NS.DS}}}Signature"):
            for ref in sig.findall(f"{{{NS.DS}}}SignedInfo/{{{NS.DS}}}Reference"):
                refs.append(read_nri_reference(ref))
    if not refs:
        raise EbmsError("our envelope carries no signature", ebms_code=EbmsErrorCode.OTHER,
                        origin=Origin.LOCAL)
    return tuple(refs)


def build_receipt(
    received: UserMessage,
    references: Sequence[object],
    *,
    now: datetime,
    message_id: str,
) -> SignalMessage:
    """A non-repudiation Receipt for ``received`` listing ``references`` (copied as they are).

    ``references`` are the verified message's signed references (e.g.
    ``VerifiedMessage.references``), in signature order.
    """
    refs = tuple(nri_reference(r) for r in references)
    return SignalMessage(
        message_info=MessageInfo(message_id, now, received.message_id),
        receipt=Receipt(references=refs, non_repudiation=True),
    )


def receipt_envelope(
    received: UserMessage, references: Sequence[object], *, now: datetime, message_id: str
) -> bytes:
    """The unsigned SOAP envelope of :func:`build_receipt` (to be signed by AS4-security)."""
    return build_envelope(build_receipt(received, references, now=now, message_id=message_id))


def error_for(exc: EbmsError) -> SignalError:
    """The ``eb:Error`` that reports ``exc`` (ebMS3 Core §6.2) to the peer."""
    return SignalError.for_code(
        exc.ebms_code,
        ref_to_message_in_error=exc.ref_to_message_id,
        description=exc.message,
        security=exc.security,
    )


def build_error_signal(
    errors: Sequence[EbmsError | SignalError],
    *,
    now: datetime,
    message_id: str,
    ref_to_message_id: str | None,
) -> SignalMessage:
    """An error SignalMessage; ``ref_to_message_id`` fills RefToMessageId and missing refs."""
    if not errors:
        raise ValueError("an error signal needs at least one error")
    items: list[SignalError] = []
    for err in errors:
        item = error_for(err) if isinstance(err, EbmsError) else err
        if item.ref_to_message_in_error is None and ref_to_message_id is not None:
            item = dataclasses.replace(item, ref_to_message_in_error=ref_to_message_id)
        items.append(item)
    return SignalMessage(MessageInfo(message_id, now, ref_to_message_id), errors=tuple(items))


def _invalid(message: str, sent_id: str) -> EbmsError:
    # AS4 §3.2 / ebMS3 Part 2: the receipt is ours to judge; we report locally
    # that the peer's receipt is invalid (0302), caused by the remote side.
    return EbmsError(message, ebms_code=EbmsErrorCode.INVALID_RECEIPT, origin=Origin.REMOTE,
                     ref_to_message_id=sent_id)


def _key(ref: NriReference) -> tuple[str, str, bytes]:
    return (ref.uri, ref.digest_method, ref.digest_value)


def check_receipt(
    signal: SignalMessage,
    *,
    sent_message_id: str,
    sent_references: Sequence[object],
) -> Receipt:
    """Check a (signature-verified) receipt against the message we sent; return it."""
    if signal.receipt is None:
        kinds = signal.kind or "nothing"
        raise _invalid(f"expected a Receipt for {sent_message_id}, got {kinds}", sent_message_id)
    ref_to = signal.message_info.ref_to_message_id
    if ref_to != sent_message_id:
        raise _invalid(f"the Receipt refers to {ref_to!r}, not to our message "
                       f"{sent_message_id!r}", sent_message_id)
    receipt = signal.receipt
    expected = [nri_reference(r) for r in sent_references]
    if not expected:
        return receipt
    if not receipt.non_repudiation:
        raise _invalid("the Receipt carries no NonRepudiationInformation", sent_message_id)
    got = {_key(r): r for r in receipt.references}
    want = {_key(r): r for r in expected}
    by_uri = {r.uri: r for r in receipt.references}
    problems: list[str] = []
    for key, ref in want.items():
        if key in got:
            continue
        other = by_uri.get(ref.uri)
        if other is None:
            problems.append(f"{ref.uri or '(empty URI)'} is missing")
        else:
            problems.append(f"{ref.uri} has digest {other.digest_b64} ({other.digest_method}), "
                            f"we signed {ref.digest_b64} ({ref.digest_method})")
    for key, ref in got.items():
        if key not in want and ref.uri not in {r.uri for r in expected}:
            problems.append(f"{ref.uri} was not part of our message")
    if len(receipt.references) != len(got):
        problems.append("a reference is listed twice")
    if problems:
        raise _invalid("the Receipt's NonRepudiationInformation does not match the message "
                       "we sent: " + "; ".join(problems), sent_message_id)
    return receipt
