"""Provider benchmark: one DE provider exchange end to end, against the plain AS4 round trip.

Setup (temporary directory, test PKI): the processes of the end-to-end tests
(:class:`mocks.de_registers.world.World`): mock Handelsregister, mock eID, the DE node
with the provider (uvicorn, SQLite store), the NL mock access point.

* **provider exchange** (no preview: ``PossibilityForPreview`` false): NL pushes an EDM
  v2.0 request over AS4 (signed + encrypted, receipt verified); the DE worker validates it
  (XSD + rules), asks the register over HTTP (XNachweis -> XJustiz), builds the extract,
  renders and PAdES-signs the PDF, and pushes the response to NL; the exchange ends when
  DE's outbox row of the response is ``receipt-received`` (request in -> response out and
  acknowledged), read from DE's database.
* **plain AS4 round trip** (same run, same processes, same 1-payload size class): NL pushes
  a message the node only delivers (action ``ExceptionResponse``: the provider answers
  only ``ExecuteQueryRequest``) and waits for the signed receipt.

Reported: p50/p90 latency of sequential exchanges (concurrency 1), exchanges/s at
concurrency 16 for a fixed time, the same two figures for the AS4 round trip, and the
ratios. CPU count and load average are included: compare only within one run.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from gateway.evidence.edm import EdmVersion, ExchangeHeader
from gateway.node import reply_message_id
from gateway.settings import Settings
from gateway.store import Direction, MessageState, MessageStore
from gateway.store.errors import MessageNotFound
from mocks.de_registers.scenarios import company_request
from mocks.de_registers.world import World
from mocks.pki import ensure_pki

CONCURRENCY = 16
SEQUENTIAL = 20
DURATION_S = 15.0
V2 = EdmVersion.V2_0
EUIDS = ("DEK1101R.HRB116737", "DED2601V.HRB254311", "DEU1308.HRB32007", "DEX1517R.HRB395KI")


def _header() -> ExchangeHeader:
    return ExchangeHeader.for_version(V2, conversation_id=str(uuid.uuid4()),
                                      exchange_id=str(uuid.uuid4()))


class _Bench:
    def __init__(self, world: World) -> None:
        self.world = world
        de = Settings.load(config_file=world.root / "de" / "gateway.toml", environ={})
        self.store = MessageStore.open(de.effective_database_url, migrate=False)

    def exchange(self, client: httpx.Client, n: int) -> float:
        request = dataclasses.replace(
            company_request(V2, euid=EUIDS[n % len(EUIDS)], now=datetime.now(UTC)),
            possibility_for_preview=False)
        started = time.perf_counter()
        mid = self.world.nl_send(request, _header(), client=client)
        reply = reply_message_id(mid, "de.oots.test")
        deadline = started + 60
        while time.perf_counter() < deadline:
            try:
                state = self.store.find(Direction.OUTBOUND, reply).state
                if state is MessageState.RECEIPT_RECEIVED:
                    return time.perf_counter() - started
            except MessageNotFound:
                pass
            time.sleep(0.005)
        raise RuntimeError(f"no response to {mid}\n{self.world.logs()}")

    def plain(self, client: httpx.Client, n: int) -> float:
        request = company_request(V2, now=datetime.now(UTC))
        started = time.perf_counter()
        self.world.nl_send(request, _header(), action="ExceptionResponse", client=client)
        return time.perf_counter() - started


def _sequential(fn: Any, count: int) -> dict[str, float]:
    with httpx.Client(timeout=60) as client:
        fn(client, -1)  # warm-up
        times = [fn(client, i) for i in range(count)]
    q = statistics.quantiles(times, n=10)
    return {"p50_ms": round(statistics.median(times) * 1000, 1), "p90_ms": round(q[8] * 1000, 1)}


def _throughput(fn: Any, duration: float) -> dict[str, Any]:
    done: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + duration

    def worker(k: int) -> None:
        with httpx.Client(timeout=60) as client:
            i = 0
            while time.perf_counter() < stop:
                try:
                    t = fn(client, k * 100_000 + i)
                except Exception as exc:  # counted and reported
                    with lock:
                        errors.append(str(exc)[:200])
                    return
                with lock:
                    done.append(t)
                i += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(CONCURRENCY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"per_s": round(len(done) / elapsed, 2), "completed": len(done),
            "errors": len(errors),
            "p50_ms_at_16": round(statistics.median(done) * 1000, 1) if done else 0.0,
            **({"first_error": errors[0]} if errors else {})}


def run() -> dict[str, Any]:
    """Run the benchmark; JSON-ready result."""
    settings = Settings.load()
    pki = ensure_pki(settings.pki_dir)
    with tempfile.TemporaryDirectory(prefix="bench-provider-") as tmp:
        world = World(Path(tmp), pki, settings.shared_dir)
        try:
            world.start()
            bench = _Bench(world)
            # provider first: the plain phase leaves delivered-only messages in DE's inbox
            # that its worker still re-opens afterwards, which would slow the exchanges
            prov_seq = _sequential(bench.exchange, SEQUENTIAL)
            prov_tp = _throughput(bench.exchange, DURATION_S)
            plain_seq = _sequential(bench.plain, SEQUENTIAL)
            plain_tp = _throughput(bench.plain, DURATION_S)
            bench.store.close()
        finally:
            world.stop()
    return {
        "provider_exchange": {"sequential": prov_seq, "concurrency_16": prov_tp},
        "plain_as4_round_trip": {"sequential": plain_seq, "concurrency_16": plain_tp},
        "latency_ratio_p50": round(prov_seq["p50_ms"] / plain_seq["p50_ms"], 2),
        "throughput_ratio": round(prov_tp["per_s"] / plain_tp["per_s"], 3)
        if plain_tp["per_s"] else None,
        "cpus": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2),
        "note": "exchange = NL push -> DE validate + register + extract + PAdES PDF -> DE push "
                "to NL, ended at DE's receipt-received; plain = NL push + receipt",
    }
