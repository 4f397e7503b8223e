"""A mock NL or AT portal (Jinja2, no JS): a German company registers abroad.

The person picks the register court and types the HRB/HRA number; the portal asks the DE
node over AS4 through its own mock access point (``/control/send``; NL with EDM v1.0, AT with
v2.0), receives EDM:ERR:0002 with the PreviewLocation and redirects the browser there:

* v1.0: the return URL travels as the ``returnurl`` parameter; after the person comes back
  the portal sends the second request (with the PreviewLocation) and receives the evidence;
* v2.0: the second request (PreviewLocation + ReturnLocation) is sent before the redirect
  and held by the DE node; after approval its answer is the evidence.

Then the portal shows its own registration form prefilled (:mod:`.form`).
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import secrets
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, quote

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import DictLoader, Environment, select_autoescape

from gateway.errors import EdmErrorCode, GatewayError
from gateway.evidence.edm import (
    Agent,
    EdmVersion,
    EvidenceErrorResponse,
    EvidenceRequest,
    EvidenceResponse,
    Identifier,
    Text,
    build_request,
    parse_message,
)
from gateway.evidence.extract import read_extract
from mocks.de_registers.companies import COMPANIES
from mocks.de_registers.scenarios import company_request, header_for, representative, second
from mocks.eu_peers.portals.abroad.form import prefill
from mocks.eu_peers.portals.abroad.pages import TEMPLATES

EBRS = "application/x-ebrs+xml"
HOLD_CHECK_SECONDS = 1.5
DE_RECIPIENT = ("DE73524311", "urn:cef.eu:names:identifier:EAS:9930")


@dataclass(frozen=True, slots=True)
class Portal:
    """The fixed facts of one mock portal."""

    country: str
    title: str
    version: EdmVersion
    sender: tuple[str, str]


PORTALS = {
    "NL": Portal("NL", "Ondernemersplein — register a foreign company", EdmVersion.V1_0,
                 ("00000000000002", "urn:cef.eu:names:identifier:EAS:0106")),
    "AT": Portal("AT", "Unternehmensserviceportal — ausländisches Unternehmen anmelden",
                 EdmVersion.V2_0, ("00000000000003", "urn:cef.eu:names:identifier:EAS:0106")),
}


@dataclass
class Case:
    """One registration in progress."""

    request: EvidenceRequest
    conversation: str
    exchange: str = field(default_factory=lambda: str(uuid.uuid4()))
    location: str = ""
    waiting_for: str = ""
    fields: tuple[Any, ...] = ()
    message: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class PortalState:
    """The portal state: cases and the access point client."""

    def __init__(self, portal: Portal, ap_url: str, public: str, timeout: float) -> None:
        self.portal, self.ap, self.public, self.timeout = portal, ap_url, public, timeout
        self.cases: dict[str, Case] = {}

    def send(self, request: EvidenceRequest, case: Case) -> str:
        """Push ``request`` through the mock access point; its MessageId (both requests of
        a case share conversation and ExchangeId, as the v2.0 preview sequence wants)."""
        conversation = case.conversation
        header = header_for(request, conversation_id=conversation, exchange_id=case.exchange)
        sender = self.portal.sender
        props = [{"name": "originalSender", "value": sender[0], "type": sender[1]},
                 {"name": "finalRecipient", "value": DE_RECIPIENT[0], "type": DE_RECIPIENT[1]}]
        props += [{"name": n, "value": v} for n, v in header.message_properties()]
        doc = {"action": "ExecuteQueryRequest", "conversation_id": conversation,
               "properties": props,
               "payloads": [{"content_id": f"edm{uuid.uuid4().hex}@portal", "mime_type": EBRS,
                             "data_base64": base64.b64encode(build_request(request)).decode()}]}
        result = httpx.post(f"{self.ap}/control/send", json=doc, timeout=30).json()
        if result.get("state") != "receipt-verified":
            raise RuntimeError(f"the DE node did not take the request: {result}")
        return str(result["message_id"])

    def answer(self, mid: str, timeout: float | None = None
               ) -> tuple[Any, list[tuple[str, bytes]]] | None:
        """The parsed DE answer to ``mid`` and its parts, or None after the timeout."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while time.monotonic() < deadline:
            for entry in httpx.get(f"{self.ap}/control/journal", timeout=10).json():
                if entry["direction"] == "in" and entry["ref_to_message_id"] == mid:
                    parts = [(p["mime_type"], httpx.get(
                        f"{self.ap}/control/payload/{p['file']}", timeout=10).content)
                        for p in entry["payloads"]]
                    return parse_message(parts[0][1]), parts
            time.sleep(0.1)
        return None


def _requester(portal: Portal) -> Agent:
    return Agent(identifier=Identifier(*portal.sender), names=(Text(portal.title, "EN"),),
                 classification="ER")


def create_app(portal: Portal, *, ap_url: str, public: str, timeout: float = 30.0) -> FastAPI:
    """The portal pages; ``public`` is its https origin (the preview's return URL)."""
    state = PortalState(portal, ap_url, public, timeout)
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    app = FastAPI(title=portal.title, docs_url=None, redoc_url=None, openapi_url=None)
    courts = sorted({(c.court, c.court_name) for c in COMPANIES}, key=lambda c: c[1])

    def page(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("values", {})
        html = env.get_template(name).render(portal=portal, courts=courts, **ctx)
        return HTMLResponse(html, status_code=status)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/", response_class=HTMLResponse)
    def start() -> HTMLResponse:
        return page("start.html")

    @app.post("/start")
    async def post_start(request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        return await run_in_threadpool(started, **form)

    def started(court: str = "", register_type: str = "HRB", number: str = "",
                given: str = "", family: str = "", born: str = "", person_id: str = "",
                **_: str) -> Response:
        number = number.strip().replace(" ", "")
        typed = {"court": court, "register_type": register_type, "number": number,
                 "given": given, "family": family, "born": born, "person_id": person_id}
        if not court or register_type not in ("HRA", "HRB") or not number or not (
                given and family and born and person_id):
            return page("start.html", 400, values=typed, error="Please fill in every field.")
        try:
            rep = representative(given.strip(), family.strip(), date.fromisoformat(born),
                                 person_id.strip())
        except ValueError:
            return page("start.html", 400, values=typed, error="Date of birth: use YYYY-MM-DD.")
        now = datetime.now(UTC)
        request = company_request(portal.version, euid=f"DE{court}.{register_type}{number}",
                                  now=now, rep=rep)
        request = _with_requester(request, _requester(portal))
        case = Case(request, str(uuid.uuid4()))
        token = secrets.token_urlsafe(16)
        try:
            got = state.answer(state.send(request, case))
        except (httpx.HTTPError, RuntimeError, GatewayError) as exc:
            return page("start.html", 502, values=typed,
                        error=f"The German node cannot be reached: {exc}")
        if got is None:
            return page("start.html", 504, values=typed,
                        error="No answer from Germany; please try again.")
        message = got[0]
        if not (isinstance(message, EvidenceErrorResponse)
                and message.exception.code is EdmErrorCode.MISSING_AUTHORIZATION
                and message.exception.preview_location):
            text = (message.exception.message if isinstance(message, EvidenceErrorResponse)
                    else "unexpected answer")
            return page("start.html", 422, values=typed, error=f"Germany answered: {text}")
        case.location = message.exception.preview_location
        back = f"{public}/return/{token}"
        state.cases[token] = case
        if portal.version is EdmVersion.V1_0:
            return RedirectResponse(f"{case.location}?returnurl={quote(back, safe=':/')}", 303)
        again = second(request, case.location, now=datetime.now(UTC), return_location=back)
        case.waiting_for = state.send(again, case)
        # The DE node holds the second request until the decision; an answer within
        # HOLD_CHECK_SECONDS means it was rejected (and the wait lets the node record the
        # ReturnLocation before the person reaches the decision button).
        early = state.answer(case.waiting_for, timeout=HOLD_CHECK_SECONDS)
        if early is not None:
            del state.cases[token]
            return page("start.html", 422, values=typed,
                        error="Germany did not accept the request.")
        return RedirectResponse(case.location, 303)

    @app.get("/return/{token}", response_class=HTMLResponse)
    def back(token: str) -> HTMLResponse:
        case = state.cases.get(token)
        if case is None:
            return page("start.html", 404, error="Unknown or expired registration.")
        if not case.fields and not case.message:
            _finish(state, case)
        return page("form.html", fields=case.fields, message=case.message)

    return app


def _with_requester(request: EvidenceRequest, agent: Agent) -> EvidenceRequest:
    return dataclasses.replace(request, requesters=(agent,))


def _finish(state: PortalState, case: Case) -> None:
    """Collect the evidence (v1.0: second request now; v2.0: the held answer)."""
    if not case.waiting_for:
        again = second(case.request, case.location, now=datetime.now(UTC))
        case.waiting_for = state.send(again, case)
    got = state.answer(case.waiting_for)
    if got is None:
        case.message = "No evidence arrived from Germany. Nothing was prefilled."
        return
    message, parts = got
    if isinstance(message, EvidenceResponse):
        xml = next((d for m, d in parts[1:] if m == "application/xml"), None)
        if xml is not None:
            case.fields = prefill(read_extract(xml), state.portal.country,
                                  evidence="Handelsregister via OOTS, DE node")
            return
    case.message = ("The evidence was not shared (refused in the German preview or not "
                    "available). Nothing was prefilled; you can fill in the form yourself "
                    "or start again.")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mocks.eu_peers.portals.abroad --country NL --port N --ap URL --public URL``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--country", required=True, choices=sorted(PORTALS))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ap", required=True, help="the mock access point's base URL")
    parser.add_argument("--public", required=True, help="this portal's https origin")
    args = parser.parse_args(argv)
    app = create_app(PORTALS[args.country], ap_url=args.ap, public=args.public)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
    return 0
