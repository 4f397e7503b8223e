"""Requester role in real headless Chromium: a person at the WSP stand-in asks for Dutch or
Austrian register evidence, is sent to the NL / AT mock provider's preview page, logs in
(mock DigiD / ID Austria), sees the extract, approves or refuses, and is back at the WSP,
where the evidence is shown as delivered (or the refusal as failed). The portal API's view
of the case is checked as well. JavaScript is off in every browser context; the WSP and
the provider's waiting page move on by themselves (meta refresh)."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest
from chromium import Shots, reload_until
from playwright.sync_api import Browser, Page, expect

from mocks.eu_peers.providers.companies import COMPANIES, Company
from mocks.wsp.world import TOKEN, World

pytestmark = pytest.mark.timeout(120)
_LOGIN = {"NL": ("Voornaam", "Achternaam", "Geboortedatum", "Inloggen", "DigiD"),
          "AT": ("Vorname", "Familienname", "Geburtsdatum", "Anmelden", "ID Austria")}
_DECIDE = {"NL": ("Akkoord", "Weigeren"), "AT": ("Zustimmen", "Ablehnen")}


def _company(country: str, number: str) -> Company:
    return next(c for c in COMPANIES if c.country == country and c.number == number)


def _case(world: World, local: str) -> dict[str, Any]:
    """The gateway's view of the WSP request ``local`` (portal API, as the WSP sees it)."""
    cid = httpx.get(f"{world.wsp}/control/requests/{local}", verify=world.tls.context,
                    timeout=10).json()["id"]
    got: dict[str, Any] = httpx.get(f"{world.de}/portal/v1/evidence-requests/{cid}",
                                    headers={"Authorization": f"Bearer {TOKEN}"},
                                    timeout=30).json()
    return got


def _wait_case(world: World, local: str, states: set[str], timeout: float = 45
               ) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (doc := _case(world, local))["state"] not in states:
        assert time.monotonic() < deadline, (doc["state"], doc["timeline"])
        time.sleep(0.2)
    return doc


def _start_at_wsp(page: Page, shots: Shots, world: World, c: Company) -> str:
    """Fill in the WSP's form (by its labels), send it, follow the link to the preview;
    the WSP's local request id."""
    page.goto(f"{world.wsp}/")
    assert page.locator("script").count() == 0
    page.get_by_label("Land").select_option(c.country)
    page.get_by_label("Firma").fill(c.name)
    page.get_by_label("Registernummer (KvK / FN)").fill(c.number)
    page.get_by_label("EUID (optional)").fill(c.euid)
    expect(page.get_by_label("Vorschau erlauben")).to_be_checked()
    shots(page, "wsp-start-form")
    page.get_by_role("button", name="Anfordern").click()
    page.wait_for_url(re.compile(rf"^{re.escape(world.wsp)}/requests/[0-9a-f]{{12}}$"))
    local = page.url.rsplit("/", 1)[1]
    # while the request is on its way the page reloads itself (meta refresh, no JS)
    page.locator("#preview").wait_for(timeout=45_000)
    expect(page.locator("#state")).to_have_text("preview-required")
    shots(page, "wsp-preview-link")
    page.get_by_role("link", name="Zur Vorschau beim Register").click()
    provider = world.nl if c.country == "NL" else world.at
    page.wait_for_url(re.compile(rf"^{re.escape(provider)}/preview/"))
    return local


def _login_at_provider(page: Page, shots: Shots, c: Company) -> None:
    """The mock DigiD / ID Austria form (labelled fields); then the extract."""
    given, family, born, button, eid = _LOGIN[c.country]
    expect(page.get_by_text(eid).first).to_be_visible()
    rep = c.representatives[0]
    page.get_by_label(given).fill(rep.given_name)
    page.get_by_label(family).fill(rep.family_name)
    page.get_by_label(born).fill(rep.birth_date.isoformat())
    shots(page, f"{c.country.lower()}-login")
    page.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(r"/preview/[^/]+/view$"))
    expect(page.get_by_role("heading", name=c.name)).to_be_visible()
    expect(page.locator("#number")).to_have_text(c.number)
    assert page.locator("script").count() == 0
    shots(page, f"{c.country.lower()}-preview-extract")


@pytest.mark.parametrize(("country", "number", "version"), [
    ("NL", "59581883", "oots-edm:v1.0"), ("AT", "473888W", "oots-edm:v2.0")])
def test_wsp_user_approves_at_the_provider_and_sees_the_evidence_delivered(
        wsp_world: World, wsp_browser: Browser, shots: Shots, country: str, number: str,
        version: str) -> None:
    """WSP -> preview at the NL (v1.0, returnUrl) / AT (v2.0, ReturnLocation; the
    waiting page refreshes until it is known) mock -> login -> approve -> back at the WSP,
    the PDF listed as delivered and downloadable."""
    c = _company(country, number)
    page = shots.new_page(wsp_browser, locale="de-DE")
    local = _start_at_wsp(page, shots, wsp_world, c)
    assert _case(wsp_world, local)["edm_version"] == version
    _login_at_provider(page, shots, c)
    page.get_by_role("button", name=_DECIDE[country][0]).click()
    page.wait_for_url(f"{wsp_world.wsp}/requests/{local}", timeout=45_000)
    reload_until(page, "a.document")
    expect(page.locator("#state")).to_have_text("delivered")
    expect(page.locator("a.document")).to_contain_text("application/pdf")
    shots(page, "wsp-delivered")
    with page.expect_response(re.compile(r"/documents/\d+$")) as opened:
        page.locator("a.document").click()  # the browser opens the PDF
    assert opened.value.status == 200
    assert opened.value.header_value("content-type") == "application/pdf"
    # Chromium hands the PDF to its viewer (the body seen here is the viewer's page),
    # so the bytes behind the same link are checked with a plain client
    body = httpx.get(opened.value.url, verify=wsp_world.tls.context, timeout=30).content
    assert body.startswith(b"%PDF-") and c.number.encode() in body
    doc = _case(wsp_world, local)
    assert doc["state"] == "delivered"
    assert [d["mime_type"] for d in doc["documents"]] == ["application/pdf"]


def test_wsp_user_refuses_at_the_provider_and_nothing_is_delivered(
        wsp_world: World, wsp_browser: Browser, shots: Shots) -> None:
    """Refusal at the NL mock's preview: back at the WSP, the request failed with the
    provider's EDM:ERR:0004, no document anywhere."""
    c = _company("NL", "69599084")
    page = shots.new_page(wsp_browser, locale="de-DE")
    local = _start_at_wsp(page, shots, wsp_world, c)
    _login_at_provider(page, shots, c)
    page.get_by_role("button", name=_DECIDE["NL"][1]).click()
    page.wait_for_url(f"{wsp_world.wsp}/requests/{local}", timeout=45_000)
    reload_until(page, "#error")
    expect(page.locator("#state")).to_have_text("failed")
    expect(page.locator("#error")).to_contain_text("EDM:ERR:0004")
    assert page.locator("a.document").count() == 0
    shots(page, "wsp-refused")
    doc = _wait_case(wsp_world, local, {"failed", "delivered"})
    assert doc["state"] == "failed" and doc["error"]["code"] == "EDM:ERR:0004"
    assert doc["documents"] == []
