"""Outbound HTTPS with mutual TLS ([node.tls]): DE pushes to an NL endpoint that requires
a client certificate. TLS material is issued here, at run time, by a throw-away CA."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from node_pair import PROPS, Pair
from node_procs import wait_for

from gateway.ebms import Payload
from gateway.store import Direction, MessageState

_NOW = dt.datetime.now(dt.UTC)


def _issue(directory: Path, name: str, issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None,
           *, server: bool = False) -> tuple[x509.Name, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"tls-{name}")])
    issuer_name, issuer_key = issuer or (subject, key)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(_NOW - dt.timedelta(days=1))
               .not_valid_after(_NOW + dt.timedelta(days=2))
               .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None),
                              critical=True))
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
    if issuer is not None:
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    cert = builder.sign(issuer_key, hashes.SHA256())
    (directory / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / f"{name}.key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return subject, key


def _tls_material(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    ca = _issue(directory, "ca", None)
    _issue(directory, "server", ca, server=True)
    _issue(directory, "client", ca)
    return directory


def _send_one(pair: Pair) -> str:
    de = pair.client(pair.de)
    return de.send(peer="NL", action="ExecuteQueryRequest", properties=PROPS,
                   payloads=[Payload("q@de", b"<Q/>", "application/x-ebrs+xml")]).message_id


def _nl_https(pair: Pair, tls: Path) -> None:
    pair.nl.tls_args = ["--ssl-certfile", str(tls / "server.pem"), "--ssl-keyfile",
                        str(tls / "server.key.pem"), "--ssl-ca-certs", str(tls / "ca.pem")]
    pair.nl.ca_file = str(tls / "ca.pem")


def test_mutual_tls_push(pair: Pair, tmp_path: Path) -> None:
    tls = _tls_material(tmp_path / "tls")
    _nl_https(pair, tls)
    pair.de.write(pair.nl, node_extra=(
        f'[node.tls]\nverify = "{tls / "ca.pem"}"\n'
        f'client_certificate = "{tls / "client.pem"}"\nclient_key = "{tls / "client.key.pem"}"\n'))
    pair.nl.start()
    pair.de.start()
    message_id = _send_one(pair)
    store = pair.de.store()
    wait_for(lambda: store.find(Direction.OUTBOUND, message_id).state
             is MessageState.RECEIPT_RECEIVED, what="receipt over mutual TLS",
             nodes=(pair.de, pair.nl))
    assert store.find(Direction.OUTBOUND, message_id).endpoint_url.startswith("https://")
    store.close()


def test_without_client_certificate_the_push_fails(pair: Pair, tmp_path: Path) -> None:
    tls = _tls_material(tmp_path / "tls")
    _nl_https(pair, tls)
    pair.de.write(pair.nl, retry="0.05;1;CONSTANT",
                  node_extra=f'[node.tls]\nverify = "{tls / "ca.pem"}"\n')
    pair.nl.start()
    pair.de.start()
    message_id = _send_one(pair)
    store = pair.de.store()
    wait_for(lambda: store.find(Direction.OUTBOUND, message_id).state is MessageState.FAILED,
             what="EBMS:0301 without a client certificate", nodes=(pair.de,))
    record = store.find(Direction.OUTBOUND, message_id)
    assert record.last_error_code == "EBMS:0301" and "EBMS:0005" in (record.last_error or "")
    assert pair.nl.handled() == []
    store.close()
