"""Fixtures for kit installation tests: a private var/ per test and synthetic official
packages laid out at run time (in tmp_path) from the v1.0 reference kit files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.settings import Settings

KIT = "oots-edm-1.0"


@pytest.fixture
def tmp_settings(tmp_path: Path, shared_dir: Path) -> Settings:
    """Settings whose var/ lives in tmp_path (the real reference kit stays the source)."""
    return Settings.for_tests(tmp_path / "var", shared_dir=shared_dir)


@pytest.fixture
def make_package(tmp_path: Path, shared_dir: Path) -> Callable[..., Path]:
    """Lay out ``<tmp>/<name>/OOTS-EDM/{xsd,sch,codelists[,xml]}`` like the TDD repository."""

    def _make(name: str = "tdd_chapters", *, samples: bool = False) -> Path:
        checkout = tmp_path / name
        edm = checkout / "OOTS-EDM"
        for folder in ("xsd", "sch", "codelists"):
            shutil.copytree(shared_dir / KIT / folder, edm / folder)
        if samples:
            shutil.copytree(shared_dir / KIT / "samples", edm / "xml")
        return checkout

    return _make


@pytest.fixture
def make_v2_package(make_package: Callable[..., Path]) -> Callable[[], Path]:
    """A stand-in for the official 2.0.1 package (not available offline): the v1.0 files with
    the Schematron literals switched to ``oots-edm:v2.0`` and the SDG profile under its 2.0.1
    file name, plus a ``sch/codelist-include/`` folder as 2.0.1 has."""

    def _make() -> Path:
        checkout = make_package("tdd_chapters-2.0.1")
        edm = checkout / "OOTS-EDM"
        for sch in (edm / "sch").glob("*.sch"):
            sch.write_bytes(sch.read_bytes().replace(b"oots-edm:v1.0", b"oots-edm:v2.0"))
        sdg = edm / "xsd" / "sdg"
        (sdg / "SDG-GenericMetadataProfile-v1.0.0.xsd").rename(
            sdg / "SDG-GenericMetadataProfile-v2.0.1.xsd"
        )
        (sdg / "oots_driver_v1.0.0.xsd").unlink()
        include = edm / "sch" / "codelist-include"
        include.mkdir()
        (include / "Gender-CodeList.sch").write_bytes(
            b'<sch:pattern xmlns:sch="http://purl.oclc.org/dsdl/schematron"/>\n'
        )
        return checkout

    return _make
