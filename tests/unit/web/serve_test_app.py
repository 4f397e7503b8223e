"""Run the real gateway app plus test-only routes in uvicorn (started by the web tests).

Usage: python serve_test_app.py --port PORT --var-dir DIR --database-url URL [--max-bytes N]

The extra router raises each kind of error from inside a request, so the tests
see what the exception handlers and :func:`gateway.web.errors.to_wire` put on the
wire of a real HTTP server.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn
from fastapi import APIRouter, Request

from gateway.errors import (
    ConfigurationError,
    EbmsError,
    EbmsErrorCode,
    EdmErrorCode,
    EvidenceError,
    Origin,
    SchemaKitError,
)
from gateway.settings import Settings
from gateway.store.errors import StoreUnavailable
from gateway.web import create_app
from gateway.xml import parse_xml

SECRET = "s3cr3t-internal-detail"
"""Appears in local errors' messages; must never reach the client."""

router = APIRouter(prefix="/_test")


@router.get("/raise/{kind}")
def raise_error(kind: str) -> None:
    """Raise the error named ``kind``."""
    if kind == "ebms-remote":
        raise EbmsError(
            "the eb:Service value is not known for this PMode",
            ebms_code=EbmsErrorCode.VALUE_NOT_RECOGNIZED,
            ref_to_message_id="in-42@nl.example",
            detail="Service=urn:unknown",
        )
    if kind == "ebms-security":
        raise EbmsError(
            "signature does not verify",
            ebms_code=EbmsErrorCode.FAILED_AUTHENTICATION,
            ref_to_message_id="in-43@nl.example",
            security=True,
        )
    if kind == "ebms-local":
        raise EbmsError(
            f"private key unreadable {SECRET}",
            ebms_code=EbmsErrorCode.OTHER,
            origin=Origin.LOCAL,
            detail=SECRET,
        )
    if kind == "xml":
        parse_xml(b'<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>')
    if kind == "evidence":
        raise EvidenceError(
            "no evidence for this person", edm_code=EdmErrorCode.OBJECT_NOT_FOUND, field="x"
        )
    if kind == "config":
        raise ConfigurationError(f"PMode file broken: {SECRET}", detail=SECRET)
    if kind == "kit":
        raise SchemaKitError(f"kit missing {SECRET}")
    if kind == "store":
        raise StoreUnavailable(f"connection refused to {SECRET}")
    if kind == "bug":
        raise RuntimeError(f"unexpected {SECRET}")
    raise AssertionError(kind)


@router.post("/echo")
async def echo(request: Request) -> dict[str, int]:
    """Read the whole body and say how long it was."""
    return {"received": len(await request.body())}


def main() -> None:
    """Parse arguments and serve until terminated."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--var-dir", type=Path, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--max-bytes", type=int, default=32 * 1024 * 1024)
    args = parser.parse_args()
    settings = Settings(
        var_dir=args.var_dir, database_url=args.database_url, max_message_bytes=args.max_bytes
    )
    app = create_app(settings, routers=[router])
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
