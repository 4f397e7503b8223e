"""The node's wiring, read once from ``Settings.section("node")`` (adapter: file I/O).

Keys of the ``[node]`` table (``docs/node.md``)::

    [node]
    pmodes = ["etc/pmode-de.toml"]     # PMode files (docs/pmode.md); peer certs relative to each
    trust = "trust/test-pki.toml"       # trust configuration (trust/README.md)
    trust_dir = "var/pki"               # where its certificate names resolve (default pki_dir)
    keys_from_pki = "de-gw"             # our keys: <trust_dir>/<actor>.<purpose>.pem (test PKI)
    receipt_domain = "de.oots"          # right-hand side of the MessageIds we mint
    application = "pkg.module:factory"  # factory(settings) -> Application (default: deliver only)
    audit = true                        # write exchange-log entries (needs `audit keygen`)
    lease_seconds = 60                  # worker lease on a claimed message (> send timeout)
    poll_seconds = 0.2                  # worker idle poll interval
    send_timeout_seconds = 30           # one HTTP attempt
    send_concurrency = 4                # parallel outbound attempts

    [node.keys."eDelivery-AS4-1.15"]    # instead of keys_from_pki, per profile:
    signing_certificate = "..."; signing_key = "..."
    decryption_certificate = "..."; decryption_key = "..."

    [node.tls]                          # outbound HTTPS (optional mutual TLS), and per PMode:
    verify = true                       # or a CA bundle path
    client_certificate = "..."; client_key = "..."
    [node.tls.pmodes.oots-de]           # overrides for the peers of PMode "oots-de"

Relative paths resolve against the working directory of the process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa, x25519

from gateway.crypto.certs import load_pem_or_der_certificate
from gateway.ebms import LocalIdentity, PeerKeys, PMode
from gateway.ebms.pmode_files import load_pmode_file, resolve_peer_keys
from gateway.ebms.security import (
    DecryptionIdentity,
    SecurityProfile,
    SigningIdentity,
    TrustPolicy,
)
from gateway.ebms.security.trust_config import TrustConfig, parse_trust_config
from gateway.errors import ConfigurationError
from gateway.settings import Settings

__all__ = ["NodeConfig", "TlsOptions", "load_node_config"]

_V115 = SecurityProfile.EDELIVERY_AS4_1_15
_V20 = SecurityProfile.EDELIVERY_AS4_2_0
_PKI_NAMES = {_V115: ("rsa-sign", "rsa-enc"), _V20: ("ed25519", "x25519")}
_KNOWN = {
    "pmodes", "trust", "trust_dir", "keys_from_pki", "receipt_domain", "application", "audit",
    "lease_seconds", "poll_seconds", "send_timeout_seconds", "send_concurrency", "keys", "tls",
}


@dataclass(frozen=True, slots=True)
class TlsOptions:
    """Outbound HTTPS settings: server verification and an optional client certificate."""

    verify: bool | str = True
    """``True`` (system CAs), ``False`` (never in production) or a CA bundle path."""
    client_certificate: str | None = None
    client_key: str | None = None


@dataclass(frozen=True, slots=True)
class NodeConfig:
    """Everything the running node needs besides the store: PModes, keys, trust, timing."""

    party_id: str
    pmodes: tuple[PMode, ...]
    identities: Mapping[SecurityProfile, LocalIdentity]
    trust: TrustPolicy
    peer_keys: Mapping[str, PeerKeys]
    """Peer name (PMode ``[[peers]] name``) -> its certificates."""
    receipt_domain: str
    application: str | None = None
    audit: bool = True
    lease_seconds: float = 60.0
    poll_seconds: float = 0.2
    send_timeout_seconds: float = 30.0
    send_concurrency: int = 4
    tls: TlsOptions = field(default_factory=TlsOptions)
    tls_by_pmode: Mapping[str, TlsOptions] = field(default_factory=dict)
    trust_config: TrustConfig | None = None

    def tls_for(self, pmode_id: str) -> TlsOptions:
        """The TLS options for the peers of PMode ``pmode_id``."""
        return self.tls_by_pmode.get(pmode_id, self.tls)

    def pmode(self, pmode_id: str) -> PMode:
        """The configured PMode with this id."""
        for pmode in self.pmodes:
            if pmode.id == pmode_id:
                return pmode
        raise ConfigurationError(f"no PMode {pmode_id!r} is configured")


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read {what} {path}: {exc}") from exc


def _cert(path: Path) -> x509.Certificate:
    data = _read(path, "certificate")
    try:
        return load_pem_or_der_certificate(data)
    except ValueError as exc:
        raise ConfigurationError(f"{path} is not an X.509 certificate: {exc}") from exc


def _key(path: Path) -> object:
    try:
        return serialization.load_pem_private_key(_read(path, "private key"), password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"{path} is not an unencrypted PEM private key: {exc}") from exc


def _identity(sign_cert: Path, sign_key: Path, dec_cert: Path, dec_key: Path) -> LocalIdentity:
    skey, dkey = _key(sign_key), _key(dec_key)
    if not isinstance(skey, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey):
        raise ConfigurationError(f"{sign_key}: signing keys are RSA or Ed25519")
    if not isinstance(dkey, rsa.RSAPrivateKey | x25519.X25519PrivateKey):
        raise ConfigurationError(f"{dec_key}: decryption keys are RSA or X25519")
    return LocalIdentity(SigningIdentity(_cert(sign_cert), skey),
                         DecryptionIdentity(_cert(dec_cert), dkey))


def _identities(node: Mapping[str, Any], trust_dir: Path) -> dict[SecurityProfile, LocalIdentity]:
    out: dict[SecurityProfile, LocalIdentity] = {}
    actor = node.get("keys_from_pki")
    if actor:
        for profile, (sign, enc) in _PKI_NAMES.items():
            base = trust_dir / f"{actor}"
            out[profile] = _identity(Path(f"{base}.{sign}.pem"), Path(f"{base}.{sign}.key.pem"),
                                     Path(f"{base}.{enc}.pem"), Path(f"{base}.{enc}.key.pem"))
    by_value = {p.value: p for p in SecurityProfile}
    keys = node.get("keys", {})
    if not isinstance(keys, Mapping):
        raise ConfigurationError("[node.keys] must be a table")
    for name, entry in keys.items():
        if name not in by_value or not isinstance(entry, Mapping):
            raise ConfigurationError(f"[node.keys.{name!r}]: unknown profile or not a table")
        try:
            out[by_value[name]] = _identity(
                *(Path(str(entry[k])) for k in ("signing_certificate", "signing_key",
                                                "decryption_certificate", "decryption_key")))
        except KeyError as exc:
            raise ConfigurationError(f"[node.keys.{name!r}] misses {exc}") from None
    if not out:
        raise ConfigurationError("[node] needs keys_from_pki or [node.keys.<profile>] tables")
    return out


def _tls(table: Mapping[str, Any]) -> TlsOptions:
    verify = table.get("verify", True)
    if not isinstance(verify, bool | str):
        raise ConfigurationError("[node.tls] verify must be true/false or a CA bundle path")
    cert, key = table.get("client_certificate"), table.get("client_key")
    if (cert is None) != (key is None):
        raise ConfigurationError("[node.tls] client_certificate and client_key go together")
    return TlsOptions(verify, None if cert is None else str(cert),
                      None if key is None else str(key))


def _peer_keys(pmodes: tuple[PMode, ...], files: list[Path],
               trust: TrustConfig) -> dict[str, PeerKeys]:
    out: dict[str, PeerKeys] = {}
    for pmode, path in zip(pmodes, files, strict=True):
        with_refs = any(p.signing_certificate for p in pmode.peers)
        from_files = resolve_peer_keys(pmode, path.parent) if with_refs else {}
        for peer in pmode.peers:
            keys = from_files.get(peer.name)
            if keys is None:  # no certificate paths in the PMode: the trust configuration's
                profile = pmode.profile_for(peer)
                entry = trust.peers.get(peer.party_id.value)
                if entry is None or profile not in entry.signing:
                    raise ConfigurationError(f"PMode {pmode.id!r}, peer {peer.name}: no signing "
                                             "certificate in the PMode or the trust configuration")
                keys = PeerKeys((entry.signing[profile],), entry.encryption.get(profile))
            if peer.name in out and out[peer.name] != keys:
                raise ConfigurationError(f"peer name {peer.name!r} is used with different "
                                         "certificates in two PModes")
            out[peer.name] = keys
    return out


def load_node_config(settings: Settings) -> NodeConfig:
    """Read the ``[node]`` section and every file it names; any problem is a
    :class:`~gateway.errors.ConfigurationError` naming the key or file."""
    node = settings.section("node")
    unknown = sorted(set(node) - _KNOWN)
    if unknown:
        raise ConfigurationError(f"[node]: unknown keys {unknown}")
    files = [Path(str(p)) for p in node.get("pmodes", [])]
    if not files:
        raise ConfigurationError("[node] pmodes must list at least one PMode file")
    pmodes = tuple(load_pmode_file(p) for p in files)
    if "trust" not in node:
        raise ConfigurationError("[node] trust must name the trust configuration file")
    trust_file = Path(str(node["trust"]))
    trust_dir = Path(str(node.get("trust_dir", settings.pki_dir)))
    trust = parse_trust_config(_read(trust_file, "trust configuration").decode("utf-8"),
                               read=lambda name: _read(trust_dir / name, "certificate"))
    tls_table = node.get("tls", {})
    if not isinstance(tls_table, Mapping):
        raise ConfigurationError("[node.tls] must be a table")
    per_pmode = tls_table.get("pmodes", {})
    base_tls = _tls({k: v for k, v in tls_table.items() if k != "pmodes"})
    try:
        return NodeConfig(
            party_id=settings.party_id,
            pmodes=pmodes,
            identities=_identities(node, trust_dir),
            trust=trust.policy(),
            peer_keys=_peer_keys(pmodes, files, trust),
            receipt_domain=str(node.get("receipt_domain") or settings.party_id.lower()),
            application=str(node["application"]) if node.get("application") else None,
            audit=bool(node.get("audit", True)),
            lease_seconds=float(node.get("lease_seconds", 60)),
            poll_seconds=float(node.get("poll_seconds", 0.2)),
            send_timeout_seconds=float(node.get("send_timeout_seconds", 30)),
            send_concurrency=int(node.get("send_concurrency", 4)),
            tls=base_tls,
            tls_by_pmode={str(k): _tls({**tls_table, **v}) for k, v in per_pmode.items()},
            trust_config=trust,
        )
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"[node]: invalid value: {exc}") from exc
