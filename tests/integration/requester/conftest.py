"""Fixtures of the requester end-to-end tests (processes: :mod:`harness`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from requester_harness import Tls, World, make_tls, start_world

from gateway.evidence.validation import Validator
from gateway.evidence.validator_factory import build_validator
from gateway.settings import Settings
from mocks.eu_peers.processes import ProcessGroup
from mocks.pki import TestPki, ensure_pki


@pytest.fixture(scope="session")
def pki(settings: Settings) -> TestPki:
    """The scripted test PKI."""
    return ensure_pki(settings.pki_dir)


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """Loopback TLS material."""
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def validator(settings: Settings) -> Validator:
    """The gateway's validator (official kits + project v2.0 checks)."""
    return build_validator(settings)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory, settings: Settings, pki: TestPki,
          tls: Tls) -> Iterator[World]:
    """All processes, valid signatures; stopped after the session."""
    root: Path = tmp_path_factory.mktemp("world")
    group = ProcessGroup(cwd=Path(__file__).resolve().parents[3], logs=root / "logs")
    with group:
        yield start_world(group, root, settings, pki, tls)
