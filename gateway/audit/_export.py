"""Offline export of the exchange log (adapter: reads the store, writes files).

Layout of the export directory (``docs/audit.md`` §Export):

- ``checkpoints.jsonl``: every signed checkpoint, by size;
- ``entries.jsonl``: line ``i`` holds the canonical bytes of leaf ``i``;
- ``inclusion.jsonl``: an inclusion record for every leaf in the latest tree;
- ``consistency.jsonl``: a consistency record from every checkpoint to the latest;
- ``checkpoint``: the latest signed checkpoint as a plain note file.

Proofs are computed in memory from the stored hashes, read once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gateway.audit import _merkle as merkle
from gateway.audit._errors import AuditError
from gateway.audit._records import checkpoint_record, consistency_record, inclusion_record
from gateway.audit._storage import AuditStore

__all__ = ["ExportSummary", "export_log"]

_ENTRY_PAGE = 10_000


class _StoredHashes(Mapping[int, bytes]):
    """The stored hash list seen as ``stored index -> hash``."""

    def __init__(self, hashes: Sequence[bytes]) -> None:
        self._hashes = hashes

    def __getitem__(self, index: int) -> bytes:
        if not 0 <= index < len(self._hashes):
            raise KeyError(index)
        return self._hashes[index]

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self._hashes)))

    def __len__(self) -> int:
        return len(self._hashes)


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What an export wrote."""

    directory: Path
    size: int
    checkpoints: int


def export_log(store: AuditStore, target: Path) -> ExportSummary:
    """Write the whole log and its proofs to ``target`` (created; must be empty)."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise AuditError(f"export directory {target} is not empty")
    checkpoints = store.checkpoints()
    if not checkpoints:
        raise AuditError("the log has no checkpoint yet; nothing to export")
    size, latest = checkpoints[-1]
    hashes = _StoredHashes(store.all_stored_hashes())
    if len(hashes) != merkle.stored_hash_count(size):
        raise AuditError("stored hashes do not cover the latest checkpoint")
    with (target / "checkpoints.jsonl").open("wb") as out:
        for cp_size, note in checkpoints:
            out.write(checkpoint_record(cp_size, note))
    (target / "checkpoint").write_bytes(latest)
    with (target / "entries.jsonl").open("wb") as out:
        for start in range(0, size, _ENTRY_PAGE):
            for data in store.entries(start, min(size, start + _ENTRY_PAGE)):
                if b"\n" in data:
                    raise AuditError("an entry contains a newline; it is not canonical JSON")
                out.write(data + b"\n")
    with (target / "inclusion.jsonl").open("wb") as out:
        for index in range(size):
            leaf = hashes[merkle.stored_hash_index(0, index)]
            proof = merkle.inclusion_proof(index, size, hashes)
            out.write(inclusion_record(index, size, leaf, proof))
    with (target / "consistency.jsonl").open("wb") as out:
        for cp_size, _ in checkpoints:
            if 0 < cp_size < size:
                proof = merkle.consistency_proof(cp_size, size, hashes)
                out.write(consistency_record(cp_size, size, proof))
    return ExportSummary(directory=target, size=size, checkpoints=len(checkpoints))
