"""Key material and store opening from :class:`~gateway.settings.Settings` (adapter: files).

Under ``settings.var_dir / "audit"`` (never committed):

- ``log.key``: the signer key ``PRIVATE+KEY+<name>+<hash>+<keydata>`` (mode 0600);
- ``log.pub``: the verifier key ``<name>+<hash>+<keydata>`` given to auditors;
- ``subject.salt``: 32 random bytes, the HMAC key of subject digests (mode 0600).

The log origin (also the key name) is ``[audit] origin`` from the configuration,
by default ``<party_id>/exchange-log``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from gateway.audit._checkpoint import NoteSigner, generate_signer_key
from gateway.audit._errors import AuditError
from gateway.audit._storage import AuditStore
from gateway.settings import Settings

__all__ = ["audit_dir", "generate_keys", "load_salt", "load_signer", "log_origin", "open_store"]


def audit_dir(settings: Settings) -> Path:
    """Where the log's key files live."""
    return settings.var_dir / "audit"


def log_origin(settings: Settings) -> str:
    """The checkpoint origin line and key name of this node's log."""
    origin = settings.section("audit").get("origin") or f"{settings.party_id}/exchange-log"
    return str(origin)


def _write_secret(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def generate_keys(settings: Settings) -> NoteSigner:
    """Create the signer key, verifier key and subject salt; refuse to overwrite."""
    target = audit_dir(settings)
    target.mkdir(parents=True, exist_ok=True)
    if (target / "log.key").exists():
        raise AuditError(f"{target / 'log.key'} exists; refusing to replace the log key")
    signer = generate_signer_key(log_origin(settings), secrets.token_bytes(32))
    _write_secret(target / "log.key", signer.encode().encode() + b"\n")
    (target / "log.pub").write_text(signer.verifier().encode() + "\n", encoding="utf-8")
    if not (target / "subject.salt").exists():
        _write_secret(target / "subject.salt", secrets.token_bytes(32))
    return signer


def load_signer(settings: Settings) -> NoteSigner:
    """The log's signer key (``oots-gateway audit keygen`` creates it)."""
    path = audit_dir(settings) / "log.key"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AuditError(
            f"cannot read the log key {path}: run `oots-gateway audit keygen`"
        ) from exc
    return NoteSigner.parse(text)


def load_salt(settings: Settings) -> bytes:
    """The operator-held salt of subject digests."""
    path = audit_dir(settings) / "subject.salt"
    try:
        return path.read_bytes()
    except OSError as exc:
        raise AuditError(f"cannot read the subject salt {path}") from exc


def open_store(settings: Settings) -> AuditStore:
    """The exchange log in the node's database (``settings.effective_database_url``)."""
    signer = load_signer(settings)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    return AuditStore.open(
        settings.effective_database_url, origin=log_origin(settings), signer=signer
    )
