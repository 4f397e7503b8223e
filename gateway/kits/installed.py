"""Installed kits: the ``INSTALLED.toml`` record beside each copy and its verification.

The record lists every file the installer copied with its sha256, the specification identifiers
the kit judges and where it came from. :func:`load_installed` re-hashes the copies, so a file
changed after installation is refused (``SchemaKitError``) instead of silently used.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gateway.errors import SchemaKitError

__all__ = ["RECORD_NAME", "InstalledKit", "load_installed", "sha256_file", "write_record"]

RECORD_NAME = "INSTALLED.toml"
INSTALLER_VERSION = 1


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True, slots=True)
class InstalledKit:
    """One kit copy under ``settings.schemas_dir``."""

    name: str
    version: str
    specifications: tuple[str, ...]
    root: Path
    files: tuple[tuple[str, str], ...]
    """(kit-relative path, sha256) of every copied file."""
    source: str

    def path(self, relative: str) -> Path:
        """Absolute path of a kit-relative file."""
        return self.root / relative

    @property
    def schematron_files(self) -> tuple[Path, ...]:
        """The installed ``sch/*.sch`` rule files."""
        return tuple(
            self.root / p for p, _ in self.files if p.startswith("sch/") and p.endswith(".sch")
        )

    @property
    def sample_files(self) -> tuple[Path, ...]:
        """The installed official samples (``samples/**.xml``)."""
        return tuple(
            self.root / p for p, _ in self.files if p.startswith("samples/") and p.endswith(".xml")
        )

    def verify(self) -> None:
        """Re-hash every copied file; raise ``SchemaKitError`` on any difference."""
        for relative, digest in self.files:
            path = self.root / relative
            if not path.is_file():
                raise SchemaKitError(f"installed kit {self.name}: {relative} is missing")
            if sha256_file(path) != digest:
                raise SchemaKitError(
                    f"installed kit {self.name}: {relative} was modified after installation",
                    detail="run `oots-gateway schemas install` again",
                )


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_record(
    kit_dir: Path,
    *,
    name: str,
    version: str,
    specifications: Iterable[str],
    source: str,
    installed_at: str,
    files: Iterable[tuple[str, str]],
) -> None:
    """Write ``INSTALLED.toml`` (last step of an installation)."""
    specs = ", ".join(_q(s) for s in specifications)
    lines = [
        "# Written by `oots-gateway schemas install`; the sha256 of every copied file.",
        f"installer_version = {INSTALLER_VERSION}",
        f"name = {_q(name)}",
        f"version = {_q(version)}",
        f"specifications = [{specs}]",
        f"source = {_q(source)}",
        f"installed_at = {_q(installed_at)}",
        "",
    ]
    for relative, digest in files:
        lines += ["[[file]]", f"path = {_q(relative)}", f"sha256 = {_q(digest)}", ""]
    (kit_dir / RECORD_NAME).write_text("\n".join(lines), encoding="utf-8")


def read_record(kit_dir: Path) -> InstalledKit:
    """Parse one kit's ``INSTALLED.toml`` (no verification)."""
    path = kit_dir / RECORD_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return InstalledKit(
            name=str(data["name"]),
            version=str(data["version"]),
            specifications=tuple(str(s) for s in data["specifications"]),
            root=kit_dir,
            files=tuple((str(f["path"]), str(f["sha256"])) for f in data.get("file", ())),
            source=str(data.get("source", "")),
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise SchemaKitError(f"cannot read install record {path}: {exc}") from exc


def load_installed(schemas_dir: Path, *, verify: bool = True) -> tuple[InstalledKit, ...]:
    """Every kit installed under ``schemas_dir`` (sorted by name), verified by default."""
    if not schemas_dir.is_dir():
        return ()
    kits = []
    for record in sorted(schemas_dir.glob(f"*/{RECORD_NAME}")):
        kit = read_record(record.parent)
        if verify:
            kit.verify()
        kits.append(kit)
    return tuple(kits)
