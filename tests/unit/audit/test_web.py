"""Auditor endpoints: in-process against the ASGI app, then a real uvicorn server on loopback."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from gateway.audit import _merkle as m
from gateway.audit._checkpoint import NoteSigner, open_checkpoint
from gateway.audit._storage import AuditStore, entry_table
from gateway.audit.web import audit_router
from oots_audit._source import HttpSource
from oots_audit._tlog import LogKey
from oots_audit._verify import verify_log

from ._support import ORIGIN, T0, make_entry

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[2]


def _fill(store: AuditStore) -> None:
    for first, count in ((0, 5), (5, 7)):
        store.append([make_entry(first + i) for i in range(count)], now=T0)


class AsgiClient:
    """Synchronous GETs against an ASGI app in process (httpx.ASGITransport)."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app

    def get(self, path: str, params: dict[str, int | str] | None = None) -> httpx.Response:
        async def _get() -> httpx.Response:
            transport = httpx.ASGITransport(app=self._app)
            async with httpx.AsyncClient(transport=transport, base_url="http://audit") as client:
                response = await client.get(path, params=params)
                await response.aread()
                return response

        return asyncio.run(_get())


@pytest.fixture
def client(store: AuditStore) -> AsgiClient:
    """The router mounted at /audit over a 12-entry log."""
    _fill(store)
    app = FastAPI()
    app.include_router(audit_router(store), prefix="/audit")
    return AsgiClient(app)


def test_latest_checkpoint(client: AsgiClient, signer: NoteSigner) -> None:
    response = client.get("/audit/checkpoint")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert open_checkpoint(response.content, signer.verifier(), origin=ORIGIN).size == 12


def test_checkpoints_and_entries(client: AsgiClient) -> None:
    records = client.get("/audit/checkpoints").text.splitlines()
    sizes = [json.loads(line)["size"] for line in records]
    assert sizes == [5, 12]
    lines = client.get("/audit/entries", params={"start": 3, "end": 6}).content.splitlines()
    assert [json.loads(line)["message_id"] for line in lines] == [
        "msg-3@oots.example.de",
        "msg-4@oots.example.de",
        "msg-5@oots.example.de",
    ]
    assert client.get("/audit/entries", params={"start": 0, "end": 5000}).status_code == 400


def test_inclusion_by_leaf_hash(client: AsgiClient, signer: NoteSigner) -> None:
    root = open_checkpoint(client.get("/audit/checkpoint").content, signer.verifier()).root_hash
    leaf = m.leaf_hash(make_entry(8).canonical())
    record = client.get("/audit/proof/inclusion", params={"leaf_hash": leaf.hex()}).json()
    assert (record["index"], record["size"]) == (8, 12)
    assert base64.b64decode(record["leaf_hash"]) == leaf
    m.verify_inclusion(8, 12, leaf, [base64.b64decode(p) for p in record["proof"]], root)
    missing = m.leaf_hash(b"never logged").hex()
    assert client.get("/audit/proof/inclusion", params={"leaf_hash": missing}).status_code == 404
    assert client.get("/audit/proof/inclusion", params={"leaf_hash": "zz"}).status_code == 422


def test_inclusion_at_older_size_and_consistency(client: AsgiClient, signer: NoteSigner) -> None:
    notes = [
        json.loads(line)["note"].encode()
        for line in client.get("/audit/checkpoints").text.split("\n")
        if line
    ]
    old, new = (open_checkpoint(n, signer.verifier()) for n in notes)
    body = client.get("/audit/proofs/inclusion", params={"start": 0, "end": 5, "size": 5})
    for line in body.content.splitlines():
        rec = json.loads(line)
        proof = [base64.b64decode(p) for p in rec["proof"]]
        m.verify_inclusion(
            rec["index"], 5, base64.b64decode(rec["leaf_hash"]), proof, old.root_hash
        )
    rec = client.get("/audit/proof/consistency", params={"old": 5, "new": 12}).json()
    proof = [base64.b64decode(p) for p in rec["proof"]]
    m.verify_consistency(5, 12, old.root_hash, new.root_hash, proof)
    assert client.get("/audit/proof/consistency", params={"old": 5, "new": 13}).status_code == 404
    assert client.get("/audit/proof/consistency", params={"old": 9, "new": 5}).status_code == 400


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served_log(tmp_path: Path, signer: NoteSigner) -> Iterator[tuple[str, AuditStore]]:
    """A 12-entry SQLite log served by a real uvicorn process on loopback."""
    url = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    store = AuditStore.open(url, origin=ORIGIN, signer=signer)
    _fill(store)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "_serve.py"), url, signer.encode(), str(port)], cwd=PROJECT
    )
    base = f"http://127.0.0.1:{port}/audit"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/checkpoint", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the uvicorn server did not start")
        yield base, store
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        store.close()


def _oots_audit(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("oots-audit")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=120)


def test_verifier_against_real_server(
    served_log: tuple[str, AuditStore], signer: NoteSigner, tmp_path: Path
) -> None:
    base, _ = served_log
    key = signer.verifier().encode()
    result = _oots_audit("verify", "--log", base, "--key", key, "--state", str(tmp_path / "st"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VERDICT: VALID — 12 entries" in result.stdout


def test_verifier_detects_database_tampering_over_http(
    served_log: tuple[str, AuditStore], signer: NoteSigner
) -> None:
    base, store = served_log
    forged = make_entry(3).canonical().replace(b'"outcome":"ok"', b'"outcome":"EDM:ERR:0004"')
    with store.engine.begin() as conn:  # someone with database access edits a row
        conn.execute(
            update(entry_table)
            .where(entry_table.c.idx == 3)
            .values(data=forged, leaf_hash=m.leaf_hash(forged))
        )
    result = _oots_audit("verify", "--log", base, "--key", signer.verifier().encode(), "--no-state")
    assert result.returncode == 1
    assert "entry changed: line 4 (message 'msg-3@oots.example.de'" in result.stdout


def test_log_growing_during_verification_is_not_tampering(
    served_log: tuple[str, AuditStore], signer: NoteSigner
) -> None:
    base, store = served_log
    source = HttpSource(base)

    class Growing:
        """The live log gains a batch right after the verifier read its checkpoints."""

        def __getattr__(self, name: str) -> object:
            return getattr(source, name)

        def checkpoints(self) -> list[bytes]:
            notes = source.checkpoints()
            store.append([make_entry(12 + i) for i in range(3)], now=T0)
            return notes

    report = verify_log(Growing(), LogKey.parse(signer.verifier().encode()), None)  # type: ignore[arg-type]
    assert report.ok, report.render()
    assert report.latest is not None and report.latest.size == 12
    assert store.size() == 15
