"""Durable cases and delivered evidence (adapter: SQLAlchemy Core over the node's database).

Tables (``gateway.store.schema``, created by the store's Alembic revision 0002, which
this repository runs to head when it opens the database):

* ``requester_cases``: one row per case, the :class:`~.model.Case` as JSON;
* ``requester_request_ids``: EDM request id -> case (how an answer finds its case);
* ``requester_evidence``: the delivered documents' bytes.

Updates of one case are serialised by a process-wide lock (the portal API and the node's
worker live in one process); every write is one transaction.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from gateway.errors import GatewayError
from gateway.requester.model import Case
from gateway.store.engine import open_engine
from gateway.store.errors import StoreUnavailable
from gateway.store.migrate import upgrade
from gateway.store.schema import requester_cases, requester_evidence, requester_request_ids

__all__ = ["CaseNotFound", "CaseRepository", "RepositoryError"]


class RepositoryError(GatewayError):
    """The requester's tables cannot be read or written."""

    default_code = "GW:REQUESTER-STORE"


class CaseNotFound(RepositoryError):
    """No case with this id (for this client)."""

    default_code = "GW:CASE-NOT-FOUND"


class CaseRepository:
    """Cases of the portal API in the database at ``url``."""

    def __init__(self, url: str) -> None:
        """Open the engine and migrate the database to the head revision (idempotent;
        concurrent starts are serialised as the store's are)."""
        self._engine: Engine = open_engine(url)
        self.lock = threading.RLock()
        """Held around read-modify-write of a case."""
        try:
            upgrade(self._engine)
        except StoreUnavailable as exc:
            self._engine.dispose()
            raise RepositoryError(f"cannot prepare the requester tables: {exc}") from exc

    @contextmanager
    def _tx(self) -> Iterator[object]:
        try:
            with self._engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise RepositoryError(f"requester store: {exc}") from exc

    def insert(self, case: Case) -> None:
        """Store a new case."""
        with self._tx() as conn:
            conn.execute(insert(requester_cases).values(  # type: ignore[attr-defined]
                id=case.id, client=case.client, state=case.state.value,
                doc=json.dumps(case.to_json())))

    def save(self, case: Case, *, request_id: str | None = None,
             evidence: list[bytes] | None = None) -> None:
        """Replace a case; optionally index a request id and keep evidence bytes."""
        with self._tx() as conn:
            conn.execute(update(requester_cases).where(requester_cases.c.id == case.id).values(  # type: ignore[attr-defined]
                state=case.state.value, doc=json.dumps(case.to_json())))
            if request_id is not None:
                conn.execute(insert(requester_request_ids).values(  # type: ignore[attr-defined]
                    request_id=request_id, case_id=case.id))
            for i, data in enumerate(evidence or []):
                conn.execute(insert(requester_evidence).values(  # type: ignore[attr-defined]
                    case_id=case.id, idx=i, data=data))

    def get(self, case_id: str, *, client: str | None = None) -> Case:
        """The case ``case_id`` (of ``client`` when given: others' cases are not found)."""
        query = select(requester_cases.c.doc).where(requester_cases.c.id == case_id)
        if client is not None:
            query = query.where(requester_cases.c.client == client)
        with self._tx() as conn:
            row = conn.execute(query).first()  # type: ignore[attr-defined]
        if row is None:
            raise CaseNotFound(f"no evidence request {case_id!r}")
        return Case.from_json(json.loads(row[0]))

    def by_request_id(self, request_id: str) -> Case | None:
        """The case that sent the EDM request ``request_id``."""
        with self._tx() as conn:
            row = conn.execute(select(requester_request_ids.c.case_id).where(  # type: ignore[attr-defined]
                requester_request_ids.c.request_id == request_id)).first()
        return None if row is None else self.get(str(row[0]))

    def evidence(self, case_id: str, index: int) -> bytes:
        """The bytes of one delivered document."""
        with self._tx() as conn:
            row = conn.execute(select(requester_evidence.c.data).where(  # type: ignore[attr-defined]
                requester_evidence.c.case_id == case_id, requester_evidence.c.idx == index)).first()
        if row is None:
            raise CaseNotFound(f"evidence request {case_id!r} has no document {index}")
        return bytes(row[0])

    def close(self) -> None:
        """Release the connections."""
        self._engine.dispose()
