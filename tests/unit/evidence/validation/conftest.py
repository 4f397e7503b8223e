"""Fixtures of the validation-engine tests: the installed v1.0 kit, a shared Validator, and
helpers that load official samples and mutate them in memory (nothing is committed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.evidence.validation import Validator
from gateway.kits import install_kits
from gateway.settings import Settings

KIT = "oots-edm-1.0"


@pytest.fixture(scope="session")
def installed(settings: Settings, shared_dir: Path) -> Settings:
    """The v1.0 kit installed into the project's var/ (idempotent, fast when up to date)."""
    del shared_dir
    install_kits(settings)
    return settings


@pytest.fixture(scope="session")
def validator(installed: Settings) -> Validator:
    """One Validator for the whole session (compiled rules are reused)."""
    return Validator.from_settings(installed)


@pytest.fixture(scope="session")
def samples_dir(shared_dir: Path) -> Path:
    """``samples/`` of the reference kit (read at run time, never copied into the repo)."""
    return shared_dir / KIT / "samples"


@pytest.fixture(scope="session")
def sample(samples_dir: Path) -> Callable[[str], bytes]:
    """Return the bytes of an official sample given its path relative to ``samples/``."""

    def _load(relative: str) -> bytes:
        return (samples_dir / relative).read_bytes()

    return _load
