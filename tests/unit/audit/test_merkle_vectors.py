"""RFC 9162 / RFC 6962 hashing and proofs against the published test vectors.

The expected values are the published ones of the Certificate Transparency
reference implementations (transparency-dev/merkle ``proof/verify_test.go`` and
``rfc6962/rfc6962_test.go``, inherited from certificate-transparency
``merkle_tree_test.cc``), written here as literals — never computed by our code.
"""

from __future__ import annotations

import pytest

from gateway.audit import _merkle as m
from gateway.audit._errors import ProofError

h = bytes.fromhex

# The standard 8-leaf test data.
LEAVES = [
    h(""),
    h("00"),
    h("10"),
    h("2021"),
    h("3031"),
    h("40414243"),
    h("5051525354555657"),
    h("606162636465666768696a6b6c6d6e6f"),
]

# Published MTH for tree sizes 1..8.
ROOTS = [
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]

# (leaf index, tree size, published audit path) — the source numbers leaves from 1.
INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (2, 3, [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        1,
        5,
        [
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]

# (old size, new size, published consistency proof).
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]


def _stored(leaves: list[bytes]) -> dict[int, bytes]:
    """The stored hashes a log holds after appending ``leaves`` one batch at a time."""
    stored: dict[int, bytes] = {}
    frontier: list[bytes] = []
    for size, data in enumerate(leaves):
        new, frontier = m.append_leaves(size, frontier, [m.leaf_hash(data)])
        start = m.stored_hash_count(size)
        stored.update(enumerate(new, start=start))
    assert len(stored) == m.stored_hash_count(len(leaves))
    return stored


STORED = _stored(LEAVES)


def test_hasher_vectors() -> None:
    assert m.EMPTY_ROOT == h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert m.leaf_hash(b"") == h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    assert m.leaf_hash(b"L123456") == h(
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    assert m.node_hash(b"N123", b"N456") == h(
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )


@pytest.mark.parametrize("size", range(1, 9))
def test_tree_hash_matches_published_root(size: int) -> None:
    needed = m.tree_hash_indexes(size)
    assert all(i < m.stored_hash_count(size) for i in needed)
    assert m.tree_hash(size, STORED) == ROOTS[size - 1]


def test_tree_hash_of_empty_tree() -> None:
    assert m.tree_hash(0, {}) == m.EMPTY_ROOT


@pytest.mark.parametrize("size", range(1, 9))
def test_frontier_root_matches_published_root(size: int) -> None:
    frontier: list[bytes] = []
    _, frontier = m.append_leaves(0, frontier, [m.leaf_hash(d) for d in LEAVES[:size]])
    assert m.frontier_root(frontier) == ROOTS[size - 1]


def test_batched_append_stores_same_hashes_as_single_appends() -> None:
    first, frontier = m.append_leaves(0, [], [m.leaf_hash(d) for d in LEAVES[:3]])
    second, _ = m.append_leaves(3, frontier, [m.leaf_hash(d) for d in LEAVES[3:]])
    assert dict(enumerate(first + second)) == STORED


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_proof_generation(index: int, size: int, proof: list[bytes]) -> None:
    needed = m.inclusion_proof_indexes(index, size)
    subset = {i: STORED[i] for i in needed}
    assert m.inclusion_proof(index, size, subset) == proof


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_proof_verification(index: int, size: int, proof: list[bytes]) -> None:
    leaf = m.leaf_hash(LEAVES[index])
    m.verify_inclusion(index, size, leaf, proof, ROOTS[size - 1])
    with pytest.raises(ProofError):
        m.verify_inclusion(index, size, m.leaf_hash(b"WrongLeaf"), proof, ROOTS[size - 1])
    with pytest.raises(ProofError):
        m.verify_inclusion(index, size, leaf, [*proof, ROOTS[size - 1]], ROOTS[size - 1])
    if proof:
        flipped = [bytes([proof[0][0] ^ 8]) + proof[0][1:], *proof[1:]]
        with pytest.raises(ProofError):
            m.verify_inclusion(index, size, leaf, flipped, ROOTS[size - 1])
        with pytest.raises(ProofError):
            m.verify_inclusion(index, size, leaf, proof[:-1], ROOTS[size - 1])
        with pytest.raises(ProofError):
            m.verify_inclusion(index, size * 2, leaf, proof, ROOTS[size - 1])


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_consistency_proof_generation(old: int, new: int, proof: list[bytes]) -> None:
    needed = m.consistency_proof_indexes(old, new)
    subset = {i: STORED[i] for i in needed}
    assert m.consistency_proof(old, new, subset) == proof


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_consistency_proof_verification(old: int, new: int, proof: list[bytes]) -> None:
    m.verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], proof)
    if not proof:
        return
    with pytest.raises(ProofError):
        m.verify_consistency(old, new, ROOTS[new - 1], ROOTS[old - 1], proof)
    with pytest.raises(ProofError):
        m.verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], proof[:-1])
    with pytest.raises(ProofError):
        m.verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], [proof[0], *proof])
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
        with pytest.raises(ProofError):
            m.verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], flipped)


def test_every_proof_of_small_trees_verifies() -> None:
    """All (index, size) and (old, new) pairs up to 8 leaves round-trip."""
    for size in range(1, 9):
        root = ROOTS[size - 1]
        for index in range(size):
            proof = m.inclusion_proof(index, size, STORED)
            m.verify_inclusion(index, size, m.leaf_hash(LEAVES[index]), proof, root)
        for old in range(1, size + 1):
            proof = m.consistency_proof(old, size, STORED)
            m.verify_consistency(old, size, ROOTS[old - 1], root, proof)


def test_fork_and_rollback_are_rejected() -> None:
    with pytest.raises(ProofError, match="two different roots"):
        m.verify_consistency(4, 4, ROOTS[3], ROOTS[4], [])
    with pytest.raises(ProofError, match="went back"):
        m.verify_consistency(5, 4, ROOTS[4], ROOTS[3], [])


def test_stored_hash_index_matches_tlog_layout() -> None:
    # golang.org/x/mod/sumdb/tlog StoredHashIndex: "level 0's n'th hash is
    # written at n+n/2+n/4+...", "level L's n'th hash is written right after
    # level L+1's 2n+1'th hash" — worked by hand: leaf 0 -> 0, leaf 1 -> 1,
    # node(0,1) -> 2, leaf 2 -> 3, leaf 3 -> 4, node(2,3) -> 5, node(0..3) -> 6.
    assert [m.stored_hash_index(0, k) for k in range(5)] == [0, 1, 3, 4, 7]
    assert [m.stored_hash_index(1, k) for k in range(2)] == [2, 5]
    assert m.stored_hash_index(2, 0) == 6
