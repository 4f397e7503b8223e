"""The assistant's notification step in-process, with the Gewerbeamt behind an httpx mock
transport: a refused or lost delivery leaves the registration at the form (resumable), a
retry sends the same bytes (the inbox sees a duplicate, not a second notification), and a
submitted registration is never sent again."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.gewerbe import assistant as a
from gateway.gewerbe.errors import FormIncomplete
from gateway.gewerbe.models import FieldSource
from gateway.requester.service import RequesterService
from gateway.web.gewerbe.service import AssistantConfig, AssistantService, NotificationFailed
from tests.unit.gewerbe.scenarios import COMPANIES

FORM = {"activity": "Großhandel", "start_date": "2027-01-01", "street": "Spremberger Str.",
        "house_number": "90", "postcode": "03046", "city": "Cottbus", "ags": "12052000",
        "kind": "trade", "full_time_employees": "1", "part_time_employees": "0"}


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=5)
        return self.now


def _service(tmp_path: Path, answers: list[Any]) -> tuple[AssistantService, list[bytes]]:
    posted: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        posted.append(request.content)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[no-any-return]

    config = AssistantConfig("https://node.test", "http://amt.test", b"k" * 20)
    # the requester is never asked in these tests (the evidence is already delivered)
    service = AssistantService(config, RequesterService.__new__(RequesterService),
                               tmp_path / "gewerbe", clock=Clock(),
                               http=httpx.Client(transport=httpx.MockTransport(handler)))
    reg = a.delivered(a.open_registration("NL", "90000471", now=Clock()()),
                      dataclasses.replace(COMPANIES["nl-bv"]),
                      FieldSource("NL:KVK", "urn:uuid:ev"), now=Clock()())
    service.store.save(reg)
    return service, posted


def _ack(status: int = 201, duplicate: bool = False) -> httpx.Response:
    return httpx.Response(status, json={"status": "received", "record_uuid": "r-1",
                                        "ags": "12052000", "duplicate": duplicate,
                                        "gewerbeamt": "Gewerbeamt Cottbus (mock)"})


def test_refused_then_resumed_then_never_again(tmp_path: Path) -> None:
    """503 -> NotificationFailed, still at the form with the typed values; resubmit -> sent;
    a third submit returns the acknowledgement without posting."""
    service, posted = _service(tmp_path, [httpx.Response(503, json={"code": "X"}), _ack()])
    reg = next(iter(service.store.folder.glob("*.json"))).stem
    stored = service.store.get(reg)
    assert stored is not None
    with pytest.raises(NotificationFailed):
        service.submit(stored, FORM)
    kept = service.store.get(reg)
    assert kept is not None and kept.step is a.Step.FORM and kept.draft["activity"] == "Großhandel"
    done = service.submit(kept, FORM)
    assert done.step is a.Step.SUBMITTED and done.digest and done.receipt["record_uuid"] == "r-1"
    again = service.submit(done, dict(FORM, activity="something else"))
    assert again.digest == done.digest and len(posted) == 2
    assert posted[0] == posted[1]  # the retry carried the very same notification


def test_lost_answer_retry_is_a_duplicate_of_the_same_bytes(tmp_path: Path) -> None:
    """The inbox stored the message but the answer was lost: the retry (a minute later)
    sends equal bytes; the inbox's duplicate acknowledgement completes the registration."""
    service, posted = _service(tmp_path, [httpx.ReadError("connection reset"),
                                          _ack(200, duplicate=True)])
    reg = service.store.get(next(iter(service.store.folder.glob("*.json"))).stem)
    assert reg is not None
    with pytest.raises(NotificationFailed):
        service.submit(reg, FORM)
    kept = service.store.get(reg.id)
    assert kept is not None and kept.submitted_at is not None
    done = service.submit(kept, FORM)
    assert done.step is a.Step.SUBMITTED and len(posted) == 2 and posted[0] == posted[1]


def test_incomplete_is_kept_and_nothing_posted(tmp_path: Path) -> None:
    """Missing fields: FormIncomplete, the draft and the missing names stored, no POST."""
    service, posted = _service(tmp_path, [])
    reg = service.store.get(next(iter(service.store.folder.glob("*.json"))).stem)
    assert reg is not None
    with pytest.raises(FormIncomplete):
        service.submit(reg, dict(FORM, activity="", ags="1"))
    kept = service.store.get(reg.id)
    assert kept is not None and set(kept.missing) == {"activity", "ags"} and posted == []
