"""Fixtures for the Apache Santuario interop tests: compile the harness once per session.

Needs ``javac``/``java`` (JDK 17) and Debian's ``libxml-security-java`` (Santuario 2.1,
``/usr/share/java/xmlsec.jar``) plus its logging dependency ``slf4j-api``. Locally the
tests skip when they are missing; under CI (``CI`` set) they fail instead.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from gateway.settings import Settings
from mocks.pki import TestPki, ensure_pki

HERE = Path(__file__).resolve().parent
JARS = ("xmlsec.jar", "slf4j-api.jar", "slf4j-nop.jar", "commons-codec.jar")
SHARE_JAVA = Path("/usr/share/java")


@dataclass(frozen=True)
class Harness:
    """The compiled As4Santuario program."""

    classes: Path
    classpath: str

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``java As4Santuario ARGS`` (text output, never raises on exit status)."""
        return subprocess.run(
            ["java", "-cp", f"{self.classes}:{self.classpath}", "As4Santuario", *args],
            capture_output=True, text=True, timeout=120, check=False,
        )


@pytest.fixture(scope="session")
def santuario(require_tool: Callable[[str], str],
              tmp_path_factory: pytest.TempPathFactory) -> Harness:
    """Compile ``As4Santuario.java`` against the Debian Santuario jars."""
    require_tool("javac")
    require_tool("java")
    xmlsec = SHARE_JAVA / "xmlsec.jar"
    if not xmlsec.is_file():
        reason = "libxml-security-java is not installed (/usr/share/java/xmlsec.jar)"
        if os.environ.get("CI"):
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)
    classpath = ":".join(str(SHARE_JAVA / j) for j in JARS if (SHARE_JAVA / j).is_file())
    out = tmp_path_factory.mktemp("santuario-classes")
    done = subprocess.run(
        ["javac", "-d", str(out), "-cp", classpath, str(HERE / "As4Santuario.java")],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    return Harness(out, classpath)


@pytest.fixture(scope="session")
def pki(settings: Settings) -> TestPki:
    """The scripted test PKI (shared cache under ``settings.pki_dir``)."""
    return ensure_pki(settings.pki_dir)
