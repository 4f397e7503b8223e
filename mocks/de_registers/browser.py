"""Drive the DE preview pages with httpx, as a browser without JavaScript would (tests, demo)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
LOGIN = re.compile(r'id="eid-login" href="([^"]+)"')


def login(browser: httpx.Client, location: str, persona: str, *, lang: str = "de",
          expect_status: int = 200) -> str:
    """Open the PreviewLocation, log in at the mock eID as ``persona``; the page HTML after
    the login (the evidence view for a representative; 403 and the login page for others)."""
    sep = "&" if "?" in location else "?"
    page = browser.get(f"{location}{sep}lang={lang}")
    assert page.status_code == 200, page.text
    match = LOGIN.search(page.text)
    assert match, page.text
    eid_url = match.group(1).replace("&amp;", "&")
    form = browser.get(eid_url)
    assert form.status_code == 200, form.text
    query = parse_qs(urlsplit(eid_url).query)
    back = browser.post(f"{eid_url.split('/login')[0]}/login",
                        data={"persona": persona, "state": query["state"][0],
                              "return": query["return"][0]})
    assert back.status_code == 303, back.text
    landed = browser.get(back.headers["location"])
    assert landed.status_code == 303, landed.text
    view = browser.get(str(landed.url.join(landed.headers["location"])))
    assert view.status_code == expect_status, view.text
    return view.text


def decide(browser: httpx.Client, location: str, view_html: str, decision: str,
           *, lang: str = "de") -> httpx.Response:
    """Press approve or refuse on the view page."""
    csrf = CSRF.search(view_html)
    assert csrf, view_html
    return browser.post(f"{location.split('?')[0]}/decision",
                        data={"csrf": csrf.group(1), "decision": decision, "lang": lang})
