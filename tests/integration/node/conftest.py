"""Fixtures of the node tests: the test PKI, a database kind, a DE/NL node pair.

Nodes run as separate processes (``node_app.py``) talking real HTTP on loopback.
``db`` is SQLite; tests marked with the ``both_databases`` parametrisation also run
on PostgreSQL when ``OOTS_TEST_POSTGRES_URL`` is set (required under CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from node_procs import Database, NodeProc, free_port

from gateway.ebms import Property
from gateway.node import Node
from gateway.settings import Settings
from mocks.pki import TestPki, ensure_pki

PROPS = (Property("originalSender", "00000000000002", "urn:cef.eu:names:identifier:EAS:0009"),
         Property("finalRecipient", "DE73524311", "urn:cef.eu:names:identifier:EAS:9930"))


@pytest.fixture(scope="session")
def pki(settings: Settings) -> TestPki:
    """The scripted test PKI, built once under var/pki."""
    return ensure_pki(settings.pki_dir)


@pytest.fixture(params=["sqlite"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The database kind (tests override the params to add PostgreSQL)."""
    database = Database(str(request.param), tmp_path)
    yield database
    database.cleanup()


class Pair:
    """The DE and NL nodes of one test (files written, processes not started)."""

    def __init__(self, tmp: Path, db: Database, pki: TestPki) -> None:
        ports = {"DE": free_port(), "NL": free_port()}
        self.de = NodeProc("DE", ports["DE"], tmp / "de", db.new_url("de"), pki.directory)
        self.nl = NodeProc("NL", ports["NL"], tmp / "nl", db.new_url("nl"), pki.directory)
        self._clients: list[Node] = []

    def write(self, **pmode: object) -> None:
        """Write both nodes' PModes and configurations."""
        self.de.write(self.nl, **pmode)  # type: ignore[arg-type]
        self.nl.write(self.de, **pmode)  # type: ignore[arg-type]

    def client(self, node: NodeProc) -> Node:
        """The node API over ``node``'s database, in the test process (no worker runs here):
        what an application in another process uses to send."""
        store = node.store()
        client = Node.from_settings(node.settings(), store)
        self._clients.append(client)
        return client

    def close(self) -> None:
        """Stop processes and test-side clients."""
        for proc in (self.de, self.nl):
            proc.stop()
        for client in self._clients:
            client.sender.close()
            client.log.close()
            client.store.close()


@pytest.fixture
def pair(tmp_path: Path, db: Database, pki: TestPki) -> Iterator[Pair]:
    """DE and NL nodes with the default PMode (RSA, sign+encrypt, retry 3 s / 3 resends)."""
    nodes = Pair(tmp_path, db, pki)
    nodes.write()
    yield nodes
    nodes.close()
