"""Every process of the two Gewerbe directions, on loopback, real HTTP(S) (tests, demo).

* ``cs``: mock EB/DSD (:mod:`mocks.eu_peers.providers.cs_server`);
* ``nl``, ``at``: mock access points with provider behaviour and preview pages (HTTPS);
* ``amt``: the mocked Gewerbeamt inboxes (:mod:`mocks.de_authorities`);
* ``de``: the gateway with requester and assistant (:mod:`gateway.web.gewerbe.serve`):
  AS4 over HTTP, the pages over HTTPS (the preview's return URL must be https).

Files (TLS CA, PMode, configuration) are written at run time under ``root``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import secrets
import ssl
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gateway.audit._keys import generate_keys
from gateway.settings import Settings
from mocks.eu_peers.processes import ProcessGroup, Spawned, free_port
from mocks.pki import TestPki

__all__ = ["GewerbeWorld", "Tls", "make_tls", "start_gewerbe_world"]

PROJECT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Tls:
    """A throw-away loopback CA and one server certificate (127.0.0.1, localhost)."""

    ca: Path
    cert: Path
    key: Path

    @property
    def context(self) -> ssl.SSLContext:
        """A client context trusting the CA."""
        return ssl.create_default_context(cafile=str(self.ca))


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_tls(folder: Path) -> Tls:
    """Write the CA and the server certificate (valid two days) into ``folder``."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("Gewerbe loopback CA"))
          .issuer_name(_name("Gewerbe loopback CA")).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
          .not_valid_after(now + dt.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                       False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(_name("127.0.0.1"))
            .issuer_name(_name("Gewerbe loopback CA")).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    tls = Tls(folder / "ca.pem", folder / "server.pem", folder / "server.key.pem")
    tls.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    tls.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    tls.key.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return tls


def _pmode(pki: TestPki, ports: dict[str, int]) -> str:
    text = (PROJECT / "docs" / "examples" / "pmode-oots.toml").read_text(encoding="utf-8")
    for host, who in (("as4.nl-oots.example", "nl"), ("as4.at-oots.example", "at")):
        text = text.replace(f"https://{host}/domibus/services/msh",
                            f"https://127.0.0.1:{ports[who]}/as4")
    text = re.sub(r'"\.\./\.\./var/pki/([a-z0-9.-]+\.pem)"',
                  lambda m: f'"{pki.directory / m.group(1)}"', text)
    return re.sub(r'^retry = "[^"]*"', 'retry = "1;2;CONSTANT"', text, flags=re.MULTILINE)


def _config(root: Path, settings: Settings, pki: TestPki, tls: Tls, ports: dict[str, int],
            public: str) -> Path:
    (root / "pmode-de.toml").write_text(_pmode(pki, ports), encoding="utf-8")
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
    config = _config(root, settings, pki, tls, ports, public)
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
