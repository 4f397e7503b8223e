"""The preview space of the DE provider: ``/preview/{session}`` pages (TDD 4.9).

No JavaScript is needed: links and POST forms only; German and English (``?lang=``);
headings, labelled tables, a skip link and visible focus for accessibility.

* ``GET /preview/{sid}`` (the PreviewLocation; v1.0 requesters append ``returnurl=``):
  not logged in -> a page with the eID login link (``[provider] eid_url``, mock in
  ``mocks/eid``); logged in -> the evidence exactly as it will be sent, with
  approve/refuse buttons;
* ``GET /preview/{sid}/eid?assertion=...``: the eID service's return; the verified
  assertion (:mod:`gateway.provider.eid`, bound to this session) becomes an HttpOnly
  cookie scoped to this preview;
* ``POST /preview/{sid}/decision`` (``decision=approve|refuse``, anti-CSRF token): records
  the decision (:meth:`~gateway.provider.service.ProviderService.decide`: only the
  registered, named representative may decide), sends the answer of a waiting v2.0
  second request, and redirects (303) to the requester's ReturnLocation (v2.0) or
  ``returnurl`` (v1.0).

The router finds the provider as ``request.app.state.node.application``
(:class:`~gateway.provider.application.ProviderApplication`), or as that application's
``fallback`` when the requester fronts it (the assistant's node); a node without a
provider answers 404.
"""

from __future__ import annotations

import dataclasses
import hmac
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from gateway.errors import GatewayError
from gateway.evidence.extract import read_extract
from gateway.evidence.preview import ApprovalRefused, Identity, PreviewState, check_may_view
from gateway.provider.application import ProviderApplication
from gateway.provider.eid import form_token, verify_assertion
from gateway.provider.sessions import Stored
from gateway.web.preview.texts import TEXTS, pick_lang

__all__ = ["COOKIE", "preview_router"]

COOKIE = "oots_preview"
_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(["html"]))
_LOGIN_AGE = timedelta(minutes=2)
_SESSION_AGE = timedelta(minutes=30)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _provider(request: Request) -> ProviderApplication:
    node = getattr(request.app.state, "node", None)
    app = getattr(node, "application", None)
    if not isinstance(app, ProviderApplication):
        # with a requester on the node, the provider is what it passes other messages to
        # (gateway.requester.wiring.RequesterApplication.fallback)
        app = getattr(app, "fallback", None)
    if not isinstance(app, ProviderApplication):
        raise HTTPException(404, "this node runs no evidence provider, so it has no previews")
    return app


def _page(name: str, lang: str, status: int = 200, **values: Any) -> HTMLResponse:
    html = _ENV.get_template(name).render(lang=lang, t=TEXTS[lang], **values)
    return HTMLResponse(html, status_code=status,
                        headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY",
                                 "Content-Security-Policy": "default-src 'none'; "
                                 "style-src 'unsafe-inline'; form-action 'self' https:"})


def _state_message(state: PreviewState, t: dict[str, str]) -> str:
    return {PreviewState.EXPIRED: t["expired"], PreviewState.APPROVED: t["approved"],
            PreviewState.RELEASED: t["released"], PreviewState.REFUSED: t["refused"]}.get(
                state, t["unknown"])


def _return_url(stored: Stored) -> str | None:
    if stored.held is not None and stored.held.request.return_location:
        return stored.held.request.return_location
    return stored.session.return_url


def preview_router(*, clock: Callable[[], datetime] = _utc_now) -> APIRouter:
    """The preview pages' router."""
    router = APIRouter()

    def who_is(request: Request, app: ProviderApplication, sid: str,
               now: datetime) -> Identity | None:
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        try:
            return verify_assertion(token, state=sid, now=now,
                                    secret=app.service.cfg.eid_secret, max_age=_SESSION_AGE)
        except GatewayError:
            return None

    def show(request: Request, app: ProviderApplication, stored: Stored, lang: str,
             now: datetime, problem: str | None = None, status: int = 200) -> HTMLResponse:
        t = TEXTS[lang]
        s = stored.session
        sid = s.session_id
        cfg = app.service.cfg
        if s.state is not PreviewState.PENDING:
            return _page("done.html", lang, heading=t["title"], ok=False,
                         message=_state_message(s.state, t), return_url=_return_url(stored))
        requester = next((n.value for n in stored.first.requester.names), "")
        who = who_is(request, app, sid, now)
        callback = f"{cfg.preview_base_url}/preview/{sid}/eid?lang={lang}"
        login = f"{cfg.eid_url}/login?state={quote(sid)}&return={quote(callback, safe='')}"
        if who is not None:
            try:
                check_may_view(s, who)
            except ApprovalRefused:
                # Only an entitled representative is shown the evidence (personal data of
                # the officers); anyone else gets the login page again, in the page language.
                who, status = None, 403
                problem = f"{t['not_allowed']}: {t['not_entitled']}"
        if who is None:
            return _page("login.html", lang, status, heading=t["title"], requester=requester,
                         deadline=s.expires.isoformat(timespec="seconds"), login_url=login,
                         problem=problem)
        return _page("view.html", lang, status, heading=t["title"], requester=requester,
                     who=f"{who.given_name} {who.family_name}", view=read_extract(stored.extract),
                     deadline=s.expires.isoformat(timespec="seconds"), problem=problem,
                     action=f"/preview/{sid}/decision",
                     csrf=form_token(cfg.eid_secret, sid, who.person_id))

    @router.get("/preview/{sid}")
    def preview_page(sid: str, request: Request, lang: str | None = None,
                     returnurl: str | None = None) -> Response:
        """The PreviewLocation: login or the evidence with the decision buttons."""
        app, now = _provider(request), clock()
        lang = pick_lang(lang, request.headers.get("accept-language"))
        stored = app.service.view(sid, now=now)
        if stored is None:
            return _page("done.html", lang, 404, heading=TEXTS[lang]["error_title"], ok=False,
                         message=TEXTS[lang]["unknown"], return_url=None)
        if returnurl and returnurl.startswith("https://") and not stored.session.return_url:
            result = app.service.sessions.update(sid, lambda s: app.service.sessions.with_session(
                s, dataclasses.replace(s.session, return_url=returnurl)))
            stored = result[1] if result else stored
        return show(request, app, stored, lang, now)

    @router.get("/preview/{sid}/eid")
    def eid_return(sid: str, request: Request, assertion: str = "",
                   lang: str | None = None) -> Response:
        """The eID service's redirect back: verify the assertion, keep it as the login."""
        app, now = _provider(request), clock()
        lang = pick_lang(lang, request.headers.get("accept-language"))
        stored = app.service.view(sid, now=now)
        if stored is None:
            return _page("done.html", lang, 404, heading=TEXTS[lang]["error_title"], ok=False,
                         message=TEXTS[lang]["unknown"], return_url=None)
        try:
            verify_assertion(assertion, state=sid, now=now, secret=app.service.cfg.eid_secret,
                             max_age=_LOGIN_AGE)
        except GatewayError as exc:
            return show(request, app, stored, lang, now, problem=exc.message, status=401)
        response = RedirectResponse(f"/preview/{sid}?lang={lang}", status_code=303)
        response.set_cookie(COOKIE, assertion, max_age=int(_SESSION_AGE.total_seconds()),
                            path=f"/preview/{sid}", secure=True, httponly=True, samesite="lax")
        return response

    @router.post("/preview/{sid}/decision")
    async def decision(sid: str, request: Request) -> Response:
        """Approve or refuse (the logged-in, entitled representative only)."""
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8",
                                                                           "replace")).items()}
        return await run_in_threadpool(_decide, sid, request, form)

    def _decide(sid: str, request: Request, form: dict[str, str]) -> Response:
        app, now = _provider(request), clock()
        lang = pick_lang(form.get("lang"), request.headers.get("accept-language"))
        stored = app.service.view(sid, now=now)
        if stored is None:
            return _page("done.html", lang, 404, heading=TEXTS[lang]["error_title"], ok=False,
                         message=TEXTS[lang]["unknown"], return_url=None)
        who = who_is(request, app, sid, now)
        expected = form_token(app.service.cfg.eid_secret, sid, who.person_id) if who else ""
        if who is None or not hmac.compare_digest(form.get("csrf", ""), expected):
            return show(request, app, stored, lang, now, problem="login required", status=401)
        choice = form.get("decision")
        if choice not in ("approve", "refuse"):
            return show(request, app, stored, lang, now, problem="no decision", status=400)
        try:
            after, late = app.service.decide(sid, who, approved=choice == "approve", now=now)
        except ApprovalRefused as exc:
            return show(request, app, stored, lang, now, problem=exc.message, status=403)
        if late is not None:
            app.send_late(late)
        target = _return_url(stored) or after.session.return_url
        if target:
            return RedirectResponse(target, status_code=303)
        t = TEXTS[lang]
        return _page("done.html", lang, heading=t["title"], ok=choice == "approve",
                     message=t["approved"] if choice == "approve" else t["refused"],
                     return_url=None)

    return router
