"""A process the crash tests SIGKILL in the middle of a store transaction.

Usage: python crash_victim.py DATABASE_URL SCENARIO PK MARKER_FILE

It runs one store operation and, at the operation's LAST statement (the history
entry, after everything else of the transaction was sent to the database), writes
MARKER_FILE and sleeps; the test then kills it with SIGKILL.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from gateway.store import Envelope, MessageStore

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def main() -> None:
    """Run the scenario and hang at its last statement."""
    url, scenario, pk, marker = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    store = MessageStore.open(url, migrate=False)
    last = {"receive": 1, "answer": 2, "receipt": 1}[scenario]
    seen = 0

    def hang(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        nonlocal seen
        if statement.lstrip().upper().startswith("INSERT INTO MESSAGE_EVENTS"):
            seen += 1
            if seen == last:
                marker.write_text(statement)
                time.sleep(600)

    event.listen(store.engine, "before_cursor_execute", hang)
    if scenario == "receive":
        store.receive_inbound(Envelope("crash@nl"), raw=b"<crash/>", receipt=b"<r/>", now=NOW)
    elif scenario == "answer":
        store.answer_inbound(
            pk, Envelope("answer@de"), raw=b"<answer/>", endpoint_url="u", worker="victim", now=NOW
        )
    else:
        store.receipt_received(pk, receipt=b"<receipt/>", now=NOW, worker="victim")
    sys.exit("the victim was supposed to be killed")


if __name__ == "__main__":
    main()
