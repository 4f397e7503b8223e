"""The JSON records auditors read, shared by the HTTP endpoints and the export (sans I/O).

Each record is one line of compact JSON (``docs/audit.md`` §Records); hashes
are standard base64 like the checkpoint's root hash:

- checkpoint ``{"size": n, "note": "<signed note text>"}``;
- inclusion ``{"index": i, "size": n, "leaf_hash": b64, "proof": [b64, ...]}``;
- consistency ``{"old": m, "new": n, "proof": [b64, ...]}``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

__all__ = ["checkpoint_record", "consistency_record", "inclusion_record"]


def _line(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"


def _b64(values: Sequence[bytes]) -> list[str]:
    return [base64.b64encode(v).decode("ascii") for v in values]


def checkpoint_record(size: int, note: bytes) -> bytes:
    """A checkpoint record line."""
    return _line({"size": size, "note": note.decode("utf-8")})


def inclusion_record(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """An inclusion record line (RFC 9162 §2.1.3 audit path, bottom to top)."""
    return _line({"index": index, "size": size, "leaf_hash": _b64([leaf])[0], "proof": _b64(proof)})


def consistency_record(old: int, new: int, proof: Sequence[bytes]) -> bytes:
    """A consistency record line (RFC 9162 §2.1.4 proof)."""
    return _line({"old": old, "new": new, "proof": _b64(proof)})
