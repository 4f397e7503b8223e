"""Adapter: read PMode files and the peer certificates they reference (file I/O lives here).

The core (:mod:`gateway.ebms._pmode`, :mod:`gateway.ebms._pmode_toml`) works on text
and values; the service and the CLI call these helpers to get from a path to a
:class:`~gateway.ebms._pmode.PMode` plus the :class:`~gateway.ebms._msh.PeerKeys`
of each peer. Certificate paths are relative to the PMode file (``docs/pmode.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from gateway.ebms._msh import PeerKeys
from gateway.ebms._pmode import PMode
from gateway.ebms._pmode_toml import load_pmode
from gateway.errors import ConfigurationError

__all__ = ["CertificateStatus", "certificate_status", "load_pmode_file", "resolve_peer_keys"]


@dataclass(frozen=True, slots=True)
class CertificateStatus:
    """One certificate reference of a PMode and what was found there."""

    peer: str
    purpose: str
    """``signing`` or ``encryption``."""
    reference: str | None
    path: Path | None
    certificate: x509.Certificate | None
    problem: str | None


def load_pmode_file(path: Path) -> PMode:
    """Read and parse one PMode TOML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read PMode {path}: {exc}") from exc
    return load_pmode(text, source=str(path))


def _load(path: Path) -> x509.Certificate:
    data = path.read_bytes()
    if b"-----BEGIN" in data:
        certs = x509.load_pem_x509_certificates(data)
        if not certs:
            raise ValueError("no certificate in the PEM file")
        return certs[0]
    return x509.load_der_x509_certificate(data)


def certificate_status(pmode: PMode, base: Path) -> tuple[CertificateStatus, ...]:
    """Every certificate reference of ``pmode`` (relative to ``base``), loaded or not."""
    out: list[CertificateStatus] = []
    for peer in pmode.peers:
        for purpose, ref in (("signing", peer.signing_certificate),
                             ("encryption", peer.encryption_certificate)):
            if ref is None:
                out.append(CertificateStatus(peer.name, purpose, None, None, None,
                                             "not configured"))
                continue
            path = (base / ref).resolve()
            try:
                out.append(CertificateStatus(peer.name, purpose, ref, path, _load(path), None))
            except (OSError, ValueError) as exc:
                out.append(CertificateStatus(peer.name, purpose, ref, path, None, str(exc)))
    return tuple(out)


def resolve_peer_keys(pmode: PMode, base: Path) -> dict[str, PeerKeys]:
    """The peers' certificates; a missing signing (or, when encrypting, encryption)
    certificate is a configuration error."""
    found: dict[str, dict[str, x509.Certificate]] = {}
    for status in certificate_status(pmode, base):
        needed = status.purpose == "signing" or pmode.security.encrypt
        if status.certificate is None:
            if needed:
                raise ConfigurationError(f"PMode {pmode.id!r}, peer {status.peer}: "
                                         f"{status.purpose} certificate {status.problem}")
            continue
        found.setdefault(status.peer, {})[status.purpose] = status.certificate
    return {name: PeerKeys((certs["signing"],), certs.get("encryption"))
            for name, certs in found.items()}
