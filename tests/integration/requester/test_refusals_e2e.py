"""End to end: what must not lead to evidence. A refused preview (no response leaves the
provider), unknown and dissolved companies (EDM:ERR:0004 back to the portal), and EB/DSD
answers that are unsigned, signed by an untrusted key or changed after signing (refused
before anything is sent)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from requester_flows import (
    api,
    assert_all_valid,
    browser,
    company,
    edm_messages,
    journal,
    preview_and_decide,
    wait_state,
)
from requester_harness import World

from gateway.evidence.validation import Validator

pytestmark = pytest.mark.timeout(180)


def _start(world: World, country: str, name: str, number: str) -> str:
    with api(world) as client:
        got = client.post("/evidence-requests", json={
            "procedure": "X1", "country": country, "preview": True,
            "return_url": f"{world.wsp}/return/direct",
            "company": {"legal_name": name, "national_id": number}})
    assert got.status_code == 200, got.text
    return str(got.json()["id"])


def _conversation_of(world: World, country: str, before: int) -> str:
    entries = journal(world, country)[before:]
    return next(str(e["conversation_id"]) for e in entries if e["direction"] == "in")


def test_refused_preview_sends_no_evidence(world: World, validator: Validator) -> None:
    c = company("NL", "69599084")
    before = len(journal(world, "NL"))
    cid = _start(world, "NL", c.name, c.number)
    doc = wait_state(world, cid, {"preview-required", "failed"})
    assert doc["state"] == "preview-required", doc["error"]
    with browser(world) as b:
        back = preview_and_decide(b, doc["preview_url"], c, approve=False)
    # back at the requester's return address (v1.0: it came as the returnUrl parameter)
    assert f"{world.wsp}/return/direct" in [str(r.url) for r in back.history], back.history
    doc = wait_state(world, cid, {"delivered", "failed"})
    assert doc["state"] == "failed"
    assert doc["error"]["code"] == "EDM:ERR:0004"
    assert "refused" in doc["error"]["message"]
    assert doc["documents"] == []
    messages = edm_messages(world, "NL", _conversation_of(world, "NL", before))
    assert [(d, a) for d, a, _ in messages] == [
        ("in", "ExecuteQueryRequest"), ("out", "ExceptionResponse"),
        ("in", "ExecuteQueryRequest"), ("out", "ExceptionResponse")]
    assert_all_valid(validator, messages)


def test_preview_cannot_be_skipped_by_a_stranger(world: World) -> None:
    c = company("AT", "98765B")
    cid = _start(world, "AT", c.name, c.number)
    doc = wait_state(world, cid, {"preview-required", "failed"})
    with browser(world) as b:
        page = b.get(doc["preview_url"])
        base = doc["preview_url"]
        wrong = b.post(f"{base}/login", data={"given_name": "Eve", "family_name": "Mallory",
                                              "birth_date": "1990-01-01"})
        assert wrong.status_code == 403 and 'id="login-failed"' in wrong.text
        decision = b.post(f"{base}/decision", data={"decision": "approve"})
        assert decision.status_code == 403
        assert 'id="login"' in page.text
    again = wait_state(world, cid, {"preview-required"})
    assert again["state"] == "preview-required" and again["documents"] == []


@pytest.mark.parametrize(("number", "detail"), [("99999999", "no company"),
                                                 ("17012345", "dissolved")])
def test_unknown_or_dissolved_company_is_edm_err_0004(world: World, validator: Validator,
                                                      number: str, detail: str) -> None:
    before = len(journal(world, "NL"))
    cid = _start(world, "NL", "Whoever B.V.", number)
    doc = wait_state(world, cid, {"failed", "preview-required", "delivered"})
    assert doc["state"] == "failed"
    assert doc["error"]["code"] == "EDM:ERR:0004"
    assert detail in doc["error"]["message"]
    assert_all_valid(validator, edm_messages(world, "NL", _conversation_of(world, "NL", before)))


@pytest.fixture
def broken_signatures(world: World) -> Iterator[str]:
    """Switch the mock EB/DSD to a broken signature mode; back to valid afterwards."""
    modes: list[str] = []

    def switch(mode: str) -> None:
        assert httpx.post(f"{world.cs}/control/signature/{mode}").status_code == 204
        modes.append(mode)

    yield switch  # type: ignore[misc]
    switch("valid")


@pytest.mark.parametrize("mode", ["none", "untrusted", "tampered"])
def test_unsigned_or_wrongly_signed_eb_dsd_answers_are_refused(
        world: World, broken_signatures: object, mode: str) -> None:
    broken_signatures(mode)  # type: ignore[operator]
    before = len(journal(world, "NL"))
    cid = _start(world, "NL", "Voorbeeld Handel B.V.", "59581883")
    with api(world) as client:
        doc = client.get(f"/evidence-requests/{cid}").json()
    assert doc["state"] == "failed"
    assert doc["error"]["code"] == "GW:CS-SIGNATURE"
    assert doc["provider"] is None
    assert len(journal(world, "NL")) == before  # nothing went out
