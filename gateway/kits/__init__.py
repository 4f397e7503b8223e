"""Schema kits: manifests (``schemas/oots/*.toml``), installation, installed-kit records."""

from gateway.kits.install import InstallResult, detect_specification, install_kits
from gateway.kits.installed import InstalledKit, load_installed
from gateway.kits.manifest import KitFile, Manifest, load_manifests, manifest_dir

__all__ = [
    "InstallResult",
    "InstalledKit",
    "KitFile",
    "Manifest",
    "detect_specification",
    "install_kits",
    "load_installed",
    "load_manifests",
    "manifest_dir",
]
