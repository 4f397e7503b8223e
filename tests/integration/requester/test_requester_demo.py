"""``python -m mocks.wsp.demo`` (the requester half of the end-to-end demo) succeeds and
prints the timeline of both exchanges."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(240)


def test_requester_demo_runs_both_exchanges() -> None:
    done = subprocess.run([sys.executable, "-m", "mocks.wsp.demo"], capture_output=True,
                          text=True, timeout=220, cwd=Path(__file__).resolve().parents[3],
                          check=False)
    out = done.stdout
    assert done.returncode == 0, out[-3000:] + done.stderr[-2000:]
    assert out.rstrip().endswith("requester demo OK")
    for country, version in (("NL", "oots-edm:v1.0"), ("AT", "oots-edm:v2.0")):
        assert f"{version} request" in out and f"to {country}-OOTS-AP" in out
        assert out.count(f"  {country} in  ExecuteQueryRequest") == 2
        assert f"  {country} out ExecuteQueryResponse" in out
    assert out.count("evidence delivered: 1 document(s)") == 2
    assert "all signatures verified: True" in out
