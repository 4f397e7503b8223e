"""``oots-gateway gewerbe validate|route|legal-form``."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.cli import main


def test_validate_exit_codes(kosit_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gewerbe", "validate", str(kosit_dir / "xgwa2.2-valid.xml")]) == 0
    assert "valid (XGewerbeanzeige 2.2, project:" in capsys.readouterr().out
    assert main(["gewerbe", "validate", str(kosit_dir / "xgwa2.2-valid.xml"),
                 str(kosit_dir / "xgwa2.1-invalid-sch.xml")]) == 1
    out = capsys.readouterr().out
    assert "INVALID (XGewerbeanzeige 2.1" in out and "SCH-0036 at satz[1]/anmeldung" in out


def test_route_and_legal_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gewerbe", "route", "05315000"]) == 0
    assert "Gewerbeamt Köln (mock)" in capsys.readouterr().out
    assert main(["gewerbe", "legal-form", "DE", "GmbH"]) == 0
    assert "XUnternehmen 221110 'GmbH', XGewerbeanzeige v5 350" in capsys.readouterr().out
    assert main(["gewerbe", "legal-form", "NL", "Stichting"]) != 0
    assert "XGA:UNMAPPED" in capsys.readouterr().err
