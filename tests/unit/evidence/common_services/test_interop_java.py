"""Interop: an independent JDK verifier (java/JadesVerify.java) agrees with ours.

It recomputes the digest, checks the ES256/EdDSA signature with the JDK's providers and
validates the x5c path with the JDK's PKIX validator. It judges the 7 captures, tampered
copies, and the headers our :func:`sign_response` produces (used by the mock services).
"""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from gateway.evidence.common_services.signature import TrustAnchors, verify_response
from gateway.evidence.common_services.signing import sign_response

from ._pki import build_pki
from .conftest import CAPTURES, Capture

pytestmark = pytest.mark.interop
SOURCE = Path(__file__).resolve().parent / "java" / "JadesVerify.java"

Verifier = Callable[[bytes, dict[str, str], Path, dt.datetime], tuple[bool, str]]


@pytest.fixture(scope="module")
def java_verify(
    require_tool: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Verifier:
    """Compile the verifier once; return a function running it on one response."""
    require_tool("javac")
    java = require_tool("java")
    classes = tmp_path_factory.mktemp("jades-java")
    shutil.copy(SOURCE, classes / SOURCE.name)
    subprocess.run(["javac", "-d", str(classes), str(classes / SOURCE.name)], check=True)
    work = tmp_path_factory.mktemp("jades-run")

    def run(
        body: bytes, headers: dict[str, str], anchor: Path, at: dt.datetime
    ) -> tuple[bool, str]:
        (work / "body").write_bytes(body)
        (work / "jws").write_text(headers["oots-response-sig"], encoding="ascii")
        done = subprocess.run(
            [
                java,
                "-cp",
                str(classes),
                "JadesVerify",
                str(work / "body"),
                headers["digest"],
                str(work / "jws"),
                str(anchor),
                str(int(at.timestamp())),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return done.returncode == 0, done.stdout.strip() + done.stderr.strip()

    return run


@pytest.mark.parametrize("name", CAPTURES)
def test_java_accepts_every_capture(
    name: str, captures: dict[str, Capture], cs_dir: Path, java_verify: Verifier
) -> None:
    capture = captures[name]
    anchor = cs_dir / "trust-anchors" / "services_communs_acc.pem"
    ok, out = java_verify(capture.body, capture.headers, anchor, capture.iat)
    assert ok, out
    assert "EC-OOTS-CS-ACC" in out


def test_java_refuses_what_we_refuse(
    captures: dict[str, Capture], cs_dir: Path, java_verify: Verifier
) -> None:
    capture = captures["eb_requirements_fr"]
    acc = cs_dir / "trust-anchors" / "services_communs_acc.pem"
    prod = cs_dir / "trust-anchors" / "services_communs_prod.pem"
    tampered = capture.body.replace(b"FR", b"DE", 1)
    assert not java_verify(tampered, capture.headers, acc, capture.iat)[0]
    assert not java_verify(capture.body, capture.headers, prod, capture.iat)[0]
    expired = dt.datetime(2027, 10, 24, tzinfo=dt.UTC)
    assert not java_verify(capture.body, capture.headers, acc, expired)[0]


@pytest.mark.parametrize("eddsa", [False, True])
def test_java_accepts_our_signatures(eddsa: bool, tmp_path: Path, java_verify: Verifier) -> None:
    pki = build_pki("Interop", eddsa=eddsa)
    anchor = tmp_path / "root.pem"
    anchor.write_bytes(pki.root.public_bytes(serialization.Encoding.PEM))
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    body = b'<?xml version="1.0"?><query:QueryResponse xmlns:query="urn:x"/>'
    headers = sign_response(body, key=pki.leaf_key, chain=pki.chain, now=now)
    ok, out = java_verify(body, headers, anchor, now)
    assert ok, out
    ours = verify_response(body, headers, anchors=TrustAnchors((pki.root,)), now=now)
    assert ours.verified
    protected = headers["oots-response-sig"].split(".")[0]
    bad = base64.urlsafe_b64encode(bytes(64)).rstrip(b"=").decode()
    assert not java_verify(
        body, {**headers, "oots-response-sig": f"{protected}..{bad}"}, anchor, now
    )[0]
