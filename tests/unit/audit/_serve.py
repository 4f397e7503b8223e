"""Serve one exchange log over HTTP for the real-server tests: ``_serve.py DB_URL SKEY PORT``."""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI

from gateway.audit._checkpoint import NoteSigner
from gateway.audit._storage import AuditStore
from gateway.audit.web import audit_router


def main() -> None:
    """Run uvicorn on 127.0.0.1:PORT with the log mounted at ``/audit``."""
    url, skey, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    signer = NoteSigner.parse(skey)
    store = AuditStore.open(url, origin=signer.name, signer=signer)
    app = FastAPI()
    app.include_router(audit_router(store), prefix="/audit")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
