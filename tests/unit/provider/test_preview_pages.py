"""The preview pages in-process (ASGI): login, eID return, view, decision; attempts to skip."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI

from gateway.evidence.edm import EdmVersion, EvidenceErrorResponse, build_request, parse_message
from gateway.evidence.identifiers import BrisRegisters
from gateway.evidence.preview import Identity, PreviewState
from gateway.evidence.validation import Validator
from gateway.provider.answers import Answer
from gateway.provider.application import ProviderApplication
from gateway.provider.eid import EidRejected, form_token, issue_assertion, verify_assertion
from gateway.provider.pdf import EvidenceSigner
from gateway.provider.service import ProviderService
from gateway.settings import Settings
from gateway.web.preview import preview_router
from mocks.de_registers.scenarios import company_request, header_for
from mocks.pki import TestPki

from ._support import BASE, InProcessRegister, config

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
JANA = Identity("DE/NL/PETERSENJANA1979", "Jana", "Petersen", date(1979, 5, 2), "High")
EVE = Identity("DE/NL/MALLORYEVE1990", "Eve", "Mallory", date(1990, 1, 1), "High")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Clock:
    """A settable clock shared by the service and the pages."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def validator(settings: Settings) -> Validator:
    """The validation engine (v1.0 kit)."""
    return Validator.from_settings(settings)


class Space:
    """The preview app over one provider with one open v1.0 preview session ``s1``."""

    def __init__(self, service: ProviderService, clock: Clock) -> None:
        self.service, self.clock = service, clock
        app = FastAPI()
        app.include_router(preview_router(clock=clock))
        app.state.node = SimpleNamespace(application=ProviderApplication(service, clock=clock))
        self.app = app
        request = company_request(EdmVersion.V1_0, now=NOW)
        answer = service.handle(build_request(request), header_for(request), now=NOW)
        assert isinstance(answer, Answer)
        error = parse_message(answer.body)
        assert isinstance(error, EvidenceErrorResponse)
        self.location = error.exception.preview_location or ""
        assert self.location == f"{BASE}/preview/s1"

    def call(self, method: str, path: str, *, cookie: str | None = None,
             data: dict[str, str] | None = None) -> httpx.Response:
        async def go() -> httpx.Response:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                         base_url=BASE) as client:
                if cookie:
                    client.cookies.set("oots_preview", cookie, domain="de-node.oots.test",
                                       path="/preview/s1")
                return await client.request(method, path, data=data)
        return asyncio.run(go())

    def token(self, who: Identity, state: str = "s1", at: datetime | None = None,
              secret: bytes | None = None) -> str:
        return issue_assertion(who, state=state, now=at or self.clock.now,
                               secret=secret or self.service.cfg.eid_secret)


@pytest.fixture
def space(pki: TestPki, validator: Validator, bris: BrisRegisters,
          signer: EvidenceSigner) -> Iterator[Space]:
    """A preview space with session ``s1`` open for Beispiel Hafen GmbH."""
    ids = iter(f"s{i}" for i in range(1, 100))
    clock = Clock()
    service = ProviderService(config(pki.directory), register=InProcessRegister(),
                              validator=validator, bris=bris, signer=signer,
                              token=lambda: next(ids))
    yield Space(service, clock)


def test_login_page_without_cookie(space: Space) -> None:
    """No eID login yet: the page links to the eID with this session as state, no evidence."""
    page = space.call("GET", "/preview/s1?lang=en")
    assert page.status_code == 200
    assert '<html lang="en">' in page.text and "Log in with eID" in page.text
    assert "state=s1" in page.text and "Beispiel Hafen" not in page.text
    assert "<script" not in page.text


def test_view_after_login_shows_the_evidence(space: Space) -> None:
    """With a valid assertion the page shows the extract, German by default."""
    page = space.call("GET", "/preview/s1", cookie=space.token(JANA))
    assert '<html lang="de">' in page.text
    assert "Beispiel Hafen GmbH" in page.text and "Nachweis freigeben" in page.text
    assert CSRF.search(page.text)


@pytest.mark.parametrize("scenario", ["eid-assertion-forged", "eid-assertion-other-session",
                                      "eid-assertion-expired"])
def test_bad_eid_assertions_do_not_log_in(space: Space, scenario: str) -> None:
    """Forged (other key), for another preview, or too old: 401, no cookie."""
    token = {
        "eid-assertion-forged": space.token(JANA, secret=b"not-the-shared-secret-0000"),
        "eid-assertion-other-session": space.token(JANA, state="s2"),
        "eid-assertion-expired": space.token(JANA, at=NOW - timedelta(minutes=3)),
    }[scenario]
    page = space.call("GET", f"/preview/s1/eid?assertion={token}")
    assert page.status_code == 401
    assert "set-cookie" not in page.headers


def test_good_assertion_sets_a_scoped_cookie(space: Space) -> None:
    """The eID return sets an HttpOnly, Secure cookie scoped to this preview."""
    page = space.call("GET", f"/preview/s1/eid?assertion={space.token(JANA)}")
    assert page.status_code == 303
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "Path=/preview/s1" in cookie


@pytest.mark.parametrize("csrf", [None, "wrong"], ids=["decision-without-csrf",
                                                        "decision-with-wrong-csrf"])
def test_decision_needs_the_form_token(space: Space, csrf: str | None) -> None:
    """A cross-site POST (no or wrong token) decides nothing."""
    data = {"decision": "approve"} | ({"csrf": csrf} if csrf else {})
    page = space.call("POST", "/preview/s1/decision", cookie=space.token(JANA), data=data)
    assert page.status_code == 401
    assert space.service.sessions.get("s1").session.state is PreviewState.PENDING  # type: ignore[union-attr]


def test_decision_without_login_decides_nothing(space: Space) -> None:
    """No cookie: 401."""
    page = space.call("POST", "/preview/s1/decision", data={"decision": "approve", "csrf": "x"})
    assert page.status_code == 401


def _approve(space: Space, who: Identity, returnurl: str = "") -> httpx.Response:
    view = space.call("GET", f"/preview/s1{returnurl}", cookie=space.token(who))
    csrf = CSRF.search(view.text)
    assert csrf, view.text
    return space.call("POST", "/preview/s1/decision", cookie=space.token(who),
                      data={"decision": "approve", "csrf": csrf.group(1)})


def test_another_identity_is_shown_no_evidence(space: Space) -> None:
    """Eve is logged in but not the representative: 403, the login page again, and none of
    the evidence (the officers' personal data) is on the page."""
    page = space.call("GET", "/preview/s1", cookie=space.token(EVE))
    assert page.status_code == 403
    assert "keine eingetragene vertretungsberechtigte" in page.text
    assert "Beispiel Hafen" not in page.text and CSRF.search(page.text) is None
    assert "state=s1" in page.text  # the login link, to log in as someone else
    assert space.service.sessions.get("s1").session.state is PreviewState.PENDING  # type: ignore[union-attr]


def test_approval_by_another_identity_is_refused(space: Space) -> None:
    """Even holding a valid form token of her own, Eve cannot approve: 403, nothing approved."""
    token = form_token(space.service.cfg.eid_secret, "s1", EVE.person_id)
    page = space.call("POST", "/preview/s1/decision", cookie=space.token(EVE),
                      data={"decision": "approve", "csrf": token})
    assert page.status_code == 403 and "nicht" in page.text
    assert "Beispiel Hafen" not in page.text
    assert space.service.sessions.get("s1").session.state is PreviewState.PENDING  # type: ignore[union-attr]


def test_approval_redirects_to_the_v1_return_url(space: Space) -> None:
    """v1.0: the returnurl parameter of the PreviewLocation is where the user goes back."""
    back = "https://nl-portal.oots.test/return/abc"
    page = _approve(space, JANA, f"?returnurl={back}")
    assert page.status_code == 303 and page.headers["location"] == back
    assert space.service.sessions.get("s1").session.state is PreviewState.APPROVED  # type: ignore[union-attr]
    again = space.call("GET", "/preview/s1", cookie=space.token(JANA))
    assert "freigegeben" in again.text and "Nachweis freigeben" not in again.text


def test_return_url_must_be_https(space: Space) -> None:
    """A non-https returnurl is ignored (no redirect to it)."""
    page = _approve(space, JANA, "?returnurl=http://evil.example/x")
    assert page.status_code == 200 and "evil" not in page.headers.get("location", "")


def test_expired_preview_page(space: Space) -> None:
    """After the deadline the page says so and offers no buttons."""
    space.clock.now = NOW + timedelta(minutes=16)
    page = space.call("GET", "/preview/s1", cookie=space.token(JANA))
    assert "abgelaufen" in page.text and "Nachweis freigeben" not in page.text


def test_unknown_preview_is_404(space: Space) -> None:
    """A guessed session id shows nothing."""
    assert space.call("GET", "/preview/guess").status_code == 404


def test_assertion_round_trip_and_tamper() -> None:
    """The assertion codec: genuine verifies; a flipped payload byte does not."""
    secret = b"0123456789abcdef-unit"
    token = issue_assertion(JANA, state="s", now=NOW, secret=secret)
    assert verify_assertion(token, state="s", now=NOW, secret=secret,
                            max_age=timedelta(minutes=1)) == JANA
    payload, mac = token.split(".")
    tampered = ("A" if payload[0] != "A" else "B") + payload[1:] + "." + mac
    with pytest.raises(EidRejected):
        verify_assertion(tampered, state="s", now=NOW, secret=secret,
                         max_age=timedelta(minutes=1))


def test_status_is_translated(space: Space) -> None:
    """The company status shows in the page language."""
    de = space.call("GET", "/preview/s1", cookie=space.token(JANA))
    assert "<td>aktiv</td>" in de.text
    en = space.call("GET", "/preview/s1?lang=en", cookie=space.token(JANA))
    assert "<td>active</td>" in en.text
