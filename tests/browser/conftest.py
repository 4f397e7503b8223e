"""Fixtures of the browser tests: Chromium (required in CI), the two process worlds.

* ``de_world`` + ``front``: the provider world of ``tests/integration/provider``
  (:class:`mocks.de_registers.world.World`: register, mock eID, DE node, NL mock AP as
  separate processes) behind the TLS front (:mod:`front`);
* ``wsp_world``: the requester world of ``tests/integration/requester``
  (:mod:`mocks.wsp.world`: EB/DSD mock, NL/AT mock providers, the gateway, the WSP
  stand-in; HTTPS on loopback).

Screenshots: ``tests/artifacts/browser/<test>/NN-step.png`` (listed at the end of the run).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chromium import SAVED, Shots, launch
from cryptography import x509
from front import Front, spki_pin
from playwright.sync_api import Browser, Playwright, sync_playwright

from gateway.evidence.validation import Validator
from gateway.evidence.validator_factory import build_validator
from gateway.settings import Settings
from mocks.de_registers.world import World as DeWorld
from mocks.eu_peers.processes import ProcessGroup
from mocks.pki import TestPki, ensure_pki
from mocks.wsp.world import Tls, World, make_tls, start_world


@pytest.fixture(scope="session")
def chromium_path(require_tool: Callable[[str], str]) -> str:
    """Debian's ``chromium`` (skip locally when missing, fail under CI)."""
    return require_tool("chromium")


@pytest.fixture(scope="module")
def playwright(chromium_path: str) -> Iterator[Playwright]:
    """The Playwright driver (it drives the system Chromium only). Per module: while it
    runs, its event loop counts as running in this thread, so ``asyncio.run()`` (pyHanko's
    validation, in later test folders) would fail."""
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def pki(settings: Settings) -> TestPki:
    """The scripted test PKI (var/pki)."""
    return ensure_pki(settings.pki_dir)


@pytest.fixture(scope="session")
def validator(settings: Settings) -> Validator:
    """The gateway's validator (official kits + project v2.0 checks)."""
    return build_validator(settings)


@pytest.fixture(scope="module")
def de_world(chromium_path: str, tmp_path_factory: pytest.TempPathFactory, pki: TestPki,
             settings: Settings) -> Iterator[DeWorld]:
    """Register, eID, DE node (provider) and NL access point as separate processes."""
    world = DeWorld(tmp_path_factory.mktemp("browser-provider"), pki, settings.shared_dir)
    try:
        world.start()
    except RuntimeError as exc:
        world.stop()
        pytest.fail(str(exc))
    try:
        yield world
    finally:
        world.stop()


@pytest.fixture(scope="module")
def front(de_world: DeWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    """https://de-node.oots.test (-> the node) and https://nl-portal.oots.test (stand-in)."""
    f = Front(de_world.procs["de"].url, tmp_path_factory.mktemp("front"))
    f.start()
    try:
        yield f
    finally:
        f.stop()


@pytest.fixture(scope="module")
def de_browser(playwright: Playwright, chromium_path: str, front: Front) -> Iterator[Browser]:
    """Chromium resolving the two test host names to the front, trusting its key only."""
    browser = launch(playwright, chromium_path, resolver_rules=front.resolver_rules,
                     pins=(front.pin,))
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """Loopback TLS material of the requester world."""
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def wsp_world(chromium_path: str, tmp_path_factory: pytest.TempPathFactory,
              settings: Settings, pki: TestPki, tls: Tls) -> Iterator[World]:
    """EB/DSD, NL, AT, the gateway and the WSP stand-in; stopped after the module."""
    root: Path = tmp_path_factory.mktemp("browser-requester")
    group = ProcessGroup(cwd=Path(__file__).resolve().parents[2], logs=root / "logs")
    with group:
        yield start_world(group, root, settings, pki, tls)


@pytest.fixture(scope="module")
def wsp_browser(playwright: Playwright, chromium_path: str, tls: Tls) -> Iterator[Browser]:
    """Chromium accepting exactly the loopback server key of the requester world."""
    pin = spki_pin(x509.load_pem_x509_certificate(tls.cert.read_bytes()))
    browser = launch(playwright, chromium_path, pins=(pin,))
    try:
        yield browser
    finally:
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item (``shots`` pictures a failed test's page)."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Iterator[Shots]:
    """This test's screenshot folder and browser contexts."""
    taken = Shots(request.node.name)
    yield taken
    call = getattr(request.node, "report_call", None)
    taken.close(failed=call is None or call.failed)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say where the screenshots are."""
    if SAVED:
        terminalreporter.write_sep("-", "browser screenshots (test artefacts)")
        for folder in SAVED:
            count = len(list(folder.glob("*.png")))
            terminalreporter.write_line(f"{folder} ({count} screenshots)")
