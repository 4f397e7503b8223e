"""Fixtures: the mocked EU peers as separate processes on loopback, and the test PKI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.settings import Settings
from mocks.eu_peers.processes import ProcessGroup, free_port
from mocks.pki import TestPki, ensure_pki

PROJECT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def pki(settings: Settings) -> TestPki:
    """The scripted test PKI (with the mock EC chain), built once under var/pki."""
    return ensure_pki(settings.pki_dir)


@pytest.fixture(scope="module")
def processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProcessGroup]:
    """A process group stopped at the end of the module."""
    group = ProcessGroup(cwd=PROJECT, logs=tmp_path_factory.mktemp("logs"))
    with group:
        yield group


@pytest.fixture(scope="module")
def cs_base(processes: ProcessGroup, pki: TestPki) -> str:
    """Base URL of the mock common services process (``<base>/eb``, ``<base>/dsd``)."""
    port = free_port()
    proc = processes.python("common-services", "mocks.eu_peers.common_services",
                            "--port", str(port), "--pki", str(pki.directory))
    base = f"http://127.0.0.1:{port}"
    proc.wait_ready(f"{base}/healthz")
    return base
