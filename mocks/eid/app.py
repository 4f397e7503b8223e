"""The mock eID service: pick a demo persona, get redirected back with a signed assertion.

``python -m mocks.eid --port 8495 --secret S [--allow-return https://de-node.example]``

* ``GET /login?state=...&return=URL``: a page (no JS) listing the personas: the demo
  companies' officers (``mocks/de_registers/companies.py``), a stranger and a
  low-assurance account; each is a button.
* ``POST /login`` (``persona``, ``state``, ``return``): 303 to
  ``URL&assertion=<token>`` (:func:`gateway.provider.eid.issue_assertion`, HMAC under the
  shared secret). ``return`` must start with an allowed prefix (no open redirect).
"""

from __future__ import annotations

import argparse
import html
from collections.abc import Sequence
from datetime import UTC, date, datetime
from urllib.parse import parse_qs

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from gateway.evidence.preview import Identity
from gateway.provider.eid import issue_assertion
from mocks.de_registers.companies import COMPANIES

__all__ = ["PERSONAS", "create_app", "main"]


def _personas() -> dict[str, Identity]:
    out: dict[str, Identity] = {}
    for company in COMPANIES:
        for o in company.officers:
            if o.eidas_id:
                out[o.eidas_id] = Identity(o.eidas_id, o.given, o.family, o.birth, "High")
    out["DE/NL/MALLORYEVE1990"] = Identity("DE/NL/MALLORYEVE1990", "Eve", "Mallory",
                                           date(1990, 1, 1), "High")
    out["DE/NL/PETERSENJANALOW"] = Identity("DE/NL/PETERSENJANALOW", "Jana", "Petersen",
                                            date(1979, 5, 2), "Low")
    return out


PERSONAS = _personas()
"""person id -> identity (Jana Petersen twice: once at level High, once at Low)."""


def create_app(*, secret: bytes, allowed_returns: Sequence[str]) -> FastAPI:
    """The mock eID's ASGI app."""
    app = FastAPI(title="Mock eID (Servicekonto.NRW / eIDAS stand-in)")

    def allowed(url: str) -> bool:
        return any(url.startswith(prefix) for prefix in allowed_returns)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok"}

    @app.get("/login")
    async def login_page(request: Request, state: str = "") -> Response:
        """The persona chooser."""
        target = request.query_params.get("return", "")
        if not state or not allowed(target):
            return HTMLResponse("<p>invalid login request</p>", status_code=400)
        rows = "".join(
            f'<li><button type="submit" name="persona" value="{html.escape(pid)}">'
            f"{html.escape(p.given_name)} {html.escape(p.family_name)} ({p.birth_date}, "
            f"{html.escape(p.level_of_assurance)})</button></li>" for pid, p in PERSONAS.items())
        page = (
            '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
            "<title>Mock eID – Anmeldung / Log in</title></head><body><main>"
            "<h1>Mock eID – Anmeldung / Log in</h1>"
            "<p>Testkonten / test accounts (Servicekonto.NRW / eIDAS stand-in)</p>"
            '<form method="post" action="/login">'
            f'<input type="hidden" name="state" value="{html.escape(state)}">'
            f'<input type="hidden" name="return" value="{html.escape(target)}">'
            f"<ul>{rows}</ul></form></main></body></html>")
        return HTMLResponse(page)

    @app.post("/login")
    async def login(request: Request) -> Response:
        """Log the chosen persona in and send the browser back."""
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        who = PERSONAS.get(form.get("persona", ""))
        target, state = form.get("return", ""), form.get("state", "")
        if who is None or not state or not allowed(target):
            return HTMLResponse("<p>login failed</p>", status_code=400)
        token = issue_assertion(who, state=state, now=datetime.now(UTC), secret=secret)
        sep = "&" if "?" in target else "?"
        return RedirectResponse(f"{target}{sep}assertion={token}", status_code=303)

    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the mock eID."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m mocks.eid")
    parser.add_argument("--port", type=int, default=8495)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--secret", required=True)
    parser.add_argument("--allow-return", action="append", default=[])
    args = parser.parse_args(argv)
    uvicorn.run(create_app(secret=args.secret.encode(), allowed_returns=args.allow_return),
                host=args.host, port=args.port, log_level="warning")
    return 0
