"""Node benchmark: sustained AS4 throughput over loopback, with the core's figure as baseline.

Setup (all under a temporary directory, test PKI from ``mocks.pki``): the DE node runs
as a separate ``oots-gateway serve`` process (uvicorn, SQLite store, exchange log on,
its worker delivering every message to the default application). This process plays
the NL access point: it pre-builds signed + encrypted AS4 messages (eDelivery AS4 1.15,
RSA; one 10 KB payload each, distinct MessageIds), then 16 client threads POST them for
a bounded time and check every answer as a sender must (``accept_response``: receipt
signature by DE's certificate, NRI equal to what was signed).

Reported: messages/s with valid receipts, p50/p99 latency of one POST, and in the same
run the AS4 core in-process (``prepare_outbound`` + ``receive``: compress, sign,
encrypt, MIME; MIME, decrypt, verify, signed receipt) on one thread, before and after
the HTTP phase, averaged as ``core_msgs_per_s``; ``ratio`` = node msg/s over core msg/s.
The node does more per message than the core figure: the store transaction (SQLite,
``synchronous=FULL``), the exchange-log append, and the worker re-opening the message
(decrypt + verify) for the application. CPU count and load average are reported: the
figures only compare within one run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from gateway.audit._keys import generate_keys
from gateway.ebms import Outbound, Payload, Property, accept_response, prepare_outbound, receive
from gateway.errors import GatewayError
from gateway.node import NodeConfig, load_node_config
from gateway.settings import Settings, project_root
from mocks.pki import ensure_pki

CONCURRENCY = 16
PAYLOAD_BYTES = 10 * 1024
DURATION_S = 20.0
"""Upper bound of the HTTP phase (it also ends when the pre-built messages run out)."""
MESSAGES = 1200
CORE_ROUNDS = 60
_PROPS = (Property("originalSender", "00000000000002", "urn:cef.eu:names:identifier:EAS:0009"),
          Property("finalRecipient", "DE73524311", "urn:cef.eu:names:identifier:EAS:9930"))
_TYPE = "urn:oasis:names:tc:ebcore:partyid-type:unregistered:oots"
_PARTY = {"DE": ("DE-OOTS-GW", "de-gw"), "NL": ("NL-OOTS-AP", "nl-ap")}


def _pmode(me: str, peer: str, port: int) -> str:
    return f"""id = "bench-{me.lower()}"
[party]
id = "{_PARTY[me][0]}"
type = "{_TYPE}"
[roles]
initiator = "http://sdg.europa.eu/edelivery/gateway"
responder = "http://sdg.europa.eu/edelivery/gateway"
[service]
value = "QueryManager"
type = "urn:oasis:names:tc:ebcore:ebrs:ebms:binding:1.0"
[[properties]]
name = "originalSender"
[[properties]]
name = "finalRecipient"
[[legs]]
name = "request"
action = "ExecuteQueryRequest"
[[peers]]
name = "{peer}"
party_id = "{_PARTY[peer][0]}"
party_id_type = "{_TYPE}"
endpoint = "http://127.0.0.1:{port}/as4"
"""


def _configure(root: Path, me: str, peer: str, peer_port: int, pki: Path, audit: bool) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pmode.toml").write_text(_pmode(me, peer, peer_port), encoding="utf-8")
    trust = (project_root() or Path.cwd()) / "trust" / "test-pki.toml"
    config = root / "gateway.toml"
    config.write_text(f"""var_dir = "{root / 'var'}"
database_url = "sqlite:///{root / 'node.sqlite3'}"
party_id = "{_PARTY[me][0]}"
[node]
pmodes = ["{root / 'pmode.toml'}"]
trust = "{trust}"
trust_dir = "{pki}"
keys_from_pki = "{_PARTY[me][1]}"
receipt_domain = "{me.lower()}.bench"
audit = {str(audit).lower()}
send_concurrency = 4
""", encoding="utf-8")
    if audit:
        generate_keys(Settings.load(config_file=config, environ={}))
    return config


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _build(nl: NodeConfig, count: int) -> list[Outbound]:
    payload = Payload("q@nl.bench", os.urandom(PAYLOAD_BYTES // 2).hex().encode()[:PAYLOAD_BYTES],
                      "application/x-ebrs+xml")
    now = datetime.now(UTC)
    return [prepare_outbound(nl.pmodes[0], peer="DE", action="ExecuteQueryRequest",
                             conversation_id=str(uuid.uuid4()), payloads=[payload],
                             properties=_PROPS, identities=nl.identities,
                             peer_keys=nl.peer_keys["DE"], now=now,
                             message_id=f"{uuid.uuid4()}@nl.bench") for _ in range(count)]


def _core(nl: NodeConfig, de: NodeConfig) -> float:
    """Messages/s of prepare_outbound + receive in-process, one thread."""
    started = time.perf_counter()
    for out in _build(nl, CORE_ROUNDS):
        receive(out.content_type, out.body, pmodes=de.pmodes, identities=de.identities,
                trust=de.trust, peer_keys=de.peer_keys, now=datetime.now(UTC),
                receipt_domain="de.bench")
    return CORE_ROUNDS / (time.perf_counter() - started)


def _wait_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"the node did not start:\n{log.read_text(errors='replace')}")


def _load(url: str, messages: list[Outbound], nl: NodeConfig) -> dict[str, Any]:
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    queue = list(reversed(messages))
    deadline = time.monotonic() + DURATION_S

    def client() -> None:
        with httpx.Client(timeout=60) as http:
            while time.monotonic() < deadline:
                with lock:
                    if not queue:
                        return
                    out = queue.pop()
                t0 = time.perf_counter()
                try:
                    resp = http.post(f"{url}/as4", content=out.body,
                                     headers={"Content-Type": out.content_type})
                    accept_response(resp.headers.get("content-type", ""), resp.content,
                                    outbound=out, trust=nl.trust, peer_keys=nl.peer_keys["DE"],
                                    now=datetime.now(UTC))
                except (httpx.HTTPError, GatewayError) as exc:  # counted and reported
                    with lock:
                        failures.append(f"{type(exc).__name__}: {exc}")
                    continue
                with lock:
                    latencies.append(time.perf_counter() - t0)

    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "messages_with_receipt": len(latencies),
        "failures": len(failures),
        "first_failure": failures[0] if failures else None,
        "seconds": round(elapsed, 2),
        "msgs_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1) if ordered else None,
    }


def run() -> dict[str, Any]:
    """Run the benchmark (see the module docstring)."""
    settings = Settings.load(environ={})
    pki = ensure_pki(settings.pki_dir).directory
    with tempfile.TemporaryDirectory(prefix="bench-node-") as tmp:
        port = _free_port()
        de_cfg = _configure(Path(tmp) / "de", "DE", "NL", 9, pki, audit=True)
        nl_cfg = _configure(Path(tmp) / "nl", "NL", "DE", port, pki, audit=False)
        de = load_node_config(Settings.load(config_file=de_cfg, environ={}))
        nl = load_node_config(Settings.load(config_file=nl_cfg, environ={}))
        core_before = _core(nl, de)
        messages = _build(nl, MESSAGES)
        log = Path(tmp) / "de.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "--config", str(de_cfg), "serve", "--port",
             str(port), "--log-level", "warning"],
            stdout=log.open("wb"), stderr=subprocess.STDOUT, env={**os.environ})
        try:
            _wait_up(f"http://127.0.0.1:{port}", proc, log)
            result = _load(f"http://127.0.0.1:{port}", messages, nl)
        finally:
            proc.terminate()
            proc.wait(30)
        core_after = _core(nl, de)  # before and after the HTTP phase: same machine state
    core = (core_before + core_after) / 2
    result.update({
        "concurrency": CONCURRENCY,
        "payload_bytes": PAYLOAD_BYTES,
        "profile": "eDelivery-AS4-1.15 (RSA sign + encrypt, signed receipts)",
        "core_msgs_per_s": round(core, 1),
        "core_msgs_per_s_before_after": [round(core_before, 1), round(core_after, 1)],
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "ratio_node_to_core": round(result["msgs_per_s"] / core, 2) if core else None,
    })
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
