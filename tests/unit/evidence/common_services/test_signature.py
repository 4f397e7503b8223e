"""Detached JAdES verification of EB/DSD responses (TDD 3.6.2), on the real captures."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging

import pytest

from gateway.evidence.common_services.errors import SignatureRejected
from gateway.evidence.common_services.signature import TrustAnchors, verify_response
from gateway.evidence.common_services.signing import sign_response

from ._pki import build_pki
from .conftest import CAPTURES, Capture


def _reencode(capture: Capture, **changes: object) -> dict[str, str]:
    """Headers whose protected JWS header is rewritten (the signature then no longer fits)."""
    protected, _, signature = capture.headers["oots-response-sig"].split(".")
    header = json.loads(base64.urlsafe_b64decode(protected + "=" * (-len(protected) % 4)))
    header.update(changes)
    for key, value in list(header.items()):
        if value is None:
            del header[key]
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    return {**capture.headers, "oots-response-sig": f"{encoded}..{signature}"}


@pytest.mark.parametrize("name", CAPTURES)
def test_capture_verifies_at_its_signing_time(
    name: str, captures: dict[str, Capture], acc_anchors: TrustAnchors
) -> None:
    capture = captures[name]
    result = verify_response(capture.body, capture.headers, anchors=acc_anchors, now=capture.iat)
    assert result.verified
    assert result.body == capture.body
    assert result.signer is not None
    assert result.signer.algorithm == "ES256"
    assert result.signer.subject.startswith("CN=EC-OOTS-CS-ACC")
    assert result.signer.signed_at == capture.iat
    assert result.signer.chain[-1] == "CN=European Commission Root CA - 2 test"
    assert result.signer.serial_number == 0x03E3FE


@pytest.mark.parametrize("position", [0, 500, -2])
def test_changed_body_byte_is_refused(
    position: int, captures: dict[str, Capture], acc_anchors: TrustAnchors
) -> None:
    capture = captures["dsd_data_services_fi"]
    body = bytearray(capture.body)
    body[position] ^= 0x01
    with pytest.raises(SignatureRejected, match="digest does not match") as info:
        verify_response(bytes(body), capture.headers, anchors=acc_anchors, now=capture.iat)
    assert info.value.code == "GW:CS-SIGNATURE"


def test_changed_digest_header_is_refused(
    captures: dict[str, Capture], acc_anchors: TrustAnchors
) -> None:
    """A digest recomputed for a tampered body matches the body but breaks the signature."""
    capture = captures["eb_requirements_fr"]
    body = capture.body.replace(b"Test - FR - MS Procedure", b"Test - DE - MS Procedure")
    assert body != capture.body
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    headers = {**capture.headers, "digest": digest}
    with pytest.raises(SignatureRejected, match="signature does not verify"):
        verify_response(body, headers, anchors=acc_anchors, now=capture.iat)


@pytest.mark.parametrize(
    "digest",
    [
        "SHA-256=" + base64.b64encode(bytes(32)).decode(),
        "SHA-512=" + base64.b64encode(bytes(64)).decode(),
        "SHA-256=not-base64",
        "sha256",
    ],
)
def test_changed_digest_header_alone_is_refused(
    digest: str, captures: dict[str, Capture], acc_anchors: TrustAnchors
) -> None:
    capture = captures["eb_evidence_types_fi"]
    headers = {**capture.headers, "digest": digest}
    with pytest.raises(SignatureRejected) as info:
        verify_response(capture.body, headers, anchors=acc_anchors, now=capture.iat)
    assert info.value.field == "digest"


def test_foreign_certificate_is_refused(
    captures: dict[str, Capture], acc_anchors: TrustAnchors
) -> None:
    """Well-formed and correctly signed, but by a PKI that is not the EC's."""
    capture = captures["eb_requirements_vides"]
    pki = build_pki("Mallory")
    headers = sign_response(capture.body, key=pki.leaf_key, chain=pki.chain, now=capture.iat)
    with pytest.raises(SignatureRejected, match="does not chain to a trust anchor"):
        verify_response(capture.body, headers, anchors=acc_anchors, now=capture.iat)
    # The same headers verify when that PKI is the configured anchor: only trust failed.
    own = TrustAnchors((pki.root,))
    assert verify_response(capture.body, headers, anchors=own, now=capture.iat).verified


def test_expired_certificate_is_refused(
    captures: dict[str, Capture], acc_anchors: TrustAnchors
) -> None:
    capture = captures["eb_requirements_fr"]
    leaf_not_after = dt.datetime(2027, 10, 23, 11, 39, 35, tzinfo=dt.UTC)
    later = leaf_not_after + dt.timedelta(days=1)
    with pytest.raises(SignatureRejected, match="does not chain"):
        verify_response(capture.body, capture.headers, anchors=acc_anchors, now=later)
    before = leaf_not_after - dt.timedelta(days=1)
    assert verify_response(capture.body, capture.headers, anchors=acc_anchors, now=before).verified


def test_production_anchor_refuses_acceptance_chain(
    captures: dict[str, Capture], prod_anchors: TrustAnchors
) -> None:
    capture = captures["eb_requirements_fr"]
    with pytest.raises(SignatureRejected, match="trust anchor"):
        verify_response(capture.body, capture.headers, anchors=prod_anchors, now=capture.iat)


@pytest.mark.parametrize("missing", ["oots-response-sig", "digest"])
def test_unsigned_is_refused(
    missing: str, captures: dict[str, Capture], acc_anchors: TrustAnchors
) -> None:
    capture = captures["dsd_aucun_service_fr"]
    headers = {k: v for k, v in capture.headers.items() if k != missing}
    with pytest.raises(SignatureRejected):
        verify_response(capture.body, headers, anchors=acc_anchors, now=capture.iat)


def test_unsafe_policy_accepts_unsigned_with_warning(
    captures: dict[str, Capture], acc_anchors: TrustAnchors, caplog: pytest.LogCaptureFixture
) -> None:
    capture = captures["dsd_aucun_service_fr"]
    with caplog.at_level(logging.WARNING):
        result = verify_response(
            capture.body, {}, anchors=acc_anchors, now=capture.iat, unsafe_accept_unsigned=True
        )
    assert not result.verified
    assert result.signer is None
    assert result.unsafe_reason is not None and "not signed" in result.unsafe_reason
    assert any("UNSAFE" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"alg": "none"}, "alg"),
        ({"alg": "HS256"}, "alg"),
        ({"b64": True}, "b64"),
        ({"crit": ["b64"]}, "crit"),
        ({"crit": ["b64", "sigD", "exp"]}, "unsupported"),
        ({"sigD": {"mId": "http://uri.etsi.org/19182/ObjectIdByURI", "pars": ["digest"]}}, "mId"),
        ({"sigD": {"mId": "http://uri.etsi.org/19182/HttpHeaders", "pars": ["date"]}}, "digest"),
        ({"x5t#o": {"digAlg": "S512", "digVal": "AAAA"}}, "x5t#o"),
        ({"x5t#o": None}, "x5t#o"),
        ({"kid": base64.b64encode(b"\x30\x00").decode()}, "kid"),
        ({"x5c": None}, "x5c"),
        ({"x5c": ["AAAA"] * 9}, "more than 8"),
        ({"x5c": ["not base64!"]}, "x5c"),
        ({"iat": "yesterday"}, "iat"),
    ],
)
def test_bad_protected_header_is_refused(
    changes: dict[str, object],
    message: str,
    captures: dict[str, Capture],
    acc_anchors: TrustAnchors,
) -> None:
    capture = captures["eb_requirements_fr"]
    headers = _reencode(capture, **changes)
    with pytest.raises(SignatureRejected, match=message):
        verify_response(capture.body, headers, anchors=acc_anchors, now=capture.iat)


def test_protected_header_reencoded_without_changes_breaks_signature(
    captures: dict[str, Capture], acc_anchors: TrustAnchors
) -> None:
    """The signing input is the header as sent: re-serialising it invalidates it."""
    capture = captures["eb_requirements_fr"]
    with pytest.raises(SignatureRejected, match="signature does not verify"):
        verify_response(capture.body, _reencode(capture), anchors=acc_anchors, now=capture.iat)


def test_eddsa_signature_verifies_and_is_checked() -> None:
    """TDD 3.6.2: EdDSA SHOULD be used; an Ed25519 signer is accepted and verified."""
    pki = build_pki("EdDSA test", eddsa=True)
    now = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    body = b"<query:QueryResponse/>"
    headers = sign_response(body, key=pki.leaf_key, chain=pki.chain, now=now)
    result = verify_response(body, headers, anchors=TrustAnchors((pki.root,)), now=now)
    assert result.signer is not None and result.signer.algorithm == "EdDSA"
    protected, _, sig = headers["oots-response-sig"].split(".")
    flipped = ("B" if sig[0] == "A" else "A") + sig[1:]
    with pytest.raises(SignatureRejected, match="does not verify"):
        verify_response(
            body,
            {**headers, "oots-response-sig": f"{protected}..{flipped}"},
            anchors=TrustAnchors((pki.root,)),
            now=now,
        )


def test_signed_in_the_future_is_refused() -> None:
    pki = build_pki("Clock")
    signed = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    headers = sign_response(b"x", key=pki.leaf_key, chain=pki.chain, now=signed)
    with pytest.raises(SignatureRejected, match="future"):
        verify_response(
            b"x", headers, anchors=TrustAnchors((pki.root,)), now=signed - dt.timedelta(hours=1)
        )


def test_header_names_are_case_insensitive(
    captures: dict[str, Capture], acc_anchors: TrustAnchors
) -> None:
    capture = captures["eb_requirements_vides"]
    headers = {k.upper(): v for k, v in capture.headers.items()}
    assert verify_response(capture.body, headers, anchors=acc_anchors, now=capture.iat).verified


def test_naive_now_is_a_programming_error(
    captures: dict[str, Capture], acc_anchors: TrustAnchors
) -> None:
    capture = captures["eb_requirements_vides"]
    with pytest.raises(TypeError):
        verify_response(
            capture.body, capture.headers, anchors=acc_anchors, now=dt.datetime(2026, 7, 22)
        )
