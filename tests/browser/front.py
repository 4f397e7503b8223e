"""The TLS front of the provider browser tests (:class:`mocks.tls_front.HostFront`).

The DE node's PreviewLocation is ``https://de-node.oots.test/preview/...`` (R-EDM-REQ-C005
wants https) and the NL portal's return address ``https://nl-portal.oots.test/...``.
Chromium reaches both names on this front:

* ``Host: de-node.oots.test``: forwarded to the node's plain-HTTP loopback port;
* ``Host: nl-portal.oots.test``: a stand-in of the NL portal's return page; every visit
  is recorded in :attr:`Front.returns`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mocks.tls_front import HostFront, Reply, spki_pin

__all__ = ["NODE_HOST", "PORTAL_HOST", "Front", "spki_pin"]

NODE_HOST = "de-node.oots.test"
PORTAL_HOST = "nl-portal.oots.test"


@dataclass
class Front:
    """The running front: its port, certificate pin and the NL portal's recorded visits."""

    node_url: str
    folder: Path
    returns: list[str] = field(default_factory=list)
    _front: HostFront | None = None

    def start(self) -> None:
        """Listen on a free loopback port (TLS) and serve in a daemon thread."""
        self._front = HostFront({NODE_HOST: self.node_url}, self.folder,
                                local={PORTAL_HOST: self._portal})
        self._front.start()

    def stop(self) -> None:
        """Stop serving."""
        if self._front is not None:
            self._front.stop()

    @property
    def port(self) -> int:
        """The loopback port."""
        assert self._front is not None
        return self._front.port

    @property
    def pin(self) -> str:
        """The front certificate's SPKI pin."""
        assert self._front is not None
        return self._front.pin

    @property
    def resolver_rules(self) -> str:
        """Chromium's ``--host-resolver-rules`` value for both names."""
        assert self._front is not None
        return self._front.resolver_rules

    def _portal(self, path: str) -> Reply:
        self.returns.append(urlsplit(path).path)
        page = ("<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>"
                "NL portal</title></head><body><h1>NL portal (stand-in)</h1>"
                f"<p id='returned'>Terug van de preview: {html.escape(path)}</p>"
                "</body></html>").encode()
        return 200, [("Content-Type", "text/html; charset=utf-8")], page
