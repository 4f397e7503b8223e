"""Mocked EU common services: an Evidence Broker and a Data Service Directory over HTTP.

``python -m mocks.eu_peers.common_services --port 8470 [--pki DIR]`` serves

* ``GET /eb/rest/search?queryId=...`` (Evidence Broker, TDD 3.2.4), and
* ``GET /dsd/rest/search?queryId=...`` (Data Service Directory, TDD 3.1.4),

so the base URLs are ``http://127.0.0.1:8470/eb`` and ``.../dsd``. Queries are read with
the gateway's own :func:`~gateway.evidence.common_services.parse_query` (v1.0 and v2.0 query
ids and parameters; ``Accept-Version: oots-cs:v2.0`` selects the v2.0 form, no header the
v1.0 form, anything else is refused), answered from :mod:`mocks.eu_peers.catalogue`,
built with the common-services builders and **signed like the EC's services** (TDD 3.6.2:
detached JAdES ES256 over the ``digest`` header, in ``oots-response-sig``) with the mock EC
chain of the test PKI (``ec-cs-signer`` <- ``ec-cs-issuing-ca`` <- anchor ``ec-root-ca``).
The HTTP status is always 200, errors included (KNOWN-DEFECTS 9). Every answer is logged
as one line on stdout.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from fastapi import FastAPI, Request, Response

from gateway.evidence.common_services import (
    CsException,
    CsVersion,
    ErrorResponse,
    QueryRejected,
    Service,
    build_response,
    parse_query,
)
from gateway.evidence.common_services import (
    Response as CsResponse,
)
from gateway.evidence.common_services.signing import SigningKey, sign_response
from gateway.namespaces import CommonServicesURI
from mocks.eu_peers import catalogue
from mocks.pki import TestPki, ensure_pki

__all__ = ["CsSigner", "add_search_routes", "create_app", "main", "refusal"]

_log = logging.getLogger("mocks.common_services")


@dataclass(frozen=True, slots=True)
class CsSigner:
    """The mock EC signing key and the chain sent in ``x5c`` (leaf first, no root)."""

    key: SigningKey
    chain: tuple[x509.Certificate, ...]

    @classmethod
    def from_pki(cls, pki: TestPki) -> CsSigner:
        """The ``ec-cs-signer`` key of the test PKI with its issuing CA."""
        key = pki.private_key("ec-cs-signer")
        if not isinstance(key, SigningKey):  # pragma: no cover - the PKI writes P-256
            raise TypeError("ec-cs-signer is not a JAdES signing key")
        return cls(key, (pki.certificate("ec-cs-signer"), pki.certificate("ec-cs-issuing-ca")))


def _version_of_refusal(headers: dict[str, str]) -> CsVersion:
    """Answer a refused query in v2.0 when it asked for v2.0, else in v1.0."""
    asked = headers.get("accept-version", "").strip()
    return CsVersion.V2_0 if asked == CommonServicesURI.CS_V2 else CsVersion.V1_0


def refusal(exc: QueryRejected, headers: dict[str, str]) -> ErrorResponse:
    """The error answer to a refused query (its EB:ERR/DSD:ERR code and message)."""
    return ErrorResponse(
        version=_version_of_refusal(headers),
        exception=CsException.for_code(exc.error_code, detail=exc.message),
    )


def add_search_routes(app: FastAPI, serve: Callable[[Request, Service], Response]) -> None:
    """Mount ``GET /eb/rest/search`` and ``GET /dsd/rest/search`` on ``app``, both ``serve``d."""

    @app.get("/eb/rest/search")
    def evidence_broker(request: Request) -> Response:
        """Evidence Broker queries (requirements, evidence types)."""
        return serve(request, Service.EB)

    @app.get("/dsd/rest/search")
    def data_service_directory(request: Request) -> Response:
        """Data Service Directory queries (data services by evidence type)."""
        return serve(request, Service.DSD)


def answer_http(query_string: str, headers: dict[str, str], service: Service) -> tuple[bytes, str]:
    """The response body for one GET and a one-line summary (no signing, no clock)."""
    try:
        query = parse_query(query_string, headers, service=service)
    except QueryRejected as exc:
        response: CsResponse = refusal(exc, headers)
        summary = f"refused query: {exc.error_code.value} {exc.message}"
    else:
        response = catalogue.answer(query)
        summary = f"{type(query).__name__} {query.version.value}"
    if isinstance(response, ErrorResponse):
        summary += f" -> {response.exception.code}"
    else:
        summary += f" -> {type(response).__name__} ({len(response.objects)} object(s))"
    return build_response(response), summary


def create_app(signer: CsSigner, *, clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The ASGI app serving ``/eb/rest/search`` and ``/dsd/rest/search``."""
    now = clock or (lambda: datetime.now(UTC))
    app = FastAPI(title="Mock EU common services (EB + DSD)", docs_url=None, redoc_url=None,
                  openapi_url=None)

    def serve(request: Request, service: Service) -> Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        body, summary = answer_http(request.url.query, headers, service)
        signed = sign_response(body, key=signer.key, chain=signer.chain, now=now())
        print(f"[{service.value}] {summary}", flush=True)
        return Response(body, status_code=200, media_type=CommonServicesURI.MEDIA_TYPE,
                        headers=signed)

    add_search_routes(app, serve)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok"}

    return app


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mocks.eu_peers.common_services --port N [--host H] [--pki DIR]``."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m mocks.eu_peers.common_services",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pki", type=Path, default=Path("var/pki"),
                        help="test PKI directory (built when missing)")
    args = parser.parse_args(argv)
    app = create_app(CsSigner.from_pki(ensure_pki(args.pki)))
    print(f"mock EB/DSD on http://{args.host}:{args.port}/eb and /dsd", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
