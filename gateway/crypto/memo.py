"""Results memoised by the identity of the objects they were computed from.

Hashing or comparing an ``x509.Certificate`` re-encodes its DER (~10 us), more than the
answers worth caching cost to compute again. The certificates a node checks every
message (its own, the PMode's, peers' tokens decoded once by ``_tokens._decode_bst``)
are the same objects message after message, so the key is their ``id()``. Each entry
keeps its objects alive, so an id cannot be reused while the entry exists, and a hit is
confirmed with ``is``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["IdentityMemo"]

V = TypeVar("V")


class IdentityMemo(Generic[V]):
    """A bounded cache ``(tag, objects) -> value`` keyed by object identity."""

    def __init__(self, size: int = 256) -> None:
        """Keep at most ``size`` entries (all are dropped when it is reached)."""
        self._size = size
        self._entries: dict[tuple[Hashable, ...], tuple[tuple[object, ...], V]] = {}

    def get(self, tag: Hashable, objects: tuple[object, ...], compute: Callable[[], V]) -> V:
        """The value for these very ``objects`` (and ``tag``), computed once."""
        key = (tag, *map(id, objects))
        hit = self._entries.get(key)
        if hit is not None and all(map(operator.is_, hit[0], objects)):
            return hit[1]
        value = compute()
        if len(self._entries) >= self._size:
            self._entries.clear()
        self._entries[key] = (objects, value)
        return value
