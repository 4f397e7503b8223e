"""Constants shared by the requester unit tests (a uniquely named module: test folders'
``conftest`` modules shadow each other when imported by name)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from gateway.evidence.common_services import HttpQuery

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
FetchFn = Callable[[str, HttpQuery], tuple[bytes, Mapping[str, str]]]
