"""Trust-anchor configuration: kit defaults per environment, explicit override, typed errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.errors import ConfigurationError
from gateway.evidence.common_services.config import trust_anchor_paths
from gateway.evidence.common_services.signature import TrustAnchors, verify_response
from gateway.settings import Settings

from .conftest import Capture


def test_default_is_the_acceptance_root(settings: Settings, captures: dict[str, Capture]) -> None:
    paths = trust_anchor_paths({}, settings.shared_dir)
    anchors = TrustAnchors.from_pem(*(p.read_bytes() for p in paths))
    capture = captures["eb_requirements_fr"]
    assert verify_response(capture.body, capture.headers, anchors=anchors, now=capture.iat).verified


def test_production_environment(settings: Settings) -> None:
    (path,) = trust_anchor_paths({"environment": "prod"}, settings.shared_dir)
    assert path.name == "services_communs_prod.pem" and path.is_file()


def test_explicit_anchor_files(tmp_path: Path) -> None:
    assert (
        trust_anchor_paths({"trust_anchors": ["~/a.pem", str(tmp_path)]}, tmp_path)[1] == tmp_path
    )


@pytest.mark.parametrize(
    "section", [{"environment": "test"}, {"trust_anchors": []}, {"trust_anchors": "a.pem"}]
)
def test_bad_configuration(section: dict[str, object], tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        trust_anchor_paths(section, tmp_path)


def test_anchor_that_is_not_pem_is_refused() -> None:
    from gateway.evidence.common_services.errors import SignatureRejected

    with pytest.raises(SignatureRejected):
        TrustAnchors.from_pem(b"not a certificate")
    with pytest.raises(SignatureRejected):
        TrustAnchors(())
