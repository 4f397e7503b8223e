"""Configuration, read once into one frozen :class:`Settings` object.

Sources, later ones winning:

1. built-in defaults (embedded mode: SQLite, local files under ``var/``);
2. a TOML file (``--config FILE`` or ``OOTS_GATEWAY_CONFIG``);
3. environment variables ``OOTS_<SECTION>_<KEY>`` or ``OOTS_<KEY>`` for top-level keys.

Only :meth:`Settings.load` reads the environment. Everything else receives the
settings object (or the part of it it needs) explicitly.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gateway.errors import ConfigurationError

__all__ = ["Settings", "project_root"]


def project_root() -> Path | None:
    """The source checkout this package runs from, if it is one (editable install)."""
    candidate = Path(__file__).resolve().parent.parent
    if (candidate / "pyproject.toml").is_file():
        return candidate
    return None


def _default_var_dir() -> Path:
    root = project_root()
    if root is not None:
        return root / "var"
    return Path.home() / ".local" / "share" / "oots-gateway"


def _default_shared_dir() -> Path:
    root = project_root()
    if root is not None:
        return (root.parent / "shared").resolve()
    return Path("/usr/share/oots-reference-kit")


@dataclass(frozen=True, kw_only=True)
class Settings:
    """All configuration of one gateway process."""

    var_dir: Path = field(default_factory=_default_var_dir)
    """Git-ignored working directory: installed kits, caches, test PKI, SQLite DB."""
    shared_dir: Path = field(default_factory=_default_shared_dir)
    """Where the reference kit (``oots-edm-1.0/``, ``as4/``, ...) is read at install time."""
    database_url: str = ""
    """SQLAlchemy URL; empty means SQLite under ``var_dir``."""
    party_id: str = "DE-OOTS-GW"
    """Our AS4 party id."""
    max_message_bytes: int = 32 * 1024 * 1024
    """Largest inbound HTTP body accepted."""
    http_host: str = "127.0.0.1"
    """Address ``oots-gateway serve`` listens on (``OOTS_HTTP_HOST``)."""
    http_port: int = 8443
    """TCP port ``oots-gateway serve`` listens on (``OOTS_HTTP_PORT``)."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Sections this version does not know yet, kept for the subsystems that do."""

    @property
    def schemas_dir(self) -> Path:
        """Installed schema kits (``oots-gateway schemas install``)."""
        return self.var_dir / "schemas"

    @property
    def cache_dir(self) -> Path:
        """Compiled artefacts (Schematron XSLT, schema drivers)."""
        return self.var_dir / "cache"

    @property
    def pki_dir(self) -> Path:
        """The scripted test PKI (never production keys)."""
        return self.var_dir / "pki"

    @property
    def effective_database_url(self) -> str:
        """``database_url`` or the embedded SQLite default."""
        return self.database_url or f"sqlite:///{self.var_dir / 'gateway.sqlite3'}"

    @classmethod
    def load(
        cls,
        *,
        config_file: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        """Build the settings from defaults, an optional TOML file and the environment."""
        env = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        path = config_file or (
            Path(env["OOTS_GATEWAY_CONFIG"]) if env.get("OOTS_GATEWAY_CONFIG") else None
        )
        if path is not None:
            try:
                values.update(tomllib.loads(path.read_text(encoding="utf-8")))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigurationError(f"cannot read configuration {path}: {exc}") from exc
        known = {f.name: f for f in dataclasses.fields(cls) if f.name != "extra"}
        for name in known:
            key = f"OOTS_{name.upper()}"
            if key in env:
                values[name] = env[key]
        kwargs: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                extra[key] = value
                continue
            kwargs[key] = _coerce(key, value, known[key].type)
        return cls(**kwargs, extra=extra)

    @classmethod
    def for_tests(cls, var_dir: Path, **overrides: Any) -> Settings:
        """Settings for a test run rooted at ``var_dir``; kits come from the default shared dir."""
        return cls(var_dir=var_dir, **overrides)

    def section(self, name: str) -> Mapping[str, Any]:
        """A TOML section this class does not model itself (empty when absent)."""
        value = self.extra.get(name, {})
        if not isinstance(value, Mapping):
            raise ConfigurationError(f"configuration section [{name}] must be a table")
        return value


def _coerce(key: str, value: Any, annotation: Any) -> Any:
    kind = str(annotation)
    try:
        if "Path" in kind:
            return Path(value).expanduser()
        if kind == "int":
            return int(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"setting {key!r} has an invalid value {value!r}") from exc
