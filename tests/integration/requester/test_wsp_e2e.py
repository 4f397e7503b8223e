"""End to end over real HTTP between separate processes: the WSP requests NL and AT evidence
through the gateway (EB + DSD, verified), the provider asks for a preview, the user
approves at the NL/AT preview page, the evidence reaches the portal (poll and webhook).
Every EDM message exchanged is judged by the validator (v1.0: official XSD + Schematron;
v2.0: RegRep XSD + project checks)."""

from __future__ import annotations

import time

import httpx
import pytest
from requester_flows import (
    api,
    assert_all_valid,
    browser,
    case_id,
    company,
    edm_messages,
    preview_and_decide,
    start_in_wsp,
    wait_state,
)
from requester_harness import World

from gateway.evidence.validation import Validator

pytestmark = pytest.mark.timeout(180)


@pytest.mark.parametrize(("country", "number", "version"), [
    ("NL", "59581883", "oots-edm:v1.0"), ("AT", "473888W", "oots-edm:v2.0")])
def test_wsp_gets_evidence_after_preview(world: World, validator: Validator, country: str,
                                         number: str, version: str) -> None:
    c = company(country, number)
    with browser(world) as b:
        local = start_in_wsp(b, world, c)
        cid = case_id(world, local)
        doc = wait_state(world, cid, {"preview-required", "failed"})
        assert doc["state"] == "preview-required", (doc["error"], doc["timeline"])
        assert doc["edm_version"] == version
        preview = doc["preview_url"]
        assert preview.startswith(world.nl if country == "NL" else world.at)
        if version == "oots-edm:v1.0":  # v1.0: the return address rides on the URL
            assert "returnUrl=https%3A%2F%2F127.0.0.1" in preview
        else:
            assert "returnUrl" not in preview
        page = b.get(f"{world.wsp}/requests/{local}")
        assert "id='preview'" in page.text
        back = preview_and_decide(b, preview, c)
        assert str(back.url).startswith(f"{world.wsp}/requests/{local}"), back.url
        doc = wait_state(world, cid, {"delivered", "failed"})
        assert doc["state"] == "delivered", (doc["error"], doc["timeline"])
        page = b.get(f"{world.wsp}/requests/{local}")
        assert "class='document'" in page.text
    assert [d["mime_type"] for d in doc["documents"]] == ["application/pdf"]
    with api(world) as client:
        pdf = client.get(doc["documents"][0]["href"].removeprefix("/portal/v1"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-1.4")
    assert pdf.headers["content-disposition"].startswith("attachment")
    assert pdf.headers["x-content-type-options"] == "nosniff"
    assert pdf.headers["x-content-sha256"] == doc["documents"][0]["sha256"]
    assert c.number.encode() in pdf.content
    conversation = _conversation(world, country, cid)
    messages = edm_messages(world, country, conversation)
    assert [(d, a) for d, a, _ in messages] == [
        ("in", "ExecuteQueryRequest"), ("out", "ExceptionResponse"),
        ("in", "ExecuteQueryRequest"), ("out", "ExecuteQueryResponse")]
    applied = assert_all_valid(validator, messages)
    if version == "oots-edm:v1.0":  # the official XSD + both Schematron sets ran
        assert all("-S + EDM-" in a and a.split(" + ")[-1].split(" ")[0].endswith("-C")
                   for a in applied), applied
    else:
        assert all("oots-edm:v2.0 RegRep XSD + project checks" in a for a in applied), applied
    with api(world) as client:  # the gateway judged both answers itself, too
        events = [e["event"] for e in client.get(f"/evidence-requests/{cid}").json()["timeline"]]
    assert [e for e in events if e.endswith("passed the validator")] == [
        "EvidenceErrorResponse from the provider passed the validator",
        "EvidenceResponse from the provider passed the validator"]
    hooks = _webhooks(world, cid, {"preview-required", "delivered"})
    assert all(h["verified"] for h in hooks)


def _conversation(world: World, country: str, cid: str) -> str:
    from requester_flows import journal

    with api(world) as client:
        timeline = client.get(f"/evidence-requests/{cid}").json()["timeline"]
    request_ids = [e["event"].split(" request ")[1].split(" ")[0] for e in timeline
                   if " request urn:uuid:" in e["event"]]
    assert request_ids
    for entry in journal(world, country):
        if entry["direction"] == "in" and _names(world, country, entry, request_ids[0]):
            return str(entry["conversation_id"])
    raise AssertionError("no conversation found")


def _names(world: World, country: str, entry: dict[str, object], request_id: str) -> bool:
    url = world.nl if country == "NL" else world.at
    for part in entry["payloads"]:  # type: ignore[attr-defined]
        data = httpx.get(f"{url}/control/payload/{part['file']}",
                         verify=world.tls.context).content
        if request_id.encode() in data:
            return True
    return False


def _webhooks(world: World, cid: str, states: set[str]) -> list[dict[str, object]]:
    deadline = time.monotonic() + 15
    while True:
        got = httpx.get(f"{world.wsp}/control/webhooks", verify=world.tls.context).json()
        mine = [h for h in got if h.get("notice", {}).get("id") == cid]
        if states <= {h["notice"]["state"] for h in mine} or time.monotonic() > deadline:
            assert states <= {h["notice"]["state"] for h in mine}, got
            return mine
        time.sleep(0.1)
