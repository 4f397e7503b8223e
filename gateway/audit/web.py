"""Auditor HTTP endpoints of the exchange log (adapter: FastAPI router over the store).

Mount with ``app.include_router(audit_router(store), prefix="/audit")``. All
endpoints are read-only ``GET``s; bodies are the records of ``docs/audit.md``:

- ``/checkpoint``: the latest signed checkpoint (``text/plain``);
- ``/checkpoints``: every checkpoint record (NDJSON);
- ``/entries?start=&end=``: canonical entries, one per line (NDJSON, <= 1000);
- ``/proof/inclusion?leaf_hash=<hex>[&size=]``: inclusion record of one entry;
- ``/proofs/inclusion?start=&end=[&size=]``: inclusion records (NDJSON, <= 1000);
- ``/proof/consistency?old=&new=``: consistency record.

``size`` defaults to the latest tree. Unknown leaves/sizes answer 404, bad
ranges 400.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response

from gateway.audit._errors import AuditError, ProofError
from gateway.audit._records import checkpoint_record, consistency_record, inclusion_record
from gateway.audit._storage import AuditStore

__all__ = ["MAX_PAGE", "audit_router"]

MAX_PAGE = 1000
"""Largest number of entries or inclusion records per request."""

_NDJSON = "application/x-ndjson"


def _page(start: int, end: int) -> None:
    if not 0 <= start <= end or end - start > MAX_PAGE:
        raise HTTPException(400, f"need 0 <= start <= end and at most {MAX_PAGE} items")


def audit_router(store: AuditStore) -> APIRouter:
    """The auditor endpoints reading ``store``."""
    router = APIRouter(tags=["audit"])

    def tree_size(size: int | None) -> int:
        current = store.size()
        if size is None:
            return current
        if not 0 <= size <= current:
            raise HTTPException(404, f"no tree of size {size}; the log has {current} entries")
        return size

    @router.get("/checkpoint")
    def latest_checkpoint() -> Response:
        """The latest signed checkpoint."""
        note = store.latest_checkpoint()
        if note is None:
            raise HTTPException(404, "the log has no checkpoint yet")
        return Response(note, media_type="text/plain; charset=utf-8")

    @router.get("/checkpoints")
    def checkpoints() -> Response:
        """Every checkpoint the log has issued."""
        body = b"".join(checkpoint_record(s, n) for s, n in store.checkpoints())
        return Response(body, media_type=_NDJSON)

    @router.get("/entries")
    def entries(start: Annotated[int, Query()], end: Annotated[int, Query()]) -> Response:
        """Canonical entries ``start .. end-1``."""
        _page(start, end)
        return Response(b"".join(d + b"\n" for d in store.entries(start, end)), media_type=_NDJSON)

    @router.get("/proof/inclusion")
    def inclusion_by_hash(
        leaf_hash: Annotated[str, Query(pattern="^[0-9a-fA-F]{64}$")],
        size: Annotated[int | None, Query()] = None,
    ) -> Response:
        """Inclusion proof of the entry whose leaf hash is ``leaf_hash`` (hex)."""
        n = tree_size(size)
        try:
            index = store.index_of(bytes.fromhex(leaf_hash))
            if index >= n:
                raise ProofError(f"leaf {index} is not in the tree of size {n}")
            ((i, leaf, proof),) = store.inclusion_proofs(index, index + 1, n)
        except ProofError as exc:
            raise HTTPException(404, exc.message) from exc
        return Response(inclusion_record(i, n, leaf, proof), media_type="application/json")

    @router.get("/proofs/inclusion")
    def inclusion_range(
        start: Annotated[int, Query()],
        end: Annotated[int, Query()],
        size: Annotated[int | None, Query()] = None,
    ) -> Response:
        """Inclusion records of leaves ``start .. end-1``."""
        _page(start, end)
        n = tree_size(size)
        try:
            records = store.inclusion_proofs(start, end, n)
        except ProofError as exc:
            raise HTTPException(404, exc.message) from exc
        body = b"".join(inclusion_record(i, n, leaf, proof) for i, leaf, proof in records)
        return Response(body, media_type=_NDJSON)

    @router.get("/proof/consistency")
    def consistency(old: Annotated[int, Query()], new: Annotated[int, Query()]) -> Response:
        """Consistency proof from tree ``old`` to tree ``new``."""
        tree_size(new)
        try:
            proof = [] if old in (0, new) else store.consistency_proof(old, new)
        except (ProofError, AuditError) as exc:
            raise HTTPException(400, exc.message) from exc
        return Response(consistency_record(old, new, proof), media_type="application/json")

    return router
