"""Loopback plumbing shared by the multi-process worlds (tests, demos).

* :func:`make_tls`: a throw-away CA and one server certificate for 127.0.0.1 and
  localhost (valid two days), for the HTTPS endpoints of mocks and gateway pages;
* :func:`de_pmode`: the example PMode (``docs/examples/pmode-oots.toml``) pointed at
  the mock access points on loopback, with the scripted test PKI's certificates.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mocks.pki import TestPki

__all__ = ["PROJECT", "Tls", "de_pmode", "make_tls"]

PROJECT = Path(__file__).resolve().parents[1]


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


def make_tls(folder: Path, *, ca_name: str = "Loopback test TLS CA") -> Tls:
    """Write the CA and the server certificate (valid two days) into ``folder``."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name(ca_name)).issuer_name(_name(ca_name))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(hours=1))
          .not_valid_after(now + dt.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                       False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(_name("127.0.0.1"))
            .issuer_name(_name(ca_name)).public_key(key.public_key())
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


def de_pmode(pki: TestPki, ports: dict[str, int], *, retry: str = "1;3;CONSTANT") -> str:
    """The example PMode with the mocks' HTTPS endpoints (``ports["nl"]``, ``ports["at"]``)
    and the test PKI's certificates; ``retry`` replaces the example's retry schedule."""
    text = (PROJECT / "docs" / "examples" / "pmode-oots.toml").read_text(encoding="utf-8")
    for host, who in (("as4.nl-oots.example", "nl"), ("as4.at-oots.example", "at")):
        text = text.replace(f"https://{host}/domibus/services/msh",
                            f"https://127.0.0.1:{ports[who]}/as4")
    text = re.sub(r'"\.\./\.\./var/pki/([a-z0-9.-]+\.pem)"',
                  lambda m: f'"{pki.directory / m.group(1)}"', text)
    return re.sub(r'^retry = "[^"]*"', f'retry = "{retry}"', text, flags=re.MULTILINE)
