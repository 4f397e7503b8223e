"""A TLS front on one loopback port, for our pages in a real browser (tests, demos).

Each public host name (``https://de-node.oots.test``, ``https://nl-portal.oots.test``,
...) is either forwarded to its process's plain-HTTP loopback port, as the
TLS-terminating reverse proxy in front of each real service would (status, headers
incl. every ``Set-Cookie``, body; redirects left to the browser), or answered by a
local stand-in function. Chromium maps the names here with ``--host-resolver-rules``
and accepts exactly this key (``--ignore-certificate-errors-spki-list`` with
:attr:`HostFront.pin`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

__all__ = ["HostFront", "Reply", "spki_pin", "write_cert"]

Reply = tuple[int, list[tuple[str, str]], bytes]
"""A stand-in's answer: status, headers, body."""

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
class HostFront:
    """The running front: ``hosts`` maps each public host name to a loopback base URL,
    ``local`` maps host names answered here to a stand-in taking the request path."""

    hosts: dict[str, str]
    folder: Path
    local: dict[str, Callable[[str], Reply]] = field(default_factory=dict)
    port: int = 0
    pin: str = ""
    _server: ThreadingHTTPServer | None = None
    _clients: dict[str, httpx.Client] = field(default_factory=dict)

    def start(self) -> None:
        """Listen on a free loopback port (TLS), serve in a daemon thread."""
        cert, key, self.pin = write_cert(self.folder, (*self.hosts, *self.local))
        self._clients = {h: httpx.Client(base_url=u, timeout=90, follow_redirects=False)
                         for h, u in self.hosts.items()}
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
        for client in self._clients.values():
            client.close()

    @property
    def resolver_rules(self) -> str:
        """Chromium's ``--host-resolver-rules`` value for every host name."""
        return ", ".join(f"MAP {h}:443 127.0.0.1:{self.port}"
                         for h in (*self.hosts, *self.local))

    def client(self, host: str) -> httpx.Client | None:
        """The forwarding client of ``host``."""
        return self._clients.get(host)


def _handler(front: HostFront) -> type[BaseHTTPRequestHandler]:
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
            client = front.client(host)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            stand_in = front.local.get(host)
            if stand_in is not None:
                self._reply(*stand_in(self.path))
                return
            if client is None:
                self._reply(421, [("Content-Type", "text/plain")], b"misdirected")
                return
            headers = [(k, v) for k, v in self.headers.items() if k.lower() not in _HOP]
            got = client.request(self.command, self.path, headers=headers, content=body)
            out = [(k, v) for k, v in got.headers.multi_items() if k.lower() not in _HOP]
            self._reply(got.status_code, out, got.content)

        do_GET = do_POST = _any  # noqa: N815

    return Handler
