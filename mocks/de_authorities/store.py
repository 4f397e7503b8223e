"""The inbox store of the mocked Gewerbeämter: one directory per received notification.

Layout: ``<root>/<ags>/<record uuid>/message.xml`` and ``receipt.json``. A notification is
written into a private staging directory first and renamed into place in one step, so an inbox
holds either the complete notification with its receipt or nothing (no half-stored state).
Staging directories left by a crash are removed when the store is opened.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Inbox", "Stored"]


@dataclass(frozen=True, slots=True)
class Stored:
    """Outcome of :meth:`Inbox.store`."""

    receipt: dict[str, Any]
    duplicate: bool
    conflict: bool


class Inbox:
    """All inboxes under one root directory."""

    def __init__(self, root: Path, *, unsafe_crash_before_rename: bool = False) -> None:
        self.root = root
        self._crash = unsafe_crash_before_rename
        root.mkdir(parents=True, exist_ok=True)
        for leftover in root.glob("*/.staging-*"):
            shutil.rmtree(leftover, ignore_errors=True)

    def _dir(self, ags: str) -> Path:
        return self.root / ags

    def store(self, ags: str, record_uuid: str, xml: bytes, receipt: dict[str, Any]) -> Stored:
        """Store atomically; a second delivery of the same record returns the first receipt."""
        inbox = self._dir(ags)
        inbox.mkdir(parents=True, exist_ok=True)
        final = inbox / record_uuid
        if final.is_dir():
            return self._existing(final, receipt["digest"])
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=inbox))
        try:
            (staging / "message.xml").write_bytes(xml)
            (staging / "receipt.json").write_text(json.dumps(receipt, indent=2) + "\n",
                                                  encoding="utf-8")
            for name in ("message.xml", "receipt.json"):
                with (staging / name).open("rb") as handle:
                    os.fsync(handle.fileno())
            if self._crash:  # test hook: die with the notification staged, not yet in place
                os._exit(137)
            try:
                os.rename(staging, final)
            except OSError:
                if final.is_dir():  # a concurrent delivery of the same record won
                    return self._existing(final, receipt["digest"])
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return Stored(receipt, duplicate=False, conflict=False)

    @staticmethod
    def _existing(final: Path, digest: str) -> Stored:
        first = json.loads((final / "receipt.json").read_text(encoding="utf-8"))
        same = first.get("digest") == digest
        return Stored(first, duplicate=same, conflict=not same)

    def listing(self, ags: str) -> list[dict[str, Any]]:
        """Receipts of every stored notification of one inbox (sorted by record uuid)."""
        inbox = self._dir(ags)
        if not inbox.is_dir():
            return []
        return [json.loads((d / "receipt.json").read_text(encoding="utf-8"))
                for d in sorted(inbox.iterdir()) if d.is_dir() and not d.name.startswith(".")]

    def message(self, ags: str, record_uuid: str) -> bytes | None:
        """The stored message bytes, if any."""
        path = self._dir(ags) / record_uuid / "message.xml"
        return path.read_bytes() if path.is_file() else None
