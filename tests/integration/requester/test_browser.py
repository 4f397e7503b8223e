"""Browser tests in real headless Chromium (Debian ``chromium``, DevTools protocol): a person
in the WSP stand-in asks for NL / AT evidence, logs in at the provider's preview page,
approves or refuses, and comes back to the portal. Screenshots of every step are kept
under ``var/artifacts/browser/requester/`` (test artefacts)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from requester_cdp import Browser
from requester_flows import company
from requester_harness import World

pytestmark = pytest.mark.timeout(180)
ARTEFACTS = Path(__file__).resolve().parents[3] / "var" / "artifacts" / "browser" / "requester"


@pytest.fixture
def chromium(require_tool: Callable[[str], str], world: World) -> Iterator[Browser]:
    """A fresh headless Chromium trusting the loopback server certificate only."""
    browser = Browser(require_tool("chromium"), trust_cert=world.tls.cert, artefacts=ARTEFACTS)
    yield browser
    browser.close()


def _start(b: Browser, world: World, country: str, number: str, step: str) -> None:
    c = company(country, number)
    b.goto(f"{world.wsp}/")
    b.fill({"country": country, "legal_name": c.name, "national_id": c.number,
            "euid": c.euid})
    b.screenshot(f"{step}-1-wsp-start")
    b.click("start")
    b.wait("document.getElementById('preview') !== null")
    assert b.js("document.getElementById('state').textContent") == "preview-required"
    b.screenshot(f"{step}-2-wsp-preview-link")
    b.click("preview")
    b.wait("document.getElementById('login') !== null")
    assert b.url.startswith(world.nl if country == "NL" else world.at)


def _login(b: Browser, country: str, number: str, step: str) -> None:
    rep = company(country, number).representatives[0]
    b.fill({"given_name": "Eve", "family_name": "Mallory", "birth_date": "1990-01-01"})
    b.click("login")
    b.wait("document.getElementById('login-failed') !== null")
    b.screenshot(f"{step}-3-login-refused-stranger")
    b.fill({"given_name": rep.given_name, "family_name": rep.family_name,
            "birth_date": rep.birth_date.isoformat()})
    b.screenshot(f"{step}-4-login")
    b.click("login")
    b.wait("document.getElementById('approve') !== null")
    assert number in b.js("document.getElementById('extract').textContent")
    b.screenshot(f"{step}-5-preview")


@pytest.mark.parametrize(("country", "number"), [("NL", "59581883"), ("AT", "473888W")])
def test_user_approves_at_the_preview_and_gets_the_evidence(
        chromium: Browser, world: World, country: str, number: str) -> None:
    step = f"{country.lower()}-approve"
    _start(chromium, world, country, number, step)
    login_text = chromium.js("document.body.textContent")
    assert ("DigiD" if country == "NL" else "ID Austria") in login_text
    _login(chromium, country, number, step)
    chromium.click("approve")
    chromium.wait(f"location.href.startsWith({world.wsp!r}) && "
                  "document.querySelector('a.document') !== null")
    assert chromium.js("document.getElementById('state').textContent") == "delivered"
    assert "application/pdf" in chromium.js("document.querySelector('a.document').textContent")
    chromium.screenshot(f"{step}-6-wsp-delivered")


def test_user_refuses_at_the_preview_and_nothing_is_delivered(
        chromium: Browser, world: World) -> None:
    step = "at-refuse"
    _start(chromium, world, "AT", "123456A", step)
    _login(chromium, "AT", "123456A", step)
    chromium.click("refuse")
    chromium.wait(f"location.href.startsWith({world.wsp!r}) && "
                  "document.getElementById('error') !== null")
    assert chromium.js("document.getElementById('state').textContent") == "failed"
    assert "EDM:ERR:0004" in chromium.js("document.getElementById('error').textContent")
    assert chromium.js("document.querySelector('a.document')") is None
    chromium.screenshot(f"{step}-6-wsp-refused")
