"""Who a mocked foreign access point is: party id, keys, PMode and trust (test PKI only).

Each mock AP is its own party with its own keys from the scripted test PKI
(``mocks/pki.py``): NL signs and encrypts with RSA (eDelivery AS4 1.15), AT with
Ed25519/X25519 (eDelivery AS4 2.0), as ``docs/examples/pmode-oots.toml`` expects of them.
Its PMode is the mirror of the German node's (same service, roles, legs, properties),
with itself as the party and the DE node as its only peer. :func:`peer_pmode_toml` renders
it in the gateway's PMode format, so ``oots-gateway pmode check`` reads it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gateway.ebms import LocalIdentity, PeerKeys, PMode, load_pmode
from gateway.ebms.security import (
    DecryptionIdentity,
    SecurityProfile,
    SigningIdentity,
    TrustPolicy,
    standard_trust,
)
from gateway.errors import ConfigurationError
from mocks.pki import TestPki

__all__ = ["COUNTRIES", "Country", "PeerParty", "peer_pmode_toml"]


@dataclass(frozen=True, slots=True)
class Country:
    """The fixed facts of one mocked member state access point."""

    code: str
    party_id: str
    actor: str
    """Name prefix of its files in the test PKI (``nl-ap``, ``at-ap``)."""
    profile: SecurityProfile
    domain: str
    """Right-hand side of the MessageIds it mints."""


COUNTRIES: dict[str, Country] = {
    "NL": Country("NL", "NL-OOTS-AP", "nl-ap", SecurityProfile.EDELIVERY_AS4_1_15, "nl.oots"),
    "AT": Country("AT", "AT-OOTS-AP", "at-ap", SecurityProfile.EDELIVERY_AS4_2_0, "at.oots"),
}
DE_PARTY_ID = "DE-OOTS-GW"
_PKI_NAMES = {
    SecurityProfile.EDELIVERY_AS4_1_15: ("rsa-sign", "rsa-enc"),
    SecurityProfile.EDELIVERY_AS4_2_0: ("ed25519", "x25519"),
}


def peer_pmode_toml(country: Country, *, de_endpoint: str, pki_dir: Path,
                    retry: str = "1;2;CONSTANT") -> str:
    """The mock AP's PMode (TOML, ``docs/pmode.md``): the DE node is its one peer."""
    sign, enc = _PKI_NAMES[country.profile]
    return f"""# PMode of the mocked {country.code} access point ({country.party_id}); test PKI.
id = "oots-{country.code.lower()}"
mep = "oneWay"
binding = "push"

[party]
id = "{country.party_id}"
type = "urn:oasis:names:tc:ebcore:partyid-type:unregistered:oots"

[roles]
initiator = "http://sdg.europa.eu/edelivery/gateway"
responder = "http://sdg.europa.eu/edelivery/gateway"

[service]
value = "QueryManager"
type = "urn:oasis:names:tc:ebcore:ebrs:ebms:binding:1.0"

[security]
profile = "{country.profile.value}"
sign = true
encrypt = true
signed_receipts = true

[reception_awareness]
retry = "{retry}"
duplicate_detection = true
duplicate_window_hours = 24

[[properties]]
name = "originalSender"
required = true

[[properties]]
name = "finalRecipient"
required = true

[[properties]]
name = "ExchangeId"
required = false

[[properties]]
name = "SpecificationId"
required = false

[[legs]]
name = "ootsRequestLeg"
action = "ExecuteQueryRequest"
compress = true

[[legs]]
name = "ootsResponseLeg"
action = "ExecuteQueryResponse"
compress = false

[[legs]]
name = "ootsErrorLeg"
action = "ExceptionResponse"
compress = true

[[peers]]
name = "DE"
party_id = "{DE_PARTY_ID}"
party_id_type = "urn:oasis:names:tc:ebcore:partyid-type:unregistered:oots"
endpoint = "{de_endpoint}"
signing_certificate = "{(pki_dir / f'de-gw.{sign}.pem').resolve()}"
encryption_certificate = "{(pki_dir / f'de-gw.{enc}.pem').resolve()}"
"""


@dataclass(frozen=True, slots=True)
class PeerParty:
    """Everything a mock AP needs to send and receive: PMode, own keys, DE's keys, trust."""

    country: Country
    pmode: PMode
    identity: LocalIdentity
    de_keys: PeerKeys
    trust: TrustPolicy

    @property
    def profile(self) -> SecurityProfile:
        """The security profile it speaks with the DE node."""
        return self.country.profile

    @classmethod
    def load(cls, code: str, *, pki: TestPki, de_endpoint: str) -> PeerParty:
        """The party of country ``code`` (``NL`` or ``AT``) with keys from ``pki``."""
        country = COUNTRIES.get(code.upper())
        if country is None:
            raise ConfigurationError(f"no mock access point for {code!r} (NL, AT)")
        pmode = load_pmode(peer_pmode_toml(country, de_endpoint=de_endpoint,
                                           pki_dir=pki.directory),
                           source=f"mock {country.code} PMode")
        sign, enc = _PKI_NAMES[country.profile]
        signing_key = pki.private_key(f"{country.actor}.{sign}")
        decryption_key = pki.private_key(f"{country.actor}.{enc}")
        identity = LocalIdentity(
            SigningIdentity(pki.certificate(f"{country.actor}.{sign}"),
                            signing_key),  # type: ignore[arg-type]
            DecryptionIdentity(pki.certificate(f"{country.actor}.{enc}"),
                               decryption_key),  # type: ignore[arg-type]
        )
        de_keys = PeerKeys((pki.certificate(f"de-gw.{sign}"),), pki.certificate(f"de-gw.{enc}"))
        trust = standard_trust([pki.certificate("test-ca")])
        return cls(country, pmode, identity, de_keys, trust)
