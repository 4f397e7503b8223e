"""Receipts with NRI and error signals: building, and checking a receipt against what we sent."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from gateway.ebms import NriReference, NriTransform, build_envelope, parse_envelope, read_capture
from gateway.ebms._read import read_nri_reference
from gateway.ebms._signals import (
    build_error_signal,
    build_receipt,
    check_receipt,
    receipt_envelope,
)
from gateway.errors import EbmsError, EbmsErrorCode
from gateway.namespaces import NS, Algorithm
from gateway.xml import parse_xml

from ._support import NOW, oots_request

SWA = Algorithm.SWA_CONTENT_SIGNATURE.value
C14N = Algorithm.EXC_C14N.value
SHA256 = Algorithm.SHA256.value


@dataclass(frozen=True)
class FakeSignedReference:
    """Shape of AS4-security's SignedReference (uri, transforms as URIs, digest bytes)."""

    uri: str
    transforms: tuple[str, ...]
    digest_method: str
    digest_value: bytes


def _sent_refs() -> list[FakeSignedReference]:
    return [
        FakeSignedReference("#_ebm-1", (C14N,), SHA256, hashlib.sha256(b"header").digest()),
        FakeSignedReference("#_body-1", (C14N,), SHA256, hashlib.sha256(b"body").digest()),
        FakeSignedReference("cid:p1@de", (SWA,), SHA256, hashlib.sha256(b"payload").digest()),
    ]


def test_receipt_envelope_carries_nri_copies_and_ref() -> None:
    received = oots_request()
    env = receipt_envelope(received, _sent_refs(), now=NOW, message_id="r1@nl")
    root = parse_xml(env)
    nri = root.find(f".//{{{NS.EBBP}}}NonRepudiationInformation")
    assert nri is not None
    refs = nri.findall(f"{{{NS.EBBP}}}MessagePartNRInformation/{{{NS.DS}}}Reference")
    assert [r.get("URI") for r in refs] == ["#_ebm-1", "#_body-1", "cid:p1@de"]
    signal = parse_envelope(env).signal_message
    assert signal is not None and signal.receipt is not None
    assert signal.message_info.ref_to_message_id == received.message_id
    assert [r.digest_value for r in signal.receipt.references] == [
        r.digest_value for r in _sent_refs()]
    assert check_receipt(signal, sent_message_id=received.message_id,
                         sent_references=_sent_refs()) == signal.receipt


def test_receipt_repeats_the_prefix_list_of_a_signed_reference() -> None:
    @dataclass(frozen=True)
    class WithPrefixLists(FakeSignedReference):
        prefix_lists: tuple[tuple[str, ...] | None, ...] = ()

    ref = WithPrefixLists("#m", (C14N,), SHA256, b"\x00\x01\x02\x03", (("S12", "eb"),))
    receipt = build_receipt(oots_request(), [ref], now=NOW, message_id="r@x").receipt
    assert receipt is not None
    assert receipt.references[0].transforms == (NriTransform(C14N, ("S12", "eb")),)


@pytest.mark.parametrize(
    ("scenario", "mutate", "fragment"),
    [
        ("digest-altered.rejected",
         lambda refs: [dataclasses.replace(refs[0], digest_value=b"\x01" * 32), *refs[1:]],
         "#_ebm-1 has digest"),
        ("reference-missing.rejected", lambda refs: refs[:2], "cid:p1@de is missing"),
        ("reference-extra.rejected",
         lambda refs: [*refs, FakeSignedReference("cid:extra@x", (SWA,), SHA256, b"\x02" * 32)],
         "cid:extra@x was not part of our message"),
        ("digest-method-changed.rejected",
         lambda refs: [dataclasses.replace(refs[0], digest_method=Algorithm.SHA1.value),
                       *refs[1:]], "#_ebm-1 has digest"),
    ],
)
def test_receipt_nri_mismatch_is_ebms_0302(scenario: str, mutate, fragment: str) -> None:  # type: ignore[no-untyped-def]
    received = oots_request()
    signal = build_receipt(received, mutate(_sent_refs()), now=NOW, message_id="r@x")
    with pytest.raises(EbmsError) as exc:
        check_receipt(signal, sent_message_id=received.message_id, sent_references=_sent_refs())
    assert exc.value.ebms_code is EbmsErrorCode.INVALID_RECEIPT, scenario
    assert fragment in exc.value.message


def test_receipt_for_another_message_is_ebms_0302() -> None:
    signal = build_receipt(oots_request(message_id="other@x"), _sent_refs(), now=NOW,
                           message_id="r@x")
    with pytest.raises(EbmsError) as exc:
        check_receipt(signal, sent_message_id=oots_request().message_id,
                      sent_references=_sent_refs())
    assert exc.value.ebms_code is EbmsErrorCode.INVALID_RECEIPT


def test_error_signal_instead_of_receipt_is_ebms_0302() -> None:
    sent = oots_request()
    err = build_error_signal(
        [EbmsError("bad signature", ebms_code=EbmsErrorCode.FAILED_AUTHENTICATION)],
        now=NOW, message_id="e@x", ref_to_message_id=sent.message_id)
    assert err.errors[0].ref_to_message_in_error == sent.message_id
    assert err.errors[0].origin == "security" and err.errors[0].category == "Processing"
    with pytest.raises(EbmsError) as exc:
        check_receipt(err, sent_message_id=sent.message_id, sent_references=_sent_refs())
    assert exc.value.ebms_code is EbmsErrorCode.INVALID_RECEIPT


@pytest.mark.parametrize("code", list(EbmsErrorCode))
def test_error_signal_per_code_round_trips(code: EbmsErrorCode) -> None:
    signal = build_error_signal([EbmsError("why", ebms_code=code, ref_to_message_id="m@x")],
                                now=NOW, message_id="e@x", ref_to_message_id="m@x")
    again = parse_envelope(build_envelope(signal)).signal_message
    assert again == signal
    err = again.errors[0]
    assert (err.error_code, err.severity, err.category, err.short_description) == (
        code.value, code.info.severity, code.info.category, code.short_name)


def test_real_receipt_checks_against_its_own_nri(as4_kit: Path) -> None:
    """The Dataport capture's NRI, taken as 'what we sent', passes; one flipped digest fails."""
    path = as4_kit / "messages" / "phase4" / "peppol-captured" / "dataport1-mustunderstand.as4in"
    signal = parse_envelope(read_capture(path.read_bytes()).envelope).signal_message
    assert signal is not None and signal.receipt is not None
    sent_id = signal.message_info.ref_to_message_id
    assert sent_id is not None
    refs = signal.receipt.references
    assert len(refs) >= 2 and all(isinstance(r, NriReference) for r in refs)
    check_receipt(signal, sent_message_id=sent_id, sent_references=refs)
    flipped = [dataclasses.replace(refs[0], digest_value=bytes(32)), *refs[1:]]
    with pytest.raises(EbmsError) as exc:
        check_receipt(signal, sent_message_id=sent_id, sent_references=flipped)
    assert exc.value.ebms_code is EbmsErrorCode.INVALID_RECEIPT


def test_nri_reference_reader_matches_signed_info(as4_kit: Path) -> None:
    """A real ds:Reference from a SignedInfo reads into the same shape the NRI uses."""
    path = as4_kit / "messages" / "domibus-5.1" / "test-common" / "SoapRequest.xml"
    root = parse_xml(path.read_bytes())
    refs = [read_nri_reference(r) for r in root.iter(f"{{{NS.DS}}}Reference")]
    assert [r.uri for r in refs] == ["#_2ecd71f3-5ed4-4a45-9f6f-dbd60f1b3a35", "cid:message"]
    assert refs[1].transforms == (NriTransform(SWA),)
