"""Helpers of the end-to-end tests: a browser (httpx with cookies), polling, validation."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
from requester_harness import TOKEN, World

from gateway.evidence.validation import Validator
from mocks.eu_peers.providers.companies import COMPANIES, Company

EDM_MIME = "application/x-ebrs+xml"


def browser(world: World) -> httpx.Client:
    """A fresh browser: cookies, redirects followed, trusts the loopback CA."""
    return httpx.Client(verify=world.tls.context, follow_redirects=True, timeout=30)


def api(world: World, token: str = TOKEN) -> httpx.Client:
    """The portal API as the WSP calls it."""
    return httpx.Client(base_url=f"{world.de}/portal/v1", timeout=60,
                        headers={"Authorization": f"Bearer {token}"})


def company(country: str, number: str) -> Company:
    """A demo company of the mock registers."""
    return next(c for c in COMPANIES if c.country == country and c.number == number)


def start_in_wsp(b: httpx.Client, world: World, c: Company, *, procedure: str = "X1") -> str:
    """Fill in the WSP's start form; the local request id from the page it lands on."""
    page = b.post(f"{world.wsp}/start", data={
        "country": c.country, "procedure": procedure, "legal_name": c.name,
        "national_id": c.number, "euid": c.euid, "preview": "1"})
    assert page.status_code == 200, page.text
    match = re.search(r"/requests/([0-9a-f]{12})", str(page.url))
    assert match, page.url
    return match.group(1)


def case_id(world: World, local: str) -> str:
    """The gateway's id of a WSP request."""
    got = httpx.get(f"{world.wsp}/control/requests/{local}", verify=world.tls.context).json()
    return str(got["id"])


def wait_state(world: World, cid: str, states: set[str], timeout: float = 45) -> dict[str, Any]:
    """Poll the portal API until the case is in one of ``states``."""
    deadline = time.monotonic() + timeout
    with api(world) as client:
        while True:
            doc: dict[str, Any] = client.get(f"/evidence-requests/{cid}").json()
            if doc["state"] in states:
                return doc
            if time.monotonic() > deadline:
                raise AssertionError(f"case {cid} stuck in {doc['state']}: {doc['timeline']}")
            time.sleep(0.1)


def preview_and_decide(b: httpx.Client, preview_url: str, c: Company, *,
                       approve: bool = True) -> httpx.Response:
    """At the provider: log in as the representative, view, approve or refuse."""
    page = b.get(preview_url)
    assert page.status_code == 200 and 'id="login"' in page.text, page.text[:500]
    action = re.search(r'action="([^"]+/login)"', page.text)
    assert action
    rep = c.representatives[0]
    base = re.match(r"https://[^/]+", preview_url)
    assert base
    view = b.post(base.group(0) + action.group(1), data={
        "given_name": rep.given_name, "family_name": rep.family_name,
        "birth_date": rep.birth_date.isoformat()})
    assert view.status_code == 200 and 'id="approve"' in view.text, view.text[:500]
    assert c.number in view.text and c.name in view.text
    decision = re.search(r'action="([^"]+/decision)"', view.text)
    assert decision
    done = b.post(base.group(0) + decision.group(1),
                  data={"decision": "approve" if approve else "refuse"})
    for _ in range(100):  # the waiting page refreshes until the ReturnLocation is known
        if not str(done.url).endswith("/done"):
            break
        assert 'http-equiv="refresh"' in done.text
        time.sleep(0.1)
        done = b.get(str(done.url))
    return done


def journal(world: World, country: str) -> list[dict[str, Any]]:
    """What the mock AP of ``country`` received and sent."""
    url = world.nl if country == "NL" else world.at
    got: list[dict[str, Any]] = httpx.get(f"{url}/control/journal",
                                          verify=world.tls.context).json()
    return got


def edm_messages(world: World, country: str, conversation: str) -> list[tuple[str, str, bytes]]:
    """(direction, action, EDM bytes) of one conversation, as the mock AP saw them."""
    url = world.nl if country == "NL" else world.at
    out = []
    for entry in journal(world, country):
        if entry["conversation_id"] != conversation:
            continue
        for part in entry["payloads"]:
            if part["mime_type"] == EDM_MIME:
                data = httpx.get(f"{url}/control/payload/{part['file']}",
                                 verify=world.tls.context).content
                out.append((entry["direction"], entry["action"], data))
    return out


def assert_all_valid(validator: Validator, messages: list[tuple[str, str, bytes]]) -> list[str]:
    """Every EDM message passes the validator; the rule sets applied, per message."""
    applied = []
    for direction, action, data in messages:
        report = validator.validate(data)
        # The one tolerated failure: official R-EDM-ERR-C022 cannot be evaluated on a correct
        # v1.0 PreviewRequired error (known defect 101, docs/edm-exchange.md item 1).
        defect = (not report.valid and report.valid_except_known_defects
                  and report.failing_rule_ids == ("R-EDM-ERR-C022",)
                  and b"EDMErrorResponse:PreviewRequired" in data)
        assert report.valid or defect, (direction, action, report.failing_rule_ids,
                                        [f.message for f in report.findings][:5])
        # v2.0: the kit has no official 2.0.1 rules; the engine then applies the RegRep 4.0
        # XSD and the project checks and says so with an info finding GW:KIT-MISSING
        rules = " + ".join(report.rule_sets) or (
            "RegRep XSD + project checks" if any(f.rule_id == "GW:KIT-MISSING"
                                                 for f in report.findings) else "none")
        applied.append(f"{direction} {action}: {report.kind.value} {report.version} "
                       f"{rules}" + (" (C022 defect)" if defect else ""))
    return applied
