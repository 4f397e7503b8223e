"""The preview pages of the mocked NL and AT providers (Jinja2), with a mock eID login.

Routes added to the mock AP's app (TDD 4.9: GET to the ``PreviewLocation``, back to the
requester with GET)::

    GET  /preview/{token}[?returnUrl=...]   login page (v1.0 brings the return address)
    POST /preview/{token}/login             mock DigiD / ID Austria: name + date of birth
    GET  /preview/{token}/view              the extract, approve / refuse
    POST /preview/{token}/decision          decision -> 303 to the return address
    GET  /preview/{token}/done              (return address not known yet: waits)

Only a representative of the company (name and date of birth as registered) gets in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from mocks.eu_peers.providers.provider import V1_RETURN_PARAMETER, MockProvider

__all__ = ["add_preview_pages"]

_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(["html"]))
_TEXTS = {
    "NL": {"register": "KvK Handelsregister", "login_name": "DigiD", "lang": "nl",
           "t": {"login_intro": "Log in met DigiD om het uittreksel te bekijken.",
                 "login_failed": "Onbekende vertegenwoordiger.", "given": "Voornaam",
                 "family": "Achternaam", "born": "Geboortedatum", "login": "Inloggen",
                 "hello": "Welkom", "preview_intro": "Controleer het uittreksel. Alleen na "
                 "uw akkoord wordt het verstuurd.", "legal_form": "Rechtsvorm",
                 "number": "KvK-nummer", "address": "Adres", "registered": "Ingeschreven",
                 "activity": "Activiteit", "approve": "Akkoord", "refuse": "Weigeren",
                 "approved": "U heeft het verzenden goedgekeurd.",
                 "refused": "U heeft het verzenden geweigerd.",
                 "back": "Terug naar het portaal", "wait": "Even geduld..."}},
    "AT": {"register": "Firmenbuch", "login_name": "ID Austria", "lang": "de",
           "t": {"login_intro": "Melden Sie sich mit ID Austria an, um den Auszug zu sehen.",
                 "login_failed": "Keine vertretungsbefugte Person.", "given": "Vorname",
                 "family": "Familienname", "born": "Geburtsdatum", "login": "Anmelden",
                 "hello": "Willkommen", "preview_intro": "Prüfen Sie den Auszug. Er wird "
                 "nur mit Ihrer Zustimmung übermittelt.", "legal_form": "Rechtsform",
                 "number": "Firmenbuchnummer", "address": "Anschrift",
                 "registered": "Eingetragen", "activity": "Geschäftszweig",
                 "approve": "Zustimmen", "refuse": "Ablehnen",
                 "approved": "Sie haben der Übermittlung zugestimmt.",
                 "refused": "Sie haben die Übermittlung abgelehnt.",
                 "back": "Zurück zum Portal", "wait": "Bitte warten..."}},
}
_COOKIE = "mock_eid"


def _page(provider: MockProvider, name: str, title: str, status: int = 200,
          **values: Any) -> HTMLResponse:
    texts = _TEXTS[provider.country]
    html = _ENV.get_template(name).render(title=title, base="", **texts, **values)
    return HTMLResponse(html, status_code=status)


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body).items()}


def add_preview_pages(app: FastAPI, provider: MockProvider) -> None:
    """Mount the preview routes of ``provider`` on ``app``."""

    def missing() -> HTMLResponse:
        return HTMLResponse("<h1>Unknown or expired preview</h1>", status_code=404)

    @app.get("/preview/{token}")
    def start(token: str, request: Request) -> Response:
        """The PreviewLocation: log in first."""
        session = provider.sessions.get(token)
        if session is None:
            return missing()
        back = request.query_params.get(V1_RETURN_PARAMETER)
        if back and back.startswith("https://") and session.return_url is None:
            session.return_url = back  # v1.0: the return address comes with the redirect
        if provider.who(token, request.cookies.get(_COOKIE)) is not None:
            return RedirectResponse(f"/preview/{token}/view", status_code=303)
        return _page(provider, "login.html", "Login", token=token, failed=False)

    @app.post("/preview/{token}/login")
    async def login(token: str, request: Request) -> Response:
        """Mock eID: the representative's name and date of birth."""
        if token not in provider.sessions:
            return missing()
        form = await _form(request)
        sid = provider.login(token, form.get("given_name", ""), form.get("family_name", ""),
                             form.get("birth_date", ""))
        if sid is None:
            return _page(provider, "login.html", "Login", 403, token=token, failed=True)
        response = RedirectResponse(f"/preview/{token}/view", status_code=303)
        response.set_cookie(_COOKIE, sid, httponly=True, secure=True, samesite="lax")
        return response

    @app.get("/preview/{token}/view")
    def view(token: str, request: Request) -> Response:
        """The extract as it would be sent."""
        session = provider.sessions.get(token)
        if session is None:
            return missing()
        user = provider.who(token, request.cookies.get(_COOKIE))
        if user is None:
            return RedirectResponse(f"/preview/{token}", status_code=303)
        return _page(provider, "preview.html", "Preview", token=token, user=user,
                     company=session.company)

    @app.post("/preview/{token}/decision")
    async def decision(token: str, request: Request) -> Response:
        """Approve or refuse; then back to the requester."""
        if token not in provider.sessions:
            return missing()
        if provider.who(token, request.cookies.get(_COOKIE)) is None:
            return HTMLResponse("<h1>Not logged in</h1>", status_code=403)
        form = await _form(request)
        choice = form.get("decision")
        if choice not in ("approve", "refuse"):
            return HTMLResponse("<h1>Unknown decision</h1>", status_code=400)
        session = provider.decide(token, approve=choice == "approve")
        if session.return_url:
            return RedirectResponse(session.return_url, status_code=303)
        return RedirectResponse(f"/preview/{token}/done", status_code=303)

    @app.get("/preview/{token}/done")
    def done(token: str) -> Response:
        """After the decision: the way back (waits for a v2.0 ReturnLocation)."""
        session = provider.sessions.get(token)
        if session is None or session.decision is None:
            return missing()
        if session.return_url:  # known now (v2.0: the second request has arrived)
            return RedirectResponse(session.return_url, status_code=303)
        return _page(provider, "done.html", "Done", decision=session.decision,
                     return_url=session.return_url, refresh=session.return_url is None)
