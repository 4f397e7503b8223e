"""Bad input in headless Chromium, into DE: each leads to a clear message on the page and a
state the person can resume; no notification is sent half-way or twice.

Cases: malformed and unknown register numbers, the preview refused (then resumed and
approved), the form incomplete (kept, corrected, resumed from another browser), a repeated
submission, and the foreign provider down (last: it stops the AT mock of this module's world).
"""

from __future__ import annotations

import httpx
import pytest
from chromium import Shots
from person import Person
from playwright.sync_api import Browser
from test_browser_gewerbe_into_de import COTTBUS, _company, fetch, inbox, login_and_approve

from mocks.eu_peers.portals.world import GewerbeWorld

pytestmark = pytest.mark.timeout(300)


def test_malformed_number_is_refused_on_the_start_page(gewerbe_browser: Browser,
                                                       gewerbe_world: GewerbeWorld,
                                                       shots: Shots) -> None:
    """A number that is no KVK number: the start page again, with the reason and the input."""
    with gewerbe_browser.new_context(java_script_enabled=False) as context:
        person = Person(context.new_page())
        fetch(person, shots, gewerbe_world, "12ab", "NL", lang="en")
        person.wait("#problem")
        shots(person.page, "refused")
        assert "KVK number (8 digits)" in person.page.inner_text("#problem")
        assert person.page.input_value("#number") == "12ab"


def test_unknown_company_fails_clearly_and_can_restart(gewerbe_browser: Browser,
                                                       gewerbe_world: GewerbeWorld,
                                                       shots: Shots) -> None:
    """KVK 12345678 is not registered: EDM:ERR:0004 on the page, retry and restart offered."""
    with gewerbe_browser.new_context(java_script_enabled=False) as context:
        person = Person(context.new_page())
        fetch(person, shots, gewerbe_world, "12345678", "NL")
        person.wait("#failed")
        shots(person.page, "failed")
        assert "EDM:ERR:0004" in person.page.inner_text("#failed")
        assert person.page.locator("#retry").count() == 1
        assert person.page.locator("#resume").count() == 1
        person.click("#restart")
        person.wait("#number")


def test_refused_preview_then_resumed(gewerbe_browser: Browser, gewerbe_world: GewerbeWorld,
                                      shots: Shots) -> None:
    """Refuse at the register: failed with the provider's code; 'try again' -> approve ->
    the prefilled form (the same registration, resumed)."""
    company = _company("NL", "69599084")
    with gewerbe_browser.new_context(java_script_enabled=False) as context:
        person = Person(context.new_page())
        fetch(person, shots, gewerbe_world, company.number, "NL")
        person.wait("#given_name")
        rep = company.representatives[0]
        person.type("#given_name", rep.given_name)
        person.type("#family_name", rep.family_name)
        person.type("#birth_date", rep.birth_date.isoformat())
        person.click("#login")
        person.wait("#refuse")
        person.click("#refuse")
        person.wait("#failed")
        shots(person.page, "refused")
        assert "EDM:ERR:0004" in person.page.inner_text("#failed")
        token_url = person.page.get_attribute("#resume", "href")
        person.click("#retry")
        login_and_approve(person, shots, company)
        person.wait("#activity")
        assert person.page.get_attribute("#resume", "href") == token_url
        assert company.name in person.page.inner_text("#prefilled")


def test_incomplete_form_kept_resumed_elsewhere_and_sent_once(
        gewerbe_browser: Browser, gewerbe_world: GewerbeWorld, shots: Shots) -> None:
    """Submit without activity and with an unreadable address: 422, both named, nothing sent;
    the resume link opened in a fresh browser shows what was typed; corrected -> one
    notification; submitting again shows the same acknowledgement, nothing new at the inbox."""
    company = _company("AT", "473888W")
    before = len(inbox(gewerbe_world, COTTBUS))
    with gewerbe_browser.new_context(java_script_enabled=False) as context:
        person = Person(context.new_page())
        fetch(person, shots, gewerbe_world, "FN 473888 w", "AT")
        login_and_approve(person, shots, company)
        person.wait("#activity")
        person.type("#start_date", "2027-03-01")
        person.type("#address", "somewhere")
        person.choose("#ags", COTTBUS)
        # The browser itself refuses an empty required field; the server must check too:
        # the same form posted as a browser without validation would
        page = person.page
        resume = page.get_attribute("#resume", "href") or ""
        form_action = page.get_attribute("form", "action") or ""
        with httpx.Client(verify=gewerbe_world.tls.context, timeout=30) as client:
            answer = client.post(gewerbe_world.de + form_action, data={
                "activity": "", "start_date": "2027-03-01", "address": "somewhere",
                "ags": COTTBUS, "kind": "other"})
        assert answer.status_code == 422
        assert 'id="incomplete"' in answer.text and 'href="#activity"' in answer.text
        assert 'href="#address"' in answer.text
        assert len(inbox(gewerbe_world, COTTBUS)) == before  # nothing sent
    with gewerbe_browser.new_context(java_script_enabled=False) as other:
        person = Person(other.new_page())
        person.page.goto(resume)
        person.wait("#incomplete")
        shots(person.page, "resumed-elsewhere")
        assert person.page.input_value("#address") == "somewhere"
        assert person.page.input_value("#start_date") == "2027-03-01"
        person.type("#activity", "Holzhandel")
        person.type("#address", "Karl-Marx-Str. 5, 03044")
        person.click("#submit")
        person.wait("#done")
        shots(person.page, "acknowledged")
        record = person.page.inner_text("#record").strip()
        form_action = resume.split("?")[0].removeprefix(gewerbe_world.de) + "/submit"
        with httpx.Client(verify=gewerbe_world.tls.context, timeout=30,
                          follow_redirects=True) as client:  # the same submit again
            again = client.post(gewerbe_world.de + form_action, data={
                "activity": "Holzhandel", "start_date": "2027-03-01",
                "address": "Karl-Marx-Str. 5, 03044", "ags": COTTBUS, "kind": "other"})
        assert again.status_code == 200 and record in again.text
    after = inbox(gewerbe_world, COTTBUS)
    assert len(after) == before + 1
    assert [r["record_uuid"] for r in after].count(record) == 1


def test_foreign_provider_down(gewerbe_browser: Browser, gewerbe_world: GewerbeWorld,
                               shots: Shots) -> None:
    """The AT access point is stopped: after the node's retries the page says the request
    could not be delivered, with 'try again' (runs last: the AT mock stays down)."""
    gewerbe_world.procs["at"].stop()
    with gewerbe_browser.new_context(java_script_enabled=False) as context:
        person = Person(context.new_page())
        fetch(person, shots, gewerbe_world, "FN 98765b", "AT")
        person.wait("#failed", timeout=240_000)
        shots(person.page, "provider-down")
        text = person.page.inner_text("#failed")
        assert "EBMS:" in text or "not delivered" in text or "could not be delivered" in text
        assert person.page.locator("#retry").count() == 1
