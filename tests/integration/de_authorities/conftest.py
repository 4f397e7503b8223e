"""The mocked Gewerbeamt inboxes as a separate process on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mocks.eu_peers.processes import ProcessGroup, free_port

PROJECT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Authorities:
    """A running mock: base URL and its inbox directory."""

    base: str
    store: Path


@pytest.fixture(scope="module")
def processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProcessGroup]:
    """A process group stopped at the end of the module."""
    group = ProcessGroup(cwd=PROJECT, logs=tmp_path_factory.mktemp("logs"))
    with group:
        yield group


@pytest.fixture(scope="module")
def authorities(processes: ProcessGroup, tmp_path_factory: pytest.TempPathFactory
                ) -> Authorities:
    """``python -m mocks.de_authorities`` with an empty inbox store."""
    port = free_port()
    store = tmp_path_factory.mktemp("inboxes")
    proc = processes.python("de-authorities", "mocks.de_authorities", "--port", str(port),
                            "--store", str(store))
    base = f"http://127.0.0.1:{port}"
    proc.wait_ready(f"{base}/healthz")
    return Authorities(base, store)
