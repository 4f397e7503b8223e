"""``python -m mocks.eu_peers.portals.demo`` (part of ``make demo``) as a separate process:
both registrations acknowledged, each linked to its evidence exchange in the exchange log."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[3]


@pytest.mark.timeout(240)
def test_demo_registers_nl_and_at_and_logs_the_link() -> None:
    """Exit 0; two acknowledgements by the Gewerbeamt Cottbus; two notification-sent entries
    naming the conversation of the evidence exchange; the start page to repeat it by hand."""
    run = subprocess.run([sys.executable, "-m", "mocks.eu_peers.portals.demo"], cwd=PROJECT,
                         capture_output=True, text=True, timeout=230, check=False)
    out = run.stdout
    assert run.returncode == 0, out + run.stderr
    assert out.count("received by Gewerbeamt Cottbus (mock)") == 2
    assert out.count("exchange log: notification-sent sha256:") == 2
    assert out.count("linked to conversation ") == 2 and "conversation None" not in out
    assert out.count("prefilled representatives") == 2
    assert "/gewerbe/" in out and "start page" in out
