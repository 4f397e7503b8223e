"""Start the mocks (and the node) as separate processes on loopback, and stop them cleanly.

Used by ``mocks/demo.py`` and the integration tests. Each process writes its output to
a log file; :meth:`Spawned.stop` sends SIGTERM to the process group, waits, and kills
what is left, so nothing outlives the demo (also on failure or Ctrl-C, via
:class:`ProcessGroup` as a context manager).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import httpx

__all__ = ["ProcessGroup", "Spawned", "StartFailed", "free_port"]


class StartFailed(RuntimeError):
    """A process did not become ready; the message carries the tail of its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Spawned:
    """One child process with its log file."""

    def __init__(self, name: str, argv: Sequence[str], *, log: Path, cwd: Path,
                 env: dict[str, str] | None = None) -> None:
        """Start ``argv`` in its own process group, output to ``log``."""
        self.name = name
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log_fh = log.open("wb")
        self.process = subprocess.Popen(
            list(argv), cwd=cwd, env={**os.environ, **(env or {})}, stdout=self._log_fh,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)

    def tail(self, lines: int = 30) -> str:
        """The last lines of the log."""
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, url: str, *, timeout: float = 30.0) -> None:
        """Poll ``url`` until it answers 200; raise :class:`StartFailed` otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StartFailed(f"{self.name} exited with {self.process.returncode}:\n"
                                  f"{self.tail()}")
            try:
                if httpx.get(url, timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise StartFailed(f"{self.name} not ready at {url} after {timeout:.0f}s:\n{self.tail()}")

    def stop(self, *, grace: float = 10.0) -> int | None:
        """SIGTERM the process group, then SIGKILL after ``grace`` seconds; the exit code."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=grace)
        self._log_fh.close()
        return self.process.returncode


class ProcessGroup:
    """Processes started together and stopped together, in reverse order."""

    def __init__(self, *, cwd: Path, logs: Path) -> None:
        """Processes run in ``cwd`` and log to ``logs/<name>.log``."""
        self.cwd = cwd
        self.logs = logs
        self.started: list[Spawned] = []

    def python(self, name: str, module: str, *args: str,
               env: dict[str, str] | None = None) -> Spawned:
        """Start ``python -m module args`` with this interpreter."""
        return self.start(name, [sys.executable, "-m", module, *args], env=env)

    def start(self, name: str, argv: Sequence[str], *,
              env: dict[str, str] | None = None) -> Spawned:
        """Start one process."""
        spawned = Spawned(name, argv, log=self.logs / f"{name}.log", cwd=self.cwd, env=env)
        self.started.append(spawned)
        return spawned

    def stop_all(self) -> dict[str, int | None]:
        """Stop every process (last started first); their exit codes by name."""
        codes: dict[str, int | None] = {}
        for spawned in reversed(self.started):
            codes[spawned.name] = spawned.stop()
        self.started.clear()
        return codes

    def __enter__(self) -> ProcessGroup:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop_all()
