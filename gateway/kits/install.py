"""``oots-gateway schemas install [--from DIR]``: verify, copy and wire up schema kits.

Without ``--from`` every manifest with a ``shared_subdir`` is installed from the reference kit
(``settings.shared_dir / <shared_subdir>``), each file checked against its sha256 pin. With
``--from DIR`` the official TDD package is accepted as the Commission's repository publishes it
(a checkout containing ``OOTS-EDM/`` or the ``OOTS-EDM`` folder itself, with ``xsd/``, ``sch/``,
``codelists/`` and optionally ``xml/``); its version is detected (:func:`detect_specification`)
and the matching manifest decides whether pins apply. Copies go to
``settings.schemas_dir/<kit>/`` with an ``INSTALLED.toml`` record and the wrapper schemas of
:mod:`gateway.kits.driver`. A second run over unchanged files does nothing.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from gateway.errors import SchemaKitError, XmlRejected
from gateway.kits.driver import FULL_DRIVER, REGREP_DRIVER, write_drivers
from gateway.kits.installed import RECORD_NAME, read_record, sha256_file, write_record
from gateway.kits.manifest import Manifest, load_manifests, manifest_dir
from gateway.settings import Settings
from gateway.xml import parse_xml_file

__all__ = ["InstallResult", "detect_specification", "find_package_root", "install_kits"]

_SPEC_LITERAL = re.compile(rb"oots-edm:v(\d+)\.(\d+)")
_SDG_NAME = re.compile(r"SDG-GenericMetadataProfile-v(\d+)\.(\d+)")
_PACKAGE_DIRS = ("xsd", "sch", "codelists")


@dataclass(frozen=True, slots=True)
class InstallResult:
    """What one kit installation did."""

    kit: str
    specification: str
    target: Path
    files: int
    changed: bool
    source: str


def find_package_root(directory: Path) -> Path:
    """The ``OOTS-EDM`` folder of an official package (``DIR/OOTS-EDM`` or ``DIR`` itself)."""
    for candidate in (directory / "OOTS-EDM", directory):
        if all((candidate / d).is_dir() for d in _PACKAGE_DIRS):
            return candidate
    raise SchemaKitError(
        f"{directory} is not an official OOTS-EDM package",
        detail="expected OOTS-EDM/xsd, OOTS-EDM/sch and OOTS-EDM/codelists (or those folders)",
    )


def detect_specification(package_root: Path) -> str:
    """``oots-edm:vX.Y`` from the Schematron literals and the SDG schema file name."""
    from_sch: set[str] = set()
    for sch in sorted((package_root / "sch").rglob("*.sch")):
        for major, minor in _SPEC_LITERAL.findall(sch.read_bytes()):
            from_sch.add(f"oots-edm:v{int(major)}.{int(minor)}")
    from_xsd = {
        f"oots-edm:v{int(m.group(1))}.{int(m.group(2))}"
        for p in (package_root / "xsd").rglob("*.xsd")
        if (m := _SDG_NAME.search(p.name))
    }
    # The Schematron literal is authoritative (the rules pin it); the SDG schema's file name
    # only has to agree on the major version (1.x releases kept the v1.0.0 profile name).
    found = from_sch or from_xsd
    majors = {s.split(":v")[1].split(".")[0] for s in found | from_xsd}
    if len(found) != 1 or len(majors) != 1:
        raise SchemaKitError(
            f"cannot tell the EDM version of {package_root}",
            detail=f"Schematron literals: {sorted(from_sch)}; SDG schema names: {sorted(from_xsd)}",
        )
    return found.pop()


def _pinned_sources(manifest: Manifest, root: Path, *, package: bool) -> list[tuple[str, Path]]:
    has_samples = (root / manifest.layout.get("samples", "samples")).is_dir() if package else True
    sources: list[tuple[str, Path]] = []
    for entry in manifest.files:
        if package and entry.role == "sample" and not has_samples:
            continue
        path = root / (manifest.package_path(entry.path) if package else entry.path)
        if not path.is_file():
            raise SchemaKitError(f"kit {manifest.name}: {path} is missing")
        digest = sha256_file(path)
        if digest != entry.sha256:
            raise SchemaKitError(
                f"kit {manifest.name}: sha256 mismatch for {entry.path}",
                detail=f"expected {entry.sha256}, found {digest} in {path}",
            )
        sources.append((entry.path, path))
    return sources


def _unpinned_sources(manifest: Manifest, root: Path) -> list[tuple[str, Path]]:
    sources: list[tuple[str, Path]] = []
    for kit_dir, package_dir in sorted(manifest.layout.items()):
        base = root / package_dir
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            sources.append((f"{kit_dir}/{path.relative_to(base).as_posix()}", path))
    present = {manifest.package_path(rel) for rel, _ in sources}
    missing = [r for r in manifest.required if r not in present]
    if missing:
        raise SchemaKitError(f"kit {manifest.name}: package lacks {', '.join(missing)}")
    return sources


def _check_driver(kit_dir: Path) -> None:
    for driver in (REGREP_DRIVER, FULL_DRIVER):
        try:
            etree.XMLSchema(parse_xml_file(kit_dir / driver).getroottree())
        except (etree.XMLSchemaParseError, XmlRejected) as exc:
            raise SchemaKitError(f"kit {kit_dir.name}: schemas do not load offline: {exc}") from exc


def _install_one(
    settings: Settings, manifest: Manifest, sources: list[tuple[str, Path]], origin: str
) -> InstallResult:
    target = settings.schemas_dir / manifest.name
    digests = [(rel, sha256_file(path)) for rel, path in sources]
    if (target / RECORD_NAME).is_file() and (target / FULL_DRIVER).is_file():
        try:
            current = read_record(target)
            if sorted(current.files) == sorted(digests):
                current.verify()
                return InstallResult(
                    manifest.name, manifest.specification, target, len(digests), False, origin
                )
        except SchemaKitError:
            pass  # reinstall below
    settings.schemas_dir.mkdir(parents=True, exist_ok=True)
    staging = settings.schemas_dir / f".{manifest.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    for rel, path in sources:
        dest = staging / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    old = settings.schemas_dir / f".{manifest.name}.old-{os.getpid()}"
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    # The drivers point at absolute paths, so they are written once the kit is in place.
    write_drivers(target, manifest.sdg_schema, manifest.sdg_schema_glob)
    _check_driver(target)
    write_record(
        target,
        name=manifest.name,
        version=manifest.version,
        specifications=manifest.specifications,
        source=origin,
        installed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        files=digests,
    )
    return InstallResult(manifest.name, manifest.specification, target, len(digests), True, origin)


def install_kits(settings: Settings, *, from_dir: Path | None = None) -> tuple[InstallResult, ...]:
    """Install the reference kits (``from_dir=None``) or one official package."""
    manifests = load_manifests(manifest_dir(settings))
    if from_dir is None:
        results = []
        for manifest in manifests:
            if not manifest.shared_subdir:
                continue
            root = settings.shared_dir / manifest.shared_subdir
            if not root.is_dir():
                raise SchemaKitError(f"reference kit {root} not found (Settings.shared_dir)")
            sources = _pinned_sources(manifest, root, package=False)
            results.append(_install_one(settings, manifest, sources, str(root)))
        return tuple(results)
    # An official XGewerbeanzeige XSD package (not an OOTS-EDM one): gateway/gewerbe/install.py.
    # Imported here: gateway.gewerbe.install itself imports gateway.kits.installed.
    from gateway.gewerbe.install import (
        KIT_PREFIX,
        find_official_package,
        install_official,
    )

    if find_official_package(from_dir) is not None:
        name, target, count, changed = install_official(settings, from_dir)
        spec = f"xgewerbeanzeige:v{name.removeprefix(KIT_PREFIX)}"
        return (InstallResult(name, spec, target, count, changed, str(from_dir)),)
    package = find_package_root(from_dir)
    spec = detect_specification(package)
    matching = [m for m in manifests if spec in m.specifications]
    if not matching:
        known = ", ".join(m.specification for m in manifests)
        raise SchemaKitError(f"no kit manifest for {spec} (known: {known})")
    manifest = matching[0]
    if manifest.pinned:
        sources = _pinned_sources(manifest, package, package=True)
    else:
        sources = _unpinned_sources(manifest, package)
    return (_install_one(settings, manifest, sources, str(package)),)
