"""Schema kit manifests (``schemas/oots/*.toml``): what a kit is, where it comes from, its pins.

A manifest names one kit (``oots-edm-1.0``), the specification identifier its rules pin
(``oots-edm:v1.0``), its official origin and licence, the mapping between the kit layout and the
official ``OOTS-EDM/`` package layout, and either a sha256 pin for every file (``pinned = true``)
or the list of files a package must contain (hashes then recorded at install time). The format
is documented in ``docs/schemas.md``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.errors import SchemaKitError
from gateway.settings import Settings, project_root

__all__ = ["KitFile", "Manifest", "load_manifests", "manifest_dir"]

MANIFEST_FORMAT = 1


@dataclass(frozen=True, slots=True)
class KitFile:
    """One pinned file of a kit, path relative to the kit folder."""

    path: str
    role: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """One parsed ``schemas/oots/<kit>.toml``."""

    name: str
    version: str
    specification: str
    also_specifications: tuple[str, ...]
    pinned: bool
    shared_subdir: str | None
    sdg_schema: str | None
    sdg_schema_glob: str | None
    layout: Mapping[str, str]
    files: tuple[KitFile, ...]
    required: tuple[str, ...]
    origin: Mapping[str, Any]
    licence: Mapping[str, Any]
    source: Path

    @property
    def specifications(self) -> tuple[str, ...]:
        """Every specification identifier this kit's rules judge."""
        return (self.specification, *self.also_specifications)

    def package_path(self, kit_path: str) -> str:
        """Map a kit-relative path (``samples/x.xml``) to the official layout (``xml/x.xml``)."""
        head, _, tail = kit_path.partition("/")
        return f"{self.layout.get(head, head)}/{tail}" if tail else kit_path


def manifest_dir(settings: Settings) -> Path:
    """Where the manifests live: ``[kits] manifest_dir`` or ``<project>/schemas/oots``."""
    configured = settings.section("kits").get("manifest_dir")
    if configured:
        return Path(str(configured))
    root = project_root()
    if root is None:
        raise SchemaKitError("cannot locate schemas/oots; set [kits] manifest_dir")
    return root / "schemas" / "oots"


def _parse(path: Path) -> Manifest:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SchemaKitError(f"cannot read kit manifest {path}: {exc}") from exc
    if data.get("format") != MANIFEST_FORMAT:
        raise SchemaKitError(f"{path}: unsupported manifest format {data.get('format')!r}")
    try:
        kit = data["kit"]
        files = tuple(
            KitFile(path=str(f["path"]), role=str(f["role"]), sha256=str(f["sha256"]).lower())
            for f in data.get("file", ())
        )
        manifest = Manifest(
            name=str(kit["name"]),
            version=str(kit["version"]),
            specification=str(kit["specification"]),
            also_specifications=tuple(str(s) for s in kit.get("also_specifications", ())),
            pinned=bool(kit.get("pinned", False)),
            shared_subdir=kit.get("shared_subdir"),
            sdg_schema=kit.get("sdg_schema"),
            sdg_schema_glob=kit.get("sdg_schema_glob"),
            layout=dict(data.get("layout", {})),
            files=files,
            required=tuple(str(p) for p in data.get("expected", {}).get("required", ())),
            origin=dict(data.get("origin", {})),
            licence=dict(data.get("licence", {})),
            source=path,
        )
    except (KeyError, TypeError) as exc:
        raise SchemaKitError(f"{path}: malformed kit manifest ({exc})") from exc
    if manifest.pinned and not files:
        raise SchemaKitError(f"{path}: a pinned kit must list its files")
    return manifest


def load_manifests(directory: Path) -> tuple[Manifest, ...]:
    """Every manifest in ``directory``, sorted by kit name."""
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise SchemaKitError(f"no kit manifests in {directory}")
    return tuple(sorted((_parse(p) for p in paths), key=lambda m: m.name))
