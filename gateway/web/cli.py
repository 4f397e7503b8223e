"""``oots-gateway serve``, ``oots-gateway messages list|show|retry``, ``oots-gateway db``.

These are adapters: they read the clock and pass ``now`` to the store.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from gateway.settings import Settings
from gateway.store import (
    Direction,
    MessageNotFound,
    MessageRecord,
    MessageState,
    MessageStore,
    current_revision,
    head_revision,
    upgrade,
)
from gateway.store.engine import open_engine

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["register", "render_table"]

_DIRECTIONS = {"in": Direction.INBOUND, "out": Direction.OUTBOUND}


def register(sub: Any) -> None:
    """Add ``serve``, ``messages`` and ``db`` to ``sub`` (an argparse sub-parsers action)."""
    serve = sub.add_parser("serve", help="run the gateway service (uvicorn)")
    serve.add_argument("--host", help="listen address (default: settings http_host)")
    serve.add_argument("--port", type=int, help="TCP port (default: settings http_port)")
    serve.add_argument("--log-level", default="info", help="uvicorn log level")
    serve.set_defaults(func=_serve)

    messages = sub.add_parser("messages", help="inspect and act on stored AS4 messages")
    msub = messages.add_subparsers(dest="messages_command", metavar="ACTION", required=True)
    ls = msub.add_parser("list", help="list messages, newest first")
    ls.add_argument("--direction", choices=sorted(_DIRECTIONS))
    ls.add_argument("--state", choices=[s.value for s in MessageState])
    ls.add_argument("--limit", type=int, default=50)
    _format_option(ls)
    ls.set_defaults(func=_list)
    show = msub.add_parser("show", help="one message with its history")
    show.add_argument("key", help="store pk (a number) or ebMS MessageId")
    show.add_argument("--direction", choices=sorted(_DIRECTIONS), help="for a MessageId")
    show.add_argument(
        "--raw",
        choices=["message", "receipt"],
        help="write the stored bytes of the message or its receipt to stdout instead",
    )
    _format_option(show)
    show.set_defaults(func=_show)
    retry = msub.add_parser("retry", help="retry a failed message")
    retry.add_argument("key", help="store pk (a number) or ebMS MessageId")
    retry.add_argument("--direction", choices=sorted(_DIRECTIONS), help="for a MessageId")
    _format_option(retry)
    retry.set_defaults(func=_retry)

    db = sub.add_parser("db", help="database schema (Alembic migrations)")
    dsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    dsub.add_parser("upgrade", help="migrate the database to this version").set_defaults(
        func=_db_upgrade
    )
    dsub.add_parser("current", help="show the schema revision").set_defaults(func=_db_current)


def _format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["table", "json"], default="table")


def _now() -> datetime:
    return datetime.now(UTC)


def service_app(settings: Settings) -> FastAPI:
    """The app ``serve`` runs, by the configured sections.

    - ``[gewerbe]``: the node with the requester, the preview space (when
      ``[provider]`` is on) and the assistant's ``/gewerbe/`` pages
      (docs/gewerbe-assistant.md); a browser reaches them over TLS, terminated in front of
      this port or by ``python -m gateway.web.gewerbe.serve --https-port``;
    - ``[provider]``: the DE evidence provider, the node's application plus the preview
      space;
    - otherwise the node (and the portal API with ``[portal]``).
    """
    if settings.section("gewerbe"):
        from gateway.web.gewerbe.serve import create_gewerbe_app

        return create_gewerbe_app(settings)
    if settings.section("provider"):
        from gateway.provider.web import create_provider_app

        return create_provider_app(settings)
    from gateway.web.app import create_app

    return create_app(settings)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    app = service_app(settings)
    uvicorn.run(
        app,
        host=args.host or settings.http_host,
        port=args.port if args.port is not None else settings.http_port,
        log_level=args.log_level,
    )
    return 0


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO) -> None:
    """Write an aligned plain-text table."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out.write(line.rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def _lookup(store: MessageStore, key: str, direction: str | None) -> MessageRecord:
    if key.isdigit() and direction is None:
        return store.get(int(key))
    candidates = [_DIRECTIONS[direction]] if direction else list(Direction)
    for d in candidates:
        try:
            return store.find(d, key)
        except MessageNotFound:
            continue
    raise MessageNotFound(f"no message with MessageId {key!r}")


def _list(args: argparse.Namespace, settings: Settings) -> int:
    store = MessageStore.open(settings.effective_database_url)
    try:
        records = store.list_messages(
            direction=_DIRECTIONS[args.direction] if args.direction else None,
            state=MessageState(args.state) if args.state else None,
            limit=args.limit,
        )
    finally:
        store.close()
    if args.format == "json":
        json.dump([r.to_json() for r in records], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    render_table(
        ["PK", "DIR", "STATE", "MESSAGE-ID", "PEER", "ATTEMPTS", "UPDATED (UTC)", "LAST ERROR"],
        [
            [
                str(r.pk),
                "in" if r.direction is Direction.INBOUND else "out",
                r.state.value,
                r.message_id,
                (r.envelope.from_party if r.direction is Direction.INBOUND else r.envelope.to_party)
                or "-",
                str(r.attempts),
                _when(r.updated_at),
                r.last_error_code or "-",
            ]
            for r in records
        ],
        sys.stdout,
    )
    return 0


def _show(args: argparse.Namespace, settings: Settings) -> int:
    store = MessageStore.open(settings.effective_database_url)
    try:
        record = _lookup(store, args.key, args.direction)
        events = store.events(record.pk)
        if args.raw:
            digest = record.raw_sha256 if args.raw == "message" else record.receipt_sha256
            if digest is None:
                raise MessageNotFound(f"message {record.pk} has no receipt")
            sys.stdout.flush()
            sys.stdout.buffer.write(store.blob(digest))
            sys.stdout.buffer.flush()
            return 0
    finally:
        store.close()
    if args.format == "json":
        doc = record.to_json() | {"events": [e.to_json() for e in events]}
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    for name, value in record.to_json().items():
        sys.stdout.write(f"{name:<18} {'-' if value is None else value}\n")
    sys.stdout.write("\nhistory:\n")
    render_table(
        ["AT (UTC)", "KIND", "FROM", "TO", "ATTEMPT", "NOTE"],
        [
            [
                _when(e.at),
                e.kind.value,
                e.from_state.value if e.from_state else "-",
                e.to_state.value,
                str(e.attempt),
                e.note or "",
            ]
            for e in events
        ],
        sys.stdout,
    )
    return 0


def _retry(args: argparse.Namespace, settings: Settings) -> int:
    store = MessageStore.open(settings.effective_database_url)
    try:
        record = store.retry(_lookup(store, args.key, args.direction).pk, now=_now())
    finally:
        store.close()
    if args.format == "json":
        json.dump(record.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(f"message {record.pk} ({record.message_id}) is {record.state.value}\n")
    return 0


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_engine(settings.effective_database_url)
    try:
        revision = upgrade(engine)
    finally:
        engine.dispose()
    sys.stdout.write(f"database at revision {revision} (head {head_revision()})\n")
    return 0


def _db_current(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_engine(settings.effective_database_url)
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    sys.stdout.write(f"{revision or 'none (not migrated)'} (head {head_revision()})\n")
    return 0 if revision == head_revision() else 1
