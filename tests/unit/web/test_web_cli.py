"""``oots-gateway messages list|show|retry`` and ``db upgrade|current`` over a real store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.store import Direction, Envelope, MessageState, MessageStore, head_revision

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A store with one answered inbound, one failed and one queued outbound message."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("OOTS_DATABASE_URL", url)
    monkeypatch.setenv("OOTS_VAR_DIR", str(tmp_path / "var"))
    store = MessageStore.open(url)
    store.receive_inbound(
        Envelope("req-1@nl", from_party="NL-AP"), raw=b"<req/>", receipt=b"<r/>", now=NOW
    )
    failed = store.enqueue_outbound(
        Envelope("resp-1@de", to_party="NL-AP"), raw=b"<resp/>", endpoint_url="https://nl", now=NOW
    ).record.pk
    store.fail(failed, now=NOW + timedelta(minutes=1), error_code="EBMS:0301", error="no receipt")
    store.enqueue_outbound(Envelope("resp-2@de"), raw=b"<r2/>", endpoint_url="https://at", now=NOW)
    store.close()
    return url


def test_list_table(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["messages", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "PK",
        "DIR",
        "STATE",
        "MESSAGE-ID",
        "PEER",
        "ATTEMPTS",
        "UPDATED",
        "(UTC)",
        "LAST",
        "ERROR",
    ]
    rows = [line.split() for line in lines[2:]]
    assert [r[3] for r in rows] == ["resp-2@de", "resp-1@de", "req-1@nl"]
    assert rows[1][:5] == ["2", "out", "failed", "resp-1@de", "NL-AP"]
    assert rows[1][-1] == "EBMS:0301"


def test_list_json_filtered(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["messages", "list", "--state", "failed", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [d["message_id"] for d in doc] == ["resp-1@de"]
    assert doc[0]["last_error"] == "no receipt"
    assert main(["messages", "list", "--direction", "in", "--format", "json"]) == 0
    assert [d["message_id"] for d in json.loads(capsys.readouterr().out)] == ["req-1@nl"]


def test_show_by_message_id_with_history(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["messages", "show", "resp-1@de", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["state"] == "failed"
    assert [(e["from_state"], e["to_state"]) for e in doc["events"]] == [
        (None, "queued"),
        ("queued", "failed"),
    ]
    assert main(["messages", "show", "1"]) == 0
    out = capsys.readouterr().out
    assert "req-1@nl" in out and "history:" in out


def test_show_raw_bytes(db: str, capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["messages", "show", "req-1@nl", "--raw", "message"]) == 0
    assert capfdbinary.readouterr().out == b"<req/>"
    assert main(["messages", "show", "req-1@nl", "--raw", "receipt"]) == 0
    assert capfdbinary.readouterr().out == b"<r/>"
    assert main(["messages", "show", "resp-2@de", "--raw", "receipt"]) == 2


def test_retry_failed_message(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["messages", "retry", "resp-1@de"]) == 0
    assert "is queued" in capsys.readouterr().out
    store = MessageStore.open(db)
    rec = store.find(Direction.OUTBOUND, "resp-1@de")
    store.close()
    assert rec.state is MessageState.QUEUED and rec.attempts == 0


def test_retry_of_a_non_failed_message_is_refused(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["messages", "retry", "resp-2@de"]) == 2
    assert "GW:STORE-ILLEGAL-TRANSITION" in capsys.readouterr().err


def test_unknown_message(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["messages", "show", "nope@x"]) == 2
    assert "GW:STORE-NOT-FOUND" in capsys.readouterr().err


def test_db_upgrade_and_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OOTS_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    assert main(["db", "current"]) == 1
    assert "not migrated" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert f"revision {head_revision()} (head {head_revision()})" in capsys.readouterr().out
    assert main(["db", "current"]) == 0
