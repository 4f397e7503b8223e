"""The mocked Gewerbeamt inboxes: a separate process answering over real HTTP.

``python -m mocks.de_authorities --port 8495 --store DIR [--var-dir DIR]``

One inbox per Gewerbeamt of ``gateway/gewerbe/data/gewerbeaemter.csv``, addressed by its AGS:

* ``POST /gewerbeamt/{ags}/inbox`` with an XGewerbeanzeige message (``application/xml``):
  validated against the schema in use (the official XSD when installed under ``--var-dir``,
  else the project schema) plus the project checks, then stored and acknowledged.
  ``201`` JSON acknowledgement (``docs/gewerbe.md``); ``200`` with ``"duplicate": true`` for a
  re-delivery of the same record; ``404`` unknown AGS; ``400`` not parsable XML; ``422`` schema
  or rule failure (the errors are listed); ``421`` the message is addressed to another
  Gewerbeamt; ``409`` same record uuid with different content; ``413`` too large.
* ``GET /gewerbeamt/{ags}/inbox``: the acknowledgements stored so far.
* ``GET /gewerbeamt/{ags}/inbox/{uuid}``: one stored message.
* ``GET /healthz``.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from lxml import etree

from gateway.errors import GatewayError, XmlRejected
from gateway.gewerbe.routing import authorities
from gateway.gewerbe.schema import load_validator, message_version
from gateway.settings import Settings
from gateway.xml import parse_xml
from mocks.de_authorities.store import Inbox

__all__ = ["ACK_FORMAT", "create_app", "main"]

ACK_FORMAT = "oots-gateway/gewerbeamt-ack/1"
MAX_BYTES = 2 * 1024 * 1024


def _refuse(status: int, code: str, message: str, errors: Sequence[str] = ()) -> JSONResponse:
    return JSONResponse({"format": ACK_FORMAT, "status": "refused", "code": code,
                         "message": message, "errors": list(errors)}, status_code=status)


def _addressing(root: etree._Element) -> tuple[str, str, str]:
    """(leser AGS, record AGS, record uuid) of a schema-valid message."""
    ns = etree.QName(root).namespace
    x = {"x": ns}
    leser = root.xpath("string(x:nachrichtenkopf/x:leser/x:behoerdenkennung/x:kennung/code)",
                       namespaces=x)
    record = root.xpath("string(x:satz[1]/x:anmeldung/x:gemeindeSchluessel/code)", namespaces=x)
    uuid = root.xpath("string(x:satz[1]/x:anmeldung/x:uuid)", namespaces=x)
    return str(leser).strip(), str(record).strip(), str(uuid).strip().lower()


def create_app(*, store: Path, settings: Settings | None = None,
               unsafe_crash_before_rename: bool = False) -> FastAPI:
    """The mock authorities' ASGI app (the unsafe flag is a crash hook for tests)."""
    app = FastAPI(title="Mock Gewerbeämter")
    inbox = Inbox(store, unsafe_crash_before_rename=unsafe_crash_before_rename)
    validator = load_validator(settings)

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        """Liveness and the schema in use per version."""
        return {"status": "ok",
                "schemas": {v: validator.schema_in_use(v) for v in validator.versions}}

    @app.post("/gewerbeamt/{ags}/inbox")
    async def receive(ags: str, request: Request) -> Response:
        """Accept one XGewerbeanzeige notification."""
        amt = authorities().get(ags)
        if amt is None:
            return _refuse(404, "XGA:NO-AUTHORITY", f"no Gewerbeamt inbox for AGS {ags}")
        body = await request.body()
        if len(body) > MAX_BYTES:
            return _refuse(413, "XGA:TOO-LARGE", f"message over {MAX_BYTES} bytes")
        try:
            report = validator.validate(body)
        except XmlRejected as exc:
            return _refuse(400, exc.code, "not a readable XML document", [exc.message])
        except GatewayError as exc:
            return _refuse(422, exc.code, exc.message, [exc.detail or ""])
        if not report.valid:
            errors = [*report.xsd_errors,
                      *(f"{f.rule} at {f.location}: {f.message}" for f in report.rule_failures)]
            return _refuse(422, "XGA:INVALID",
                           f"XGewerbeanzeige {report.version} message invalid", errors)
        root = parse_xml(body)
        leser, record_ags, record_uuid = _addressing(root)
        if not record_uuid:
            return _refuse(422, "XGA:INVALID", "the message holds no anmeldung record")
        if leser != ags or record_ags != ags:
            return _refuse(421, "XGA:MISROUTED",
                           f"addressed to AGS {leser or '-'} / record for AGS "
                           f"{record_ags or '-'}, not to this Gewerbeamt ({ags})")
        receipt = {
            "format": ACK_FORMAT, "status": "received", "ags": ags,
            "gewerbeamt": amt.behoerdenname, "record_uuid": record_uuid,
            "version": message_version(root),
            "digest": "sha256:" + hashlib.sha256(body).hexdigest(),
            "schema": report.schema.split(":", 1)[0],
            "received_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        stored = inbox.store(ags, record_uuid, body, receipt)
        if stored.conflict:
            return _refuse(409, "XGA:CONFLICT",
                           f"record {record_uuid} was already received with other content")
        answer = dict(stored.receipt, duplicate=stored.duplicate)
        return JSONResponse(answer, status_code=200 if stored.duplicate else 201)

    @app.get("/gewerbeamt/{ags}/inbox")
    async def listing(ags: str) -> Response:
        """What this inbox holds."""
        if ags not in authorities():
            return _refuse(404, "XGA:NO-AUTHORITY", f"no Gewerbeamt inbox for AGS {ags}")
        return JSONResponse(inbox.listing(ags))

    @app.get("/gewerbeamt/{ags}/inbox/{record_uuid}")
    async def message(ags: str, record_uuid: str) -> Response:
        """One stored message."""
        data = inbox.message(ags, record_uuid.lower())
        if data is None:
            return _refuse(404, "XGA:NOT-FOUND", f"no record {record_uuid} in inbox {ags}")
        return Response(data, media_type="application/xml")

    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the mock Gewerbeamt inboxes."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m mocks.de_authorities")
    parser.add_argument("--port", type=int, default=8495)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--store", type=Path, required=True, help="inbox directory")
    parser.add_argument("--var-dir", type=Path, default=None,
                        help="gateway var/ whose schemas/ may hold an installed official XSD")
    parser.add_argument("--unsafe-crash-before-rename", action="store_true",
                        help="test hook: exit after staging a notification, before storing it")
    args = parser.parse_args(argv)
    settings = Settings(var_dir=args.var_dir) if args.var_dir else None
    app = create_app(store=args.store, settings=settings,
                     unsafe_crash_before_rename=args.unsafe_crash_before_rename)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
