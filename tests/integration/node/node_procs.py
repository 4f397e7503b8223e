"""Two real nodes (DE and NL) as separate uvicorn processes on loopback, and their files.

Each node gets, under the test's tmp directory: a PMode naming the other node as its
peer (endpoint ``http://127.0.0.1:<port>/as4``), a configuration TOML (party id,
database, ``[node]`` wiring with the test PKI's keys and ``trust/test-pki.toml``),
the exchange-log keys, and a log file. PModes are written here, at run time.
"""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from gateway.audit._keys import generate_keys
from gateway.settings import Settings
from gateway.store import MessageStore
from gateway.store.engine import normalise_url

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent.parent
TRUST = PROJECT / "trust" / "test-pki.toml"
OOTS_PARTY_TYPE = "urn:oasis:names:tc:ebcore:partyid-type:unregistered:oots"
PARTIES = {"DE": ("DE-OOTS-GW", "de-gw"), "NL": ("NL-OOTS-AP", "nl-ap")}
"""node name -> (party id, test PKI actor)."""


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pmode_toml(me: str, peer: str, peer_port: int, *, retry: str, sign: bool = True,
               encrypt: bool = True, profile: str = "eDelivery-AS4-1.15",
               extra_legs: tuple[str, ...] = (), scheme: str = "http") -> str:
    """The PMode of node ``me`` for exchanges with node ``peer`` (docs/pmode.md)."""
    legs = "".join(
        f'[[legs]]\nname = "leg{i}"\naction = "{action}"\ncompress = {str(i == 0).lower()}\n\n'
        for i, action in enumerate(("ExecuteQueryRequest", "ExecuteQueryResponse",
                                    "ExceptionResponse", *extra_legs)))
    return f"""id = "oots-test-{me.lower()}"
[party]
id = "{PARTIES[me][0]}"
type = "{OOTS_PARTY_TYPE}"
[roles]
initiator = "http://sdg.europa.eu/edelivery/gateway"
responder = "http://sdg.europa.eu/edelivery/gateway"
[service]
value = "QueryManager"
type = "urn:oasis:names:tc:ebcore:ebrs:ebms:binding:1.0"
[security]
profile = "{profile}"
sign = {str(sign).lower()}
encrypt = {str(encrypt).lower()}
signed_receipts = true
[reception_awareness]
retry = "{retry}"
[[properties]]
name = "originalSender"
[[properties]]
name = "finalRecipient"

{legs}[[peers]]
name = "{peer}"
party_id = "{PARTIES[peer][0]}"
party_id_type = "{OOTS_PARTY_TYPE}"
endpoint = "{scheme}://127.0.0.1:{peer_port}/as4"
"""


class Database:
    """Databases for the nodes of one test: SQLite files, or PostgreSQL schemas."""

    def __init__(self, kind: str, tmp: Path) -> None:
        self.kind = kind
        self._tmp = tmp
        self._schemas: list[str] = []
        self._base = ""
        if kind == "postgresql":
            self._base = os.environ.get("OOTS_TEST_POSTGRES_URL", "")
            if not self._base:
                if os.environ.get("CI"):
                    pytest.fail("required in CI: OOTS_TEST_POSTGRES_URL (PostgreSQL node tests)")
                pytest.skip("OOTS_TEST_POSTGRES_URL is not set (PostgreSQL node tests)")

    def new_url(self, name: str) -> str:
        """An empty database for node ``name``."""
        if self.kind == "sqlite":
            return f"sqlite:///{self._tmp / f'{name}.sqlite3'}"
        schema = f"n_{name.lower()}_{uuid.uuid4().hex[:10]}"
        admin = create_engine(normalise_url(self._base))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        self._schemas.append(schema)
        url = make_url(normalise_url(self._base)).update_query_dict(
            {"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def cleanup(self) -> None:
        """Drop the PostgreSQL schemas."""
        if self._schemas:
            admin = create_engine(normalise_url(self._base))
            with admin.begin() as conn:
                for schema in self._schemas:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


@dataclass
class NodeProc:
    """One node: its files, its port, and its process (when running)."""

    name: str
    port: int
    root: Path
    database_url: str
    pki_dir: Path
    proc: subprocess.Popen[bytes] | None = None
    tls_args: list[str] = field(default_factory=list)
    """uvicorn TLS options for node_app.py (``--ssl-*``); empty: plain HTTP."""
    ca_file: str | None = None
    runs: int = 0
    logs: list[Path] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Base URL of the node."""
        return f"{'https' if self.tls_args else 'http'}://127.0.0.1:{self.port}"

    @property
    def config(self) -> Path:
        """The node's configuration file."""
        return self.root / "gateway.toml"

    @property
    def var_dir(self) -> Path:
        """The node's var directory."""
        return self.root / "var"

    def settings(self) -> Settings:
        """The node's settings, as its process reads them."""
        return Settings.load(config_file=self.config, environ={})

    def write(self, peer: NodeProc, *, retry: str = "0.05;3;CONSTANT", node_extra: str = "",
              **pmode: object) -> None:
        """Write the PMode (``peer`` is the other node) and the configuration."""
        self.var_dir.mkdir(parents=True, exist_ok=True)
        pmode_file = self.root / "pmode.toml"
        scheme = "https" if peer.tls_args else "http"
        pmode_file.write_text(pmode_toml(self.name, peer.name, peer.port, retry=retry,
                                         scheme=scheme, **pmode),  # type: ignore[arg-type]
                              encoding="utf-8")
        party, actor = PARTIES[self.name]
        self.config.write_text(f"""var_dir = "{self.var_dir}"
database_url = "{self.database_url}"
party_id = "{party}"
max_message_bytes = 1048576

[node]
pmodes = ["{pmode_file}"]
trust = "{TRUST}"
trust_dir = "{self.pki_dir}"
keys_from_pki = "{actor}"
receipt_domain = "{self.name.lower()}.oots.test"
application = "peer_app:factory"
lease_seconds = 3
poll_seconds = 0.1
send_timeout_seconds = 2
{node_extra}""", encoding="utf-8")
        if not (self.var_dir / "audit" / "log.key").exists():
            generate_keys(self.settings())

    def start(self, *, crash_at: str | None = None, wait: bool = True) -> None:
        """Start the process (``crash_at``: see node_app.py)."""
        self.runs += 1
        log = self.root / f"run-{self.runs}.log"
        self.logs.append(log)
        env = {k: v for k, v in os.environ.items() if k != "OOTS_TEST_CRASH_AT"}
        if crash_at:
            env["OOTS_TEST_CRASH_AT"] = crash_at
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "node_app.py"), "--config", str(self.config),
             "--port", str(self.port), *self.tls_args],
            cwd=PROJECT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
        if wait:
            self.wait_up()

    def wait_up(self, timeout: float = 30.0) -> None:
        """Poll ``/healthz`` until the node answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                break
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0,
                             verify=self._health_tls()).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        pytest.fail(f"node {self.name} did not come up:\n{self.log_text()}")

    def _health_tls(self) -> ssl.SSLContext | bool:
        if not self.tls_args:
            return True
        context = ssl.create_default_context(cafile=self.ca_file)
        if "--ssl-ca-certs" in self.tls_args:  # mutual TLS: present the test client cert
            base = Path(self.tls_args[self.tls_args.index("--ssl-ca-certs") + 1]).parent
            context.load_cert_chain(base / "client.pem", base / "client.key.pem")
        return context

    def wait_killed(self, timeout: float = 60.0) -> str:
        """Wait until the fault injection SIGKILLed the process; the stage's MessageId."""
        assert self.proc is not None
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"node {self.name} was not killed in {timeout} s:\n{self.log_text()}")
        assert code == -signal.SIGKILL, f"exit code {code}:\n{self.log_text()}"
        marker = next(self.var_dir.glob("crashed-*"))
        message_id = marker.read_text()
        marker.unlink()
        return message_id

    def stop(self) -> None:
        """SIGTERM (graceful), SIGKILL after 10 s."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def store(self) -> MessageStore:
        """A connection to the node's database (the test's own)."""
        return MessageStore.open(self.database_url, migrate=False)

    def handled(self) -> list[str]:
        """MessageIds the node's application was called with, in order."""
        path = self.var_dir / "handled.log"
        return path.read_text(encoding="utf-8").split() if path.exists() else []

    def log_text(self) -> str:
        """All run logs of the node."""
        return "\n".join(f"--- {p.name}\n" + p.read_text(errors="replace") for p in self.logs
                         if p.exists())


def wait_for(predicate: object, *, timeout: float = 30.0, what: str = "condition",
             nodes: tuple[NodeProc, ...] = ()) -> None:
    """Poll ``predicate()`` until true; fail with the nodes' logs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    logs = "\n".join(n.log_text() for n in nodes)
    pytest.fail(f"timed out waiting for {what}\n{logs}")
