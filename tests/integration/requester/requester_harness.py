"""The processes of the requester end-to-end tests (:mod:`mocks.wsp.world`)."""

from __future__ import annotations

from mocks.wsp.world import OTHER_TOKEN, TOKEN, WEBHOOK_SECRET, Tls, World, make_tls, start_world

__all__ = ["OTHER_TOKEN", "TOKEN", "WEBHOOK_SECRET", "Tls", "World", "make_tls", "start_world"]
