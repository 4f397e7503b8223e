"""Web test helpers: real uvicorn server processes on loopback, talked to with httpx."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent.parent


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A started server process and its base URL."""

    def __init__(self, proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
        self.proc = proc
        self.url = url
        self.log = log

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait_until_up(server: Server, timeout: float = 90.0) -> None:
    """Poll ``/healthz`` until it answers 200; fail with the server log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            break
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.stop()
    pytest.fail(f"server did not come up:\n{server.log.read_text(errors='replace')}")


class Servers:
    """Starts server processes (``argv + ['--port', N]``) and stops them all at the end."""

    def __init__(self, log_dir: Path) -> None:
        self._log_dir = log_dir
        self._started: list[Server] = []

    def start(self, argv: list[str], *, env: dict[str, str] | None = None) -> Server:
        """Start one server and wait until ``/healthz`` answers."""
        port = free_port()
        log = self._log_dir / f"server-{port}.log"
        proc = subprocess.Popen(
            [*argv, "--port", str(port)],
            cwd=PROJECT,
            env={**os.environ, **(env or {})},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        server = Server(proc, f"http://127.0.0.1:{port}", log)
        self._started.append(server)
        wait_until_up(server)
        return server

    def test_app(self, var_dir: Path, database_url: str, *, max_bytes: int = 1 << 20) -> Server:
        """Start ``serve_test_app.py`` (the real app plus error-raising test routes)."""
        return self.start(
            [
                sys.executable,
                str(HERE / "serve_test_app.py"),
                "--var-dir",
                str(var_dir),
                "--database-url",
                database_url,
                "--max-bytes",
                str(max_bytes),
            ]
        )

    def stop_all(self) -> None:
        """Stop every server this object started."""
        for server in self._started:
            server.stop()
