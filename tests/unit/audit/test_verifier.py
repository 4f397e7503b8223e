"""``oots-audit verify`` on exports: a valid log passes, every kind of tampering is named."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.audit._checkpoint import Checkpoint, NoteSigner, generate_signer_key, sign_checkpoint
from gateway.audit._export import export_log
from gateway.audit._storage import AuditStore
from oots_audit.cli import main as oots_audit

from ._support import ORIGIN, T0, make_entry


def _build(url: str, signer: NoteSigner, batches: list[int], first: int = 0) -> AuditStore:
    store = AuditStore.open(url, origin=ORIGIN, signer=signer)
    n = first
    for count in batches:
        store.append([make_entry(n + i) for i in range(count)], now=T0)
        n += count
    return store


@pytest.fixture
def valid_export(tmp_path: Path, signer: NoteSigner) -> Path:
    """An export of a 15-entry log issued in three batches."""
    store = _build(f"sqlite:///{tmp_path / 'log.sqlite3'}", signer, [4, 6, 5])
    export_log(store, tmp_path / "valid.accepted")
    store.close()
    return tmp_path / "valid.accepted"


def _verify(
    capsys: pytest.CaptureFixture[str], log: Path, signer: NoteSigner, state: Path | None
) -> tuple[int, str]:
    args = ["verify", "--log", str(log), "--key", signer.verifier().encode()]
    args += ["--state", str(state)] if state else ["--no-state"]
    code = oots_audit(args)
    return code, capsys.readouterr().out


def _tampered(valid: Path, name: str) -> Path:
    target = valid.parent / name
    shutil.copytree(valid, target)
    return target


def _edit_lines(path: Path, edit: object) -> None:
    lines = path.read_bytes().splitlines()
    path.write_bytes(b"".join(line + b"\n" for line in edit(lines)))  # type: ignore[operator]


def test_valid_export_verifies(
    capsys: pytest.CaptureFixture[str], valid_export: Path, signer: NoteSigner, tmp_path: Path
) -> None:
    code, out = _verify(capsys, valid_export, signer, tmp_path / "state")
    assert code == 0, out
    assert "VERDICT: VALID — 15 entries" in out
    assert "3 checkpoint signature(s)" in out
    assert len(list((tmp_path / "state").rglob("*.note"))) == 3


def test_entry_changed(
    capsys: pytest.CaptureFixture[str], valid_export: Path, signer: NoteSigner
) -> None:
    log = _tampered(valid_export, "entry-changed.rejected")

    def change(lines: list[bytes]) -> list[bytes]:
        obj = json.loads(lines[7])
        obj["outcome"] = "EDM:ERR:0004"
        lines[7] = json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()
        return lines

    _edit_lines(log / "entries.jsonl", change)
    code, out = _verify(capsys, log, signer, None)
    assert code == 1
    assert "entry changed: line 8 (message 'msg-7@oots.example.de'" in out
    assert "does not match signed leaf 7" in out


def test_entry_removed(
    capsys: pytest.CaptureFixture[str], valid_export: Path, signer: NoteSigner
) -> None:
    log = _tampered(valid_export, "entry-removed.rejected")
    _edit_lines(log / "entries.jsonl", lambda lines: lines[:5] + lines[6:])
    code, out = _verify(capsys, log, signer, None)
    assert code == 1
    assert "entry removed: signed leaf 5 is missing from the log" in out


def test_entries_reordered(
    capsys: pytest.CaptureFixture[str], valid_export: Path, signer: NoteSigner
) -> None:
    log = _tampered(valid_export, "entries-reordered.rejected")
    _edit_lines(log / "entries.jsonl", lambda ls: [*ls[:2], ls[9], *ls[3:9], ls[2], *ls[10:]])
    code, out = _verify(capsys, log, signer, None)
    assert code == 1
    assert "entries reordered: line 3 (message 'msg-9@oots.example.de'" in out
    assert "is signed as leaf 9" in out
    assert "entries reordered: line 10 (message 'msg-2@oots.example.de'" in out


def test_entry_inserted(
    capsys: pytest.CaptureFixture[str], valid_export: Path, signer: NoteSigner
) -> None:
    log = _tampered(valid_export, "entry-inserted.rejected")
    forged = make_entry(99).canonical()
    _edit_lines(log / "entries.jsonl", lambda lines: [*lines[:4], forged, *lines[4:]])
    code, out = _verify(capsys, log, signer, None)
    assert code == 1
    assert "entry inserted: line 5 (message 'msg-99@oots.example.de'" in out
    assert "entry removed" not in out and "changed" not in out


def test_checkpoint_resigned_with_another_key(
    capsys: pytest.CaptureFixture[str], valid_export: Path, signer: NoteSigner
) -> None:
    log = _tampered(valid_export, "checkpoint-resigned.rejected")
    impostor = generate_signer_key(ORIGIN, b"\x42" * 32)

    def resign(lines: list[bytes]) -> list[bytes]:
        record = json.loads(lines[1])
        body = record["note"].split("\n\n")[0] + "\n"
        record["note"] = sign_checkpoint(Checkpoint.parse(body), impostor).decode()
        lines[1] = json.dumps(record).encode()
        return lines

    _edit_lines(log / "checkpoints.jsonl", resign)
    code, out = _verify(capsys, log, signer, None)
    assert code == 1
    assert f"checkpoint {ORIGIN} / 10: checkpoint is not signed by the log key" in out
    assert f"signed by: {impostor.verifier().name}+{impostor.verifier().key_hash.hex()}" in out


def test_fork_same_size_different_root(
    capsys: pytest.CaptureFixture[str], valid_export: Path, signer: NoteSigner, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    assert _verify(capsys, valid_export, signer, state)[0] == 0
    # The operator rewrites history: another log of the same sizes, signed with the real key.
    forked = _build(f"sqlite:///{tmp_path / 'fork.sqlite3'}", signer, [4, 6, 5], first=100)
    export_log(forked, tmp_path / "fork.rejected")
    forked.close()
    code, out = _verify(capsys, tmp_path / "fork.rejected", signer, state)
    assert code == 1
    assert "fork: two checkpoints of size 15 with different roots" in out
    assert "fork: two checkpoints of size 4 with different roots" in out


def test_rollback_to_smaller_tree(
    capsys: pytest.CaptureFixture[str], valid_export: Path, signer: NoteSigner, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    assert _verify(capsys, valid_export, signer, state)[0] == 0
    # Same history, truncated: only the first two batches remain.
    older = _build(f"sqlite:///{tmp_path / 'rollback.sqlite3'}", signer, [4, 6])
    export_log(older, tmp_path / "rollback.rejected")
    older.close()
    code, out = _verify(capsys, tmp_path / "rollback.rejected", signer, state)
    assert code == 1
    assert "rollback: the log's latest tree has 10 entries" in out
    assert "a checkpoint of 15 entries was seen before" in out


def test_growth_since_last_run_is_consistent(
    capsys: pytest.CaptureFixture[str], signer: NoteSigner, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    url = f"sqlite:///{tmp_path / 'grow.sqlite3'}"
    store = _build(url, signer, [3, 4])
    export_log(store, tmp_path / "first.accepted")
    assert _verify(capsys, tmp_path / "first.accepted", signer, state)[0] == 0
    store.append([make_entry(7 + i) for i in range(9)], now=T0)
    export_log(store, tmp_path / "second.accepted")
    store.close()
    code, out = _verify(capsys, tmp_path / "second.accepted", signer, state)
    assert code == 0, out
    assert "3 checkpoint(s) (2 from earlier runs) consistent with the latest tree of size 16" in out


def test_wrong_key_format_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], valid_export: Path
) -> None:
    assert oots_audit(["verify", str(valid_export), "--key", "nonsense", "--no-state"]) == 2
    assert "cannot verify" in capsys.readouterr().err


def test_verifier_loads_nothing_of_the_gateway() -> None:
    code = (
        "import sys, oots_audit.cli, oots_audit._verify, oots_audit._source, oots_audit._tlog\n"
        "bad = sorted(m for m in sys.modules if m == 'gateway' or m.startswith('gateway.'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    package = Path(oots_audit.__code__.co_filename).parent
    for source in package.glob("*.py"):
        assert (
            "from gateway" not in source.read_text() and "import gateway" not in source.read_text()
        )


def test_fork_inside_one_export(
    capsys: pytest.CaptureFixture[str], valid_export: Path, signer: NoteSigner
) -> None:
    """The log itself serves two validly signed checkpoints of size 10 with different roots."""
    log = _tampered(valid_export, "fork-in-export.rejected")
    other_root = Checkpoint(ORIGIN, 10, bytes(32))
    record = {"size": 10, "note": sign_checkpoint(other_root, signer).decode()}
    with (log / "checkpoints.jsonl").open("ab") as out:
        out.write(json.dumps(record).encode() + b"\n")
    code, out = _verify(capsys, log, signer, None)
    assert code == 1
    assert "fork: two checkpoints of size 10 with different roots" in out
