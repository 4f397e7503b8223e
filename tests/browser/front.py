"""A TLS-terminating front for the provider browser tests, on one loopback port.

The DE node's PreviewLocation is ``https://de-node.oots.test/preview/...`` (R-EDM-REQ-C005
wants https) and the NL portal's return address ``https://nl-portal.oots.test/...``.
Chromium reaches both names on this front (``--host-resolver-rules`` maps them to
``127.0.0.1:<port>``) and accepts exactly this front's key
(``--ignore-certificate-errors-spki-list``):

* ``Host: de-node.oots.test``: forwarded to the node's plain-HTTP loopback port, as the
  reverse proxy in front of a real node would (status, headers incl. every ``Set-Cookie``,
  body; redirects are left to the browser);
* ``Host: nl-portal.oots.test``: a stand-in of the NL portal's return page; every visit
  is recorded in :attr:`Front.returns`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NODE_HOST = "de-node.oots.test"
PORTAL_HOST = "nl-portal.oots.test"
_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding",
        "host", "accept-encoding", "upgrade", "proxy-connection", "te", "trailer"}


def spki_pin(cert: x509.Certificate) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)): Chromium's certificate pin format."""
    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def write_cert(folder: Path, names: tuple[str, ...]) -> tuple[Path, Path, str]:
    """A throw-away self-signed server certificate for ``names``: (cert, key, SPKI pin)."""
    now = dt.datetime.now(dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "front.pem", folder / "front.key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path, spki_pin(cert)


@dataclass
class Front:
    """The running front: its port, certificate pin and the NL portal's recorded visits."""

    node_url: str
    folder: Path
    port: int = 0
    pin: str = ""
    returns: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _client: httpx.Client | None = None

    def start(self) -> None:
        """Listen on a free loopback port (TLS) and serve in a daemon thread."""
        cert, key, self.pin = write_cert(self.folder, (NODE_HOST, PORTAL_HOST))
        self._client = httpx.Client(base_url=self.node_url, timeout=60, follow_redirects=False)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(cert), str(key))
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.daemon_threads = True
        self.port = int(server.server_address[1])
        self._server = server
        threading.Thread(target=server.serve_forever, name="tls-front", daemon=True).start()

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._client is not None:
            self._client.close()

    @property
    def resolver_rules(self) -> str:
        """Chromium's ``--host-resolver-rules`` value for both names."""
        return ", ".join(f"MAP {h}:443 127.0.0.1:{self.port}" for h in (NODE_HOST, PORTAL_HOST))

    def forward(self, method: str, path: str, headers: list[tuple[str, str]],
                body: bytes) -> httpx.Response:
        """One request to the node."""
        assert self._client is not None
        return self._client.request(method, path, headers=headers, content=body)


def _handler(front: Front) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def _reply(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _any(self) -> None:
            host = (self.headers.get("host") or "").split(":")[0]
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            if host == PORTAL_HOST:
                front.returns.append(urlsplit(self.path).path)
                page = ("<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>"
                        "NL portal</title></head><body><h1>NL portal (stand-in)</h1>"
                        f"<p id='returned'>Terug van de preview: {html.escape(self.path)}</p>"
                        "</body></html>").encode()
                self._reply(200, [("Content-Type", "text/html; charset=utf-8")], page)
                return
            if host != NODE_HOST:
                self._reply(421, [("Content-Type", "text/plain")], b"misdirected")
                return
            headers = [(k, v) for k, v in self.headers.items() if k.lower() not in _HOP]
            got = front.forward(self.command, self.path, headers, body)
            out = [(k, v) for k, v in got.headers.multi_items() if k.lower() not in _HOP]
            self._reply(got.status_code, out, got.content)

        do_GET = do_POST = _any  # noqa: N815

    return Handler
