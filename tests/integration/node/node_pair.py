"""The DE/NL node pair of one test and the message properties the tests send (helpers)."""

from __future__ import annotations

from pathlib import Path

from node_procs import Database, NodeProc, free_port

from gateway.ebms import Property
from gateway.node import Node
from mocks.pki import TestPki

PROPS = (Property("originalSender", "00000000000002", "urn:cef.eu:names:identifier:EAS:0009"),
         Property("finalRecipient", "DE73524311", "urn:cef.eu:names:identifier:EAS:9930"))


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
