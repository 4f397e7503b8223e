"""Properties of the Merkle core over random batch sequences, cross-checked with the
independent verifier in ``oots_audit._tlog`` and a naive RFC 9162 recursion."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.audit import _merkle as m
from oots_audit import _tlog as independent


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH by plain recursion over leaf hashes."""
    if not leaves:
        return m.EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return m.node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


@settings(max_examples=60, deadline=None)
@given(
    batches=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8),
    data=st.data(),
)
def test_batched_log_proofs(batches: list[int], data: st.DataObject) -> None:
    stored: list[bytes] = []
    frontier: list[bytes] = []
    leaves: list[bytes] = []
    sizes = []
    for count in batches:
        new_leaves = [m.leaf_hash(f"entry {len(leaves) + i}".encode()) for i in range(count)]
        new, frontier = m.append_leaves(len(leaves), frontier, new_leaves)
        assert len(stored) == m.stored_hash_count(len(leaves))
        stored.extend(new)
        leaves.extend(new_leaves)
        sizes.append(len(leaves))
        assert m.frontier_root(frontier) == _mth(leaves)
    hashes = dict(enumerate(stored))
    size = len(leaves)
    roots = independent.roots_by_size(leaves, sizes)
    for s in sizes:
        assert m.tree_hash(s, hashes) == roots[s] == _mth(leaves[:s])
    if size == 0:
        return
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = m.inclusion_proof(index, size, hashes)
    root = m.tree_hash(size, hashes)
    m.verify_inclusion(index, size, leaves[index], proof, root)
    independent.check_inclusion(index, size, leaves[index], proof, root)
    old = data.draw(st.integers(min_value=1, max_value=size))
    cproof = m.consistency_proof(old, size, hashes)
    old_root = m.tree_hash(old, hashes)
    m.verify_consistency(old, size, old_root, root, cproof)
    independent.check_consistency(old, size, old_root, root, cproof)
