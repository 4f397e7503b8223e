"""The DE node's application in the demo: keep every delivered payload for inspection.

Configured as ``[node] application = "mocks.eu_peers.demo_application:factory"`` in the
demo's configuration; delivered payloads land in ``<var_dir>/delivered/`` as
``<sha256(MessageId)[:16]>-<n>.xml`` with an index line in ``delivered.jsonl``, so the
demo can validate the EDM message the node received (decrypted, verified). It replies
to nothing (the evidence-exchange work brings the real provider behaviour).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from gateway.node import Delivery, Dispatcher, Reply
from gateway.settings import Settings

__all__ = ["factory"]


class _KeepDeliveries:
    """Writes each delivery's payloads to ``folder`` and replies to nothing."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def handle(self, delivery: Delivery) -> Reply | None:
        """Keep the payloads (idempotent by MessageId: same file names again)."""
        stem = hashlib.sha256(delivery.message_id.encode()).hexdigest()[:16]
        files = []
        for i, payload in enumerate(delivery.payloads):
            name = f"{stem}-{i}.xml"
            (self.folder / name).write_bytes(payload.data)
            files.append(name)
        with (self.folder / "delivered.jsonl").open("a", encoding="utf-8") as out:
            out.write(json.dumps({"message_id": delivery.message_id, "peer": delivery.peer,
                                  "action": delivery.action, "files": files}) + "\n")
        return None


def factory(settings: Settings) -> Dispatcher:
    """A dispatcher that records every delivery under ``settings.var_dir / "delivered"``."""
    folder = settings.var_dir / "delivered"
    folder.mkdir(parents=True, exist_ok=True)
    return Dispatcher(fallback=_KeepDeliveries(folder))
