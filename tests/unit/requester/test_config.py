"""``[requester]`` and ``[portal]`` configuration: what is accepted, what is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.errors import ConfigurationError
from gateway.evidence.common_services import CsVersion
from gateway.requester.config import load_portal_config, load_requester_config
from gateway.settings import Settings


def _settings(tmp_path: Path, **sections: Any) -> Settings:
    return Settings(var_dir=tmp_path, extra=sections)


def test_requester_section_is_read(tmp_path: Path) -> None:
    cfg = load_requester_config(_settings(tmp_path, requester={
        "eb_url": "https://cs/eb/", "dsd_url": "https://cs/dsd",
        "cs_version_by_country": {"nl": "oots-cs:v1.0"}, "answer_timeout_seconds": 60}))
    assert cfg.eb_url == "https://cs/eb"
    assert cfg.cs_version_for("NL") is CsVersion.V1_0
    assert cfg.cs_version_for("AT") is CsVersion.V2_0
    assert cfg.answer_timeout_seconds == 60.0


@pytest.mark.parametrize("section", [
    {"dsd_url": "https://cs/dsd"},
    {"eb_url": "https://cs/eb", "dsd_url": "https://cs/dsd", "cs_version": "oots-cs:v3.0"},
    {"eb_url": "https://cs/eb", "dsd_url": "https://cs/dsd", "tls_verify": 3},
    {"eb_url": "https://cs/eb", "dsd_url": "https://cs/dsd", "answer_timeout_seconds": 0},
])
def test_bad_requester_sections_are_refused(tmp_path: Path, section: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        load_requester_config(_settings(tmp_path, requester=section))


@pytest.mark.parametrize("portal", [{}, {"tokens": {}}, {"tokens": {"wsp": "short"}},
                                    {"tokens": {"wsp": 12345678901234567}}])
def test_bad_portal_sections_are_refused(tmp_path: Path, portal: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        load_portal_config(_settings(tmp_path, portal=portal))


def test_portal_tokens_and_webhook_keys_are_read(tmp_path: Path) -> None:
    cfg = load_portal_config(_settings(tmp_path, portal={
        "tokens": {"wsp": "x" * 32}, "webhook_secrets": {"wsp": "y" * 32}}))
    assert cfg.tokens == {"wsp": "x" * 32} and cfg.webhook_secrets == {"wsp": "y" * 32}
