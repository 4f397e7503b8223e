"""Go's sumdb/note and sumdb/tlog agree with our checkpoints, tree hashes and proofs."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.audit._checkpoint import NoteSigner, generate_signer_key
from gateway.audit._entry import EventKind, LogEntry
from gateway.audit._export import export_log
from gateway.audit._storage import AuditStore

pytestmark = pytest.mark.interop

ORIGIN = "oots.example.de/exchange-log"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
# Batch sizes chosen so checkpoints fall on powers of two, odd sizes and
# sizes whose consistency proofs need non-trivial paths (1, 7, 8, 13, 32, 77).
BATCHES = [1, 6, 1, 5, 19, 45]


def _entry(n: int) -> LogEntry:
    kinds = list(EventKind)
    return LogEntry(
        event=kinds[n % len(kinds)],
        time=T0 + timedelta(seconds=n),
        message_id=f"go-interop-{n}@oots.example.de",
        wire_sha256=hashlib.sha256(f"wire {n}".encode()).hexdigest(),
        sender="DE-OOTS-GW",
        receiver="FR-OOTS-GW",
        procedure="T1",
    )


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Path, NoteSigner, Path]:
    """A 77-entry log in six batches, exported, plus its raw stored hashes."""
    signer = generate_signer_key(ORIGIN, hashlib.sha256(b"go interop key").digest())
    store = AuditStore.open(f"sqlite:///{tmp_path / 'log.sqlite3'}", origin=ORIGIN, signer=signer)
    n = 0
    for count in BATCHES:
        store.append([_entry(n + i) for i in range(count)], now=T0)
        n += count
    export_log(store, tmp_path / "export")
    stored = tmp_path / "stored-hashes.bin"
    stored.write_bytes(b"".join(store.all_stored_hashes()))
    store.close()
    return tmp_path / "export", signer, stored


def _run(go_tlog: Path, export: Path, key: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(go_tlog), "-dir", str(export), "-key", key, *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_go_tlog_accepts_our_log(go_tlog: Path, exported: tuple[Path, NoteSigner, Path]) -> None:
    export, signer, stored = exported
    result = _run(go_tlog, export, signer.verifier().encode(), "-stored", str(stored))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary == {
        "ok": True,
        "entries": 77,
        "checkpoints": 6,
        "latest": 77,
        "inclusion_proofs": 77,
        "consistency_proofs": 5,
        "stored_hashes": 2 * 77 - bin(77).count("1"),
    }


def test_go_note_rejects_checkpoint_signed_by_another_key(
    go_tlog: Path, exported: tuple[Path, NoteSigner, Path], tmp_path: Path
) -> None:
    export, _, _ = exported
    other = generate_signer_key(ORIGIN, b"\x09" * 32)
    result = _run(go_tlog, export, other.verifier().encode())
    assert result.returncode == 1
    assert "note.Open checkpoint 1" in result.stderr


def test_go_tlog_rejects_changed_entry(
    go_tlog: Path, exported: tuple[Path, NoteSigner, Path], tmp_path: Path
) -> None:
    export, signer, _ = exported
    changed = tmp_path / "entry-changed.rejected"
    shutil.copytree(export, changed)
    lines = (changed / "entries.jsonl").read_bytes().splitlines()
    lines[40] = lines[40].replace(b'"outcome":"ok"', b'"outcome":"EBMS:0004"')
    (changed / "entries.jsonl").write_bytes(b"".join(line + b"\n" for line in lines))
    result = _run(go_tlog, changed, signer.verifier().encode())
    assert result.returncode == 1
    assert "tlog.TreeHash" in result.stderr
