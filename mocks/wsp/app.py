"""A minimal stand-in for the WSP.NRW portal that drives the gateway's portal API.

A person clicks through it in a browser: start a request for a Dutch or Austrian company,
answer the choices and the DSD:ERR:0005 questions the gateway passes back, go to the
provider's preview, come back, download the evidence. It also receives the gateway's
signed webhooks (``POST /webhook``, HMAC checked with :func:`gateway.requester.webhook.
verify`) and lists them at ``GET /control/webhooks`` (tests). Separate process:
``python -m mocks.wsp --port N --portal-url URL --token T --webhook-secret S``.
"""

from __future__ import annotations

import html
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from gateway.errors import GatewayError
from gateway.requester import webhook
from gateway.requester.adapters import tls_verify

__all__ = ["WspConfig", "create_app"]

_STYLE = ("<style>body{font-family:sans-serif;max-width:46em;margin:2em auto}"
          "label{display:block;margin:.4em 0}.box{border:1px solid #999;padding:1em}</style>")


@dataclass
class WspConfig:
    """Where the portal API is and how the stand-in authenticates."""

    portal_url: str
    token: str
    webhook_secret: str
    public_url: str
    verify: bool | str = True
    requests: dict[str, str] = field(default_factory=dict)
    """local id -> the gateway's evidence request id."""
    webhooks: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _page(title: str, body: str, *, refresh: bool = False) -> HTMLResponse:
    meta = '<meta http-equiv="refresh" content="2">' if refresh else ""
    return HTMLResponse(f"<!doctype html><html lang='de'><head><meta charset='utf-8'>{meta}"
                        f"<title>WSP.NRW (stand-in) — {html.escape(title)}</title>{_STYLE}"
                        f"</head><body><header><strong>Wirtschafts-Service-Portal.NRW"
                        f"</strong> (stand-in)</header><h1>{html.escape(title)}</h1>{body}"
                        "</body></html>")


async def _form(request: Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}


def create_app(cfg: WspConfig) -> FastAPI:
    """The stand-in's ASGI app."""
    app = FastAPI(title="WSP stand-in", docs_url=None, redoc_url=None, openapi_url=None)
    api = httpx.Client(base_url=cfg.portal_url.rstrip("/") + "/portal/v1",
                       verify=tls_verify(cfg.verify),
                       headers={"Authorization": f"Bearer {cfg.token}"}, timeout=60.0)

    def case(local: str) -> dict[str, Any]:
        got: dict[str, Any] = api.get(f"/evidence-requests/{cfg.requests[local]}").json()
        return got

    @app.get("/")
    def index() -> Response:
        """The start form."""
        return _page("Nachweis anfordern", """
<form method="post" action="/start" class="box">
<label>Land <select name="country" id="country"><option>NL</option><option>AT</option>
</select></label>
<label>Verfahren <select name="procedure" id="procedure"><option value="X1">X1</option>
<option value="X2">X2 (mit Registerhistorie)</option></select></label>
<label>Firma <input name="legal_name" id="legal_name" required></label>
<label>Registernummer (KvK / FN) <input name="national_id" id="national_id" required></label>
<label>EUID (optional) <input name="euid" id="euid"></label>
<label><input type="checkbox" name="preview" value="1" checked> Vorschau erlauben</label>
<button id="start">Anfordern</button></form>""")

    @app.post("/start")
    async def start(request: Request) -> Response:
        """Start an evidence request through the portal API."""
        form = await _form(request)
        local = uuid.uuid4().hex[:12]
        body = {"procedure": form.get("procedure", "X1"), "country": form.get("country", "NL"),
                "company": {"legal_name": form.get("legal_name", ""),
                            "national_id": form.get("national_id", ""),
                            "euid": form.get("euid") or None},
                "preview": form.get("preview") == "1",
                "return_url": f"{cfg.public_url}/return/{local}",
                "webhook_url": f"{cfg.public_url}/webhook"}
        answer = api.post("/evidence-requests", json=body)
        if answer.status_code != 200:
            return _page("Fehler", f"<pre>{html.escape(answer.text)}</pre>")
        with cfg.lock:
            cfg.requests[local] = answer.json()["id"]
        return RedirectResponse(f"/requests/{local}", status_code=303)

    @app.get("/requests/{local}")
    def show(local: str) -> Response:
        """The request's state and what the user can do next."""
        if local not in cfg.requests:
            return _page("Unbekannt", "<p>Keine solche Anfrage.</p>")
        doc = case(local)
        state = doc["state"]
        parts = [f"<p>Status: <strong id='state'>{html.escape(state)}</strong></p>"]
        if state == "choice-required":
            opts = "".join(
                f"<label><input type='radio' name='option' value='{html.escape(o['id'])}'> "
                f"{html.escape(o['label'])} <small>{html.escape(o['detail'])}</small></label>"
                for o in doc["choice"]["options"])
            parts.append(f"<form method='post' action='/requests/{local}/choice' class='box'>"
                         f"<p>Bitte wählen ({html.escape(doc['choice']['kind'])}):</p>{opts}"
                         "<button id='choose'>Weiter</button></form>")
        elif state == "input-required":
            fields = "".join(
                f"<label>{html.escape(c['description'])} <input name='{html.escape(c['id'])}'"
                " required></label>" for c in doc["input"]["concepts"])
            parts.append(f"<form method='post' action='/requests/{local}/input' class='box'>"
                         f"{fields}<button id='send-input'>Weiter</button></form>")
        elif state == "preview-required":
            parts.append(f"<p><a id='preview' href='{html.escape(doc['preview_url'])}'>Zur "
                         "Vorschau beim Register</a></p>")
        elif state == "delivered":
            parts += [f"<p><a class='document' href='/requests/{local}/documents/{d['index']}'>"
                      f"{html.escape(d['title'])} ({html.escape(d['mime_type'])}, {d['size']} "
                      "Bytes)</a></p>" for d in doc["documents"]]
        elif state == "failed":
            parts.append(f"<p id='error'>{html.escape(str(doc['error']))}</p>")
        return _page("Nachweisanfrage", "".join(parts),
                     refresh=state in ("sent", "preview-required"))

    @app.post("/requests/{local}/choice")
    async def choose(local: str, request: Request) -> Response:
        """Pass the user's choice on."""
        form = await _form(request)
        api.post(f"/evidence-requests/{cfg.requests[local]}/choice",
                 json={"option": form.get("option", "")})
        return RedirectResponse(f"/requests/{local}", status_code=303)

    @app.post("/requests/{local}/input")
    async def provide(local: str, request: Request) -> Response:
        """Pass the user's answers on (DSD:ERR:0005)."""
        api.post(f"/evidence-requests/{cfg.requests[local]}/input",
                 json={"values": await _form(request)})
        return RedirectResponse(f"/requests/{local}", status_code=303)

    @app.get("/return/{local}")
    def back(local: str) -> Response:
        """The ReturnLocation: the user is back from the provider's preview."""
        return RedirectResponse(f"/requests/{local}", status_code=303)

    @app.get("/requests/{local}/documents/{index}")
    def document(local: str, index: int) -> Response:
        """Download one delivered document."""
        got = api.get(f"/evidence-requests/{cfg.requests[local]}/documents/{index}")
        return Response(got.content, status_code=got.status_code,
                        media_type=got.headers.get("content-type"))

    @app.post("/webhook")
    async def hook(request: Request) -> Response:
        """A signed notice from the gateway."""
        body = await request.body()
        try:
            webhook.verify(cfg.webhook_secret.encode(), body,
                           request.headers.get(webhook.SIGNATURE_HEADER), now=datetime.now(UTC))
        except GatewayError as exc:
            with cfg.lock:
                cfg.webhooks.append({"verified": False, "error": exc.message})
            return JSONResponse({"error": exc.message}, status_code=401)
        with cfg.lock:
            cfg.webhooks.append({"verified": True, "notice": json.loads(body)})
        return JSONResponse({"ok": True})

    @app.get("/control/webhooks")
    def webhooks() -> JSONResponse:
        """Every webhook received (tests)."""
        with cfg.lock:
            return JSONResponse(list(cfg.webhooks))

    @app.get("/control/requests/{local}")
    def control(local: str) -> JSONResponse:
        """The gateway's id of a local request (tests)."""
        return JSONResponse({"id": cfg.requests.get(local)})

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok"}

    return app
