"""``oots-gateway validate`` and ``demo``: exit codes, text and JSON output."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.settings import Settings

from ._mutate import attr, mutate
from .test_engine import TAX_REQ
from .test_mutations import REQ, RESP


@pytest.fixture
def files(installed: Settings, sample: Callable[[str], bytes], tmp_path: Path) -> dict[str, Path]:
    del installed
    out = {
        "request-valid-with-info.xml": sample(REQ),
        "response-valid.xml": sample(RESP),
        "request-tax-fails-c067.xml": sample(TAX_REQ),
        "request-bad-id.rejected.xml": mutate(sample(REQ), "/query:QueryRequest", attr("id", "x")),
        "not-well-formed.xml": b"<query:QueryRequest",
    }
    paths = {}
    for name, data in out.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(data)
    return paths


def test_valid_files_exit_0_even_with_info_findings(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["validate", str(files["request-valid-with-info.xml"]), str(files["response-valid.xml"])]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "request-valid-with-info.xml: valid (evidence-request, oots-edm:v1.0" in out
    assert "INFO    R-EDM-REQ-S008 [EDM-REQ-S] at /query:QueryRequest[1]" in out


def test_one_invalid_file_exits_1_and_text_names_rule_severity_location(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["validate", str(files["response-valid.xml"]), str(files["request-bad-id.rejected.xml"])]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "request-bad-id.rejected.xml: INVALID" in out
    assert "ERROR   R-EDM-REQ-S004 [EDM-REQ-S] at /query:QueryRequest[1]/@id" in out
    assert "MUST be unique UUID" in out


def test_json_format_is_machine_readable(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "validate",
            "--format",
            "json",
            str(files["request-tax-fails-c067.xml"]),
            str(files["not-well-formed.xml"]),
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["valid"] is False
    tax, broken = doc["files"]
    assert tax["kind"] == "evidence-request" and tax["version"] == "oots-edm:v1.0"
    assert tax["rule_sets"] == ["EDM-REQ-S", "EDM-REQ-C"]
    failing = [f for f in tax["findings"] if f["severity"] != "info"]
    assert [f["rule_id"] for f in failing] == ["R-EDM-REQ-C067"]
    assert failing[0]["source"] == "schematron" and "item 4" in failing[0]["known_defect"]
    assert broken["valid"] is False and "not well-formed" in broken["error"]


def test_json_all_valid(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "json", str(files["response-valid.xml"])]) == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True


def test_missing_file_is_invalid(
    tmp_path: Path, installed: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    del installed
    assert main(["validate", str(tmp_path / "absent.xml")]) == 1
    assert "cannot read file" in capsys.readouterr().out


def test_demo_reports_every_sample_and_the_results_md_summary(
    installed: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    del installed
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Summary: 35 EDM messages validated: 33 pass, 2 fail; 7 skipped" in out
    assert out.count("skipped: ebMS header") == 4
    assert out.count("skipped: evidence payload") == 3
    assert out.count("FAIL: R-EDM-REQ-C067") == 2
