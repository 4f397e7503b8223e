"""The running AS4 node: inbound pipeline, reliable sender, worker, application dispatch.

Adapters around the I/O-free AS4 core (:mod:`gateway.ebms`) and the durable store
(:mod:`gateway.store`); wired from ``Settings.section("node")`` (``docs/node.md``).
"""

from gateway.node.config import NodeConfig, TlsOptions, load_node_config
from gateway.node.dispatch import (
    Application,
    DeliverOnly,
    Delivery,
    Dispatcher,
    Handler,
    Reply,
    reply_message_id,
)
from gateway.node.exchange_log import ExchangeLog
from gateway.node.inbound import INBOUND_STORED, Accepted, InboundPipeline
from gateway.node.outbound import (
    OUTBOUND_ATTEMPT_FAILED,
    OUTBOUND_BEGUN,
    OUTBOUND_POSTED,
    Sender,
)
from gateway.node.runtime import INBOUND_HANDLED, Node, StageObserver
from gateway.node.worker import Worker

__all__ = [
    "INBOUND_HANDLED",
    "INBOUND_STORED",
    "OUTBOUND_ATTEMPT_FAILED",
    "OUTBOUND_BEGUN",
    "OUTBOUND_POSTED",
    "Accepted",
    "Application",
    "DeliverOnly",
    "Delivery",
    "Dispatcher",
    "ExchangeLog",
    "Handler",
    "InboundPipeline",
    "Node",
    "NodeConfig",
    "Reply",
    "Sender",
    "StageObserver",
    "TlsOptions",
    "Worker",
    "load_node_config",
    "reply_message_id",
]
