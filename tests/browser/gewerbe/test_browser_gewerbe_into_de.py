"""Into Germany in headless Chromium: an NL BV and an AT GmbH register a trade in Cottbus.

Start page -> register number + country button -> the register's preview (mock DigiD /
ID Austria login, approve) -> back at the assistant, form prefilled with provenance ->
four fields -> XGewerbeanzeige received by the mocked Gewerbeamt Cottbus (checked at the
inbox: digest, schema, content). The person's interactions are counted (target <= 12).
JavaScript is off: the pages must work without it.
"""

from __future__ import annotations

import httpx
import pytest
from chromium import Shots, tab_to
from person import Person
from playwright.sync_api import Browser

from gateway.gewerbe.schema import load_validator
from gateway.settings import Settings
from mocks.eu_peers.portals.world import GewerbeWorld
from mocks.eu_peers.providers.companies import COMPANIES, Company

pytestmark = pytest.mark.timeout(300)
MAX_INTERACTIONS = 12
COTTBUS = "12052000"


def _company(country: str, number: str) -> Company:
    return next(c for c in COMPANIES if c.country == country and c.number == number)


def login_and_approve(person: Person, shots: Shots, company: Company) -> None:
    """At the foreign register's preview: mock eID login as the representative, approve."""
    person.wait("#given_name")
    shots(person.page, "register-login")
    rep = company.representatives[0]
    person.type("#given_name", rep.given_name)
    person.type("#family_name", rep.family_name)
    person.type("#birth_date", rep.birth_date.isoformat())
    person.click("#login")
    person.wait("#approve")
    assert company.number in person.page.inner_text("#number")
    shots(person.page, "register-preview")
    person.click("#approve")


def fetch(person: Person, shots: Shots, world: GewerbeWorld, number: str, country: str,
          *, lang: str = "de") -> None:
    """From the start page to the register's preview."""
    person.page.goto(f"{world.de}/gewerbe/?lang={lang}")
    shots(person.page, "start")
    person.type("#number", number)
    person.click(f"#fetch-{country.lower()}")


def inbox(world: GewerbeWorld, ags: str) -> list[dict[str, object]]:
    """The acknowledgements the mocked Gewerbeamt stored."""
    got: list[dict[str, object]] = httpx.get(f"{world.amt}/gewerbeamt/{ags}/inbox",
                                             timeout=10).json()
    return got


@pytest.mark.parametrize(("country", "number", "typed", "legal_code"), [
    ("NL", "59581883", "59581883", "293000"),      # Besloten vennootschap, EDM v1.0
    ("AT", "473888W", "FN 473888w", "293000"),     # GmbH (AT), EDM v2.0
])
def test_registration_into_de(gewerbe_browser: Browser, gewerbe_world: GewerbeWorld,
                              shots: Shots, settings: Settings, country: str, number: str,
                              typed: str, legal_code: str) -> None:
    """The whole path, its interaction count, the message at the Gewerbeamt."""
    company = _company(country, number)
    before = len(inbox(gewerbe_world, COTTBUS))
    with gewerbe_browser.new_context(java_script_enabled=False, locale="de-DE") as context:
        person = Person(context.new_page())
        fetch(person, shots, gewerbe_world, typed, country)
        login_and_approve(person, shots, company)
        person.wait("#activity")  # back at the assistant: the form is prefilled
        page = person.page
        shots(page, "prefilled")
        table = page.inner_text("#prefilled")
        assert company.name in table and company.representatives[0].family_name in table
        register = "NL:KVK" if country == "NL" else "AT:Firmenbuch"
        sources = page.locator("#prefilled small.src")
        assert sources.count() == 7
        for i in range(7):  # every prefilled field names register and evidence id
            assert sources.nth(i).get_attribute("data-register") == register
            assert (sources.nth(i).get_attribute("data-evidence") or "").strip()
        assert f"XUnternehmen {legal_code}" in page.inner_text("#row-legal_form")
        person.type("#activity", "Großhandel mit Büromaterial")
        person.type("#start_date", "2027-02-01")
        person.type("#address", "Spremberger Str. 90, 03046")
        person.choose("#ags", COTTBUS)
        person.click("#submit")
        person.wait("#done")
        shots(page, "acknowledged")
        record = page.inner_text("#record").strip()
        digest = page.inner_text("#digest").strip()
    assert len(person.interactions) <= MAX_INTERACTIONS, person.interactions
    received = inbox(gewerbe_world, COTTBUS)
    assert len(received) == before + 1
    ack = next(r for r in received if r["record_uuid"] == record)
    assert ack["digest"] == digest and ack["status"] == "received"
    xml = httpx.get(f"{gewerbe_world.amt}/gewerbeamt/{COTTBUS}/inbox/{record}",
                    timeout=10).content
    assert load_validator(settings).validate(xml).valid
    text = xml.decode("utf-8")
    assert company.name in text and f"<code>{legal_code}</code>" in text
    assert "Spremberger Str." in text and "Großhandel mit Büromaterial" in text
    print(f"{country}: {len(person.interactions)} interactions: {person.interactions}")


def test_keyboard_only_and_labels(gewerbe_browser: Browser, gewerbe_world: GewerbeWorld,
                                  shots: Shots) -> None:
    """English pages: the start page and the form work with Tab/typing/Enter only; every
    form control has a label; the acknowledgement is reached by pressing Enter."""
    company = _company("NL", "69599084")
    with gewerbe_browser.new_context(java_script_enabled=False, locale="en-GB") as context:
        person = Person(context.new_page())
        page = person.page
        page.goto(f"{gewerbe_world.de}/gewerbe/?lang=en")
        tab_to(page, "#number")
        page.keyboard.type(company.number)
        tab_to(page, "#fetch-nl")
        page.keyboard.press("Enter")
        login_and_approve(person, shots, company)
        person.wait("#activity")
        unlabelled = page.eval_on_selector_all(
            "main input:not([type=hidden]), main select",
            "els => els.filter(e => !e.labels || e.labels.length === 0).map(e => e.id)")
        assert unlabelled == []
        assert page.inner_text("h1") == "Your details"
        for selector, text in (("#activity", "Blumenhandel"),
                               ("#address", "Karl-Marx-Str. 67, 03044")):
            tab_to(page, selector)
            page.keyboard.type(text)
        page.fill("#start_date", "2027-04-01")
        page.select_option("#ags", COTTBUS)
        tab_to(page, "#submit")
        page.keyboard.press("Enter")
        person.wait("#done")
        shots(page, "acknowledged-by-keyboard")
        assert "received" in page.inner_text("#done")
