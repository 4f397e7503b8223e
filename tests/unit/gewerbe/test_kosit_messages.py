"""The project schema and project checks against the KoSIT test messages (read at run time).

Expected outcome per file, with the documented (or, where undocumented, our stated) reason:
STRUCTURE.md / KNOWN-DEFECTS.md say the ``*-invalid*`` files are deliberately invalid; the
reasons below are read from the files themselves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.gewerbe.errors import MessageInvalid
from gateway.gewerbe.schema import Validator


@pytest.mark.parametrize("name", ["xgwa2.2-valid.xml", "xgwa2.0-valid.xml"])
def test_valid_anmeldung_messages_pass_schema_and_rules(
        project_validator: Validator, kosit_dir: Path, name: str) -> None:
    report = project_validator.validate((kosit_dir / name).read_bytes())
    assert report.xsd_errors == ()
    assert report.rule_failures == ()
    assert report.valid and report.schema.startswith("project:")


def test_valid_abmeldung_message_passes_envelope_only(
        project_validator: Validator, kosit_dir: Path) -> None:
    # xgwa2.1-valid.xml is an Abmeldung: our schema checks its head, not the record (opaque).
    report = project_validator.validate((kosit_dir / "xgwa2.1-valid.xml").read_bytes())
    assert report.valid


def _xsd_text(report_errors: tuple[str, ...]) -> str:
    return "\n".join(report_errors)


def test_22_invalid_fails_for_missing_familienname(
        project_validator: Validator, kosit_dir: Path) -> None:
    # xgwa2.2-invalid.xml = xgwa2.2-valid.xml without gewerbe/betriebArt and without the
    # person's familienname (diff of the two files).
    report = project_validator.validate((kosit_dir / "xgwa2.2-invalid.xml").read_bytes())
    errors = _xsd_text(report.xsd_errors)
    assert "vorname': This element is not expected" in errors
    assert "familienname" in errors
    assert [f.rule for f in report.rule_failures] == ["SCH-0036"]


def test_21_invalid_xsd_fails_for_missing_satzerstellung(
        project_validator: Validator, kosit_dir: Path) -> None:
    # The Anmeldung record (Testfall 01.004 Datensatz A) starts with ereigniszeitpunkt:
    # satzErstellung is missing.
    report = project_validator.validate((kosit_dir / "xgwa2.1-invalid-xsd.xml").read_bytes())
    errors = _xsd_text(report.xsd_errors)
    assert len(report.xsd_errors) == 1
    assert "ereigniszeitpunkt': This element is not expected" in errors
    assert "satzErstellung" in errors


def test_20_invalid_xsd_fails_for_address_without_street(
        project_validator: Validator, kosit_dir: Path) -> None:
    # Datensatz A's hauptniederlassung/anschrift lacks the strasse that Datensatz B has.
    report = project_validator.validate((kosit_dir / "xgwa2.0-invalid-xsd.xml").read_bytes())
    assert len(report.xsd_errors) == 1
    assert "hausNrVon': This element is not expected" in report.xsd_errors[0]
    assert "strasse" in report.xsd_errors[0]


def test_21_invalid_sch_passes_xsd_and_fails_sch_0036(
        project_validator: Validator, kosit_dir: Path) -> None:
    # The file's header comment: "SCH-0036_NE-1 exists(xga:gewerbe/xga:betriebArt)".
    report = project_validator.validate((kosit_dir / "xgwa2.1-invalid-sch.xml").read_bytes())
    assert report.xsd_errors == ()
    assert [(f.rule, f.location) for f in report.rule_failures] == [
        ("SCH-0036", "satz[1]/anmeldung")]


def test_20_invalid_sch_passes_xsd_and_fails_project_rules(
        project_validator: Validator, kosit_dir: Path) -> None:
    report = project_validator.validate((kosit_dir / "xgwa2.0-invalid-sch.xml").read_bytes())
    assert report.xsd_errors == ()
    assert sorted(f.rule for f in report.rule_failures) == ["PRJ-ANM-01", "PRJ-ANM-02"]
    with pytest.raises(MessageInvalid, match="XGA:INVALID"):
        report.raise_for_invalid()


def test_unknown_document_is_refused(project_validator: Validator, kosit_dir: Path) -> None:
    with pytest.raises(MessageInvalid, match="not an XGewerbeanzeige message"):
        project_validator.validate((kosit_dir / "xy-unknown.xml").read_bytes())


@pytest.mark.parametrize(
    "name", ["xgwa1.3-valid.xml", "xgwa1.3-invalid-xsd.xml", "xgwa1.3-invalid-sch.xml"])
def test_datml_raw_13_is_not_covered(project_validator: Validator, kosit_dir: Path,
                                     name: str) -> None:
    # 1.x used the DESTATIS DatML/RAW container (STRUCTURE.md, "Versions"): out of scope.
    with pytest.raises(MessageInvalid, match="not an XGewerbeanzeige message"):
        project_validator.validate((kosit_dir / name).read_bytes())


def test_every_kit_example_has_an_expectation(kosit_dir: Path) -> None:
    covered = {"xgwa2.2-valid.xml", "xgwa2.0-valid.xml", "xgwa2.1-valid.xml",
               "xgwa2.2-invalid.xml", "xgwa2.1-invalid-xsd.xml", "xgwa2.0-invalid-xsd.xml",
               "xgwa2.1-invalid-sch.xml", "xgwa2.0-invalid-sch.xml", "xy-unknown.xml",
               "xgwa1.3-valid.xml", "xgwa1.3-invalid-xsd.xml", "xgwa1.3-invalid-sch.xml"}
    assert {p.name for p in kosit_dir.glob("*.xml")} == covered


def test_version_attribute_must_match_namespace(project_validator: Validator,
                                                kosit_dir: Path) -> None:
    body = (kosit_dir / "xgwa2.2-valid.xml").read_bytes()
    assert b'version="2.2"' in body
    report = project_validator.validate(body.replace(b'version="2.2"', b'version="2.1"', 1))
    assert report.xsd_errors == ()
    assert [f.rule for f in report.rule_failures] == ["PRJ-MSG-01"]
