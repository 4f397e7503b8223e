"""A small, independent implementation of what an auditor needs to check the log.

RFC 9162 §2.1 hashing and proof verification, C2SP signed-note (Ed25519) and
tlog-checkpoint parsing. Deliberately shares no code with the gateway: an
auditor must be able to trust this module without trusting the operator.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

__all__ = [
    "Checkpoint",
    "LogKey",
    "VerifyError",
    "check_consistency",
    "check_inclusion",
    "leaf_hash",
    "open_checkpoint",
    "roots_by_size",
]


class VerifyError(Exception):
    """A check failed; the message says what is wrong."""


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 §2.1.1 leaf hash: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def roots_by_size(leaf_hashes: Sequence[bytes], sizes: Sequence[int]) -> dict[int, bytes]:
    """MTH of every prefix size in ``sizes``, replaying ``leaf_hashes`` once.

    Keeps the "compact range" (roots of the complete subtrees, largest first)
    while appending; MTH of a prefix is the right-to-left fold of that range.
    """
    wanted = set(sizes)
    out: dict[int, bytes] = {}
    stack: list[bytes] = []
    if 0 in wanted:
        out[0] = hashlib.sha256(b"").digest()
    for n, leaf in enumerate(leaf_hashes):
        node, k = leaf, n
        while k & 1:
            node = _node(stack.pop(), node)
            k >>= 1
        stack.append(node)
        if n + 1 in wanted:
            acc = stack[-1]
            for part in reversed(stack[:-1]):
                acc = _node(part, acc)
            out[n + 1] = acc
    return out


def check_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2: raise :class:`VerifyError` unless the path leads to ``root``."""
    if not 0 <= index < size:
        raise VerifyError(f"leaf {index} is outside a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise VerifyError(f"inclusion proof of leaf {index} is too long")
        if fn % 2 == 1 or fn == sn:
            r = _node(p, r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or r != root:
        raise VerifyError(f"inclusion proof of leaf {index} does not lead to the root of {size}")


def check_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 §2.1.4.2: raise :class:`VerifyError` unless tree 1 is a prefix of tree 2."""
    if size1 > size2:
        raise VerifyError(f"rollback: tree size {size2} is smaller than {size1}")
    if size1 == size2:
        if root1 != root2:
            raise VerifyError(f"fork: two different roots for tree size {size1}")
        return
    if size1 == 0:
        return
    if not proof:
        raise VerifyError(f"empty consistency proof from {size1} to {size2}")
    path = ([root1] if size1 & (size1 - 1) == 0 else []) + list(proof)
    fn, sn = size1 - 1, size2 - 1
    while fn % 2 == 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerifyError(f"consistency proof from {size1} to {size2} is too long")
        if fn % 2 == 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = _node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != root1 or sr != root2:
        raise VerifyError(f"tree of size {size1} is not a prefix of the tree of size {size2}")


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VerifyError(f"{what} is not base64") from exc


@dataclass(frozen=True)
class LogKey:
    """The log's public key in signed-note verifier format ``name+hash+keydata``."""

    name: str
    key_id: bytes
    public: bytes

    @classmethod
    def parse(cls, text: str) -> LogKey:
        """Parse and self-check a verifier key."""
        name, _, rest = text.strip().partition("+")
        hash_hex, _, data = rest.partition("+")
        raw = _b64(data, "log key")
        if not name or len(hash_hex) != 8 or len(raw) != 33 or raw[0] != 1:
            raise VerifyError("log key is not an Ed25519 signed-note verifier key")
        # signed-note key ID: SHA-256(name || "\n" || 0x01 || public key)[:4]
        key_id = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
        if key_id.hex() != hash_hex.lower():
            raise VerifyError("log key hash does not match the key")
        return cls(name, key_id, raw[1:])

    def __str__(self) -> str:
        return f"{self.name}+{self.key_id.hex()}"


@dataclass(frozen=True)
class Checkpoint:
    """A verified checkpoint and its signed-note bytes."""

    origin: str
    size: int
    root: bytes
    note: bytes


def open_checkpoint(note: bytes, key: LogKey) -> Checkpoint:
    """Verify the log key's signature on a signed note and parse the checkpoint in it."""
    try:
        text = note.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VerifyError("checkpoint is not UTF-8") from exc
    cut = text.rfind("\n\n")
    if cut < 0 or not text.endswith("\n"):
        raise VerifyError("checkpoint has no signature block")
    body, signatures = text[: cut + 1], text[cut + 2 : -1].split("\n")
    signed_by_key = False
    others = []
    for line in signatures:
        if not line.startswith("\u2014 "):
            raise VerifyError("malformed signature line in checkpoint")
        name, _, sig64 = line[2:].partition(" ")
        sig = _b64(sig64, "signature")
        if name == key.name and sig[:4] == key.key_id:
            try:
                Ed25519PublicKey.from_public_bytes(key.public).verify(sig[4:], body.encode())
            except InvalidSignature as exc:
                raise VerifyError(f"checkpoint signature by {key} is invalid") from exc
            signed_by_key = True
        else:
            others.append(f"{name}+{sig[:4].hex()}")
    if not signed_by_key:
        raise VerifyError(
            f"checkpoint is not signed by the log key {key}; signed by: {', '.join(others)}"
        )
    lines = body[:-1].split("\n")
    if len(lines) < 3 or not lines[1].isdigit() or (lines[1] != "0" and lines[1][0] == "0"):
        raise VerifyError("checkpoint body is not origin / size / root hash")
    root = _b64(lines[2], "root hash")
    if len(root) != 32:
        raise VerifyError("checkpoint root hash is not 32 bytes")
    return Checkpoint(lines[0], int(lines[1]), root, note)
