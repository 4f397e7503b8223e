"""Storage adapter of the exchange log: SQLAlchemy 2 Core on SQLite or PostgreSQL.

Tables (prefix ``audit_``):

- ``audit_entry(idx, data, leaf_hash, leaf_key)``: leaf ``idx``, its canonical
  bytes, its leaf hash and an indexed look-up key (epoch and hash prefix);
- ``audit_hash(idx, hash)``: the stored hash at tlog stored-hash index ``idx``
  (see :mod:`gateway.audit._merkle`), written once, never updated;
- ``audit_checkpoint(size, note, created)``: the signed checkpoint per size;
- ``audit_head(id, size)``: one row, the current tree size.

One batch is one transaction: entries, new stored hashes, the new signed checkpoint and the
head move together or not at all. The head is advanced with a compare-and-set (``UPDATE ...
WHERE size = <old>``), so a racing second writer fails instead of interleaving.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from gateway.audit import _merkle as merkle
from gateway.audit._checkpoint import Checkpoint, NoteSigner, sign_checkpoint
from gateway.audit._entry import LogEntry
from gateway.audit._errors import AuditError, ProofError

__all__ = ["AuditStore", "metadata"]

_CHUNK = 2000  # bound parameters per IN (...) query

metadata = MetaData()
"""The exchange log's tables (for Alembic or ``create_all``)."""

entry_table = Table(
    "audit_entry",
    metadata,
    Column("idx", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("data", LargeBinary, nullable=False),
    Column("leaf_hash", LargeBinary(32), nullable=False),
    # Look-up key: epoch (idx >> 16) in the high bits, 47 bits of the leaf hash
    # below. A batch only inserts into its own epoch's part of the index, so the
    # index stays append-local however large the log grows; a look-up probes
    # one key per epoch (and then compares the full leaf_hash).
    Column("leaf_key", BigInteger, nullable=False, index=True),
)
hash_table = Table(
    "audit_hash",
    metadata,
    Column("idx", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("hash", LargeBinary(32), nullable=False),
)
checkpoint_table = Table(
    "audit_checkpoint",
    metadata,
    Column("size", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("note", LargeBinary, nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
)
head_table = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("size", BigInteger, nullable=False),
)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: keeps the leaf-hash index hot
    cursor.close()


_EPOCH_BITS = 16  # 65,536 leaves per look-up epoch
_PREFIX_BITS = 47  # 16 epoch bits + 47 prefix bits fit a positive signed 64-bit integer
_PREFIX_MASK = (1 << _PREFIX_BITS) - 1


def _leaf_key(index: int, leaf_hash: bytes) -> int:
    prefix = int.from_bytes(leaf_hash[:8], "big") & _PREFIX_MASK
    return ((index >> _EPOCH_BITS) << _PREFIX_BITS) | prefix


def _leaf_keys_of(start: int, leaf_hashes: Sequence[bytes]) -> list[int]:
    """:func:`_leaf_key` of leaves ``start, start + 1, ...`` (the batched-append hot path)."""
    out: list[int] = []
    from_bytes, mask = int.from_bytes, _PREFIX_MASK
    at = 0
    while at < len(leaf_hashes):  # one run per epoch the batch touches
        index = start + at
        epoch = (index >> _EPOCH_BITS) << _PREFIX_BITS
        run = leaf_hashes[at : at + (((index >> _EPOCH_BITS) + 1) << _EPOCH_BITS) - index]
        out += [epoch | (from_bytes(h[:8], "big") & mask) for h in run]
        at += len(run)
    return out


def _leaf_keys(size: int, leaf_hash: bytes) -> list[int]:
    """The look-up key ``leaf_hash`` has in every epoch of a log of ``size`` leaves."""
    epochs = ((max(size, 1) - 1) >> _EPOCH_BITS) + 1
    return [_leaf_key(e << _EPOCH_BITS, leaf_hash) for e in range(epochs)]


def _bulk_insert(conn: Connection, table: Table, rows: Sequence[tuple[int | bytes, ...]]) -> None:
    """Insert many rows inside the open transaction of ``conn``.

    The hot path of batched appends: SQLite and psycopg get the rows straight
    through the DB-API (``executemany`` / ``COPY``) on the transaction's own
    connection, skipping SQLAlchemy's per-row parameter processing; other
    dialects use a plain Core ``insert``. Column order is the table's.
    """
    columns = [c.name for c in table.columns]
    dialect = conn.dialect
    driver = conn.connection.driver_connection
    if driver is None:
        raise AuditError("the database connection has no DB-API driver connection")
    names = ", ".join(columns)
    if dialect.name == "sqlite":
        marks = ", ".join("?" for _ in columns)
        driver.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)  # noqa: S608
    elif dialect.name == "postgresql" and dialect.driver == "psycopg":
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


# SQLite: the batch's stored hashes travel as one blob that SQLite cuts into 32-byte rows
# (4x less CPU than binding one row each); same rows, same transaction.
_SQLITE_HASH_ROWS = (
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?) "
    "INSERT INTO audit_hash (idx, hash) SELECT ? + i, substr(?, i * 32 + 1, 32) FROM n"
)


def _insert_hashes(conn: Connection, start: int, hashes: Sequence[bytes]) -> None:
    """Insert ``hashes`` at stored-hash indexes ``start, start + 1, ...``."""
    if not hashes:
        return
    if conn.dialect.name == "sqlite":
        blob = b"".join(hashes)
        if len(blob) != 32 * len(hashes) or merkle.HASH_SIZE != 32:
            raise AuditError("stored hashes must be 32 bytes each")
        driver = conn.connection.driver_connection
        if driver is None:
            raise AuditError("the database connection has no DB-API driver connection")
        driver.execute(_SQLITE_HASH_ROWS, (len(hashes), start, blob))
        return
    rows = list(zip(range(start, start + len(hashes)), hashes, strict=True))
    _bulk_insert(conn, hash_table, rows)


class AuditStore:
    """The append-only exchange log in the node's database."""

    def __init__(self, engine: Engine, *, origin: str, signer: NoteSigner) -> None:
        """Use ``engine``; checkpoints name ``origin`` and are signed by ``signer``."""
        self._engine = engine
        self._origin = origin
        self._signer = signer
        self._lock = threading.Lock()

    @classmethod
    def open(cls, url: str, *, origin: str, signer: NoteSigner) -> AuditStore:
        """Connect to ``url`` (e.g. ``settings.effective_database_url``) and create the tables."""
        try:
            engine = create_engine(url)
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
            metadata.create_all(engine)
        except SQLAlchemyError as exc:
            raise AuditError(f"cannot open the exchange log database: {exc}") from exc
        store = cls(engine, origin=origin, signer=signer)
        store._ensure_head()
        return store

    @property
    def origin(self) -> str:
        """The log's checkpoint origin line."""
        return self._origin

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for tests and maintenance)."""
        return self._engine

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def _ensure_head(self) -> None:
        with self._engine.begin() as conn:
            if conn.execute(select(head_table.c.size)).first() is None:
                conn.execute(insert(head_table).values(id=1, size=0))

    # -- writing ------------------------------------------------------------

    def append(self, entries: Sequence[LogEntry], *, now: datetime) -> bytes:
        """Append ``entries`` as one batch and return the new signed checkpoint."""
        return self.append_canonical([e.canonical() for e in entries], now=now)

    def append_canonical(self, datas: Sequence[bytes], *, now: datetime) -> bytes:
        """Append leaf data (canonical entry bytes) as one batch; see :meth:`append`."""
        with self._lock:
            try:
                with self._engine.begin() as conn:
                    return self._append(conn, datas, now)
            except SQLAlchemyError as exc:
                raise AuditError(f"exchange log append failed, nothing written: {exc}") from exc

    def _append(self, conn: Connection, datas: Sequence[bytes], now: datetime) -> bytes:
        size = self._size(conn)
        frontier = self._read(conn, merkle.tree_hash_indexes(size))
        leaves = merkle.leaf_hashes(datas)
        new_hashes, new_frontier = merkle.append_leaves(size, frontier, leaves)
        new_size = size + len(datas)
        if datas:
            start = merkle.stored_hash_count(size)
            rows = list(
                zip(range(size, new_size), datas, leaves, _leaf_keys_of(size, leaves), strict=True)
            )
            _bulk_insert(conn, entry_table, rows)
            _insert_hashes(conn, start, new_hashes)
        note = self._checkpoint_note(new_size, merkle.frontier_root(new_frontier))
        existing = conn.execute(
            select(checkpoint_table.c.note).where(checkpoint_table.c.size == new_size)
        ).scalar_one_or_none()
        if existing is None:
            conn.execute(insert(checkpoint_table).values(size=new_size, note=note, created=now))
        moved = conn.execute(
            update(head_table)
            .where(head_table.c.id == 1, head_table.c.size == size)
            .values(size=new_size)
        )
        if moved.rowcount != 1:
            raise AuditError("another writer appended concurrently; batch rolled back")
        return note

    def _checkpoint_note(self, size: int, root: bytes) -> bytes:
        return sign_checkpoint(Checkpoint(self._origin, size, root), self._signer)

    def checkpoint_now(self, *, now: datetime) -> bytes:
        """Issue (or return) the signed checkpoint of the current tree, on demand."""
        return self.append_canonical([], now=now)

    # -- reading ------------------------------------------------------------

    def size(self) -> int:
        """Current number of entries."""
        with self._engine.connect() as conn:
            return self._size(conn)

    @staticmethod
    def _size(conn: Connection) -> int:
        value = conn.execute(select(head_table.c.size).where(head_table.c.id == 1)).scalar()
        return int(value or 0)

    @staticmethod
    def _read(conn: Connection, indexes: Sequence[int]) -> list[bytes]:
        if not indexes:
            return []
        wanted = sorted(set(indexes))
        found: dict[int, bytes] = {}
        for at in range(0, len(wanted), _CHUNK):
            chunk = wanted[at : at + _CHUNK]
            rows = conn.execute(
                select(hash_table.c.idx, hash_table.c.hash).where(hash_table.c.idx.in_(chunk))
            ).all()
            found.update((int(i), bytes(h)) for i, h in rows)
        missing = [i for i in indexes if i not in found]
        if missing:
            raise AuditError(f"stored hashes missing from the database: {missing[:5]}")
        return [found[i] for i in indexes]

    def _hashes(self, indexes: Sequence[int]) -> dict[int, bytes]:
        unique = sorted(set(indexes))
        with self._engine.connect() as conn:
            return dict(zip(unique, self._read(conn, unique), strict=True))

    def latest_checkpoint(self) -> bytes | None:
        """The signed checkpoint of the largest tree, or ``None`` for a new log."""
        with self._engine.connect() as conn:
            note = conn.execute(
                select(checkpoint_table.c.note).order_by(checkpoint_table.c.size.desc()).limit(1)
            ).scalar_one_or_none()
        return None if note is None else bytes(note)

    def checkpoints(self) -> list[tuple[int, bytes]]:
        """Every signed checkpoint issued, by tree size."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(checkpoint_table.c.size, checkpoint_table.c.note).order_by(
                    checkpoint_table.c.size
                )
            ).all()
        return [(int(s), bytes(n)) for s, n in rows]

    def entries(self, start: int, end: int) -> list[bytes]:
        """Canonical bytes of leaves ``start`` (inclusive) to ``end`` (exclusive)."""
        if not 0 <= start <= end:
            raise AuditError(f"invalid entry range [{start}, {end})")
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(entry_table.c.data)
                .where(entry_table.c.idx >= start, entry_table.c.idx < end)
                .order_by(entry_table.c.idx)
            ).all()
        return [bytes(r[0]) for r in rows]

    def index_of(self, leaf_hash: bytes) -> int:
        """The first leaf index whose hash is ``leaf_hash``."""
        value = None
        with self._engine.connect() as conn:
            keys = _leaf_keys(self._size(conn), leaf_hash)
            for at in range(0, len(keys), _CHUNK):  # epochs in order: the first hit is lowest
                value = conn.execute(
                    select(func.min(entry_table.c.idx)).where(
                        entry_table.c.leaf_key.in_(keys[at : at + _CHUNK]),
                        entry_table.c.leaf_hash == leaf_hash,
                    )
                ).scalar()
                if value is not None:
                    break
        if value is None:
            raise ProofError(f"no entry with leaf hash {leaf_hash.hex()}")
        return int(value)

    def tree_hash(self, size: int) -> bytes:
        """MTH of the first ``size`` leaves, from stored hashes."""
        self._check_size(size)
        return merkle.tree_hash(size, self._hashes(merkle.tree_hash_indexes(size)))

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """Audit path of leaf ``index`` in the tree of ``size`` leaves."""
        self._check_size(size)
        hashes = self._hashes(merkle.inclusion_proof_indexes(index, size))
        return merkle.inclusion_proof(index, size, hashes)

    def inclusion_proofs(
        self, start: int, end: int, size: int
    ) -> list[tuple[int, bytes, list[bytes]]]:
        """``(index, leaf hash, audit path)`` of leaves ``start..end-1`` in the tree of ``size``.

        The leaf hash is the one the tree commits to (stored hash level 0)."""
        self._check_size(size)
        if not 0 <= start <= end <= size:
            raise ProofError(f"leaf range [{start}, {end}) is not in a tree of size {size}")
        leaf_indexes = [merkle.stored_hash_index(0, i) for i in range(start, end)]
        needed = [j for i in range(start, end) for j in merkle.inclusion_proof_indexes(i, size)]
        hashes = self._hashes([*leaf_indexes, *needed])
        return [
            (i, hashes[merkle.stored_hash_index(0, i)], merkle.inclusion_proof(i, size, hashes))
            for i in range(start, end)
        ]

    def all_stored_hashes(self) -> list[bytes]:
        """Every stored hash in storage order (for offline export)."""
        with self._engine.connect() as conn:
            size = self._size(conn)
            rows = conn.execute(
                select(hash_table.c.hash)
                .where(hash_table.c.idx < merkle.stored_hash_count(size))
                .order_by(hash_table.c.idx)
            ).all()
        return [bytes(r[0]) for r in rows]

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """Proof that the tree of ``old_size`` is a prefix of the one of ``new_size``."""
        self._check_size(new_size)
        hashes = self._hashes(merkle.consistency_proof_indexes(old_size, new_size))
        return merkle.consistency_proof(old_size, new_size, hashes)

    def _check_size(self, size: int) -> None:
        if size > self.size():
            raise ProofError(f"tree size {size} is larger than the log")
