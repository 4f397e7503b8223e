"""Fixtures for the Gewerbe tests: the KoSIT test messages (read from the kit at run time),
the validator with the project schema, and company scenarios built in code."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from gateway.gewerbe.schema import Validator, load_validator
from gateway.xml import parse_xml_file


@pytest.fixture(scope="session")
def kosit_dir(shared_dir: Path) -> Path:
    """``shared/de/xgewerbeanzeige/examples``."""
    path = shared_dir / "de" / "xgewerbeanzeige" / "examples"
    assert path.is_dir(), path
    return path


@pytest.fixture(scope="session")
def project_validator() -> Validator:
    """Validator with the project schema only (no installed official XSD consulted)."""
    return load_validator(None)


@pytest.fixture(scope="session")
def kosit_references(kosit_dir: Path) -> list[etree._Element]:
    """Structure references: the valid Anmeldung messages (2.2, 2.0) and xgwa2.1-invalid-sch,
    whose only documented defect is the missing betriebArt (SCH-0036)."""
    names = ("xgwa2.2-valid.xml", "xgwa2.0-valid.xml", "xgwa2.1-invalid-sch.xml")
    return [parse_xml_file(kosit_dir / n) for n in names]
