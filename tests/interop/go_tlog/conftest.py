"""Build the Go checker once per session (Debian golang-go + golang-golang-x-mod-dev, offline)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

GOPATH = Path("/usr/share/gocode")
"""Where Debian's golang-*-dev packages install Go sources (GO111MODULE=off)."""

HERE = Path(__file__).resolve().parent


def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def go_tlog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the built ``go_tlog`` checker."""
    go = shutil.which("go")
    _require(go is not None, "go is not installed (apt: golang-go)")
    _require(
        (GOPATH / "src/golang.org/x/mod/sumdb/tlog").is_dir(),
        "golang.org/x/mod is not installed (apt: golang-golang-x-mod-dev)",
    )
    assert go is not None
    out = tmp_path_factory.mktemp("go_tlog")
    env = {
        **os.environ,
        "GOPATH": str(GOPATH),
        "GO111MODULE": "off",
        "GOCACHE": str(out / "cache"),
        "GOFLAGS": "",
    }
    result = subprocess.run(
        [go, "build", "-o", str(out / "go_tlog"), "."],
        cwd=HERE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return out / "go_tlog"
