"""The out-of-DE world: :class:`mocks.de_registers.world.World` plus the AT access point and
the NL/AT portals, as separate processes on loopback."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import httpx

from mocks.de_registers.world import PUBLIC, Proc, World, de_config, free_port

PORTAL_PUBLIC = {"NL": "https://nl-portal.oots.test", "AT": "https://at-portal.oots.test"}


def _at_peer(at_port: int, pki: str) -> str:
    """The AT peer of the DE node's PMode (eDelivery AS4 2.0, as docs/examples/pmode-oots.toml)."""
    return f"""
[[peers]]
name = "AT"
party_id = "AT-OOTS-AP"
party_id_type = "urn:oasis:names:tc:ebcore:partyid-type:unregistered:oots"
endpoint = "http://127.0.0.1:{at_port}/as4"
signing_certificate = "{pki}/at-ap.ed25519.pem"
encryption_certificate = "{pki}/at-ap.x25519.pem"
security_profile = "eDelivery-AS4-2.0"
"""


@dataclass
class AbroadWorld(World):
    """Register, eID, DE node, NL and AT access points, NL and AT portals."""

    def start(self) -> None:
        """Write the files and start every process."""
        names = ("register", "eid", "de", "nl", "at", "nl-portal", "at-portal")
        ports = {n: free_port() for n in names}
        logs = self.root / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        py = sys.executable
        config = de_config(self.root / "de", register=ports["register"], eid=ports["eid"],
                           nl_port=ports["nl"], pki=self.pki.directory,
                           preview_ttl=self.preview_ttl, shared=self.shared,
                           secret=self.secret)
        pmode = self.root / "de" / "pmode.toml"
        pmode.write_text(pmode.read_text(encoding="utf-8")
                         + _at_peer(ports["at"], str(self.pki.directory)), encoding="utf-8")
        specs = {
            "register": [py, "-m", "mocks.de_registers", "--port", str(ports["register"]),
                         "--slow-seconds", "5"],
            "eid": [py, "-m", "mocks.eid", "--port", str(ports["eid"]), f"--secret={self.secret}",
                    "--allow-return", PUBLIC],
            "de": [py, "-m", "gateway.cli", "--config", str(config), "serve", "--port",
                   str(ports["de"]), "--log-level", "warning"],
        }
        for cc in ("NL", "AT"):
            low = cc.lower()
            specs[low] = [py, "-m", "mocks.eu_peers.access_point", "--country", cc, "--port",
                          str(ports[low]), "--de-endpoint", f"http://127.0.0.1:{ports['de']}/as4",
                          "--pki", str(self.pki.directory), "--data", str(self.root / low)]
            specs[f"{low}-portal"] = [
                py, "-m", "mocks.eu_peers.portals.abroad", "--country", cc, "--port",
                str(ports[f"{low}-portal"]), "--ap", f"http://127.0.0.1:{ports[low]}",
                "--public", PORTAL_PUBLIC[cc]]
        for name, argv in specs.items():
            proc = Proc(name, argv, ports[name], logs / f"{name}.log")
            self.procs[name] = proc
            proc.start()

    def hosts(self) -> dict[str, str]:
        """Public host name -> loopback base URL (DE preview space, both portals)."""
        hosts = {httpx.URL(PUBLIC).host: self.procs["de"].url}
        hosts |= {httpx.URL(u).host: self.procs[f"{cc.lower()}-portal"].url
                  for cc, u in PORTAL_PUBLIC.items()}
        return hosts

    def client(self) -> httpx.Client:
        """A client reaching the DE preview origin and both portal origins on loopback."""
        return httpx.Client(transport=Rewrite(self.hosts()), timeout=60,
                            follow_redirects=False)


class Rewrite(httpx.BaseTransport):
    """Sends each https public origin in ``hosts`` to its loopback base URL."""

    def __init__(self, hosts: dict[str, str]) -> None:
        self._hosts = {h: httpx.URL(u) for h, u in hosts.items()}
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Rewrite the origin, forward, answer as if from the public origin."""
        local = self._hosts.get(request.url.host)
        if local is None:
            return self._inner.handle_request(request)
        out = httpx.Request(request.method, request.url.copy_with(
            scheme="http", host=local.host, port=local.port),
            headers=request.headers, content=request.read())
        out.headers["host"] = f"{local.host}:{local.port}"
        response = self._inner.handle_request(out)
        return httpx.Response(response.status_code, headers=response.headers,
                              stream=response.stream, request=request)

    def close(self) -> None:
        """Close the inner transport."""
        self._inner.close()
