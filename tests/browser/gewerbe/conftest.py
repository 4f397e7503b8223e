"""Fixtures of the Gewerbe browser tests: the world of both directions, Chromium trusting it.

The world (:mod:`mocks.eu_peers.portals.world`) runs as separate processes; Chromium
(``chromium_path``/``playwright`` of ``tests/browser/conftest.py``: skipped locally without
it, failing under CI) accepts exactly the world's loopback server key.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import launch
from cryptography import x509
from front import spki_pin
from playwright.sync_api import Browser, Playwright

from gateway.settings import Settings
from mocks.eu_peers.portals.world import GewerbeWorld, Tls, make_tls, start_gewerbe_world
from mocks.eu_peers.processes import ProcessGroup
from mocks.pki import TestPki

PROJECT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def gewerbe_tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """Loopback TLS material of the world."""
    return make_tls(tmp_path_factory.mktemp("gewerbe-tls"))


@pytest.fixture(scope="module")
def gewerbe_world(chromium_path: str, tmp_path_factory: pytest.TempPathFactory,
                  settings: Settings, pki: TestPki, gewerbe_tls: Tls) -> Iterator[GewerbeWorld]:
    """EB/DSD, NL, AT, the Gewerbeamt inboxes and the DE node; stopped after the module."""
    root: Path = tmp_path_factory.mktemp("browser-gewerbe")
    group = ProcessGroup(cwd=PROJECT, logs=root / "logs")
    with group:
        yield start_gewerbe_world(group, root, settings, pki, gewerbe_tls)


@pytest.fixture(scope="module")
def gewerbe_browser(playwright: Playwright, chromium_path: str,
                    gewerbe_tls: Tls) -> Iterator[Browser]:
    """Chromium accepting exactly the world's loopback server key."""
    pin = spki_pin(x509.load_pem_x509_certificate(gewerbe_tls.cert.read_bytes()))
    browser = launch(playwright, chromium_path, pins=(pin,))
    try:
        yield browser
    finally:
        browser.close()
