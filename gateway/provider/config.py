"""``[provider]`` configuration of the DE evidence provider (read once from Settings).

::

    [provider]
    register_url = "http://127.0.0.1:8491"      # Handelsregister (mocks/de_registers)
    register_timeout_seconds = 5
    preview_base_url = "https://de-node.example" # public https base of the preview pages
    preview_ttl_seconds = 900                    # the user must decide within this time
    approval_ttl_seconds = 300                   # an approval is usable this long, once
    eid_url = "http://127.0.0.1:8495"            # mock eID login (mocks/eid)
    eid_secret = "..."                           # HMAC key shared with the eID service
    signing_from_pki = "de-gw"                   # or signing_certificate/_key/_chain
    provider_id = "DE73524311"
    provider_scheme = "urn:cef.eu:names:identifier:EAS:9930"
    provider_name = "Handelsregister (Registergerichte der Länder)"
    evidence_types = ["https://sr.oots.tech.ec.europa.eu/evidencetypeclassifications/DE/..."]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from gateway.errors import ConfigurationError
from gateway.settings import Settings

__all__ = ["DEFAULT_EVIDENCE_TYPES", "ProviderConfig", "load_provider_config"]

COMPANY_EVIDENCE_UUID = "5b0a3c4e-4b8f-4c43-9f1e-6a1d2e8b7c10"
"""Our stand-in id of the DE company-registration evidence type ([ASSUMED]: the German SR
registration is not in the kit, PEERS.md §1.1)."""
DEFAULT_EVIDENCE_TYPES = (
    f"https://sr.oots.tech.europa.eu/evidencetypeclassifications/DE/{COMPANY_EVIDENCE_UUID}",
    f"https://sr.oots.tech.ec.europa.eu/evidencetypeclassifications/DE/{COMPANY_EVIDENCE_UUID}",
)
"""The v1.0 and v2.0 SR forms of the classification (README item 11: host changed)."""


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """Validated ``[provider]`` values."""

    register_url: str
    register_timeout: float
    preview_base_url: str
    preview_ttl: timedelta
    approval_ttl: timedelta
    eid_url: str
    eid_secret: bytes
    signing_certificate: Path
    signing_key: Path
    signing_chain: tuple[Path, ...]
    provider_id: str
    provider_scheme: str
    provider_name: str
    evidence_types: tuple[str, ...]


def _get(section: Mapping[str, Any], key: str, default: Any = None) -> Any:
    value = section.get(key, default)
    if value is None:
        raise ConfigurationError(f"[provider] {key} is required")
    return value


def load_provider_config(settings: Settings) -> ProviderConfig:
    """Read and check ``[provider]``."""
    s = settings.section("provider")
    if not s:
        raise ConfigurationError("[provider] section missing")
    base = str(_get(s, "preview_base_url")).rstrip("/")
    if not base.startswith("https://"):
        raise ConfigurationError("[provider] preview_base_url must be https:// "
                                 "(R-EDM-REQ-C005: PreviewLocation starts with https://)")
    actor = s.get("signing_from_pki")
    if actor:
        pki = settings.pki_dir
        cert, key = pki / f"{actor}.rsa-sign.pem", pki / f"{actor}.rsa-sign.key.pem"
        chain: tuple[Path, ...] = (pki / "test-ca.pem",)
    else:
        cert, key = Path(_get(s, "signing_certificate")), Path(_get(s, "signing_key"))
        chain = tuple(Path(p) for p in s.get("signing_chain", ()))
    secret = str(_get(s, "eid_secret"))
    if len(secret) < 16:
        raise ConfigurationError("[provider] eid_secret must have at least 16 characters")
    try:
        return ProviderConfig(
            register_url=str(_get(s, "register_url")),
            register_timeout=float(s.get("register_timeout_seconds", 5)),
            preview_base_url=base,
            preview_ttl=timedelta(seconds=float(s.get("preview_ttl_seconds", 900))),
            approval_ttl=timedelta(seconds=float(s.get("approval_ttl_seconds", 300))),
            eid_url=str(_get(s, "eid_url")).rstrip("/"),
            eid_secret=secret.encode(),
            signing_certificate=cert, signing_key=key, signing_chain=chain,
            provider_id=str(s.get("provider_id", "DE73524311")),
            provider_scheme=str(s.get("provider_scheme",
                                      "urn:cef.eu:names:identifier:EAS:9930")),
            provider_name=str(s.get("provider_name",
                                    "Handelsregister (Registergerichte der Länder)")),
            evidence_types=tuple(s.get("evidence_types", DEFAULT_EVIDENCE_TYPES)),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"[provider] invalid value: {exc}") from exc
