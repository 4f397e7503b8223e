"""The requester's and the portal API's configuration (``[requester]`` and ``[portal]``).

::

    [portal]                                   # the REST API for the WSP (docs/requester.md)
    tokens = { wsp-nrw = "long random secret" } # client name -> bearer token
    webhook_secrets = { wsp-nrw = "other secret" }  # client name -> HMAC-SHA256 key

    [requester]
    eb_url = "https://eb.example/eb"           # Evidence Broker base URL (.../rest/search)
    dsd_url = "https://dsd.example/dsd"        # Data Service Directory base URL
    cs_version = "oots-cs:v2.0"                # common services version we query in
    cs_version_by_country = { NL = "oots-cs:v1.0" }   # peers still on the 1.0 line
    tls_verify = true                          # or a CA bundle path (EB/DSD and webhooks)
    requester_id = "DE811569869"               # EvidenceRequester identifier (C1)
    requester_scheme = "urn:cef.eu:names:identifier:EAS:9930"
    requester_name = "Wirtschafts-Service-Portal.NRW"
    requester_country = "DE"
    answer_timeout_seconds = 86400             # sent/preview-required longer -> EDM:ERR:0005
    validate_answers = true                    # judge every EDM answer (installed kits)

The EB/DSD answer signatures are checked against ``[common_services]`` (see
:mod:`gateway.evidence.common_services.config`). No environment is read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway.errors import ConfigurationError
from gateway.evidence.common_services import CsVersion
from gateway.settings import Settings

__all__ = ["PortalConfig", "RequesterConfig", "load_portal_config", "load_requester_config"]

_CS = {v.value: v for v in CsVersion}


@dataclass(frozen=True, slots=True)
class RequesterConfig:
    """Where the common services are and who we are as evidence requester."""

    eb_url: str
    dsd_url: str
    cs_version: CsVersion = CsVersion.V2_0
    cs_version_by_country: Mapping[str, CsVersion] = field(default_factory=dict)
    tls_verify: bool | str = True
    requester_id: str = "DE811569869"
    requester_scheme: str = "urn:cef.eu:names:identifier:EAS:9930"
    requester_name: str = "Wirtschafts-Service-Portal.NRW"
    requester_country: str = "DE"
    answer_timeout_seconds: float = 86400.0
    validate_answers: bool = True
    """Run every inbound EDM answer through the validator (XSD + Schematron / v2.0 checks)."""

    def cs_version_for(self, country: str) -> CsVersion:
        """The common services version to query for a provider in ``country``."""
        return self.cs_version_by_country.get(country.upper(), self.cs_version)


@dataclass(frozen=True, slots=True)
class PortalConfig:
    """Bearer tokens and webhook keys of the portal API's clients."""

    tokens: Mapping[str, str]
    """client name -> bearer token."""
    webhook_secrets: Mapping[str, str] = field(default_factory=dict)
    """client name -> HMAC key for its webhooks."""


def _cs_version(value: Any, key: str) -> CsVersion:
    if value not in _CS:
        raise ConfigurationError(f"[requester] {key} must be one of {sorted(_CS)}, not {value!r}")
    return _CS[value]


def _str_table(section: Mapping[str, Any], key: str, where: str) -> dict[str, str]:
    table = section.get(key, {})
    if not isinstance(table, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in table.items()):
        raise ConfigurationError(f"[{where}] {key} must be a table of non-empty strings")
    return dict(table)


def load_requester_config(settings: Settings) -> RequesterConfig:
    """Read ``[requester]``; ``ConfigurationError`` names the key at fault."""
    section = settings.section("requester")
    for key in ("eb_url", "dsd_url"):
        if not isinstance(section.get(key), str) or not section[key]:
            raise ConfigurationError(f"[requester] {key} must name the service's base URL")
    verify = section.get("tls_verify", True)
    if not isinstance(verify, bool | str):
        raise ConfigurationError("[requester] tls_verify must be true/false or a CA bundle path")
    by_country = {k.upper(): _cs_version(v, f"cs_version_by_country.{k}") for k, v in
                  _str_table(section, "cs_version_by_country", "requester").items()}
    defaults = RequesterConfig("", "")
    return RequesterConfig(
        eb_url=str(section["eb_url"]).rstrip("/"),
        dsd_url=str(section["dsd_url"]).rstrip("/"),
        cs_version=_cs_version(section.get("cs_version", CsVersion.V2_0.value), "cs_version"),
        cs_version_by_country=by_country,
        tls_verify=verify,
        requester_id=str(section.get("requester_id", defaults.requester_id)),
        requester_scheme=str(section.get("requester_scheme", defaults.requester_scheme)),
        requester_name=str(section.get("requester_name", defaults.requester_name)),
        requester_country=str(section.get("requester_country", defaults.requester_country)),
        answer_timeout_seconds=_positive(section.get("answer_timeout_seconds", 86400)),
        validate_answers=_flag(section.get("validate_answers", True)),
    )


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigurationError("[requester] validate_answers must be true or false")
    return value


def _positive(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigurationError("[requester] answer_timeout_seconds must be a positive number")
    return float(value)


def load_portal_config(settings: Settings) -> PortalConfig:
    """Read ``[portal]``: at least one token, each at least 16 characters."""
    section = settings.section("portal")
    tokens = _str_table(section, "tokens", "portal")
    if not tokens:
        raise ConfigurationError("[portal] tokens must name at least one client")
    short = sorted(name for name, token in tokens.items() if len(token) < 16)
    if short:
        raise ConfigurationError(f"[portal] tokens of {short} are shorter than 16 characters")
    return PortalConfig(tokens, _str_table(section, "webhook_secrets", "portal"))
