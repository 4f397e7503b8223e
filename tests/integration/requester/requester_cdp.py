"""A minimal Chrome DevTools Protocol client (stdlib only) driving Debian's headless Chromium.

Enough for browser tests: launch ``chromium --headless`` with a remote-debugging port,
open the page target's WebSocket (RFC 6455 client framing written here: masked frames
out, unmasked frames in, 16/64-bit lengths, continuation frames), send commands, skip
events, evaluate JavaScript, take PNG screenshots. Chromium is told to accept exactly the
loopback test server key (``--ignore-certificate-errors-spki-list``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization


def spki_hash(cert_pem: Path) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)) of a certificate (Chromium's pin format)."""
    cert = x509.load_pem_x509_certificate(cert_pem.read_bytes())
    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


class _WebSocket:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self._sock.sendall((f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                           .encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self._sock.recv(1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(head.decode("latin-1"))

    def _exact(self, n: int) -> bytes:
        out = bytearray()
        while len(out) < n:
            chunk = self._sock.recv(n - len(out))
            if not chunk:
                raise ConnectionError("websocket closed")
            out += chunk
        return bytes(out)

    def send(self, text: str) -> None:
        data = text.encode()
        head = bytearray([0x81])
        if len(data) < 126:
            head.append(0x80 | len(data))
        elif len(data) < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
        mask = os.urandom(4)
        self._sock.sendall(bytes(head) + mask + bytes(b ^ mask[i % 4]
                                                      for i, b in enumerate(data)))

    def recv(self) -> str:
        message = bytearray()
        while True:
            first, second = self._exact(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._exact(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._exact(8))[0]
            payload = self._exact(length)
            opcode = first & 0x0F
            if opcode == 0x9:  # ping: answer pong (masked, empty)
                self._sock.sendall(bytes([0x8A, 0x80]) + os.urandom(4))
                continue
            if opcode == 0x8:
                raise ConnectionError("websocket closed by the browser")
            message += payload
            if first & 0x80:
                return message.decode()

    def close(self) -> None:
        self._sock.close()


class Browser:
    """One headless Chromium with one page."""

    def __init__(self, executable: str, *, trust_cert: Path, artefacts: Path) -> None:
        """Launch Chromium; ``artefacts`` receives the screenshots."""
        self.artefacts = artefacts
        artefacts.mkdir(parents=True, exist_ok=True)
        self._profile = tempfile.mkdtemp(prefix="cdp-profile-")
        self._proc = subprocess.Popen(
            [executable, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--disable-dev-shm-usage", "--window-size=1024,900",
             "--remote-debugging-port=0", f"--user-data-dir={self._profile}",
             f"--ignore-certificate-errors-spki-list={spki_hash(trust_cert)}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self._profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self._proc.poll() is not None:
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        page = next(t for t in targets if t["type"] == "page")
        self._ws = _WebSocket(page["webSocketDebuggerUrl"])
        self._id = 0
        self.call("Page.enable")
        self.call("Runtime.enable")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (events in between are skipped)."""
        self._id += 1
        self._ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            doc = json.loads(self._ws.recv())
            if doc.get("id") == self._id:
                if "error" in doc:
                    raise RuntimeError(f"{method}: {doc['error']}")
                result: dict[str, Any] = doc.get("result", {})
                return result

    def js(self, expression: str) -> Any:
        """Evaluate ``expression`` in the page; its JSON value."""
        got = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                        awaitPromise=True)
        if "exceptionDetails" in got:
            raise RuntimeError(f"{expression}: {got['exceptionDetails']}")
        return got.get("result", {}).get("value")

    def goto(self, url: str) -> None:
        """Navigate and wait until the document is loaded."""
        self.call("Page.navigate", url=url)
        self.wait("document.readyState === 'complete' && location.href !== 'about:blank'")

    def wait(self, condition: str, timeout: float = 45.0) -> None:
        """Poll a JavaScript condition (navigations may reset the context in between)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.js(f"!!({condition})"):
                    return
            except RuntimeError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"timeout waiting for {condition} at {self.url}")
            time.sleep(0.1)

    @property
    def url(self) -> str:
        """The page's URL."""
        return str(self.js("location.href"))

    def fill(self, fields: dict[str, str]) -> None:
        """Set form fields by element id."""
        for element, value in fields.items():
            self.js(f"document.getElementById({json.dumps(element)}).value = "
                    f"{json.dumps(value)}")

    def click(self, element: str) -> None:
        """Click the element with this id."""
        self.js(f"document.getElementById({json.dumps(element)}).click()")

    def screenshot(self, name: str) -> Path:
        """Save a PNG of the page as an artefact."""
        data = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        path = self.artefacts / f"{name}.png"
        path.write_bytes(data)
        return path

    def close(self) -> None:
        """Stop Chromium and remove its profile."""
        try:
            self._ws.close()
        finally:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
            shutil.rmtree(self._profile, ignore_errors=True)
