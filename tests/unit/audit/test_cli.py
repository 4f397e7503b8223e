"""``oots-gateway audit`` commands end to end: keygen, demo entries, export, offline verify."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.cli import main as gateway_cli
from oots_audit.cli import main as oots_audit


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated gateway var/ directory (SQLite database and keys inside)."""
    monkeypatch.setenv("OOTS_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("OOTS_DATABASE_URL", raising=False)
    monkeypatch.delenv("OOTS_GATEWAY_CONFIG", raising=False)
    return tmp_path / "var"


def test_keygen_demo_export_verify(
    var_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert gateway_cli(["audit", "keygen"]) == 0
    pub = capsys.readouterr().out.strip()
    assert pub == (var_dir / "audit" / "log.pub").read_text().strip()
    assert pub.startswith("DE-OOTS-GW/exchange-log+")
    assert (var_dir / "audit" / "log.key").stat().st_mode & 0o777 == 0o600
    assert gateway_cli(["audit", "keygen"]) == 2  # never replaces the log key
    capsys.readouterr()

    assert gateway_cli(["audit", "append-demo", "--count", "250", "--batch", "100"]) == 0
    assert "tree size 250" in capsys.readouterr().out
    assert gateway_cli(["audit", "checkpoint"]) == 0
    assert capsys.readouterr().out.split("\n")[:2] == ["DE-OOTS-GW/exchange-log", "250"]

    assert gateway_cli(["audit", "export", str(tmp_path / "export")]) == 0
    assert "exported 250 entries and 3 checkpoints" in capsys.readouterr().out
    key_file = var_dir / "audit" / "log.pub"
    args = ["verify", str(tmp_path / "export"), "--key", str(key_file)]
    assert oots_audit([*args, "--state", str(tmp_path / "state")]) == 0
    assert "VERDICT: VALID — 250 entries" in capsys.readouterr().out


def test_involved_inquiry(var_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert gateway_cli(["audit", "keygen"]) == 0
    assert gateway_cli(["audit", "append-demo", "--count", "200"]) == 0
    capsys.readouterr()
    # demo entry n involves company "DE/HRB {10000 + n % 97}": 5 -> n = 5, 102, 199
    scheme = ["--scheme", "LegalPersonIdentifier"]
    assert gateway_cli(["audit", "involved", *scheme, "--value", "DE/HRB 10005"]) == 0
    assert "3 of 200 entries involve" in capsys.readouterr().out
    assert gateway_cli(["audit", "involved", *scheme, "--value", "DE/HRB 99999"]) == 0
    assert "0 of 200 entries involve" in capsys.readouterr().out


def test_export_without_key_is_a_clear_error(
    var_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert gateway_cli(["audit", "export", str(tmp_path / "x")]) == 2
    assert "oots-gateway audit keygen" in capsys.readouterr().err
