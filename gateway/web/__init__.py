"""The web adapter: FastAPI app factory, health/readiness/metrics, the error-to-wire mapping."""

from gateway.web.app import create_app
from gateway.web.errors import to_wire

__all__ = ["create_app", "to_wire"]
