"""IdentityMemo: the same objects hit, equal but distinct objects do not, the size holds."""

from __future__ import annotations

from gateway.crypto.memo import IdentityMemo


def test_hits_only_for_the_very_same_objects() -> None:
    memo = IdentityMemo[int]()
    calls: list[int] = []

    def compute(n: int) -> int:
        calls.append(n)
        return n

    a, b = [1], [1]  # equal, not identical
    assert memo.get("t", (a,), lambda: compute(1)) == 1
    assert memo.get("t", (a,), lambda: compute(2)) == 1  # cached
    assert memo.get("t", (b,), lambda: compute(3)) == 3  # another object
    assert memo.get("u", (a,), lambda: compute(4)) == 4  # another tag
    assert calls == [1, 3, 4]


def test_size_bound_drops_old_entries() -> None:
    memo = IdentityMemo[int](size=2)
    keep = [object() for _ in range(3)]
    for i, o in enumerate(keep):
        memo.get(None, (o,), lambda i=i: i)  # type: ignore[misc]
    assert memo.get(None, (keep[0],), lambda: 99) == 99  # dropped when the bound was hit
