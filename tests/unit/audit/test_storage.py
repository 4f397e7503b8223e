"""The exchange log on SQLite and PostgreSQL: batched appends, proofs from stored hashes."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy.exc
from sqlalchemy import event, func, select

from gateway.audit import _merkle as m
from gateway.audit import _storage as storage
from gateway.audit._checkpoint import NoteSigner, open_checkpoint
from gateway.audit._entry import LogEntry, entries_involving
from gateway.audit._errors import AuditError, ProofError
from gateway.audit._storage import AuditStore, entry_table, hash_table

from ._support import ORIGIN, SALT, T0, make_entry


def _fill(store: AuditStore, batches: list[int]) -> list[bytes]:
    notes = []
    n = 0
    for count in batches:
        notes.append(store.append([make_entry(n + i) for i in range(count)], now=T0))
        n += count
    return notes


def test_batches_issue_signed_checkpoints(store: AuditStore, signer: NoteSigner) -> None:
    notes = _fill(store, [1, 4, 8, 2])
    sizes = [open_checkpoint(n, signer.verifier(), origin=ORIGIN).size for n in notes]
    assert sizes == [1, 5, 13, 15]
    assert [s for s, _ in store.checkpoints()] == sizes
    assert store.latest_checkpoint() == notes[-1]
    assert store.size() == 15


def test_root_equals_rebuild_from_leaves(store: AuditStore, signer: NoteSigner) -> None:
    notes = _fill(store, [3, 7, 1, 6])
    datas = store.entries(0, 17)
    assert len(datas) == 17

    # Independent reference: RFC 9162 MTH by plain recursion over the leaves.
    def mth(d: list[bytes]) -> bytes:
        if len(d) == 1:
            return m.leaf_hash(d[0])
        k = 1 << ((len(d) - 1).bit_length() - 1)
        return m.node_hash(mth(d[:k]), mth(d[k:]))

    for note in notes:
        cp = open_checkpoint(note, signer.verifier())
        assert cp.root_hash == mth(datas[: cp.size]) == store.tree_hash(cp.size)


def test_proofs_verify_for_every_leaf_and_checkpoint(store: AuditStore, signer: NoteSigner) -> None:
    notes = _fill(store, [5, 6, 10])
    cps = [open_checkpoint(n, signer.verifier()) for n in notes]
    datas = store.entries(0, 21)
    for cp in cps:
        for index in range(cp.size):
            proof = store.inclusion_proof(index, cp.size)
            m.verify_inclusion(index, cp.size, m.leaf_hash(datas[index]), proof, cp.root_hash)
    for old in cps:
        for new in cps:
            if old.size <= new.size:
                proof = store.consistency_proof(old.size, new.size)
                m.verify_consistency(old.size, new.size, old.root_hash, new.root_hash, proof)


def test_lookup_by_leaf_hash(store: AuditStore) -> None:
    _fill(store, [9])
    datas = store.entries(0, 9)
    assert store.index_of(m.leaf_hash(datas[4])) == 4
    with pytest.raises(ProofError, match="no entry"):
        store.index_of(m.leaf_hash(b"never logged"))


def test_proof_beyond_the_log_is_refused(store: AuditStore) -> None:
    _fill(store, [3])
    with pytest.raises(ProofError, match="larger than the log"):
        store.inclusion_proof(0, 4)


def test_failed_batch_leaves_nothing_half_written(store: AuditStore) -> None:
    _fill(store, [4])
    before = (store.size(), store.checkpoints())

    def fail_on_checkpoint(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        # The database refuses the last statement of the batch (the checkpoint insert).
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_CHECKPOINT"):
            raise sqlalchemy.exc.OperationalError(statement, params, Exception("disk full"))

    event.listen(store.engine, "before_cursor_execute", fail_on_checkpoint)
    try:
        with pytest.raises(AuditError, match="nothing written"):
            store.append([make_entry(4), make_entry(5)], now=T0)
    finally:
        event.remove(store.engine, "before_cursor_execute", fail_on_checkpoint)
    assert (store.size(), store.checkpoints()) == before
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(entry_table)).scalar() == 4
        assert conn.execute(select(func.count()).select_from(hash_table)).scalar() == 7


def test_checkpoint_on_demand_is_stable(store: AuditStore) -> None:
    notes = _fill(store, [2])
    assert store.checkpoint_now(now=T0) == notes[-1]
    assert len(store.checkpoints()) == 1


def test_reopen_continues_the_same_tree(db_url: str, signer: NoteSigner) -> None:
    first = AuditStore.open(db_url, origin=ORIGIN, signer=signer)
    _fill(first, [3])
    first.close()
    second = AuditStore.open(db_url, origin=ORIGIN, signer=signer)
    second.append([make_entry(3), make_entry(4)], now=T0)
    cp = open_checkpoint(second.latest_checkpoint() or b"", signer.verifier())
    assert cp.size == 5
    second.close()


def test_company_involvement_with_the_salt(store: AuditStore) -> None:
    store.append([make_entry(0), make_entry(1, company="DE/HRB 12345"), make_entry(2)], now=T0)
    parsed = [(i, LogEntry.from_canonical(d)) for i, d in enumerate(store.entries(0, 3))]
    assert entries_involving(parsed, SALT, "LegalPersonIdentifier", "DE/HRB 12345") == [1]
    assert entries_involving(parsed, SALT, "LegalPersonIdentifier", "DE/HRB 99999") == []
    assert b"HRB" not in b"".join(store.entries(0, 3))


def test_generic_dialect_path_writes_the_same_log(
    tmp_path: Path, signer: NoteSigner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dialects without a DB-API fast path use plain Core inserts: same tree, same proofs."""
    fast = AuditStore.open(f"sqlite:///{tmp_path / 'fast.db'}", origin=ORIGIN, signer=signer)
    generic = AuditStore.open(f"sqlite:///{tmp_path / 'generic.db'}", origin=ORIGIN, signer=signer)
    monkeypatch.setattr(generic.engine.dialect, "name", "generic-sql")
    for store in (fast, generic):
        _fill(store, [3, 9])
    assert generic.checkpoints() == fast.checkpoints()
    assert generic.all_stored_hashes() == fast.all_stored_hashes()
    fast.close()
    generic.close()


def test_lookup_across_epochs(
    db_url: str, signer: NoteSigner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Leaf-hash look-ups probe every epoch of the look-up index (epochs of 4 here)."""
    monkeypatch.setattr(storage, "_EPOCH_BITS", 2)
    store = AuditStore.open(db_url, origin=ORIGIN, signer=signer)
    entries = [make_entry(i) for i in range(11)]
    store.append(entries[:6], now=T0)
    store.append([*entries[6:], entries[2]], now=T0)  # leaf 11 repeats leaf 2
    for index, entry in enumerate(entries):
        assert store.index_of(m.leaf_hash(entry.canonical())) == index
    key = storage._leaf_key(9, m.leaf_hash(entries[9].canonical()))
    assert key >> storage._PREFIX_BITS == 2  # leaf 9 is in epoch 9 >> 2
    assert key in storage._leaf_keys(12, m.leaf_hash(entries[9].canonical()))
    store.close()
