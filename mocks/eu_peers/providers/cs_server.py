"""The mock EB/DSD with the requester scenarios (:mod:`.scenarios`), and broken signatures.

``python -m mocks.eu_peers.providers.cs_server --port N [--pki DIR] [--signature MODE]``
serves ``/eb/rest/search`` and ``/dsd/rest/search`` like
:mod:`mocks.eu_peers.common_services` (same queries, same EC-style JAdES signature with the
mock EC chain), answering from the scenario overlay. ``--signature`` (test use only)
makes every answer wrong in one way a requester must refuse:

* ``valid`` (default): signed like the EC's services (TDD 3.6.2);
* ``none``: no ``oots-response-sig`` / ``digest`` headers at all;
* ``untrusted``: signed by a key whose self-signed certificate chains to no anchor;
* ``tampered``: a valid signature, then one byte of the body changed.

``POST /control/signature/{mode}`` switches the mode of the running process (tests).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi import FastAPI, Request, Response

from gateway.evidence.common_services import (
    QueryRejected,
    Service,
    build_response,
    parse_query,
)
from gateway.evidence.common_services.signing import sign_response
from gateway.namespaces import CommonServicesURI
from mocks.eu_peers.common_services import CsSigner, add_search_routes, refusal
from mocks.eu_peers.providers import scenarios
from mocks.pki import ensure_pki

__all__ = ["MODES", "answer_bytes", "create_app", "main", "untrusted_signer"]

MODES = ("valid", "none", "untrusted", "tampered")


def untrusted_signer(now: datetime) -> CsSigner:
    """A P-256 key with a self-signed certificate (no configured anchor issues it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Not the EC (test)")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    return CsSigner(key, (cert,))


def answer_bytes(query_string: str, headers: dict[str, str], service: Service) -> bytes:
    """The unsigned body answering one GET (scenario overlay, refusals as error answers)."""
    try:
        query = parse_query(query_string, headers, service=service)
    except QueryRejected as exc:
        return build_response(refusal(exc, headers))
    return build_response(scenarios.answer(query))


def signed(body: bytes, signer: CsSigner, mode: str, now: datetime) -> tuple[bytes,
                                                                             dict[str, str]]:
    """Body and headers as ``mode`` has them (see the module docstring)."""
    if mode == "none":
        return body, {}
    if mode == "untrusted":
        other = untrusted_signer(now)
        return body, sign_response(body, key=other.key, chain=other.chain, now=now)
    headers = sign_response(body, key=signer.key, chain=signer.chain, now=now)
    if mode == "tampered":
        body = body.replace(b"<", b" <", 1) if body.startswith(b"<?xml") else body + b" "
    return body, headers


def create_app(signer: CsSigner, *, mode: str = "valid",
               clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The ASGI app (``/eb/rest/search``, ``/dsd/rest/search``, ``/healthz``)."""
    now = clock or (lambda: datetime.now(UTC))
    state = {"mode": mode}
    app = FastAPI(title="Mock EB/DSD (requester scenarios)", docs_url=None, redoc_url=None,
                  openapi_url=None)

    def serve(request: Request, service: Service) -> Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        body, extra = signed(answer_bytes(request.url.query, headers, service), signer,
                             state["mode"], now())
        print(f"[{service.value}] {request.url.query[:120]} -> {len(body)} bytes "
              f"({state['mode']})", flush=True)
        return Response(body, status_code=200, media_type=CommonServicesURI.MEDIA_TYPE,
                        headers=extra)

    add_search_routes(app, serve)

    @app.post("/control/signature/{new_mode}")
    def switch(new_mode: str) -> Response:
        """Change how answers are signed (test control)."""
        if new_mode not in MODES:
            return Response(status_code=404)
        state["mode"] = new_mode
        return Response(status_code=204)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok", "signature": state["mode"]}

    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m mocks.eu_peers.providers.cs_server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pki", type=Path, default=Path("var/pki"))
    parser.add_argument("--signature", choices=MODES, default="valid")
    args = parser.parse_args(argv)
    app = create_app(CsSigner.from_pki(ensure_pki(args.pki)), mode=args.signature)
    print(f"mock EB/DSD (scenarios, signature {args.signature}) on "
          f"http://{args.host}:{args.port}", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
