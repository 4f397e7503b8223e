"""RFC 9162 §2.1 Merkle tree hashing, inclusion and consistency proofs (sans I/O).

The log stores the hash of every *complete* subtree as it grows, in the order
of ``golang.org/x/mod/sumdb/tlog``'s "stored hash index": appending leaf ``n``
writes its leaf hash and then the hash of every complete subtree that leaf
closes. Any tree head or proof for any size is then the fold of at most
``2·log2(n)`` stored hashes, so nothing is ever rebuilt from the leaves.

Proofs are computed in two pure steps so that the storage adapter can fetch
every needed hash in one query:

1. :func:`inclusion_proof_indexes` / :func:`consistency_proof_indexes` /
   :func:`tree_hash_indexes` name the stored hashes needed;
2. :func:`inclusion_proof` / :func:`consistency_proof` / :func:`tree_hash`
   fold them (given as a mapping ``stored index -> hash``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from gateway.audit._errors import AuditError, ProofError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "append_leaves",
    "consistency_proof",
    "consistency_proof_indexes",
    "frontier_root",
    "inclusion_proof",
    "inclusion_proof_indexes",
    "leaf_hash",
    "leaf_hashes",
    "node_hash",
    "root_from_inclusion_proof",
    "stored_hash_count",
    "stored_hash_index",
    "tree_hash",
    "tree_hash_indexes",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
"""SHA-256 output size; the only hash algorithm this log uses."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""RFC 9162 §2.1.1: MTH({}) = HASH() — the root of the empty tree."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 §2.1.1: MTH({d0}) = HASH(0x00 || d0)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def leaf_hashes(datas: Sequence[bytes]) -> list[bytes]:
    """:func:`leaf_hash` of every item (the batched-append hot path)."""
    sha256 = hashlib.sha256
    return [sha256(_LEAF_PREFIX + d).digest() for d in datas]


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 §2.1.1: HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n]))."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


# ---------------------------------------------------------------------------
# Stored hash layout (same numbering as Go's tlog.StoredHashIndex)
# ---------------------------------------------------------------------------


def _level0_index(n: int) -> int:
    # Leaf n's hash is written after all hashes of leaves 0..n-1:
    # n + n/2 + n/4 + ... == 2n - popcount(n).
    return 2 * n - n.bit_count()


def stored_hash_index(level: int, k: int) -> int:
    """Position of the hash of subtree ``k`` at ``level`` (covering leaves
    ``[k·2^level, (k+1)·2^level)``): it is written right after the hashes of
    that subtree's last leaf and of the ``level`` subtrees below it."""
    if level < 0 or k < 0:
        raise AuditError(f"invalid subtree level={level} k={k}")
    last_leaf = (k << level) + (1 << level) - 1
    return _level0_index(last_leaf) + level


def stored_hash_count(size: int) -> int:
    """Number of stored hashes of a tree with ``size`` leaves."""
    if size < 0:
        raise AuditError(f"invalid tree size {size}")
    return 2 * size - size.bit_count()


def append_leaves(
    size: int, frontier: Sequence[bytes], leaves: Sequence[bytes]
) -> tuple[list[bytes], list[bytes]]:
    """Append leaf hashes to a tree of ``size`` leaves.

    ``frontier`` holds the hashes of the complete subtrees of the current tree,
    largest (leftmost) first — the stored hashes at :func:`tree_hash_indexes`
    (``size``). Returns the stored hashes to write, in order, starting at
    position :func:`stored_hash_count` (``size``), and the new frontier.
    """
    if len(frontier) != size.bit_count():
        raise AuditError(f"a tree of size {size} has {size.bit_count()} frontier hashes")
    front = list(frontier)
    out: list[bytes] = []
    emit, push, pop = out.append, front.append, front.pop
    sha256 = hashlib.sha256  # node_hash inlined: this loop runs once per appended leaf
    n = size
    for leaf in leaves:
        emit(leaf)
        current = leaf
        m = n
        while m & 1:  # leaf n closes one complete subtree per trailing one bit
            current = sha256(_NODE_PREFIX + pop() + current).digest()
            emit(current)
            m >>= 1
        push(current)
        n += 1
    return out, front


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    """MTH of the tree whose complete subtrees are ``frontier`` (largest first)."""
    if not frontier:
        return EMPTY_ROOT
    acc = frontier[-1]
    for part in reversed(frontier[:-1]):
        acc = node_hash(part, acc)
    return acc


# ---------------------------------------------------------------------------
# Ranges: every proof element is MTH of a contiguous leaf range D[lo:hi]
# ---------------------------------------------------------------------------


def _split(n: int) -> int:
    # RFC 9162 §2.1.1: k is the largest power of two smaller than n (n > 1).
    return 1 << ((n - 1).bit_length() - 1)


def _subtrees(lo: int, hi: int) -> list[tuple[int, int]]:
    """Complete subtrees (level, k) covering D[lo:hi], left to right.

    Valid for every range the RFC recursion produces: lo is aligned to the
    largest power of two not above hi - lo."""
    out: list[tuple[int, int]] = []
    while lo < hi:
        level = (hi - lo).bit_length() - 1
        size = 1 << level
        if lo & (size - 1):
            raise AuditError(f"unaligned range [{lo}, {hi})")
        out.append((level, lo >> level))
        lo += size
    return out


def _range_indexes(lo: int, hi: int) -> list[int]:
    return [stored_hash_index(level, k) for level, k in _subtrees(lo, hi)]


def _range_hash(lo: int, hi: int, hashes: Mapping[int, bytes]) -> bytes:
    parts = [_lookup(hashes, i) for i in _range_indexes(lo, hi)]
    # MTH of a range is the right-to-left fold of its complete subtrees.
    acc = parts[-1]
    for part in reversed(parts[:-1]):
        acc = node_hash(part, acc)
    return acc


def _lookup(hashes: Mapping[int, bytes], index: int) -> bytes:
    try:
        value = hashes[index]
    except KeyError as exc:
        raise AuditError(f"stored hash {index} is missing") from exc
    if len(value) != HASH_SIZE:
        raise AuditError(f"stored hash {index} has {len(value)} bytes")
    return value


def _path_ranges(m: int, lo: int, hi: int) -> list[tuple[int, int]]:
    """RFC 9162 §2.1.3.1 PATH(m, D[lo:hi]) as leaf ranges, bottom to top."""
    out: list[tuple[int, int]] = []
    while hi - lo > 1:
        k = _split(hi - lo)
        if m - lo < k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo = lo + k
    out.reverse()
    return out


def _subproof_ranges(m: int, lo: int, hi: int, complete: bool) -> list[tuple[int, int]]:
    """RFC 9162 §2.1.4.1 SUBPROOF(m, D[lo:hi], b) as leaf ranges, bottom to top."""
    out: list[tuple[int, int]] = []
    while True:
        n = hi - lo
        if m == n:
            if not complete:
                out.append((lo, hi))
            break
        k = _split(n)
        if m <= k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo, m, complete = lo + k, m - k, False
    out.reverse()
    return out


def _check_size(size: int) -> None:
    if size < 0:
        raise AuditError(f"invalid tree size {size}")


def tree_hash_indexes(size: int) -> list[int]:
    """Stored hashes needed for MTH of the first ``size`` leaves."""
    _check_size(size)
    return _range_indexes(0, size)


def tree_hash(size: int, hashes: Mapping[int, bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH(D[0:size]) from stored hashes."""
    _check_size(size)
    return EMPTY_ROOT if size == 0 else _range_hash(0, size, hashes)


def inclusion_proof_indexes(index: int, size: int) -> list[int]:
    """Stored hashes needed to prove leaf ``index`` in a tree of ``size``."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    return [i for lo, hi in _path_ranges(index, 0, size) for i in _range_indexes(lo, hi)]


def inclusion_proof(index: int, size: int, hashes: Mapping[int, bytes]) -> list[bytes]:
    """RFC 9162 §2.1.3.1 inclusion proof (audit path) of leaf ``index``."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    return [_range_hash(lo, hi, hashes) for lo, hi in _path_ranges(index, 0, size)]


def consistency_proof_indexes(old_size: int, new_size: int) -> list[int]:
    """Stored hashes needed to prove ``old_size`` is a prefix of ``new_size``."""
    if not 0 < old_size <= new_size:
        raise ProofError(f"no consistency proof from size {old_size} to {new_size}")
    ranges = _subproof_ranges(old_size, 0, new_size, True)
    return [i for lo, hi in ranges for i in _range_indexes(lo, hi)]


def consistency_proof(old_size: int, new_size: int, hashes: Mapping[int, bytes]) -> list[bytes]:
    """RFC 9162 §2.1.4.1 consistency proof PROOF(m, D[n])."""
    if not 0 < old_size <= new_size:
        raise ProofError(f"no consistency proof from size {old_size} to {new_size}")
    ranges = _subproof_ranges(old_size, 0, new_size, True)
    return [_range_hash(lo, hi, hashes) for lo, hi in ranges]


# ---------------------------------------------------------------------------
# Verification (RFC 9162 §2.1.3.2 and §2.1.4.2)
# ---------------------------------------------------------------------------


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2 steps 1-5: the root the audit path leads to."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    if len(leaf) != HASH_SIZE or any(len(p) != HASH_SIZE for p in proof):
        raise ProofError("proof hashes must be 32 bytes")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise :class:`ProofError` unless ``proof`` shows leaf ``index`` under ``root``."""
    if root_from_inclusion_proof(index, size, leaf, proof) != root:
        raise ProofError(f"inclusion proof of leaf {index} does not lead to the tree {size} root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 §2.1.4.2: raise :class:`ProofError` unless the tree of
    ``old_size`` with ``old_root`` is a prefix of the one of ``new_size``."""
    if not 0 <= old_size <= new_size:
        raise ProofError(f"tree size went back from {old_size} to {new_size}")
    if old_size == new_size:
        if proof:
            raise ProofError("consistency proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError(f"two different roots for tree size {old_size}")
        return
    if old_size == 0:
        if proof:
            raise ProofError("consistency proof from the empty tree must be empty")
        return
    if not proof or any(len(p) != HASH_SIZE for p in proof):
        raise ProofError("consistency proof is empty or malformed")
    # Step 1: if old_size is an exact power of two, prepend old_root.
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    # Step 3: right-shift both while LSB(fn) is set.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != old_root:
        raise ProofError(f"consistency proof does not lead to the tree {old_size} root")
    if sr != new_root:
        raise ProofError(f"consistency proof does not lead to the tree {new_size} root")
