"""The once-only registration assistant under ``/gewerbe/`` (issue 9, into Germany).

Server-rendered (Jinja2), German and English (``?lang=``), no JavaScript: links, POST
forms and a one-second ``<meta refresh>`` while the evidence is on its way. Every form
control has a label; errors are summarised in a ``role=alert`` box that links to the fields.

=====================================  =================================================
``GET  /gewerbe/``                      start: register number + one button per country
``POST /gewerbe/start``                 open a registration, ask for the evidence
``GET  /gewerbe/r/{token}``             where the registration stands (the resume link;
                                        also the preview's return URL)
``POST /gewerbe/r/{token}/retry``       ask again after a failure
``POST /gewerbe/r/{token}/submit``      the person's fields -> XGewerbeanzeige -> Gewerbeamt
=====================================  =================================================

State and rules: :mod:`gateway.gewerbe.assistant`; I/O: :mod:`.service`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from gateway.errors import GatewayError
from gateway.gewerbe import assistant as a
from gateway.gewerbe.errors import FormIncomplete
from gateway.gewerbe.routing import authorities
from gateway.web.gewerbe.service import AssistantService, NotificationFailed
from gateway.web.gewerbe.texts import FIELD_LABELS, TEXTS, pick_lang

__all__ = ["gewerbe_router"]

_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
_ANCHORS = {"street": "address", "house_number": "address", "postcode": "address",
            "city": "ags", "legal_form": "unmapped", "start_date": "start_date",
            "activity": "activity", "ags": "ags", "kind": "kind-other",
            "full_time_employees": "full_time_employees",
            "part_time_employees": "part_time_employees"}


def _page(name: str, lang: str, status: int = 200, **values: Any) -> HTMLResponse:
    html = _ENV.get_template(name).render(lang=lang, t=TEXTS[lang], labels=FIELD_LABELS[lang],
                                          **values)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def person_values(form: dict[str, str]) -> dict[str, str]:
    """The form's fields as :data:`gateway.gewerbe.assistant.PERSON_FIELDS` (+ ``address``)."""
    values = {k: form.get(k, "") for k in ("activity", "start_date", "ags", "kind",
                                           "full_time_employees", "part_time_employees")}
    values.update(a.split_address(form.get("address", "")))
    amt = authorities().get(values["ags"])
    if amt is not None:
        values["city"] = amt.ort
    values["address"] = form.get("address", "")
    return values


def gewerbe_router(service: AssistantService) -> APIRouter:
    """The assistant's pages over ``service``."""
    router = APIRouter(prefix="/gewerbe", include_in_schema=False)

    def lang_of(request: Request) -> str:
        return pick_lang(request.query_params.get("lang"),
                         request.headers.get("accept-language"))

    def show(reg: a.Registration, token: str, lang: str, *, auto: bool = False,
             status: int = 200, missing: tuple[str, ...] = (), problem: str = "") -> Response:
        t = TEXTS[lang]
        here_path = f"/gewerbe/r/{token}"
        here = f"{service.config.public_url.rstrip('/')}{here_path}?lang={lang}"
        if reg.step is a.Step.PREVIEW and auto and reg.preview_url:
            return RedirectResponse(reg.preview_url, status_code=303)
        if reg.step is a.Step.SUBMITTED:
            return _page("done.html", lang, status, heading=t["done"], reg=reg)
        if reg.step is a.Step.FORM:
            return _page("form.html", lang, status, heading=t["yours"], reg=reg,
                         rows=a.prefilled_rows(reg), draft=reg.draft,
                         missing=missing or reg.missing, anchors=_ANCHORS, problem=problem,
                         authorities=sorted(authorities().values(), key=lambda x: x.gemeinde),
                         here=here, here_path=here_path)
        heading = {a.Step.FAILED: t["failed"], a.Step.PREVIEW: t["to_preview"]}.get(
            reg.step, t["title"])
        waiting = reg.step in (a.Step.FETCHING, a.Step.PREVIEW)
        return _page("status.html", lang, status, heading=heading, reg=reg, here=here,
                     here_path=here_path, refresh=waiting,
                     # auto=1 (go on to the preview) only before it: back from the preview,
                     # the page just waits for the evidence
                     refresh_url=f"{here_path}?lang={lang}"
                     + ("&auto=1" if reg.step is a.Step.FETCHING else ""))

    @router.get("/")
    def start_page(request: Request) -> Response:
        """The start page."""
        lang = lang_of(request)
        return _page("start.html", lang, heading=TEXTS[lang]["title"], number="", problem="")

    @router.post("/start")
    async def start(request: Request) -> Response:
        """Open a registration for the number and country given."""
        lang = lang_of(request)
        form = await _form(request)
        try:
            reg = await run_in_threadpool(service.start, form.get("country", ""),
                                          form.get("number", ""))
        except FormIncomplete as exc:
            return _page("start.html", lang, 422, heading=TEXTS[lang]["title"],
                         number=form.get("number", "")[:64], problem=exc.message)
        return RedirectResponse(f"/gewerbe/r/{service.token(reg)}?lang={lang}&auto=1",
                                status_code=303)

    def _unknown(lang: str) -> Response:
        return _page("done.html", lang, 404, heading=TEXTS[lang]["error_title"], reg=None,
                     message=TEXTS[lang]["unknown"])

    @router.get("/r/{token}")
    async def registration(token: str, request: Request) -> Response:
        """Where the registration stands (resume link, preview return URL)."""
        lang = lang_of(request)
        reg = service.load(token)
        if reg is None:
            return _unknown(lang)
        reg = await run_in_threadpool(service.refresh, reg)
        return show(reg, token, lang, auto=request.query_params.get("auto") == "1")

    @router.post("/r/{token}/retry")
    async def retry(token: str, request: Request) -> Response:
        """Ask for the evidence again."""
        lang = lang_of(request)
        reg = service.load(token)
        if reg is None:
            return _unknown(lang)
        await run_in_threadpool(service.retry, reg)
        return RedirectResponse(f"/gewerbe/r/{token}?lang={lang}&auto=1", status_code=303)

    @router.post("/r/{token}/submit")
    async def submit(token: str, request: Request) -> Response:
        """Check, build, send once; the acknowledgement (or what is missing)."""
        lang = lang_of(request)
        reg = service.load(token)
        if reg is None:
            return _unknown(lang)
        values = person_values(await _form(request))
        try:
            await run_in_threadpool(service.submit, reg, values)
        except FormIncomplete as exc:
            reg = service.load(token) or reg
            return show(reg, token, lang, status=422, missing=exc.fields)
        except (NotificationFailed, GatewayError) as exc:
            reg = service.load(token) or reg
            return show(reg, token, lang, status=502, problem=f"{exc.code}: {exc.message}")
        return RedirectResponse(f"/gewerbe/r/{token}?lang={lang}", status_code=303)

    return router
