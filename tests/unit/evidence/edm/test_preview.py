"""The preview sequence (TDD 4.9) and the message dispatcher."""

from __future__ import annotations

import dataclasses

import pytest

from gateway.errors import EdmErrorCode, EvidenceError
from gateway.evidence.edm import (
    EdmVersion,
    ExchangeHeader,
    build_message,
    is_preview_required,
    parse_message,
    second_request,
)
from gateway.evidence.validation import Validator

from . import factories as f

V1, V2 = EdmVersion.V1_0, EdmVersion.V2_0
CONV, EXCH = "e0a6a5b7-6b2e-4b9c-9a63-8f0c6d3a1b24", "1a2b3c4d-0000-4000-8000-000000000002"


def test_v2_second_request_reuses_the_exchange_and_carries_both_locations(
    validator: Validator,
) -> None:
    first = f.request(V2)
    header = ExchangeHeader.for_version(V2, conversation_id=CONV, exchange_id=EXCH)
    error = f.error(V2, EdmErrorCode.MISSING_AUTHORIZATION)
    assert is_preview_required(error)
    second, header2 = second_request(
        first, header, error, request_id=f.urn(77), issue_datetime=f.NOW,
        return_location="https://requester.example.dk/return/1")
    assert header2 == header
    assert second.preview_location == error.exception.preview_location
    assert second.is_second_preview_request and not first.is_second_preview_request
    data = build_message(second)
    assert validator.validate(data).valid
    assert parse_message(data) == second


def test_v1_second_request_has_no_return_slot(validator: Validator) -> None:
    first = f.request(V1)
    header = ExchangeHeader.for_version(V1, conversation_id="conv-1")
    error = f.error(V1, EdmErrorCode.MISSING_AUTHORIZATION)
    second, header2 = second_request(first, header, error, request_id=f.urn(78),
                                     issue_datetime=f.NOW)
    assert header2.message_properties() == ()
    assert second.return_location is None
    assert validator.validate(build_message(second)).valid
    with pytest.raises(EvidenceError) as info:
        second_request(first, header, error, request_id=f.urn(78), issue_datetime=f.NOW,
                       return_location="https://x.example")
    assert info.value.field == "return_location"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("not-a-preview", "error.exception"),
        ("other-request", "error.request_id"),
        ("no-return", "return_location"),
        ("preview-not-offered", "first.possibility_for_preview"),
    ],
)
def test_second_request_refusals(change: str, field: str) -> None:
    first = f.request(V2)
    header = ExchangeHeader.for_version(V2, conversation_id=CONV, exchange_id=EXCH)
    error = f.error(V2, EdmErrorCode.MISSING_AUTHORIZATION)
    ret: str | None = "https://r.example/1"
    if change == "not-a-preview":
        error = f.error(V2, EdmErrorCode.OBJECT_NOT_FOUND)
    elif change == "other-request":
        error = dataclasses.replace(error, request_id=f.urn(99))
    elif change == "no-return":
        ret = None
    else:
        first = dataclasses.replace(first, possibility_for_preview=False)
    with pytest.raises(EvidenceError) as info:
        second_request(first, header, error, request_id=f.urn(79), issue_datetime=f.NOW,
                       return_location=ret)
    assert info.value.field == field


@pytest.mark.parametrize("version", [V1, V2], ids=lambda v: v.value)
def test_parse_message_dispatches_every_kind(version: EdmVersion) -> None:
    for model in (f.request(version), f.response(version),
                  f.error(version, EdmErrorCode.TIMEOUT)):
        assert parse_message(build_message(model)) == model


def test_parse_message_refuses_other_documents() -> None:
    with pytest.raises(EvidenceError) as info:
        parse_message(b'<r:RegistryResponse xmlns:r="urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0"/>')
    assert info.value.field == "root"
    with pytest.raises(EvidenceError) as info:
        parse_message(b"not xml")
    assert info.value.code == "EDM:ERR:0003"
