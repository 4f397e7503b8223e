"""The requester's world: every process of the WSP -> gateway -> NL/AT exchange, on loopback.

Used by ``python -m mocks.wsp.demo`` and ``tests/integration/requester/``; files are
written at run time (a throw-away TLS CA, the gateway's PMode and configuration).

Separate processes on loopback, real HTTP(S):

* ``cs``: the mock EB/DSD with the requester scenarios (:mod:`mocks.eu_peers.providers.
  cs_server`), signed by the mock EC chain (or broken, ``--signature``);
* ``nl``, ``at``: the mock access points with provider behaviour and preview pages
  (:mod:`mocks.eu_peers.providers`), HTTPS with a throw-away localhost CA;
* ``de``: the gateway (``oots-gateway serve``): AS4 node + requester + portal API;
* ``wsp``: the WSP stand-in (:mod:`mocks.wsp`), HTTPS (it is the ReturnLocation).
"""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from gateway.settings import Settings
from mocks.eu_peers.processes import ProcessGroup, free_port
from mocks.loopback import PROJECT, Tls, de_pmode, make_tls
from mocks.pki import TestPki

__all__ = [
    "OTHER_TOKEN",
    "TOKEN",
    "WEBHOOK_SECRET",
    "Tls",
    "World",
    "de_config",
    "make_tls",
    "start_world",
]

TOKEN = "wsp-token-0123456789abcdef"  # noqa: S105 (loopback demo/test token)
OTHER_TOKEN = "other-portal-token-9876543210"  # noqa: S105 (loopback demo/test token)
WEBHOOK_SECRET = "wsp-webhook-key-0123456789"  # noqa: S105 (loopback demo/test key)


def de_config(root: Path, settings: Settings, pki: TestPki, tls: Tls,
              ports: dict[str, int]) -> Path:
    """The gateway's configuration: node, requester, portal."""
    pmode = root / "pmode-de.toml"
    pmode.write_text(de_pmode(pki, ports), encoding="utf-8")
    config = root / "gateway.toml"
    cs = f"http://127.0.0.1:{ports['cs']}"
    config.write_text(f"""var_dir = "{root / 'de'}"
shared_dir = "{settings.shared_dir}"
party_id = "DE-OOTS-GW"

[node]
pmodes = ["{pmode}"]
trust = "{PROJECT / 'trust' / 'test-pki.toml'}"
trust_dir = "{pki.directory}"
keys_from_pki = "de-gw"
receipt_domain = "de.oots"
audit = false
poll_seconds = 0.05
send_timeout_seconds = 10

[node.tls]
verify = "{tls.ca}"

[common_services]
trust_anchors = ["{pki.path('ec-root-ca')}"]

[requester]
eb_url = "{cs}/eb"
dsd_url = "{cs}/dsd"
cs_version = "oots-cs:v2.0"
cs_version_by_country = {{ NL = "oots-cs:v1.0" }}
tls_verify = "{tls.ca}"

[portal]
tokens = {{ wsp-nrw = "{TOKEN}", other-portal = "{OTHER_TOKEN}" }}
webhook_secrets = {{ wsp-nrw = "{WEBHOOK_SECRET}" }}
""", encoding="utf-8")
    (root / "de").mkdir(parents=True, exist_ok=True)
    for name in ("schemas", "cache"):  # the installed kits (validate_answers) are shared
        source = getattr(settings, f"{name}_dir")
        if source.is_dir() and not (root / "de" / name).exists():
            (root / "de" / name).symlink_to(source, target_is_directory=True)
    return config


@dataclass
class World:
    """Base URLs of the running processes."""

    de: str
    nl: str
    at: str
    cs: str
    wsp: str
    tls: Tls


def start_world(group: ProcessGroup, root: Path, settings: Settings, pki: TestPki, tls: Tls,
                *, signature: str = "valid") -> World:
    """Start cs, nl, at, de and wsp; wait until each answers."""
    ports = {name: free_port() for name in ("cs", "nl", "at", "de", "wsp")}
    de_url = f"http://127.0.0.1:{ports['de']}"
    cs = group.python("cs", "mocks.eu_peers.providers.cs_server", "--port", str(ports["cs"]),
                      "--pki", str(pki.directory), "--signature", signature)
    peers = {}
    for country in ("NL", "AT"):
        port = ports[country.lower()]
        peers[country] = group.python(
            country.lower(), "mocks.eu_peers.providers", "--country", country, "--port",
            str(port), "--de-endpoint", f"{de_url}/as4", "--pki", str(pki.directory),
            "--data", str(root / country.lower()), "--tls-cert", str(tls.cert),
            "--tls-key", str(tls.key))
    config = de_config(root, settings, pki, tls, ports)
    de = group.python("de", "gateway.cli", "--config", str(config), "serve", "--port",
                      str(ports["de"]), "--log-level", "warning")
    wsp = group.python("wsp", "mocks.wsp", "--port", str(ports["wsp"]), "--portal-url", de_url,
                       "--token", TOKEN, "--webhook-secret", WEBHOOK_SECRET, "--tls-cert",
                       str(tls.cert), "--tls-key", str(tls.key))
    world = World(de_url, f"https://127.0.0.1:{ports['nl']}",
                  f"https://127.0.0.1:{ports['at']}", f"http://127.0.0.1:{ports['cs']}",
                  f"https://127.0.0.1:{ports['wsp']}", tls)
    cs.wait_ready(f"{world.cs}/healthz")
    de.wait_ready(f"{de_url}/healthz", timeout=60)
    for proc, url in ((peers["NL"], world.nl), (peers["AT"], world.at), (wsp, world.wsp)):
        _wait_https(proc, f"{url}/healthz", tls.ca)
    return world


def _wait_https(proc: object, url: str, ca: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            context = ssl.create_default_context(cafile=str(ca))
            if httpx.get(url, verify=context, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} not ready:\n{proc.tail()}")  # type: ignore[attr-defined]
