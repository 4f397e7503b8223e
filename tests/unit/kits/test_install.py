"""``oots-gateway schemas install [--from DIR]``: sha256 pins, offline imports, idempotence,
the official package layout, version detection, install records and tampering."""

from __future__ import annotations

import hashlib
import re
import shutil
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from gateway.cli import main
from gateway.errors import SchemaKitError
from gateway.evidence.validation import Validator
from gateway.kits import (
    detect_specification,
    install_kits,
    load_installed,
    load_manifests,
    manifest_dir,
)
from gateway.kits.install import find_package_root
from gateway.settings import Settings
from gateway.xml import parse_xml_file

from .conftest import KIT

REQ = (
    "samples/Request-Response Samples/4.5.4 - OOTS-EDM XML Examples of the Evidence Exchange/"
    "2 Example for requesting a Birth Certificate - natural person/"
    "2.1 Step 1  Evidence Request - Birth - full example.xml"
)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_pins_every_file_of_the_v1_kit(tmp_settings: Settings, shared_dir: Path) -> None:
    (v1,) = [m for m in load_manifests(manifest_dir(tmp_settings)) if m.name == KIT]
    on_disk = {
        p.relative_to(shared_dir / KIT).as_posix()
        for d in ("xsd", "sch", "codelists", "samples")
        for p in (shared_dir / KIT / d).rglob("*")
        if p.is_file()
    }
    assert {f.path for f in v1.files} == on_disk
    assert all(sha(shared_dir / KIT / f.path) == f.sha256 for f in v1.files)
    assert v1.pinned and v1.specification == "oots-edm:v1.0" and v1.licence["spdx"] == "EUPL-1.2"


def test_install_from_shared_copies_verifies_and_is_idempotent(tmp_settings: Settings) -> None:
    (first,) = install_kits(tmp_settings)
    assert first.changed and first.files == 88
    target = tmp_settings.schemas_dir / KIT
    record = tomllib.loads((target / "INSTALLED.toml").read_text(encoding="utf-8"))
    assert record["specifications"] == ["oots-edm:v1.0"]
    assert all(sha(target / f["path"]) == f["sha256"] for f in record["file"])
    before = (target / "INSTALLED.toml").stat().st_mtime_ns
    started = time.monotonic()
    (second,) = install_kits(tmp_settings)
    assert not second.changed and time.monotonic() - started < 1.0
    assert (target / "INSTALLED.toml").stat().st_mtime_ns == before


def test_driver_resolves_every_import_locally(tmp_settings: Settings) -> None:
    install_kits(tmp_settings)
    target = tmp_settings.schemas_dir / KIT
    driver = parse_xml_file(target / "_gateway" / "driver.xsd")
    locations = [i.get("schemaLocation", "") for i in driver]
    assert locations and all(loc.startswith(target.resolve().as_uri()) for loc in locations)
    schema = etree.XMLSchema(driver.getroottree())
    assert schema.validate(parse_xml_file(target / REQ).getroottree())


def copy_of_kit(shared_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "shared-copy"
    shutil.copytree(shared_dir / KIT, copy / KIT)
    return copy


def test_tampered_reference_kit_is_refused(shared_dir: Path, tmp_path: Path) -> None:
    copy = copy_of_kit(shared_dir, tmp_path)
    sch = copy / KIT / "sch" / "EDM-REQ-C.sch"
    sch.write_bytes(sch.read_bytes().replace(b"oots-edm:v1.0", b"oots-edm:v1.1", 1))
    settings = Settings.for_tests(tmp_path / "var", shared_dir=copy)
    with pytest.raises(SchemaKitError, match=re.escape("sha256 mismatch for sch/EDM-REQ-C.sch")):
        install_kits(settings)
    assert not (settings.schemas_dir / KIT).exists()


def test_missing_file_in_reference_kit_is_refused(shared_dir: Path, tmp_path: Path) -> None:
    copy = copy_of_kit(shared_dir, tmp_path)
    (copy / KIT / "xsd" / "regrep4" / "rim.xsd").unlink()
    with pytest.raises(SchemaKitError, match=re.escape("rim.xsd is missing")):
        install_kits(Settings.for_tests(tmp_path / "var", shared_dir=copy))


def test_from_official_v1_layout_both_forms(
    tmp_settings: Settings, make_package: Callable[..., Path]
) -> None:
    checkout = make_package(samples=True)
    assert find_package_root(checkout) == checkout / "OOTS-EDM"
    assert detect_specification(checkout / "OOTS-EDM") == "oots-edm:v1.0"
    (result,) = install_kits(tmp_settings, from_dir=checkout)
    assert result.kit == KIT and result.files == 88 and result.changed
    (again,) = install_kits(tmp_settings, from_dir=checkout / "OOTS-EDM")
    assert not again.changed


def test_from_package_without_samples_installs_rules_and_schemas(
    tmp_settings: Settings, make_package: Callable[..., Path]
) -> None:
    (result,) = install_kits(tmp_settings, from_dir=make_package())
    assert result.files == 88 - 42
    (kit,) = load_installed(tmp_settings.schemas_dir)
    assert kit.sample_files == () and len(kit.schematron_files) == 21


def test_from_tampered_v1_package_is_refused(
    tmp_settings: Settings, make_package: Callable[..., Path]
) -> None:
    checkout = make_package()
    xsd = checkout / "OOTS-EDM" / "xsd" / "sdg" / "SDG-GenericMetadataProfile-v1.0.0.xsd"
    xsd.write_bytes(xsd.read_bytes() + b"\n<!-- tampered -->\n")
    with pytest.raises(SchemaKitError, match="sha256 mismatch"):
        install_kits(tmp_settings, from_dir=checkout)


def test_from_v2_package_records_hashes_and_serves_v2_messages(
    tmp_settings: Settings, make_v2_package: Callable[[], Path], shared_dir: Path
) -> None:
    checkout = make_v2_package()
    edm = checkout / "OOTS-EDM"
    assert detect_specification(edm) == "oots-edm:v2.0"
    install_kits(tmp_settings)
    (result,) = install_kits(tmp_settings, from_dir=checkout)
    assert result.kit == "oots-edm-2.0" and result.changed
    target = tmp_settings.schemas_dir / "oots-edm-2.0"
    record = tomllib.loads((target / "INSTALLED.toml").read_text(encoding="utf-8"))
    recorded = {f["path"]: f["sha256"] for f in record["file"]}
    assert recorded["sch/codelist-include/Gender-CodeList.sch"] == sha(
        edm / "sch" / "codelist-include" / "Gender-CodeList.sch"
    )
    assert recorded["xsd/sdg/SDG-GenericMetadataProfile-v2.0.1.xsd"] == sha(
        edm / "xsd" / "sdg" / "SDG-GenericMetadataProfile-v2.0.1.xsd"
    )
    assert set(record["specifications"]) == {"oots-edm:v2.0", "oots-cs:v2.0"}

    validator = Validator.from_settings(tmp_settings)
    request = (shared_dir / KIT / REQ).read_bytes()
    v2 = validator.validate(request.replace(b"oots-edm:v1.0", b"oots-edm:v2.0"))
    assert v2.kit == "oots-edm-2.0" and v2.valid and v2.version == "oots-edm:v2.0"
    assert validator.validate(request).kit == KIT

    # Tampering with an installed copy is detected when the kits are loaded.
    rules = target / "sch" / "EDM-REQ-C.sch"
    rules.write_bytes(rules.read_bytes().replace(b"oots-edm:v2.0", b"oots-edm:v2.9"))
    with pytest.raises(SchemaKitError, match="modified after installation"):
        Validator.from_settings(tmp_settings)
    (repaired,) = install_kits(tmp_settings, from_dir=checkout)
    assert repaired.changed
    Validator.from_settings(tmp_settings)


def test_v2_package_missing_a_required_rule_set_is_refused(
    tmp_settings: Settings, make_v2_package: Callable[[], Path]
) -> None:
    checkout = make_v2_package()
    (checkout / "OOTS-EDM" / "sch" / "EDM-ERR-C.sch").unlink()
    with pytest.raises(SchemaKitError, match=re.escape("lacks sch/EDM-ERR-C.sch")):
        install_kits(tmp_settings, from_dir=checkout)


def test_unknown_or_mixed_versions_and_non_packages_are_refused(
    tmp_settings: Settings, make_package: Callable[..., Path], tmp_path: Path
) -> None:
    checkout = make_package()
    sch = checkout / "OOTS-EDM" / "sch"
    for f in sch.glob("*.sch"):
        f.write_bytes(f.read_bytes().replace(b"oots-edm:v1.0", b"oots-edm:v1.2"))
    with pytest.raises(SchemaKitError, match=re.escape("no kit manifest for oots-edm:v1.2")):
        install_kits(tmp_settings, from_dir=checkout)
    (sch / "EDM-REQ-C.sch").write_bytes(b"<x>oots-edm:v2.0</x>")
    with pytest.raises(SchemaKitError, match="cannot tell the EDM version"):
        install_kits(tmp_settings, from_dir=checkout)
    with pytest.raises(SchemaKitError, match="not an official OOTS-EDM package"):
        install_kits(tmp_settings, from_dir=tmp_path)


def test_cli_install_exit_codes(
    tmp_path: Path,
    make_package: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    shared_dir: Path,
) -> None:
    monkeypatch.setenv("OOTS_VAR_DIR", str(tmp_path / "cli-var"))
    monkeypatch.setenv("OOTS_SHARED_DIR", str(shared_dir))
    assert main(["schemas", "install"]) == 0
    assert "oots-edm-1.0 (oots-edm:v1.0): installed, 88 files verified" in capsys.readouterr().out
    assert main(["schemas", "install"]) == 0
    assert "up to date" in capsys.readouterr().out
    checkout = make_package()
    bad = checkout / "OOTS-EDM" / "sch" / "LCM-SUC.sch"
    bad.write_bytes(bad.read_bytes() + b" ")
    assert main(["schemas", "install", "--from", str(checkout)]) == 2
    assert "GW:SCHEMA-KIT" in capsys.readouterr().err
