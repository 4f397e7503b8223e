"""Every process of the two Gewerbe directions, on loopback, real HTTP(S) (tests, demo).

* ``cs``: mock EB/DSD (:mod:`mocks.eu_peers.providers.cs_server`);
* ``nl``, ``at``: mock access points with provider behaviour and preview pages (HTTPS);
* ``amt``: the mocked Gewerbeamt inboxes (:mod:`mocks.de_authorities`);
* ``de``: the gateway with requester and assistant (:mod:`gateway.web.gewerbe.serve`):
  AS4 over HTTP, the pages over HTTPS (the preview's return URL must be https).

Files (TLS CA, PMode, configuration) are written at run time under ``root``.
"""

from __future__ import annotations

import secrets
import ssl
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from gateway.audit._keys import generate_keys
from gateway.settings import Settings
from mocks.eu_peers.processes import ProcessGroup, Spawned, free_port
from mocks.loopback import PROJECT, Tls, de_pmode, make_tls
from mocks.pki import TestPki

__all__ = ["GewerbeWorld", "Tls", "make_tls", "start_gewerbe_world", "write_gewerbe_config"]

def write_gewerbe_config(root: Path, settings: Settings, pki: TestPki, tls: Tls,
                         ports: dict[str, int], public: str) -> Path:
    """The DE gateway's configuration (node, requester, portal, gewerbe) and PMode under
    ``root``; ``ports`` names the peers' (nl, at), cs and amt ports."""
    (root / "pmode-de.toml").write_text(de_pmode(pki, ports, retry="1;2;CONSTANT"),
                                        encoding="utf-8")
    cs = f"http://127.0.0.1:{ports['cs']}"
    config = root / "gateway.toml"
    config.write_text(f"""var_dir = "{root / 'de'}"
shared_dir = "{settings.shared_dir}"
party_id = "DE-OOTS-GW"

[node]
pmodes = ["{root / 'pmode-de.toml'}"]
trust = "{PROJECT / 'trust' / 'test-pki.toml'}"
trust_dir = "{pki.directory}"
keys_from_pki = "de-gw"
receipt_domain = "de.oots"
audit = true
poll_seconds = 0.05
send_timeout_seconds = 5

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
tokens = {{ wsp-nrw = "{secrets.token_urlsafe(24)}" }}

[gewerbe]
public_url = "{public}"
gewerbeamt_url = "http://127.0.0.1:{ports['amt']}"
token_key = "{secrets.token_urlsafe(24)}"
""", encoding="utf-8")
    (root / "de").mkdir(parents=True, exist_ok=True)
    for name in ("schemas", "cache"):  # the installed kits (answers are validated) are shared
        source = getattr(settings, f"{name}_dir")
        if source.is_dir() and not (root / "de" / name).exists():
            (root / "de" / name).symlink_to(source, target_is_directory=True)
    return config


@dataclass
class GewerbeWorld:
    """Base URLs of the running processes."""

    de: str
    """The node's HTTPS pages (``/gewerbe/``, ``/preview/``)."""
    de_http: str
    nl: str
    at: str
    amt: str
    tls: Tls
    root: Path
    procs: dict[str, Spawned]


def _wait(proc: Spawned, url: str, ca: Path | None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=str(ca)) if ca else True
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, verify=verify, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} not ready:\n{proc.tail()}")


def start_gewerbe_world(group: ProcessGroup, root: Path, settings: Settings, pki: TestPki,
                        tls: Tls) -> GewerbeWorld:
    """Start cs, nl, at, amt and de; wait until each answers."""
    ports = {n: free_port() for n in ("cs", "nl", "at", "amt", "de", "de_tls")}
    de_http = f"http://127.0.0.1:{ports['de']}"
    public = f"https://127.0.0.1:{ports['de_tls']}"
    procs = {"cs": group.python("cs", "mocks.eu_peers.providers.cs_server", "--port",
                                str(ports["cs"]), "--pki", str(pki.directory))}
    for country in ("NL", "AT"):
        c = country.lower()
        procs[c] = group.python(c, "mocks.eu_peers.providers", "--country", country, "--port",
                                str(ports[c]), "--de-endpoint", f"{de_http}/as4", "--pki",
                                str(pki.directory), "--data", str(root / c), "--tls-cert",
                                str(tls.cert), "--tls-key", str(tls.key))
    procs["amt"] = group.python("amt", "mocks.de_authorities", "--port", str(ports["amt"]),
                                "--store", str(root / "inboxes"))
    config = write_gewerbe_config(root, settings, pki, tls, ports, public)
    generate_keys(Settings.load(config_file=config, environ={}))  # the exchange log's key
    procs["de"] = group.python("de", "gateway.web.gewerbe.serve", "--config", str(config),
                               "--port", str(ports["de"]), "--https-port", str(ports["de_tls"]),
                               "--tls-cert", str(tls.cert), "--tls-key", str(tls.key))
    world = GewerbeWorld(public, de_http, f"https://127.0.0.1:{ports['nl']}",
                         f"https://127.0.0.1:{ports['at']}", f"http://127.0.0.1:{ports['amt']}",
                         tls, root, procs)
    _wait(procs["cs"], f"http://127.0.0.1:{ports['cs']}/healthz", None)
    _wait(procs["amt"], f"{world.amt}/healthz", None)
    _wait(procs["de"], f"{de_http}/healthz", None)
    _wait(procs["de"], f"{public}/healthz", tls.ca)
    _wait(procs["nl"], f"{world.nl}/healthz", tls.ca)
    _wait(procs["at"], f"{world.at}/healthz", tls.ca)
    return world
