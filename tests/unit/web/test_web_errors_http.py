"""Errors on the wire of a real server: uvicorn process on loopback, httpx client.

Every error kind is raised inside a request by ``serve_test_app.py``; what the
client gets is what :mod:`gateway.web.errors` maps it to.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from serve_test_app import SECRET
from web_servers import Server, Servers

from gateway.namespaces import NS
from gateway.xml import parse_xml

LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def server(module_servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> Server:
    """One server for the module (the error routes do not touch the store)."""
    tmp: Path = tmp_path_factory.mktemp("errors")
    return module_servers.test_app(
        tmp / "var", f"sqlite:///{tmp / 'errors.sqlite3'}", max_bytes=LIMIT
    )


def test_healthz(server: Server) -> None:
    r = httpx.get(f"{server.url}/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def _fault(r: httpx.Response) -> tuple[dict[str, str], str, str | None, str | None]:
    assert r.headers["content-type"].startswith("application/soap+xml")
    root = parse_xml(r.content)
    ns = {"S12": NS.SOAP12, "eb": NS.EB}
    [err] = root.findall("S12:Header/eb:Messaging/eb:SignalMessage/eb:Error", ns)
    value = root.findtext("S12:Body/S12:Fault/S12:Code/S12:Value", namespaces=ns)
    ref = root.findtext(
        "S12:Header/eb:Messaging/eb:SignalMessage/eb:MessageInfo/eb:RefToMessageId", namespaces=ns
    )
    detail = err.findtext("eb:ErrorDetail", namespaces=ns)
    assert value is not None
    return {str(k): str(v) for k, v in err.attrib.items()}, value, ref, detail


def test_remote_ebms_error_is_an_ebms_signal_in_a_soap_fault(server: Server) -> None:
    r = httpx.get(f"{server.url}/_test/raise/ebms-remote")
    assert r.status_code == 400
    attrs, value, ref, detail = _fault(r)
    assert attrs == {
        "origin": "ebMS",
        "category": "Content",
        "errorCode": "EBMS:0001",
        "severity": "failure",
        "shortDescription": "ValueNotRecognized",
        "refToMessageInError": "in-42@nl.example",
    }
    assert value == "S12:Sender" and ref == "in-42@nl.example"
    assert detail == "Service=urn:unknown"


def test_security_error_has_security_origin(server: Server) -> None:
    attrs, _value, _, _ = _fault(httpx.get(f"{server.url}/_test/raise/ebms-security"))
    assert attrs["origin"] == "security" and attrs["errorCode"] == "EBMS:0101"
    assert attrs["shortDescription"] == "FailedAuthentication"


def test_local_ebms_error_reveals_nothing(server: Server) -> None:
    r = httpx.get(f"{server.url}/_test/raise/ebms-local")
    assert r.status_code == 500
    attrs, value, _, detail = _fault(r)
    assert value == "S12:Receiver" and detail is None and attrs["errorCode"] == "EBMS:0004"
    assert SECRET not in r.text


def test_xml_rejected_is_400_with_readable_body(server: Server) -> None:
    r = httpx.get(f"{server.url}/_test/raise/xml")
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["code"] == "GW:XML-REJECTED" and body["title"] == "Invalid input"
    assert body["detail"]


def test_evidence_error_http_mapping(server: Server) -> None:
    r = httpx.get(f"{server.url}/_test/raise/evidence")
    assert r.status_code == 404
    assert r.json()["code"] == "EDM:ERR:0004" and r.json()["field"] == "x"


@pytest.mark.parametrize(
    ("kind", "status"), [("config", 500), ("kit", 500), ("bug", 500), ("store", 503)]
)
def test_local_failures_get_a_generic_body(server: Server, kind: str, status: int) -> None:
    r = httpx.get(f"{server.url}/_test/raise/{kind}")
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"type", "title", "status", "detail", "incident"}
    assert SECRET not in r.text and "Traceback" not in r.text
    if kind == "store":
        assert r.headers["retry-after"] == "5"
    assert body["incident"] in server.log.read_text()  # operators can find it


def test_body_limit_with_and_without_content_length(server: Server) -> None:
    ok = httpx.post(f"{server.url}/_test/echo", content=b"x" * 1000)
    assert ok.status_code == 200 and ok.json() == {"received": 1000}
    big = httpx.post(f"{server.url}/_test/echo", content=b"x" * (LIMIT + 1))
    assert big.status_code == 413 and big.json()["code"] == "GW:BODY-TOO-LARGE"

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"y" * 1024

    chunked = httpx.post(f"{server.url}/_test/echo", content=chunks())
    assert chunked.status_code == 413
    assert json.loads(chunked.content)["code"] == "GW:BODY-TOO-LARGE"


def test_unknown_route_is_404_not_a_stack_trace(server: Server) -> None:
    r = httpx.get(f"{server.url}/nowhere")
    assert r.status_code == 404 and "Traceback" not in r.text
