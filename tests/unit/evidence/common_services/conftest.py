"""Fixtures for the Common Services tests: the captured acceptance responses and anchors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from gateway.evidence.common_services.signature import TrustAnchors

CAPTURES = (
    "dsd_aucun_service_fr",
    "dsd_data_services_fi",
    "eb_evidence_types_fi",
    "eb_evidence_types_fr",
    "eb_requirements_catalogue",
    "eb_requirements_fr",
    "eb_requirements_vides",
)


@dataclass(frozen=True)
class Capture:
    """One captured EB/DSD response: exact body bytes and its HTTP headers."""

    name: str
    body: bytes
    headers: dict[str, str]

    @property
    def iat(self) -> dt.datetime:
        """The signing time the capture's JWS header announces."""
        import base64
        import json

        protected = self.headers["oots-response-sig"].split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(protected + "=" * (-len(protected) % 4)))
        return dt.datetime.fromtimestamp(header["iat"], dt.UTC)


@pytest.fixture(scope="session")
def cs_dir(shared_dir: Path) -> Path:
    """The kit's common-services folder."""
    return shared_dir / "oots-tdd-2.0" / "common-services"


def _read_capture(folder: Path, name: str) -> Capture:
    headers: dict[str, str] = {}
    for line in (folder / f"{name}.headers").read_text(encoding="ascii").splitlines():
        if line.strip():
            key, _, value = line.partition(":")
            headers[key.strip()] = value.strip()
    return Capture(name=name, body=(folder / f"{name}.xml").read_bytes(), headers=headers)


@pytest.fixture(scope="session")
def captures(cs_dir: Path) -> dict[str, Capture]:
    """All 7 captured responses, read from the kit at run time."""
    return {name: _read_capture(cs_dir / "captured-acc", name) for name in CAPTURES}


@pytest.fixture(scope="session")
def acc_anchors(cs_dir: Path) -> TrustAnchors:
    """The acceptance trust anchor (European Commission Root CA - 2 test)."""
    pem = (cs_dir / "trust-anchors" / "services_communs_acc.pem").read_bytes()
    return TrustAnchors.from_pem(pem)


@pytest.fixture(scope="session")
def prod_anchors(cs_dir: Path) -> TrustAnchors:
    """The production trust anchor (European Commission Root CA - 2)."""
    return TrustAnchors.from_pem(
        (cs_dir / "trust-anchors" / "services_communs_prod.pem").read_bytes()
    )
