"""Durable cases and delivered evidence (adapter: SQLAlchemy Core over the node's database).

Tables (created on first use, ``CREATE TABLE IF NOT EXISTS``; not yet an Alembic
revision of :mod:`gateway.store`, see ``docs/requester.md`` known gaps):

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

from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from gateway.errors import GatewayError
from gateway.requester.model import Case
from gateway.store.engine import open_engine

__all__ = ["CaseNotFound", "CaseRepository", "RepositoryError"]

_META = MetaData()
_CASES = Table("requester_cases", _META,
               Column("id", String(64), primary_key=True),
               Column("client", String(128), nullable=False, index=True),
               Column("state", String(32), nullable=False),
               Column("doc", Text, nullable=False))
_REQUEST_IDS = Table("requester_request_ids", _META,
                     Column("request_id", String(128), primary_key=True),
                     Column("case_id", String(64), nullable=False))
_EVIDENCE = Table("requester_evidence", _META,
                  Column("case_id", String(64), primary_key=True),
                  Column("idx", Integer, primary_key=True),
                  Column("data", LargeBinary, nullable=False))


class RepositoryError(GatewayError):
    """The requester's tables cannot be read or written."""

    default_code = "GW:REQUESTER-STORE"


class CaseNotFound(RepositoryError):
    """No case with this id (for this client)."""

    default_code = "GW:CASE-NOT-FOUND"


class CaseRepository:
    """Cases of the portal API in the database at ``url``."""

    def __init__(self, url: str) -> None:
        """Open the engine and create the tables when missing."""
        self._engine: Engine = open_engine(url)
        self.lock = threading.RLock()
        """Held around read-modify-write of a case."""
        try:
            _META.create_all(self._engine)
        except SQLAlchemyError as exc:
            raise RepositoryError(f"cannot create the requester tables: {exc}") from exc

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
            conn.execute(insert(_CASES).values(  # type: ignore[attr-defined]
                id=case.id, client=case.client, state=case.state.value,
                doc=json.dumps(case.to_json())))

    def save(self, case: Case, *, request_id: str | None = None,
             evidence: list[bytes] | None = None) -> None:
        """Replace a case; optionally index a request id and keep evidence bytes."""
        with self._tx() as conn:
            conn.execute(update(_CASES).where(_CASES.c.id == case.id).values(  # type: ignore[attr-defined]
                state=case.state.value, doc=json.dumps(case.to_json())))
            if request_id is not None:
                conn.execute(insert(_REQUEST_IDS).values(  # type: ignore[attr-defined]
                    request_id=request_id, case_id=case.id))
            for i, data in enumerate(evidence or []):
                conn.execute(insert(_EVIDENCE).values(  # type: ignore[attr-defined]
                    case_id=case.id, idx=i, data=data))

    def get(self, case_id: str, *, client: str | None = None) -> Case:
        """The case ``case_id`` (of ``client`` when given: others' cases are not found)."""
        query = select(_CASES.c.doc).where(_CASES.c.id == case_id)
        if client is not None:
            query = query.where(_CASES.c.client == client)
        with self._tx() as conn:
            row = conn.execute(query).first()  # type: ignore[attr-defined]
        if row is None:
            raise CaseNotFound(f"no evidence request {case_id!r}")
        return Case.from_json(json.loads(row[0]))

    def by_request_id(self, request_id: str) -> Case | None:
        """The case that sent the EDM request ``request_id``."""
        with self._tx() as conn:
            row = conn.execute(select(_REQUEST_IDS.c.case_id).where(  # type: ignore[attr-defined]
                _REQUEST_IDS.c.request_id == request_id)).first()
        return None if row is None else self.get(str(row[0]))

    def evidence(self, case_id: str, index: int) -> bytes:
        """The bytes of one delivered document."""
        with self._tx() as conn:
            row = conn.execute(select(_EVIDENCE.c.data).where(  # type: ignore[attr-defined]
                _EVIDENCE.c.case_id == case_id, _EVIDENCE.c.idx == index)).first()
        if row is None:
            raise CaseNotFound(f"evidence request {case_id!r} has no document {index}")
        return bytes(row[0])

    def close(self) -> None:
        """Release the connections."""
        self._engine.dispose()
