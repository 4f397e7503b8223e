"""The trust configuration (TOML): anchors, revocation list, per-peer certificates.

Format (documented in ``trust/README.md``; example ``trust/test-pki.toml``)::

    version = 1

    [trust]
    anchors = ["test-ca.pem"]                 # certificate files (PEM or DER)
    revoked_serials = "revoked-serials.txt"   # optional: hex serials, one per line

    [peers.NL-OOTS-AP]                        # key = the peer's AS4 party id
    name = "nl-ap"
    "eDelivery-AS4-1.15" = { signing = "nl-ap.rsa-sign.pem", encryption = "nl-ap.rsa-enc.pem" }
    "eDelivery-AS4-2.0" = { signing = "nl-ap.ed25519.pem", encryption = "nl-ap.x25519.pem" }

No private keys appear here. Parsing is I/O-free: the caller passes ``read(name) ->
bytes`` (an adapter resolving names against a directory), so the core stays pure.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509

from gateway.crypto.certs import load_pem_or_der_certificate
from gateway.ebms.security._profiles import SecurityProfile
from gateway.ebms.security._trust import ExpectedPeer, RevocationCheck, TrustPolicy, standard_trust
from gateway.errors import ConfigurationError

__all__ = ["PeerCertificates", "TrustConfig", "parse_trust_config"]


@dataclass(frozen=True, slots=True)
class PeerCertificates:
    """One peer's configured certificates per security profile."""

    party_id: str
    name: str
    signing: Mapping[SecurityProfile, x509.Certificate] = field(default_factory=dict)
    encryption: Mapping[SecurityProfile, x509.Certificate] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TrustConfig:
    """Parsed trust configuration."""

    anchors: tuple[x509.Certificate, ...]
    revoked_serials: frozenset[int]
    peers: Mapping[str, PeerCertificates]

    def policy(self) -> TrustPolicy:
        """Chain to the anchors + key usage + revocation by the configured serials."""
        return standard_trust(
            self.anchors, revoked=RevocationCheck.from_serials(self.revoked_serials).is_revoked
        )

    def _peer(self, party_id: str) -> PeerCertificates:
        try:
            return self.peers[party_id]
        except KeyError:
            raise ConfigurationError(f"no trust entry for peer {party_id!r}") from None

    def expected_peer(self, party_id: str, profile: SecurityProfile) -> ExpectedPeer:
        """The PMode expectation for ``party_id``'s signing certificate under ``profile``."""
        peer = self._peer(party_id)
        if profile not in peer.signing:
            raise ConfigurationError(f"peer {party_id!r} has no {profile.value} signing cert")
        return ExpectedPeer((peer.signing[profile],), name=peer.name)

    def encryption_certificate(self, party_id: str, profile: SecurityProfile) -> x509.Certificate:
        """The certificate we encrypt for when sending to ``party_id`` under ``profile``."""
        peer = self._peer(party_id)
        if profile not in peer.encryption:
            raise ConfigurationError(f"peer {party_id!r} has no {profile.value} encryption cert")
        return peer.encryption[profile]


def _certificate(read: Callable[[str], bytes], name: str) -> x509.Certificate:
    try:
        data = read(name)
    except OSError as exc:
        raise ConfigurationError(f"cannot read certificate {name!r}: {exc}") from exc
    try:
        return load_pem_or_der_certificate(data)
    except ValueError as exc:
        raise ConfigurationError(f"{name!r} is not an X.509 certificate: {exc}") from exc


def _table(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigurationError(f"trust configuration: [{where}] must be a table")
    return value


def parse_trust_config(text: str, *, read: Callable[[str], bytes]) -> TrustConfig:
    """Parse the TOML ``text``; certificate names are loaded through ``read``."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"trust configuration is not valid TOML: {exc}") from exc
    if doc.get("version") != 1:
        raise ConfigurationError("trust configuration: version must be 1")
    trust = _table(doc.get("trust", {}), "trust")
    anchors = tuple(_certificate(read, n) for n in trust.get("anchors", []))
    if not anchors:
        raise ConfigurationError("trust configuration: [trust] anchors must not be empty")
    revoked: frozenset[int] = frozenset()
    if "revoked_serials" in trust:
        try:
            listing = read(str(trust["revoked_serials"])).decode("ascii")
            revoked = frozenset(int(line, 16) for line in listing.split() if line)
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"cannot read revoked serials: {exc}") from exc
    by_value = {p.value: p for p in SecurityProfile}
    peers: dict[str, PeerCertificates] = {}
    for party_id, raw in _table(doc.get("peers", {}), "peers").items():
        entry = _table(raw, f"peers.{party_id}")
        signing: dict[SecurityProfile, x509.Certificate] = {}
        encryption: dict[SecurityProfile, x509.Certificate] = {}
        for key, value in entry.items():
            if key == "name":
                continue
            if key not in by_value:
                raise ConfigurationError(f"peers.{party_id}: unknown profile {key!r}")
            certs = _table(value, f"peers.{party_id}.{key}")
            if "signing" in certs:
                signing[by_value[key]] = _certificate(read, str(certs["signing"]))
            if "encryption" in certs:
                encryption[by_value[key]] = _certificate(read, str(certs["encryption"]))
        peers[party_id] = PeerCertificates(party_id, str(entry.get("name", party_id)),
                                           signing, encryption)
    return TrustConfig(anchors, revoked, peers)
