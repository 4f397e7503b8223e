# mypy: disallow-untyped-calls=False
"""Out of Germany in real headless Chromium (JavaScript off): a German GmbH registers at the
NL mock portal (EDM v1.0, form shows BV) and the AT mock portal (v2.0, form shows GmbH); the
portal asks our node over AS4, the browser goes to our preview space, the representative
logs in at the mock eID and approves, and lands on the portal's form prefilled with sources.
Screenshots: tests/artifacts/browser/<test>/."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from chromium import Shots, launch
from playwright.sync_api import Browser, Page, Playwright, expect

from gateway.settings import Settings
from mocks.de_registers.world import PUBLIC
from mocks.eu_peers.portals.abroad.world import PORTAL_PUBLIC, AbroadWorld
from mocks.pki import TestPki
from mocks.tls_front import HostFront

pytestmark = pytest.mark.timeout(180)
JANA = "DE/NL/PETERSENJANA1979"


@pytest.fixture(scope="module")
def abroad_world(chromium_path: str, tmp_path_factory: pytest.TempPathFactory,
                 settings: Settings, pki: TestPki) -> Iterator[AbroadWorld]:
    """Register, eID, DE node, NL/AT access points and portals (separate processes)."""
    w = AbroadWorld(tmp_path_factory.mktemp("abroad-browser"), pki, settings.shared_dir)
    try:
        w.start()
    except RuntimeError as exc:
        w.stop()
        pytest.fail(str(exc))
    try:
        yield w
    finally:
        w.stop()


@pytest.fixture(scope="module")
def abroad_browser(playwright: Playwright, chromium_path: str, abroad_world: AbroadWorld,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """Chromium resolving the three https host names to one TLS front, trusting only it."""
    front = HostFront(abroad_world.hosts(), tmp_path_factory.mktemp("abroad-front"))
    front.start()
    browser = launch(playwright, chromium_path, resolver_rules=front.resolver_rules,
                     pins=(front.pin,))
    try:
        yield browser
    finally:
        browser.close()
        front.stop()


def _fill_start(page: Page, shots: Shots, country: str, number: str = "116737") -> None:
    page.goto(f"{PORTAL_PUBLIC[country]}/")
    assert page.locator("script").count() == 0
    page.get_by_label("Register court").select_option("K1101R")
    page.get_by_label("Register", exact=True).select_option("HRB")
    page.get_by_label("Register number").fill(number)
    page.get_by_label("Given name").fill("Jana")
    page.get_by_label("Family name").fill("Petersen")
    page.get_by_label("Date of birth (YYYY-MM-DD)").fill("1979-05-02")
    page.get_by_label("eIDAS identifier").fill(JANA)
    shots(page, f"{country.lower()}-portal-start")
    page.get_by_role("button", name="Fetch from Germany").click()


def _preview_and_decide(page: Page, shots: Shots, country: str, decision: str) -> None:
    page.wait_for_url(re.compile(rf"^{re.escape(PUBLIC)}/preview/"))
    if country == "NL":
        assert "returnurl=https%3A%2F%2Fnl-portal" in page.url or \
            "returnurl=https://nl-portal" in page.url, page.url
    shots(page, "our-preview-login")
    page.locator("#eid-login").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/login\?"))
    shots(page, "mock-eid")
    page.locator(f'button[name="persona"][value="{JANA}"]').click()
    page.wait_for_url(re.compile(rf"^{re.escape(PUBLIC)}/preview/"))
    expect(page.get_by_text("Beispiel Hafen GmbH").first).to_be_visible()
    shots(page, "our-preview-evidence")
    page.locator(f"#{decision}").click()
    page.wait_for_url(re.compile(rf"^{re.escape(PORTAL_PUBLIC[country])}/return/"),
                      timeout=60_000)


@pytest.mark.parametrize("country, legal_form", [("NL", "BV"), ("AT", "GmbH")])
def test_german_gmbh_prefills_foreign_form(abroad_browser: Browser, shots: Shots,
                                           country: str, legal_form: str) -> None:
    """Start page -> our preview (eID login, approve) -> the foreign form, prefilled."""
    page = shots.new_page(abroad_browser, locale="en-GB")
    _fill_start(page, shots, country)
    _preview_and_decide(page, shots, country, "approve")
    expect(page.get_by_label("Company name")).to_have_value("Beispiel Hafen GmbH")
    expect(page.get_by_label("Legal form")).to_have_value(legal_form)
    expect(page.get_by_label("Register number")).to_have_value("HRB 116737")
    expect(page.get_by_label("Register court")).to_have_value(re.compile("Hamburg"))
    expect(page.get_by_label("Registered address")).not_to_have_value("")
    expect(page.get_by_label("Representatives")).not_to_have_value("")
    expect(page.locator("#legal_form-source")).to_contain_text("legal_forms.csv")
    expect(page.locator("#company_name-source")).to_contain_text("Handelsregister via OOTS")
    assert page.locator(".source").count() == 8
    assert page.locator("script").count() == 0
    shots(page, f"{country.lower()}-form-prefilled")


def test_refused_preview_prefills_nothing(abroad_browser: Browser, shots: Shots) -> None:
    """Refuse at our preview space: the AT portal says so and prefills nothing."""
    page = shots.new_page(abroad_browser, locale="en-GB")
    _fill_start(page, shots, "AT")
    _preview_and_decide(page, shots, "AT", "refuse")
    expect(page.locator("#message")).to_contain_text("Nothing was prefilled")
    assert page.locator(".source").count() == 0
    expect(page.get_by_text("Beispiel Hafen")).to_have_count(0)
    shots(page, "at-refused")
