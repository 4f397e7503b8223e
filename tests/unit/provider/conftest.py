# mypy: disallow-untyped-calls=False
"""Fixtures of the DE provider unit tests: test PKI, evidence signer, kit code lists."""

from __future__ import annotations

from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_cert_from_pemder

from gateway.evidence.identifiers import BrisRegisters, load_bris_registers
from gateway.provider.pdf import EvidenceSigner
from gateway.settings import Settings
from mocks.pki import TestPki, ensure_pki

BRIS_CSV = "de/xjustiz/codelists/DERIVED_BRIS_register_identifiers_2.0.csv"


@pytest.fixture(scope="session")
def pki(settings: Settings) -> TestPki:
    """The scripted test PKI (var/pki)."""
    return ensure_pki(settings.pki_dir)


@pytest.fixture(scope="session")
def signer(pki: TestPki) -> EvidenceSigner:
    """The DE node's evidence-signing key (``de-gw.rsa-sign``) with the CA in the chain."""
    d = pki.directory
    return EvidenceSigner.from_files(d / "de-gw.rsa-sign.pem", d / "de-gw.rsa-sign.key.pem",
                                     (d / "test-ca.pem",))


@pytest.fixture(scope="session")
def trust_roots(pki: TestPki) -> list[asn1_x509.Certificate]:
    """The test CA as the only PAdES trust anchor."""
    return [load_cert_from_pemder(str(pki.directory / "test-ca.pem"))]


@pytest.fixture(scope="session")
def bris(shared_dir: Path) -> BrisRegisters:
    """The kit's BRIS register list (read at run time)."""
    return load_bris_registers((shared_dir / BRIS_CSV).read_bytes())
