"""``oots-gateway audit ...``: keys, checkpoints, offline export, demo entries, inquiries."""

from __future__ import annotations

import argparse
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from gateway.audit._entry import EventKind, LogEntry, entries_involving, subject_digest
from gateway.audit._export import export_log
from gateway.audit._keys import generate_keys, load_salt, open_store
from gateway.settings import Settings

__all__ = ["demo_entries", "register"]


def register(sub: Any) -> None:
    """Add the ``audit`` command group to ``sub`` (an argparse sub-parsers action)."""
    audit = sub.add_parser("audit", help="signed exchange log (keys, export, checkpoints)")
    commands = audit.add_subparsers(dest="audit_command", metavar="AUDIT_COMMAND", required=True)

    keygen = commands.add_parser("keygen", help="create the log signing key and subject salt")
    keygen.set_defaults(func=_keygen)

    export = commands.add_parser("export", help="write entries, checkpoints and proofs to DIR")
    export.add_argument("directory", type=Path)
    export.set_defaults(func=_export)

    checkpoint = commands.add_parser("checkpoint", help="issue and print the latest checkpoint")
    checkpoint.set_defaults(func=_checkpoint)

    demo = commands.add_parser("append-demo", help="append scripted demo exchange events")
    demo.add_argument("--count", type=int, default=10)
    demo.add_argument("--batch", type=int, default=1000)
    demo.set_defaults(func=_append_demo)

    involved = commands.add_parser("involved", help="list entries involving an identifier")
    involved.add_argument("--scheme", required=True, help="identifier scheme")
    involved.add_argument("--value", required=True, help="identifier value")
    involved.set_defaults(func=_involved)


def _keygen(args: argparse.Namespace, settings: Settings) -> int:
    del args
    signer = generate_keys(settings)
    print(signer.verifier().encode())
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings)
    try:
        summary = export_log(store, args.directory)
    finally:
        store.close()
    print(
        f"exported {summary.size} entries and {summary.checkpoints} checkpoints to {args.directory}"
    )
    return 0


def _checkpoint(args: argparse.Namespace, settings: Settings) -> int:
    del args
    store = open_store(settings)
    try:
        note = store.checkpoint_now(now=datetime.now(UTC))
    finally:
        store.close()
    print(note.decode("utf-8"), end="")
    return 0


def demo_entries(start: int, count: int, *, salt: bytes, now: datetime) -> list[LogEntry]:
    """Scripted exchange events ``start .. start+count-1`` (request, response, receipt ...)."""
    kinds = list(EventKind)
    out = []
    for n in range(start, start + count):
        company = f"DE/HRB {10000 + n % 97}"
        out.append(
            LogEntry(
                event=kinds[n % len(kinds)],
                time=now + timedelta(milliseconds=n),
                message_id=f"demo-{n}@gateway.oots.de",
                wire_sha256=hashlib.sha256(f"demo wire bytes {n}".encode()).hexdigest(),
                sender="urn:oasis:names:tc:ebcore:partyid-type:unregistered:DE-OOTS-GW",
                receiver="urn:oasis:names:tc:ebcore:partyid-type:unregistered:AT-OOTS-GW",
                query_id=f"urn:uuid:0b6f9a1e-0000-4000-8000-{n:012d}",
                procedure="R1",
                evidence_type="https://sr.oots.tech.ec.europa.eu/evidencetypeclassifications/DE/demo",
                subjects=(subject_digest(salt, "LegalPersonIdentifier", company),),
            )
        )
    return out


def _append_demo(args: argparse.Namespace, settings: Settings) -> int:
    salt = load_salt(settings)
    store = open_store(settings)
    try:
        done = 0
        while done < args.count:
            n = min(args.batch, args.count - done)
            now = datetime.now(UTC)
            store.append(demo_entries(store.size(), n, salt=salt, now=now), now=now)
            done += n
        print(f"appended {done} demo entries; tree size {store.size()}")
    finally:
        store.close()
    return 0


def _involved(args: argparse.Namespace, settings: Settings) -> int:
    salt = load_salt(settings)
    store = open_store(settings)
    try:
        size = store.size()
        parsed = [(i, LogEntry.from_canonical(d)) for i, d in enumerate(store.entries(0, size))]
    finally:
        store.close()
    hits = entries_involving(parsed, salt, args.scheme, args.value)
    print(f"{len(hits)} of {size} entries involve {args.scheme} {args.value!r}: {list(hits)}")
    return 0
