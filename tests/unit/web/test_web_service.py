"""Readiness and metrics of real server processes (uvicorn on loopback, httpx)."""

from __future__ import annotations

import re
import socket
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url
from web_servers import Servers

from gateway.kits.install import install_kits
from gateway.settings import Settings
from gateway.store import Direction, Envelope, MessageStore

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def installed_var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var dir with the schema kits installed by the real installer."""
    var = tmp_path_factory.mktemp("var-ready")
    install_kits(Settings(var_dir=var))
    return var


def test_ready_with_migrated_database_and_installed_kits(
    servers: Servers, installed_var: Path, tmp_path: Path
) -> None:
    srv = servers.test_app(installed_var, f"sqlite:///{tmp_path / 'ready.sqlite3'}")
    r = httpx.get(f"{srv.url}/readyz")
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "ready", "checks": {"database": "ok", "schema_kits": "ok"}}


def test_not_ready_without_schema_kits(servers: Servers, tmp_path: Path) -> None:
    srv = servers.test_app(tmp_path / "empty-var", f"sqlite:///{tmp_path / 'k.sqlite3'}")
    r = httpx.get(f"{srv.url}/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "not ready" and body["checks"]["database"] == "ok"
    assert body["checks"]["schema_kits"].startswith("GW:SCHEMA-KIT: schema kits not installed")
    assert httpx.get(f"{srv.url}/healthz").status_code == 200  # alive, just not ready


class TcpProxy:
    """A loopback TCP forwarder the test can cut (a network partition to the database)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.open = True
        self._conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        """Drop every connection and refuse new ones."""
        self.open = False
        for conn in self._conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._conns.clear()

    def restore(self) -> None:
        """Accept connections again."""
        self.open = True


def test_not_ready_while_database_unreachable_and_ready_again(
    servers: Servers, installed_var: Path, pg_schema_url: str
) -> None:
    """PostgreSQL behind a proxy the test cuts: /readyz says 503, then recovers."""
    url = make_url(pg_schema_url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    srv = servers.test_app(installed_var, via_proxy)
    assert httpx.get(f"{srv.url}/readyz").status_code == 200
    proxy.cut()
    r = httpx.get(f"{srv.url}/readyz", timeout=30)
    assert r.status_code == 503
    assert r.json()["checks"]["database"].startswith("GW:STORE-UNAVAILABLE")
    assert httpx.get(f"{srv.url}/healthz").status_code == 200
    proxy.restore()
    assert httpx.get(f"{srv.url}/readyz", timeout=30).status_code == 200


def _seed(url: str) -> None:
    store = MessageStore.open(url)
    store.receive_inbound(Envelope("in-1@nl"), raw=b"in", receipt=b"r", now=NOW)
    pk = store.enqueue_outbound(Envelope("out-1@de"), raw=b"o", endpoint_url="u", now=NOW).record.pk
    lease = timedelta(seconds=1)
    store.claim(Direction.OUTBOUND, worker="w", now=NOW, lease=lease)
    store.begin_attempt(pk, worker="w", now=NOW, retry_at=NOW)
    store.attempt_failed(pk, worker="w", now=NOW, error_code="EBMS:0005", error="x", retry_at=NOW)
    store.claim(Direction.OUTBOUND, worker="w", now=NOW, lease=lease)
    store.begin_attempt(pk, worker="w", now=NOW, retry_at=NOW)
    store.close()


def _sample(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name)}{re.escape(labels)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name}{labels} not in metrics"
    return float(match.group(1))


def test_metrics_report_store_states_retries_and_latency(
    servers: Servers, installed_var: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'metrics.sqlite3'}"
    _seed(url)
    srv = servers.test_app(installed_var, url)
    httpx.get(f"{srv.url}/healthz")
    r = httpx.get(f"{srv.url}/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert _sample(text, "oots_store_up") == 1
    assert _sample(text, "oots_messages", '{direction="inbound",state="verified"}') == 1
    assert _sample(text, "oots_messages", '{direction="outbound",state="sent"}') == 1
    assert _sample(text, "oots_messages", '{direction="outbound",state="queued"}') == 0
    assert _sample(text, "oots_outbound_retries_total") == 1
    count = _sample(
        text,
        "oots_http_request_duration_seconds_count",
        '{method="GET",route="/healthz",status="200"}',
    )
    assert count >= 2  # the start-up poll and the call above
    # the store changes while the server runs: the next scrape sees it
    store = MessageStore.open(url)
    store.enqueue_outbound(Envelope("out-2@de"), raw=b"o2", endpoint_url="u", now=NOW)
    store.close()
    text = httpx.get(f"{srv.url}/metrics").text
    assert _sample(text, "oots_messages", '{direction="outbound",state="queued"}') == 1


def test_serve_command_runs_the_service(
    servers: Servers, installed_var: Path, tmp_path: Path
) -> None:
    """``oots-gateway serve --host --port`` with settings from the environment."""
    exe = Path(sys.executable).parent / "oots-gateway"  # the console script of this venv
    argv = [str(exe)] if exe.is_file() else [sys.executable, "-m", "gateway.cli"]
    srv = servers.start(
        [*argv, "serve", "--host", "127.0.0.1"],
        env={
            "OOTS_VAR_DIR": str(installed_var),
            "OOTS_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        },
    )
    assert httpx.get(f"{srv.url}/readyz").json()["status"] == "ready"
    assert "oots_store_up 1.0" in httpx.get(f"{srv.url}/metrics").text
    assert (tmp_path / "serve.sqlite3").is_file()  # migrated on start-up
