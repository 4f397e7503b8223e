"""Install an official XGewerbeanzeige XSD package (``oots-gateway schemas install --from DIR``).

Detection: ``DIR`` (or any folder below it) holds an ``.xsd`` whose ``targetNamespace`` is
``http://www.xgewerbeanzeige.de/spezifikation/<major.minor>`` and which declares a global
``*.gewerbemeldung.*`` element (the message roots, STRUCTURE.md "Message naming"). Every file of
the folder that holds that schema is copied to
``var/schemas/xgewerbeanzeige/xgewerbeanzeige-<version>/`` with an ``INSTALLED.toml`` record
(sha256 of each file, as for the OOTS kits); the schema must compile offline. The extra folder
level keeps these copies out of :func:`gateway.kits.load_installed`, which lists the OOTS-EDM
kits the evidence validator uses. From then on :func:`gateway.gewerbe.schema.load_validator`
uses it instead of the project schema for that version. Manifest:
``schemas/xgewerbe/manifest.toml``.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from gateway.errors import Origin, SchemaKitError, XmlRejected
from gateway.kits.installed import RECORD_NAME, read_record, sha256_file, write_record
from gateway.settings import Settings
from gateway.xml import parse_xml_file

__all__ = [
    "ENTRY_KEY",
    "KIT_PREFIX",
    "find_official_package",
    "install_official",
    "installed_official",
    "official_dir",
]

KIT_PREFIX = "xgewerbeanzeige-"
ENTRY_KEY = "entry"
_TNS = re.compile(r"^http://www\.xgewerbeanzeige\.de/spezifikation/(\d+\.\d+)$")
_ROOT_NAME = re.compile(r"^[a-z]+\.gewerbemeldung\.\d{4}$")
_XS = "http://www.w3.org/2001/XMLSchema"


def official_dir(settings: Settings) -> Path:
    """Where official XGewerbeanzeige packages are installed."""
    return settings.schemas_dir / "xgewerbeanzeige"


def _message_schema(path: Path) -> str | None:
    """The version if ``path`` is an XGewerbeanzeige schema declaring message roots."""
    try:
        root = parse_xml_file(path, origin=Origin.LOCAL)
    except XmlRejected:
        return None
    match = _TNS.match(root.get("targetNamespace", ""))
    if match is None:
        return None
    names = (e.get("name", "") for e in root.iterfind(f"{{{_XS}}}element"))
    return match.group(1) if any(_ROOT_NAME.match(n) for n in names) else None


def find_official_package(directory: Path) -> tuple[str, Path] | None:
    """``(version, entry schema)`` when ``directory`` holds an official package, else None."""
    if not directory.is_dir():
        return None
    found: dict[str, list[Path]] = {}
    for path in sorted(directory.rglob("*.xsd")):
        version = _message_schema(path)
        if version is not None:
            found.setdefault(version, []).append(path)
    if not found:
        return None
    if len(found) > 1 or len(next(iter(found.values()))) > 1:
        listing = {v: [str(p) for p in ps] for v, ps in found.items()}
        raise SchemaKitError(f"{directory}: several XGewerbeanzeige message schemas",
                             detail=f"give the folder of one version: {listing}")
    version, (entry,) = next(iter(found.items()))
    return version, entry


def install_official(settings: Settings, directory: Path) -> tuple[str, Path, int, bool]:
    """Copy and check the package; ``(kit name, target, files, changed)``."""
    detected = find_official_package(directory)
    if detected is None:
        raise SchemaKitError(f"{directory} holds no XGewerbeanzeige message schema")
    version, entry = detected
    base = entry.parent
    name = f"{KIT_PREFIX}{version}"
    base_dir = official_dir(settings)
    target = base_dir / name
    sources = sorted(p for p in base.rglob("*") if p.is_file() and p.name != RECORD_NAME)
    digests = [(p.relative_to(base).as_posix(), sha256_file(p)) for p in sources]
    entry_rel = entry.relative_to(base).as_posix()
    if (target / RECORD_NAME).is_file():
        try:
            current = read_record(target)
            if sorted(current.files) == sorted(digests):
                current.verify()
                return name, target, len(digests), False
        except SchemaKitError:
            pass  # reinstall below
    base_dir.mkdir(parents=True, exist_ok=True)
    staging = base_dir / f".{name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    for path in sources:
        dest = staging / path.relative_to(base)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    try:
        etree.XMLSchema(parse_xml_file(staging / entry_rel, origin=Origin.LOCAL).getroottree())
    except (etree.XMLSchemaParseError, XmlRejected) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise SchemaKitError(f"{entry}: the XGewerbeanzeige schema does not load offline: {exc}"
                             ) from exc
    old = base_dir / f".{name}.old-{os.getpid()}"
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    write_record(target, name=name, version=version,
                 specifications=(f"xgewerbeanzeige:v{version}", f"{ENTRY_KEY}:{entry_rel}"),
                 source=str(base), installed_at=datetime.now(UTC).isoformat(timespec="seconds"),
                 files=digests)
    return name, target, len(digests), True


def installed_official(settings: Settings) -> dict[str, Path]:
    """Version -> entry schema of every installed official package (copies re-hashed)."""
    result: dict[str, Path] = {}
    if not official_dir(settings).is_dir():
        return result
    for record in sorted(official_dir(settings).glob(f"{KIT_PREFIX}*/{RECORD_NAME}")):
        kit = read_record(record.parent)
        kit.verify()
        entries = [s.split(":", 1)[1] for s in kit.specifications if s.startswith(f"{ENTRY_KEY}:")]
        if len(entries) != 1:
            raise SchemaKitError(f"{record}: no entry schema recorded")
        result[kit.version] = kit.path(entries[0])
    return result
