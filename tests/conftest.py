"""Fixtures shared by every test folder.

- ``settings``: a :class:`~gateway.settings.Settings` whose ``var_dir`` is the project's
  ``var/`` (installed schema kits are reused across runs) and whose ``shared_dir`` is the
  reference kit beside the checkout.
- ``require_tool(name)``: skip when an external tool is missing, but fail under CI
  (``CI`` set), where ``.ci/run`` must have installed it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def in_ci() -> bool:
    """True when running under CI, where every interop tool must be present."""
    return bool(os.environ.get("CI"))


def require(condition: bool, reason: str) -> None:
    """Skip (locally) or fail (under CI) when ``condition`` does not hold."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings for the test session (real kits, project var/ directory)."""
    return Settings.load(environ={k: v for k, v in os.environ.items() if k.startswith("OOTS_")})


@pytest.fixture(scope="session")
def shared_dir(settings: Settings) -> Path:
    """The reference kit; tests that need it fail clearly when it is absent."""
    if not settings.shared_dir.is_dir():
        pytest.fail(f"reference kit not found at {settings.shared_dir}")
    return settings.shared_dir


@pytest.fixture(scope="session")
def require_tool() -> Callable[[str], str]:
    """Return a function that resolves an executable or skips/fails as :func:`require` does."""

    def _require(name: str) -> str:
        path = shutil.which(name)
        require(path is not None, f"{name} is not installed")
        assert path is not None
        return path

    return _require
