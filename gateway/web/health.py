"""Liveness and readiness checks behind ``/healthz`` and ``/readyz``.

A readiness check is a named callable that returns on success and raises a
:class:`~gateway.errors.GatewayError` saying what is wrong. The defaults: the
database answers and is migrated to this version's head; every schema kit the
manifests list is installed under ``settings.schemas_dir``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gateway.errors import GatewayError, SchemaKitError
from gateway.kits.installed import load_installed
from gateway.kits.manifest import load_manifests, manifest_dir
from gateway.settings import Settings
from gateway.store.errors import StoreError
from gateway.store.migrate import current_revision, head_revision
from gateway.store.reads import StoreReads

__all__ = [
    "CheckResult",
    "ReadinessCheck",
    "database_check",
    "required_kits",
    "run_checks",
    "schema_kits_check",
]


@dataclass(frozen=True, slots=True)
class ReadinessCheck:
    """A named check; ``probe`` raises a GatewayError when not ready."""

    name: str
    probe: Callable[[], None]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Outcome of one check."""

    name: str
    ok: bool
    problem: str | None = None
    """``CODE: message`` when not ok (never a stack trace)."""


def database_check(store: StoreReads) -> ReadinessCheck:
    """The store answers and its schema is at this version's Alembic head."""

    def probe() -> None:
        store.ping()
        current, head = current_revision(store.engine), head_revision()
        if current != head:
            raise StoreError(f"database schema at revision {current!r}, expected {head!r}")

    return ReadinessCheck("database", probe)


def required_kits(settings: Settings) -> set[str]:
    """Kits the service needs: ``[service] required_kits`` or, by default, every kit
    that ``oots-gateway schemas install`` installs from the reference kit (manifests
    with a ``shared_subdir``; kits installable only ``--from`` a package are optional).
    """
    configured = settings.section("service").get("required_kits")
    if configured is not None:
        return {str(name) for name in configured}
    return {m.name for m in load_manifests(manifest_dir(settings)) if m.shared_subdir}


def schema_kits_check(settings: Settings) -> ReadinessCheck:
    """Every required kit (:func:`required_kits`) has an install record in ``schemas_dir``.

    The probe reads the install records only (cheap enough for frequent probes);
    ``oots-gateway schemas install`` verified every file's sha256 when it copied it.
    """

    def probe() -> None:
        wanted = required_kits(settings)
        installed = {k.name for k in load_installed(settings.schemas_dir, verify=False)}
        missing = sorted(wanted - installed)
        if missing:
            raise SchemaKitError(
                f"schema kits not installed: {', '.join(missing)}",
                detail="run: oots-gateway schemas install",
            )

    return ReadinessCheck("schema_kits", probe)


def run_checks(checks: Sequence[ReadinessCheck]) -> list[CheckResult]:
    """Run every check (all of them, even after a failure)."""
    results = []
    for check in checks:
        try:
            check.probe()
        except GatewayError as exc:
            results.append(CheckResult(check.name, False, f"{exc.code}: {exc.message}"))
        else:
            results.append(CheckResult(check.name, True))
    return results
