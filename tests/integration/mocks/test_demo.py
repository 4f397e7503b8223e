"""The demo orchestrator end to end (``make demo``'s second step), in bounded time.

Runs :func:`mocks.demo.run_demo` into a temporary directory: five processes on loopback
(EB/DSD mock, NL and AT access points, the DE node via ``oots-gateway serve``, the
keygen), four AS4 exchanges, validation; then checks the node's database and that every
process is gone.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gateway.settings import Settings
from gateway.store import Direction, MessageState, MessageStore
from mocks.demo import run_demo
from mocks.eu_peers.demo_setup import DemoLayout

PROJECT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_demo_runs_end_to_end(settings: Settings, tmp_path: Path) -> None:
    lines: list[str] = []
    started = time.monotonic()
    code = run_demo(settings, root=tmp_path / "demo", timeout=60, out=lines.append)
    text = "\n".join(lines)
    assert code == 0, text
    assert time.monotonic() - started < 240
    for needle in ("DE -> NL", "DE -> AT", "NL -> DE", "AT -> DE", "DSD:ERR:0005",
                   "demo complete"):
        assert needle in text, needle
    assert "FAILED" not in text
    assert len([line for line in lines if "ok" in line and "signed receipt" in line]) == 4
    assert len([line for line in lines if "ok" in line and "valid (" in line]) == 4 + 14
    assert len([line for line in lines if "ok" in line and "re-verified by the demo" in line]) == 2
    assert len([line for line in lines if "@de.oots  receipt-received" in line]) == 2
    # the node's database: two outbound with receipts, two inbound delivered
    config = tmp_path / "demo" / "gateway.toml"
    node = Settings.load(config_file=config, environ={})
    store = MessageStore.open(node.effective_database_url, migrate=False)
    try:
        out = store.list_messages(direction=Direction.OUTBOUND)
        inbound = store.list_messages(direction=Direction.INBOUND)
    finally:
        store.close()
    assert [r.state for r in out] == [MessageState.RECEIPT_RECEIVED] * 2
    assert all(r.receipt_sha256 for r in out)
    assert [r.state for r in inbound] == [MessageState.ANSWERED] * 2
    assert {r.envelope.from_party for r in inbound} == {"NL-OOTS-AP", "AT-OOTS-AP"}
    # every process stopped (the orchestrator reports each one)
    stopped = next(line for line in lines if "stopped all processes" in line)
    for name in ("de-node", "ap-nl", "ap-at", "common-services"):
        assert name in stopped
    assert "KILLED" not in stopped
    _assert_gone(lines)


def _assert_gone(lines: list[str]) -> None:
    pids = [int(m.group(1)) for line in lines if (m := re.search(r"\(pid (\d+)", line))]
    assert pids, "no process was reported started"
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_demo_fails_cleanly_when_a_process_cannot_start(settings: Settings,
                                                         tmp_path: Path) -> None:
    """A broken node configuration: the demo reports the failure and stops the mocks."""
    lines: list[str] = []

    def break_pmode(layout: DemoLayout) -> None:
        layout.pmode.write_text("id = \"broken\"\n", encoding="utf-8")

    code = run_demo(settings, root=tmp_path / "demo", timeout=60, out=lines.append,
                    customize=break_pmode)
    text = "\n".join(lines)
    assert code == 1, text
    assert "DEMO FAILED" in text and "de-node exited" in text
    assert sum("started" in line for line in lines) == 3  # the three mocks, not the node
    _assert_gone(lines)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_demo_stops_every_process(tmp_path: Path, signum: int) -> None:
    """Ctrl-C (or SIGTERM) while the processes run: exit 130, no process left behind."""
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        demo = subprocess.Popen(
            [sys.executable, "-m", "mocks.demo", "--root", str(tmp_path / "demo")],
            cwd=PROJECT, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            deadline = time.monotonic() + 120
            while "started AT access point" not in log.read_text(errors="replace"):
                assert demo.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, log.read_text(errors="replace")
                time.sleep(0.1)
            demo.send_signal(signum)
            code = demo.wait(60)
        finally:
            if demo.poll() is None:
                demo.kill()
    lines = log.read_text(errors="replace").splitlines()
    assert code == 130, "\n".join(lines)
    assert any("interrupted: all processes stopped" in line for line in lines)
    _assert_gone(lines)
    # the node may not have printed its pid yet: nothing of the demo's runs any more
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True)
    assert str(tmp_path / "demo") not in ps.stdout
