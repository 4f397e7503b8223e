"""Robustness: damaged answers and headers only ever raise the gateway's typed errors."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from gateway.errors import GatewayError
from gateway.evidence.common_services.errors import SignatureRejected
from gateway.evidence.common_services.responses import parse_response
from gateway.evidence.common_services.signature import TrustAnchors, verify_response
from gateway.xml import parse_xml

from .conftest import Capture

SMALL = ("dsd_data_services_fi", "dsd_aucun_service_fr", "eb_requirements_fr")


def _drop_element(body: bytes, index: int) -> bytes:
    root = parse_xml(body)
    elements = [e for e in root.iter() if isinstance(e.tag, str)][1:]
    victim = elements[index % len(elements)]
    parent = victim.getparent()
    assert parent is not None
    parent.remove(victim)
    return etree.tostring(root)


@pytest.mark.parametrize("name", SMALL)
def test_damaged_answers_raise_typed_errors(name: str, captures: dict[str, Capture]) -> None:
    body = captures[name].body

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.one_of(
            st.tuples(st.just("flip"), st.integers(0, len(body) - 1), st.integers(1, 255)),
            st.tuples(st.just("drop"), st.integers(0, 10_000), st.just(0)),
            st.tuples(st.just("cut"), st.integers(0, len(body) - 1), st.just(0)),
        )
    )
    def check(change: tuple[str, int, int]) -> None:
        kind, position, value = change
        if kind == "flip":
            damaged = bytearray(body)
            damaged[position] ^= value
            data = bytes(damaged)
        elif kind == "drop":
            data = _drop_element(body, position)
        else:
            data = body[:position]
        try:
            parse_response(data)
        except GatewayError:
            pass

    check()


@given(
    st.dictionaries(
        st.sampled_from(["oots-response-sig", "digest", "Digest", "other"]),
        st.text(max_size=200),
        max_size=3,
    )
)
@settings(max_examples=200, deadline=None)
def test_garbage_headers_are_refused(headers: dict[str, str]) -> None:
    anchors = _ANCHORS[0]
    with pytest.raises(SignatureRejected):
        verify_response(
            b"<x/>", headers, anchors=anchors, now=dt.datetime(2026, 7, 22, tzinfo=dt.UTC)
        )


_ANCHORS: list[TrustAnchors] = []


@pytest.fixture(autouse=True, scope="module")
def _anchors(acc_anchors: TrustAnchors) -> None:
    _ANCHORS[:] = [acc_anchors]


@given(st.text(alphabet="ABCDEFabcdef0123456789-_.", min_size=0, max_size=300))
@settings(max_examples=200, deadline=None)
def test_garbage_jws_is_refused(jws: str) -> None:
    headers = {
        "oots-response-sig": jws,
        "digest": "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    }
    with pytest.raises(SignatureRejected):
        verify_response(
            b"", headers, anchors=_ANCHORS[0], now=dt.datetime(2026, 7, 22, tzinfo=dt.UTC)
        )
