"""Prometheus metrics: store contents at scrape time plus in-process latencies.

Metric names (all prefixed ``oots_``):

``oots_messages{direction,state}``
    gauge, number of messages in the store (every legal state listed, zeros too)
``oots_outbound_retries_total``
    counter, retransmissions ever made (``sent -> sent`` transitions in the history)
``oots_store_up``
    gauge, 1 when the last scrape could read the store
``oots_http_request_duration_seconds{method,route,status}``
    histogram, time to answer an HTTP request
``oots_message_processing_seconds{direction,stage}``
    histogram, for the AS4 endpoint and the workers (:meth:`GatewayMetrics.observe`)

Each app has its own registry (no global state), so several apps can live in one
process (tests).
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from gateway.errors import GatewayError
from gateway.store.reads import StoreReads
from gateway.store.states import TRANSITIONS, Direction

__all__ = ["CONTENT_TYPE", "GatewayMetrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
"""Prometheus text exposition format."""

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _StoreCollector(Collector):
    """Reads message counts and retries from the store on every scrape."""

    def __init__(self, store: StoreReads | None) -> None:
        self._store = store

    def collect(self) -> Iterator[Metric]:
        """Yield the store-derived metric families."""
        up = GaugeMetricFamily("oots_store_up", "1 when the message store could be read")
        if self._store is None:
            up.add_metric([], 0)
            yield up
            return
        try:
            counts = self._store.counts()
            retries = self._store.retries_total()
        except GatewayError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        messages = GaugeMetricFamily(
            "oots_messages",
            "Messages in the store by direction and state",
            labels=["direction", "state"],
        )
        for direction in Direction:
            for state in TRANSITIONS[direction]:
                messages.add_metric(
                    [direction.value, state.value], counts.get((direction, state), 0)
                )
        yield messages
        yield CounterMetricFamily(
            "oots_outbound_retries",
            "AS4 retransmissions (reception awareness retries) ever made",
            value=retries,
        )


class GatewayMetrics:
    """The metrics of one app instance."""

    def __init__(self, store: StoreReads | None) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(_StoreCollector(store))
        self.http_latency = Histogram(
            "oots_http_request_duration_seconds",
            "Time to answer an HTTP request",
            ["method", "route", "status"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.processing_latency = Histogram(
            "oots_message_processing_seconds",
            "Time spent on one message in one stage (receive, verify, send, ...)",
            ["direction", "stage"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )

    def observe(self, direction: Direction, stage: str, seconds: float) -> None:
        """Record how long ``stage`` took for one message."""
        self.processing_latency.labels(direction.value, stage).observe(seconds)

    def render(self) -> bytes:
        """The exposition text for ``/metrics``."""
        return generate_latest(self.registry)
