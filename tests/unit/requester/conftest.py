"""Fixtures of the requester unit tests: the mock EC signer, anchors, an in-process fetch."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest
from requester_support import NOW, FetchFn

from gateway.evidence.common_services import HttpQuery, Service, TrustAnchors
from gateway.settings import Settings
from mocks.eu_peers.common_services import CsSigner
from mocks.eu_peers.providers.cs_server import answer_bytes, signed
from mocks.pki import TestPki, ensure_pki


@pytest.fixture(scope="session")
def pki(settings: Settings) -> TestPki:
    """The scripted test PKI (mock EC chain included)."""
    return ensure_pki(settings.pki_dir)


@pytest.fixture(scope="session")
def anchors(pki: TestPki) -> TrustAnchors:
    """The mock EC root as the only anchor."""
    return TrustAnchors.from_pem(pki.path("ec-root-ca").read_bytes())


@pytest.fixture(scope="session")
def make_fetch(pki: TestPki) -> Callable[..., FetchFn]:
    """``make_fetch(mode="valid", log=None)``: the scenario services in-process, signed as
    ``mode`` says; every (service, query string) asked is appended to ``log``."""
    signer = CsSigner.from_pki(pki)

    def make(mode: str = "valid", log: list[tuple[str, str]] | None = None) -> FetchFn:
        def fetch(service: str, query: HttpQuery) -> tuple[bytes, Mapping[str, str]]:
            qs = query.query_string
            headers = {k.lower(): v for k, v in query.headers}
            if log is not None:
                log.append((service, qs))
            body = answer_bytes(qs, headers, Service.EB if service == "eb" else Service.DSD)
            return signed(body, signer, mode, NOW)
        return fetch

    return make
