"""End to end: when several evidence types or providers fit, the user chooses in the
portal (never the first silently); the DSD:ERR:0005 question goes to the user and back.
Driven through the WSP stand-in's pages, as a person clicks."""

from __future__ import annotations

import re

import pytest
from requester_flows import (
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

from gateway.evidence import edm
from gateway.evidence.validation import Validator
from mocks.eu_peers.providers import scenarios

pytestmark = pytest.mark.timeout(180)


def _conversation(world: World, country: str, provider_id: str) -> str:
    from requester_flows import journal

    for entry in reversed(journal(world, country)):
        if entry["direction"] == "in" and entry["properties"].get("finalRecipient") == \
                provider_id:
            return str(entry["conversation_id"])
    raise AssertionError(f"no request to {provider_id} arrived")


def test_two_evidence_types_then_two_providers_are_chosen_by_the_user(
        world: World, validator: Validator) -> None:
    c = company("NL", "34123456")
    with browser(world) as b:
        local = start_in_wsp(b, world, c, procedure="X2")
        cid = case_id(world, local)
        doc = wait_state(world, cid, {"choice-required", "failed"})
        assert doc["state"] == "choice-required", doc["error"]
        assert doc["choice"]["kind"] == "evidence-type"
        assert len(doc["choice"]["options"]) == 2
        assert doc["provider"] is None  # nothing was sent
        page = b.get(f"{world.wsp}/requests/{local}")
        offered = re.findall(r"name='option' value='([^']+)'", page.text)
        historical = scenarios.classification("NL-historical", scenarios.CsVersion.V1_0)
        assert historical in offered and len(offered) == 2
        page = b.post(f"{world.wsp}/requests/{local}/choice", data={"option": historical})
        doc = wait_state(world, cid, {"choice-required", "failed"})
        assert doc["state"] == "choice-required", (doc["error"], doc["timeline"])
        assert doc["choice"]["kind"] == "provider", doc
        labels = sorted(o["label"] for o in doc["choice"]["options"])
        assert labels == ["Chamber of Commerce", "Chamber of Commerce archive"]
        offered = re.findall(r"name='option' value='([^']+)'",
                             b.get(f"{world.wsp}/requests/{local}").text)
        archive = next(o for o in offered if "59581884" in o)
        b.post(f"{world.wsp}/requests/{local}/choice", data={"option": archive})
        doc = wait_state(world, cid, {"preview-required", "failed"})
        assert doc["state"] == "preview-required", doc["error"]
        preview_and_decide(b, doc["preview_url"], c)
        doc = wait_state(world, cid, {"delivered", "failed"})
        assert doc["state"] == "delivered", doc["error"]
    events = " | ".join(e["event"] for e in doc["timeline"])
    assert "2 evidence-types fit" in events and "2 providers fit" in events
    messages = edm_messages(world, "NL", _conversation(world, "NL", "59581884"))
    assert len(messages) == 4
    assert_all_valid(validator, messages)
    first = edm.parse_request(messages[0][2])
    assert first.provider.identifier.value == "59581884"
    assert first.evidence_request.evidence_type_classification == historical


def test_dsd_err_0005_question_goes_to_the_user_and_back(world: World,
                                                         validator: Validator) -> None:
    c = company("AT", "123456A")
    with browser(world) as b:
        local = start_in_wsp(b, world, c, procedure="X2")
        cid = case_id(world, local)
        doc = wait_state(world, cid, {"input-required", "failed"})
        assert doc["state"] == "input-required", doc["error"]
        concepts = doc["input"]["concepts"]
        assert [k["id"] for k in concepts] == [scenarios.COURT_CONCEPT]
        page = b.get(f"{world.wsp}/requests/{local}")
        assert f"name='{scenarios.COURT_CONCEPT}'" in page.text
        b.post(f"{world.wsp}/requests/{local}/input",
               data={scenarios.COURT_CONCEPT: "LG Innsbruck"})
        doc = wait_state(world, cid, {"preview-required", "failed"})
        assert doc["state"] == "preview-required", doc["error"]
        preview_and_decide(b, doc["preview_url"], c)
        doc = wait_state(world, cid, {"delivered", "failed"})
        assert doc["state"] == "delivered", doc["error"]
    assert any("DSD:ERR:0005" in e["event"] for e in doc["timeline"])
    from requester_flows import journal

    conversation = next(e["conversation_id"] for e in reversed(journal(world, "AT"))
                        if e["direction"] == "in")
    messages = edm_messages(world, "AT", conversation)
    assert_all_valid(validator, messages)
    first = edm.parse_request(messages[0][2])
    values = [(p.identifier.value, p.supported_value.values if p.supported_value else ())
              for p in first.provider_classifications]
    assert values == [(scenarios.COURT_CONCEPT, ("LG Innsbruck",))]
