"""A mocked foreign OOTS access point (NL or AT) that speaks real AS4 over HTTP.

``python -m mocks.eu_peers.access_point --country NL --port 8481 --de-endpoint URL``

It stands in for a member state's Domibus: its own party id, keys (test PKI) and PMode
(:mod:`.party`), the AS4 message layer of the gateway (``gateway.ebms``: MIME SwA,
WS-Security sign + encrypt, NRI receipts signed; the external truth is the Santuario
interop test). Endpoints:

* ``POST /as4``: receive a pushed UserMessage -> verify, decrypt, decompress -> signed
  receipt (HTTP 200, ``application/soap+xml``). A duplicate MessageId gets the original
  receipt again and no second effect (AS4 §3.2). Refusals are signed ``eb:Error`` signals
  (HTTP 400 when the sender is at fault, 500 otherwise: SOAP 1.2 HTTP binding).
* ``POST /control/send``: push a message to the DE node (JSON: ``action``,
  ``payloads`` [``content_id``, ``mime_type``, ``data_base64``], ``properties``
  [``name``, ``value``, ``type``], optional ``conversation_id``, ``ref_to_message_id``,
  ``message_id``); the answer tells whether the receipt verified (signature, NRI).
* ``GET /control/journal``: what was received and sent; ``GET /control/payload/{file}``.
* ``GET /healthz``.

Received messages go to the :class:`~.handlers.PeerHandler` (default: record only).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from gateway.ebms import (
    Outbound,
    Payload,
    Property,
    accept_response,
    error_response,
    new_message_id,
    parse_envelope,
    prepare_outbound,
    receive,
)
from gateway.errors import EbmsError, GatewayError
from mocks.eu_peers.handlers import (
    Journal,
    JournalEntry,
    PeerHandler,
    PeerReply,
    RecordOnly,
    payload_from_json,
)
from mocks.eu_peers.party import PeerParty, peer_pmode_toml
from mocks.pki import ensure_pki

__all__ = ["AccessPoint", "create_app", "main"]

_log = logging.getLogger("mocks.access_point")
_SOAP = "application/soap+xml; charset=UTF-8"
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AccessPoint:
    """The mock AP's behaviour, independent of the HTTP framework."""

    def __init__(self, party: PeerParty, journal: Journal, *, handler: PeerHandler | None = None,
                 clock: Clock = _utc_now, client: httpx.Client | None = None) -> None:
        """``client`` posts to the DE node (a plain ``httpx.Client`` by default)."""
        self.party = party
        self.journal = journal
        self.handler: PeerHandler = handler or RecordOnly()
        self.clock = clock
        self.client = client or httpx.Client(timeout=30.0)
        self._say = f"[{party.country.code} AP]"

    # -- inbound ---------------------------------------------------------------------

    def receive(self, content_type: str, body: bytes) -> tuple[int, bytes]:
        """Handle one POST to ``/as4``: (HTTP status, SOAP envelope)."""
        now = self.clock()
        party = self.party
        try:
            got = receive(content_type, body, pmodes=[party.pmode],
                          identities={party.profile: party.identity}, trust=party.trust,
                          peer_keys={"DE": party.de_keys}, now=now,
                          receipt_domain=party.country.domain)
        except EbmsError as exc:
            print(f"{self._say} refused a message: {exc.ebms_code.value} {exc.message}",
                  flush=True)
            wire = error_response(exc, now=now, message_id=new_message_id(party.country.domain),
                                  signing=party.identity.signing, profile=party.profile)
            return (400 if exc.is_remote else 500), wire
        message = got.message
        previous = self.journal.receipt_for(message.message_id)
        if previous is not None:  # AS4 §3.2: the same receipt again, no second effect
            print(f"{self._say} duplicate {message.message_id}: original receipt resent",
                  flush=True)
            return 200, previous
        entry = JournalEntry(
            direction="in", message_id=message.message_id,
            action=message.collaboration_info.action,
            conversation_id=message.collaboration_info.conversation_id, at=now,
            state="received", ref_to_message_id=message.message_info.ref_to_message_id,
            receipt_id=got.receipt_id,
            payloads=self.journal.store_payloads(message.message_id, got.payloads),
            properties={p.name: p.value for p in message.message_properties},
        )
        if not self.journal.add(entry, receipt=got.receipt):
            again = self.journal.receipt_for(message.message_id)
            return 200, again or got.receipt
        print(f"{self._say} received {entry.action} {entry.message_id} from "
              f"{got.match.peer.name}: signature and decryption ok, receipt {got.receipt_id}",
              flush=True)
        reply = self._handle(message, got.payloads)
        if reply is not None:
            threading.Thread(target=self._send_reply, args=(message, reply),
                             daemon=True).start()
        return 200, got.receipt

    def _handle(self, message: Any, payloads: Sequence[Payload]) -> PeerReply | None:
        try:
            return self.handler.handle(message, payloads)
        except Exception:  # a plugged handler must not break the receipt already sent
            _log.exception("handler failed for %s", message.message_id)
            return None

    def _send_reply(self, request: Any, reply: PeerReply) -> None:
        swap = {"originalSender": "finalRecipient", "finalRecipient": "originalSender"}
        props = tuple(Property(swap.get(p.name, p.name), p.value, p.type)
                      for p in request.message_properties) + reply.extra_properties
        self.send(action=reply.action, payloads=reply.payloads, properties=props,
                  conversation_id=request.collaboration_info.conversation_id,
                  ref_to_message_id=request.message_id)

    # -- outbound --------------------------------------------------------------------

    def send(self, *, action: str, payloads: Sequence[Payload], properties: Sequence[Property],
             conversation_id: str | None = None, ref_to_message_id: str | None = None,
             message_id: str | None = None) -> dict[str, Any]:
        """Push one message to the DE node and judge its receipt (one attempt)."""
        now = self.clock()
        party = self.party
        out = prepare_outbound(
            party.pmode, peer="DE", action=action,
            conversation_id=conversation_id or str(uuid.uuid4()), payloads=payloads,
            properties=properties, identities={party.profile: party.identity},
            peer_keys=party.de_keys, now=now,
            message_id=message_id or new_message_id(party.country.domain),
            ref_to_message_id=ref_to_message_id)
        result: dict[str, Any] = {"message_id": out.message.message_id, "action": action,
                                  "endpoint": out.endpoint, "profile": out.profile.value}
        state, receipt_id, error = "failed", None, None
        try:
            response = self._post(out)
            result["http_status"] = response.status_code
            receipt = accept_response(response.headers.get("content-type", ""),
                                      response.content, outbound=out, trust=party.trust,
                                      peer_keys=party.de_keys, now=self.clock())
            receipt_id = _signal_id(response.content)
            state = "receipt-verified"
            result["receipt"] = {"message_id": receipt_id, "nri_references":
                                 len(receipt.references), "signature": "verified"}
        except GatewayError as exc:
            error = f"{exc.code}: {exc.message}"
        except httpx.HTTPError as exc:
            error = f"EBMS:0005: transport failure: {exc}"
        result.update(state=state, error=error)
        self.journal.add(JournalEntry(
            direction="out", message_id=out.message.message_id, action=action,
            conversation_id=out.message.collaboration_info.conversation_id, at=now,
            state=state, ref_to_message_id=ref_to_message_id, receipt_id=receipt_id,
            error=error, payloads=self.journal.store_payloads(out.message.message_id, payloads),
            properties={p.name: p.value for p in properties}))
        print(f"{self._say} sent {action} {out.message.message_id} to DE: {state}"
              + (f" ({error})" if error else f", receipt {receipt_id}"), flush=True)
        return result

    def _post(self, out: Outbound) -> httpx.Response:
        if out.endpoint is None:
            raise httpx.InvalidURL("the PMode names no endpoint for DE")
        return self.client.post(out.endpoint, content=out.body,
                                headers={"Content-Type": out.content_type})


def _signal_id(body: bytes) -> str | None:
    try:
        signal = parse_envelope(body).signal_message
    except GatewayError:
        return None
    return signal.message_info.message_id if signal is not None else None


def create_app(ap: AccessPoint) -> FastAPI:
    """The ASGI app of one mock AP."""
    app = FastAPI(title=f"Mock {ap.party.country.code} access point", docs_url=None,
                  redoc_url=None, openapi_url=None)

    @app.post("/as4")
    async def as4(request: Request) -> Response:
        """The AS4 endpoint (MSH)."""
        body = await request.body()
        status, envelope = await run_in_threadpool(
            ap.receive, request.headers.get("content-type", ""), body)
        return Response(envelope, status_code=status, media_type=_SOAP)

    @app.post("/control/send")
    async def control_send(request: Request) -> JSONResponse:
        """Push a message to the DE node (test and demo control API)."""
        doc = await request.json()
        try:
            result = await run_in_threadpool(
                ap.send,
                action=str(doc["action"]),
                payloads=[payload_from_json(p) for p in doc.get("payloads", [])],
                properties=[Property(str(p["name"]), str(p["value"]), p.get("type"))
                            for p in doc.get("properties", [])],
                conversation_id=doc.get("conversation_id"),
                ref_to_message_id=doc.get("ref_to_message_id"),
                message_id=doc.get("message_id"))
        except (KeyError, TypeError, ValueError, GatewayError) as exc:
            return JSONResponse({"error": f"bad send request: {exc}"}, status_code=400)
        return JSONResponse(result)

    @app.get("/control/journal")
    def journal() -> JSONResponse:
        """Everything received and sent, oldest first."""
        return JSONResponse([e.to_json() for e in ap.journal.entries()])

    @app.get("/control/payload/{name}")
    def payload(name: str) -> Response:
        """One stored payload."""
        try:
            return Response(ap.journal.payload(name), media_type="application/octet-stream")
        except OSError:
            return JSONResponse({"error": "no such payload"}, status_code=404)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok", "party": ap.party.country.party_id}

    return app


def _handler(spec: str | None, country: str) -> PeerHandler | None:
    if not spec:
        return None
    module, _, name = spec.partition(":")
    factory = getattr(importlib.import_module(module), name)
    handler: PeerHandler = factory(country)
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mocks.eu_peers.access_point --country NL|AT --port N --de-endpoint URL``."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m mocks.eu_peers.access_point",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--country", required=True, choices=["NL", "AT"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--de-endpoint", required=True, help="the DE node's AS4 URL")
    parser.add_argument("--pki", type=Path, default=Path("var/pki"))
    parser.add_argument("--data", type=Path, help="journal directory (default var/mocks/<cc>)")
    parser.add_argument("--handler", help="module:factory returning a PeerHandler")
    args = parser.parse_args(argv)
    party = PeerParty.load(args.country, pki=ensure_pki(args.pki), de_endpoint=args.de_endpoint)
    journal = Journal(args.data or Path("var/mocks") / args.country.lower())
    (journal.directory / "pmode.toml").write_text(  # for `oots-gateway pmode check`
        peer_pmode_toml(party.country, de_endpoint=args.de_endpoint, pki_dir=args.pki),
        encoding="utf-8")
    ap = AccessPoint(party, journal, handler=_handler(args.handler, args.country))
    print(f"mock {args.country} access point {party.country.party_id} "
          f"({party.profile.value}) on http://{args.host}:{args.port}/as4", flush=True)
    uvicorn.run(create_app(ap), host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
