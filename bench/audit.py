"""Exchange-log load benchmark: batched appends, inclusion proofs, SHA-256 baseline.

``python -m bench.audit [--entries N] [--batch B] [--proofs P]`` prints one JSON
object. SQLite always (a fresh file under a temporary directory); PostgreSQL
too when ``OOTS_TEST_POSTGRES_URL`` is set (in a schema ``bench_audit`` of its
own, dropped afterwards). Appends are timed from ``LogEntry`` objects to committed batch
(canonical JSON, leaf hashes, stored hashes, signed checkpoint, one
transaction per batch); building the entry objects is not timed. The baseline
is raw SHA-256 of the same canonical bytes, measured in the same run, so the
ratio stays meaningful on a loaded machine; ``appends_per_cpu_s`` (process CPU
time; database server time not included for PostgreSQL) and
``appends_per_s_median_batch`` (wall time of the median batch) show the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text

from gateway.audit import _merkle as merkle
from gateway.audit._checkpoint import generate_signer_key, open_checkpoint
from gateway.audit._storage import AuditStore
from gateway.audit.cli import demo_entries

__all__ = ["run"]

TARGET_SQLITE_APPENDS_PER_S = 20_000
"""Issue 8 acceptance target for batched appends on SQLite."""

_ORIGIN = "bench.oots.example.de/exchange-log"
_SALT = b"bench-subject-salt-0123456789abcdef"
_PG_SCHEMA = "bench_audit"


def _bench_store(
    url: str, *, entries: int, batch: int, proofs: int, seed: int
) -> dict[str, Any]:
    signer = generate_signer_key(_ORIGIN, hashlib.sha256(b"bench key").digest())
    store = AuditStore.open(url, origin=_ORIGIN, signer=signer)
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    append_s = append_cpu_s = 0.0
    sha_s = 0.0
    note = b""
    batch_rates: list[float] = []
    try:
        for start in range(0, entries, batch):
            chunk = demo_entries(start, min(batch, entries - start), salt=_SALT, now=now)
            t0, c0 = time.perf_counter(), time.process_time()
            note = store.append(chunk, now=now)
            seconds = time.perf_counter() - t0
            batch_rates.append(len(chunk) / seconds)
            append_s += seconds
            append_cpu_s += time.process_time() - c0
            datas = [e.canonical() for e in chunk]
            t0 = time.perf_counter()
            for data in datas:
                hashlib.sha256(b"\x00" + data).digest()
            sha_s += time.perf_counter() - t0
        checkpoint = open_checkpoint(note, signer.verifier(), origin=_ORIGIN)
        if checkpoint.size != entries:
            raise RuntimeError(f"log has {checkpoint.size} entries, expected {entries}")
        rng = random.Random(seed)
        times = []
        for _ in range(proofs):
            index = rng.randrange(entries)
            t0 = time.perf_counter()
            proof = store.inclusion_proof(index, entries)
            times.append(time.perf_counter() - t0)
            data = store.entries(index, index + 1)[0]
            merkle.verify_inclusion(
                index, entries, merkle.leaf_hash(data), proof, checkpoint.root_hash
            )
        times.sort()
    finally:
        store.close()
    appends = entries / append_s
    hashes = entries / sha_s
    return {
        "entries": entries,
        "batch": batch,
        "append_seconds": round(append_s, 3),
        "appends_per_s": round(appends),
        "appends_per_cpu_s": round(entries / append_cpu_s),
        # The median batch: a load spike on a shared machine stretches a few batches only.
        "appends_per_s_median_batch": round(statistics.median(batch_rates)),
        "sha256_per_s": round(hashes),
        "append_to_sha256_ratio": round(appends / hashes, 5),
        "inclusion_proofs": proofs,
        "inclusion_proof_ms_mean": round(statistics.fmean(times) * 1e3, 3),
        "inclusion_proof_ms_p99": round(times[int(len(times) * 0.99) - 1] * 1e3, 3),
        "proof_hashes": len(proof),
    }


def run(
    *, entries: int = 1_000_000, batch: int = 10_000, proofs: int = 1_000, seed: int = 8
) -> dict[str, Any]:
    """Run the benchmark on SQLite (and PostgreSQL when configured); return the figures."""
    result: dict[str, Any] = {"name": "audit", "load_average": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'audit.sqlite3'}"
        sqlite = _bench_store(sqlite_url, entries=entries, batch=batch, proofs=proofs, seed=seed)
    sqlite["target_appends_per_s"] = TARGET_SQLITE_APPENDS_PER_S
    sqlite["target_met"] = sqlite["appends_per_s"] >= TARGET_SQLITE_APPENDS_PER_S
    result["sqlite"] = sqlite
    pg_url = os.environ.get("OOTS_TEST_POSTGRES_URL", "")
    if pg_url:
        # A schema of its own, so a bench run never touches the tests' tables.
        base = make_url(pg_url)
        engine = create_engine(base)
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {_PG_SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {_PG_SCHEMA}"))
        url = base.update_query_dict({"options": f"-csearch_path={_PG_SCHEMA}"})
        try:
            result["postgresql"] = _bench_store(
                url.render_as_string(hide_password=False),
                entries=entries,
                batch=batch,
                proofs=proofs,
                seed=seed,
            )
        finally:
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {_PG_SCHEMA} CASCADE"))
            engine.dispose()
    else:
        result["postgresql"] = "skipped: OOTS_TEST_POSTGRES_URL is not set"
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line: print the figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.audit")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--proofs", type=int, default=1_000)
    args = parser.parse_args(argv)
    print(json.dumps(run(entries=args.entries, batch=args.batch, proofs=args.proofs), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
