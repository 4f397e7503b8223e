"""``schemas install --from DIR`` with an official XGewerbeanzeige package, then used instead of
the project schema. No official XSD is public, so the package is simulated at run time: the
project schema renamed and made stricter (gemeindeMeldungNr required), plus a code-list file."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.errors import SchemaKitError
from gateway.gewerbe import build_anmeldung
from gateway.gewerbe.install import official_dir
from gateway.gewerbe.schema import PROJECT_SCHEMA, load_validator
from gateway.kits import load_installed
from gateway.kits.install import install_kits
from gateway.settings import Settings, project_root

from .scenarios import COMPANIES, evidence_source, form

OPTIONAL = b'<xs:element name="gemeindeMeldungNr" type="xs:token" minOccurs="0"/>'
REQUIRED = b'<xs:element name="gemeindeMeldungNr" type="xs:token"/>'


def _package(root: Path, *, schema: bytes | None = None) -> Path:
    root_dir = project_root()
    assert root_dir is not None
    text = (root_dir / PROJECT_SCHEMA).read_bytes()
    assert OPTIONAL in text
    package = root / "XGewerbeanzeige_2.2" / "xsd"
    package.mkdir(parents=True)
    (package / "xgewerbeanzeige.xsd").write_bytes(schema or text.replace(OPTIONAL, REQUIRED))
    (package / "codelisten").mkdir()
    (package / "codelisten" / "janein.xml").write_text("<codeliste/>", encoding="utf-8")
    return root / "XGewerbeanzeige_2.2"


def test_official_package_is_installed_and_used_instead(tmp_path: Path, shared_dir: Path) -> None:
    settings = Settings(var_dir=tmp_path / "var")
    package = _package(tmp_path / "media")
    (result,) = install_kits(settings, from_dir=package)
    assert (result.kit, result.specification, result.files, result.changed) == (
        "xgewerbeanzeige-2.2", "xgewerbeanzeige:v2.2", 2, True)
    assert (official_dir(settings) / "xgewerbeanzeige-2.2" / "INSTALLED.toml").is_file()
    assert load_installed(settings.schemas_dir) == ()  # not one of the OOTS-EDM kits
    (again,) = install_kits(settings, from_dir=package)
    assert again.changed is False

    validator = load_validator(settings)
    assert validator.schema_in_use("2.2").startswith("official:")
    assert validator.schema_in_use("2.0").startswith("project:")
    kosit = shared_dir / "de" / "xgewerbeanzeige" / "examples" / "xgwa2.2-valid.xml"
    assert validator.validate(kosit.read_bytes()).valid
    xml, _ = build_anmeldung(COMPANIES["nl-bv"], form(), evidence_source("NL:KVK"))
    official = validator.validate(xml)
    assert not official.valid and "gemeindeMeldungNr" in " ".join(official.xsd_errors)
    assert load_validator(None).validate(xml).valid  # the project schema accepts it


def test_changed_installed_copy_is_refused(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path / "var")
    install_kits(settings, from_dir=_package(tmp_path / "media"))
    installed = official_dir(settings) / "xgewerbeanzeige-2.2" / "codelisten" / "janein.xml"
    installed.write_text("<codeliste changed='yes'/>", encoding="utf-8")
    with pytest.raises(SchemaKitError, match="modified after installation"):
        load_validator(settings)


def test_schema_that_does_not_load_offline_is_not_installed(tmp_path: Path) -> None:
    root_dir = project_root()
    assert root_dir is not None
    text = (root_dir / PROJECT_SCHEMA).read_bytes().replace(
        b'version="oots-gateway-1">',
        b'version="x"><xs:import namespace="urn:x" schemaLocation="missing-xoev-code.xsd"/>'
        b'<xs:element name="broken" type="q:T" xmlns:q="urn:x"/>')
    settings = Settings(var_dir=tmp_path / "var")
    with pytest.raises(SchemaKitError, match="does not load offline"):
        install_kits(settings, from_dir=_package(tmp_path / "media", schema=text))
    assert not (official_dir(settings) / "xgewerbeanzeige-2.2").exists()
    assert not list(official_dir(settings).glob(".xgewerbeanzeige-*"))


def test_other_folders_still_go_to_the_oots_installer(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(SchemaKitError, match="OOTS-EDM"):
        install_kits(Settings(var_dir=tmp_path / "var"), from_dir=tmp_path / "empty")
