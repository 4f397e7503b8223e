"""The portal API over HTTP: bearer tokens, clients kept apart, the OpenAPI contract,
refusals of impossible steps."""

from __future__ import annotations

import httpx
import pytest
from requester_flows import api, wait_state
from requester_harness import OTHER_TOKEN, World

pytestmark = pytest.mark.timeout(120)

_START = {"procedure": "X2", "country": "NL", "preview": True,
          "company": {"legal_name": "Bakkerij De Molen V.O.F.", "national_id": "34123456"}}


def _start(world: World) -> str:
    with api(world) as client:
        got = client.post("/evidence-requests",
                          json={**_START, "return_url": f"{world.wsp}/return/x"})
    assert got.status_code == 200, got.text
    return str(got.json()["id"])


@pytest.mark.parametrize("header", [None, "Bearer wrong-token-0123456789",
                                    "Basic d3NwOnNlY3JldA==", "Bearer x"])
def test_requests_without_a_valid_token_are_401(world: World, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    for method, path in (("POST", "/evidence-requests"), ("GET", "/evidence-requests/x")):
        got = httpx.request(method, f"{world.de}/portal/v1{path}", headers=headers,
                            json=_START, timeout=30)
        assert got.status_code == 401, got.text
        assert got.headers["www-authenticate"] == "Bearer"
        assert got.headers["content-type"].startswith("application/problem+json")


def test_a_client_sees_only_its_own_requests(world: World) -> None:
    cid = _start(world)
    with api(world, OTHER_TOKEN) as other:
        assert other.get(f"/evidence-requests/{cid}").status_code == 404
        assert other.post(f"/evidence-requests/{cid}/choice",
                          json={"option": "x"}).status_code == 404
        assert other.get(f"/evidence-requests/{cid}/documents/0").status_code == 404
    with api(world) as mine:
        assert mine.get(f"/evidence-requests/{cid}").json()["state"] == "choice-required"


def test_impossible_steps_are_refused(world: World) -> None:
    cid = _start(world)
    wait_state(world, cid, {"choice-required"})
    with api(world) as client:
        not_offered = client.post(f"/evidence-requests/{cid}/choice", json={"option": "nope"})
        assert not_offered.status_code == 409
        assert not_offered.json()["code"] == "GW:PORTAL-REFUSED"
        wrong_step = client.post(f"/evidence-requests/{cid}/input", json={"values": {}})
        assert wrong_step.status_code == 409
        no_document = client.get(f"/evidence-requests/{cid}/documents/0")
        assert no_document.status_code == 409
        http_return = client.post("/evidence-requests",
                                  json={**_START, "return_url": "http://plain.example/r"})
        assert http_return.status_code == 409  # TDD 4.9: https only
        http_hook = client.post("/evidence-requests", json={
            **_START, "return_url": f"{world.wsp}/return/x", "webhook_url": "http://wsp/hook"})
        assert http_hook.status_code == 409
        bad_body = client.post("/evidence-requests", json={**_START, "country": "Netherlands"})
        assert bad_body.status_code == 400
        assert client.get(f"/evidence-requests/{cid}").json()["state"] == "choice-required"


def test_openapi_documents_the_api_and_its_bearer_scheme(world: World) -> None:
    doc = httpx.get(f"{world.de}/portal/v1/openapi.json", timeout=30).json()
    paths = set(doc["paths"])
    assert paths == {"/portal/v1/evidence-requests", "/portal/v1/evidence-requests/{case_id}",
                     "/portal/v1/evidence-requests/{case_id}/choice",
                     "/portal/v1/evidence-requests/{case_id}/input",
                     "/portal/v1/evidence-requests/{case_id}/documents/{index}"}
    schemes = doc["components"]["securitySchemes"]
    assert [s["scheme"].lower() for s in schemes.values()] == ["bearer"]
    start = doc["paths"]["/portal/v1/evidence-requests"]["post"]
    assert start["security"] and "requestBody" in start
    assert {"StartIn", "CaseOut", "ChoiceIn", "InputIn"} <= set(doc["components"]["schemas"])
