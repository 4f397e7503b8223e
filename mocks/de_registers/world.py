"""Separate processes for the provider end-to-end tests and benchmark, real HTTP on loopback.

* the mocked Handelsregister (``python -m mocks.de_registers``),
* the mock eID (``python -m mocks.eid``),
* the DE node with the provider (``oots-gateway serve``: AS4 + preview pages),
* the NL mock access point (``python -m mocks.eu_peers.access_point --country NL``).

The DE node's public preview base is ``https://de-node.oots.test`` (R-EDM-REQ-C005 wants
https); :class:`Browser` reaches it through a transport that rewrites that origin to the
node's loopback port, as a TLS-terminating reverse proxy in front of the node would.
"""

from __future__ import annotations

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from gateway.evidence.edm import EvidenceRequest, ExchangeHeader, build_request
from mocks.pki import TestPki

PROJECT = Path(__file__).resolve().parents[2]
PUBLIC = "https://de-node.oots.test"
NL_SENDER = ("00000000000002", "urn:cef.eu:names:identifier:EAS:0106")
DE_RECIPIENT = ("DE73524311", "urn:cef.eu:names:identifier:EAS:9930")
EBRS = "application/x-ebrs+xml"


def free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Proc:
    """One child process with its log."""

    name: str
    argv: list[str]
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Spawn and wait for /healthz."""
        self.proc = subprocess.Popen(self.argv, cwd=PROJECT, stdout=self.log.open("wb"),
                                     stderr=subprocess.STDOUT, env=dict(os.environ),
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start:\n"
                           f"{self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        """SIGTERM the process group, SIGKILL after 10 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def de_pmode(nl_port: int, pki: Path) -> str:
    """The DE node's PMode: the NL mock AP as its peer (mirror of mocks/eu_peers/party.py)."""
    props = "".join(f'[[properties]]\nname = "{n}"\nrequired = {r}\n\n' for n, r in (
        ("originalSender", "true"), ("finalRecipient", "true"), ("ExchangeId", "false"),
        ("SpecificationId", "false")))
    legs = "".join(f'[[legs]]\nname = "{n}"\naction = "{a}"\ncompress = {c}\n\n' for n, a, c in (
        ("ootsRequestLeg", "ExecuteQueryRequest", "true"),
        ("ootsResponseLeg", "ExecuteQueryResponse", "false"),
        ("ootsErrorLeg", "ExceptionResponse", "true")))
    return f"""id = "oots-de-nl"
mep = "oneWay"
binding = "push"
[party]
id = "DE-OOTS-GW"
type = "urn:oasis:names:tc:ebcore:partyid-type:unregistered:oots"
[roles]
initiator = "http://sdg.europa.eu/edelivery/gateway"
responder = "http://sdg.europa.eu/edelivery/gateway"
[service]
value = "QueryManager"
type = "urn:oasis:names:tc:ebcore:ebrs:ebms:binding:1.0"
[security]
profile = "eDelivery-AS4-1.15"
sign = true
encrypt = true
signed_receipts = true
[reception_awareness]
retry = "1;3;CONSTANT"
duplicate_detection = true
duplicate_window_hours = 24

{props}{legs}[[peers]]
name = "NL"
party_id = "NL-OOTS-AP"
party_id_type = "urn:oasis:names:tc:ebcore:partyid-type:unregistered:oots"
endpoint = "http://127.0.0.1:{nl_port}/as4"
signing_certificate = "{pki / 'nl-ap.rsa-sign.pem'}"
encryption_certificate = "{pki / 'nl-ap.rsa-enc.pem'}"
"""


def de_config(root: Path, *, register: int, eid: int, nl_port: int, pki: Path,
              preview_ttl: float, shared: Path, secret: str) -> Path:
    """Write the DE node's files; the config path."""
    var = root / "var"
    var.mkdir(parents=True, exist_ok=True)
    for name in ("schemas", "cache"):
        link = var / name
        if not link.exists():
            (PROJECT / "var" / name).mkdir(exist_ok=True)
            link.symlink_to(PROJECT / "var" / name)
    (root / "pmode.toml").write_text(de_pmode(nl_port, pki), encoding="utf-8")
    config = root / "gateway.toml"
    config.write_text(f"""var_dir = "{var}"
shared_dir = "{shared}"
database_url = "sqlite:///{root / 'de.sqlite3'}"
party_id = "DE-OOTS-GW"

[node]
pmodes = ["{root / 'pmode.toml'}"]
trust = "{PROJECT / 'trust' / 'test-pki.toml'}"
trust_dir = "{pki}"
keys_from_pki = "de-gw"
receipt_domain = "de.oots.test"
application = "gateway.provider.application:application"
audit = false
lease_seconds = 10
poll_seconds = 0.05
send_timeout_seconds = 5
send_concurrency = 8

[provider]
register_url = "http://127.0.0.1:{register}"
register_timeout_seconds = 1.5
preview_base_url = "{PUBLIC}"
preview_ttl_seconds = {preview_ttl}
approval_ttl_seconds = 120
eid_url = "http://127.0.0.1:{eid}"
eid_secret = "{secret}"
signing_certificate = "{pki / 'de-gw.rsa-sign.pem'}"
signing_key = "{pki / 'de-gw.rsa-sign.key.pem'}"
signing_chain = ["{pki / 'test-ca.pem'}"]
""", encoding="utf-8")
    return config


@dataclass
class World:
    """The four processes of one test module."""

    root: Path
    pki: TestPki
    shared: Path
    preview_ttl: float = 60.0
    procs: dict[str, Proc] = field(default_factory=dict)
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    """The eID HMAC key shared by the mock eID and the DE node (fresh per world)."""

    def start(self) -> None:
        """Write the files and start every process."""
        ports = {n: free_port() for n in ("register", "eid", "de", "nl")}
        logs = self.root / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        py = sys.executable
        config = de_config(self.root / "de", register=ports["register"], eid=ports["eid"],
                           nl_port=ports["nl"], pki=self.pki.directory,
                           preview_ttl=self.preview_ttl, shared=self.shared,
                           secret=self.secret)
        specs = {
            "register": [py, "-m", "mocks.de_registers", "--port", str(ports["register"]),
                         "--slow-seconds", "5"],
            "eid": [py, "-m", "mocks.eid", "--port", str(ports["eid"]), f"--secret={self.secret}",
                    "--allow-return", PUBLIC],
            "de": [py, "-m", "gateway.cli", "--config", str(config), "serve", "--port",
                   str(ports["de"]), "--log-level", "warning"],
            "nl": [py, "-m", "mocks.eu_peers.access_point", "--country", "NL", "--port",
                   str(ports["nl"]), "--de-endpoint", f"http://127.0.0.1:{ports['de']}/as4",
                   "--pki", str(self.pki.directory), "--data", str(self.root / "nl")],
        }
        for name, argv in specs.items():
            proc = Proc(name, argv, ports[name], logs / f"{name}.log")
            self.procs[name] = proc
            proc.start()

    def stop(self) -> None:
        """Stop every process."""
        for proc in self.procs.values():
            proc.stop()

    def logs(self) -> str:
        """All process logs (for failure messages)."""
        return "\n".join(f"--- {p.name}\n{p.log.read_text(errors='replace')[-4000:]}"
                         for p in self.procs.values() if p.log.exists())

    # ------------------------------------------------------------ NL side

    def nl_send(self, request: EvidenceRequest, header: ExchangeHeader, *,
                action: str = "ExecuteQueryRequest",
                client: httpx.Client | None = None) -> str:
        """NL pushes ``request`` to DE; its MessageId (the receipt must verify)."""
        props = [{"name": "originalSender", "value": NL_SENDER[0], "type": NL_SENDER[1]},
                 {"name": "finalRecipient", "value": DE_RECIPIENT[0], "type": DE_RECIPIENT[1]}]
        props += [{"name": n, "value": v} for n, v in header.message_properties()]
        doc = {"action": action, "conversation_id": header.conversation_id,
               "properties": props,
               "payloads": [{"content_id": f"edm{uuid.uuid4().hex}@nl.oots", "mime_type": EBRS,
                             "data_base64": base64.b64encode(build_request(request)).decode()}]}
        post = client.post if client is not None else httpx.post
        result = post(f"{self.procs['nl'].url}/control/send", json=doc, timeout=30).json()
        if result["state"] != "receipt-verified":
            raise RuntimeError(f"NL send failed: {result}")
        return str(result["message_id"])

    def nl_answer(self, request_message_id: str, timeout: float = 30.0
                  ) -> tuple[dict[str, Any], list[tuple[str, bytes]]] | None:
        """The DE answer NL received for ``request_message_id``: (entry, [(mime, bytes)])."""
        deadline = time.monotonic() + timeout
        nl = self.procs["nl"].url
        while time.monotonic() < deadline:
            for entry in httpx.get(f"{nl}/control/journal", timeout=10).json():
                if entry["direction"] == "in" and entry["ref_to_message_id"] == request_message_id:
                    parts = [(p["mime_type"], httpx.get(f"{nl}/control/payload/{p['file']}",
                                                        timeout=10).content)
                             for p in entry["payloads"]]
                    return entry, parts
            time.sleep(0.1)
        return None

    def browser(self) -> httpx.Client:
        """A client that reaches the public preview origin on the node's port."""
        return httpx.Client(transport=_Rewrite(PUBLIC, self.procs["de"].url), timeout=30,
                            follow_redirects=False)


class _Rewrite(httpx.BaseTransport):
    """Rewrites ``public`` to ``local`` below the client (cookies still see https)."""

    def __init__(self, public: str, local: str) -> None:
        self._public = httpx.URL(public)
        self._local = httpx.URL(local)
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != self._public.host:
            return self._inner.handle_request(request)
        local = httpx.Request(request.method, request.url.copy_with(
            scheme="http", host=self._local.host, port=self._local.port),
            headers=request.headers, content=request.read())
        local.headers["host"] = f"{self._local.host}:{self._local.port}"
        response = self._inner.handle_request(local)
        return httpx.Response(response.status_code, headers=response.headers,
                              stream=response.stream, request=request)

    def close(self) -> None:
        self._inner.close()
