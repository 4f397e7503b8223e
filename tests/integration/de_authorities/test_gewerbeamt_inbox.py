"""The mocked Gewerbeamt over real HTTP: acknowledge valid notifications, refuse invalid ones,
route by AGS, never keep half a notification."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import httpx
import pytest

from gateway.gewerbe import build_anmeldung
from gateway.gewerbe.builder import digest_of
from gateway.gewerbe.schema import PROJECT_SCHEMA
from gateway.kits.install import install_kits
from gateway.settings import Settings, project_root
from mocks.eu_peers.processes import ProcessGroup, free_port
from tests.unit.gewerbe.scenarios import COMPANIES, evidence_source, form

from .conftest import Authorities

XML = {"content-type": "application/xml"}


def _files(store: Path) -> list[str]:
    return sorted(p.relative_to(store).as_posix() for p in store.rglob("*") if p.is_file())


def _post(authorities: Authorities, ags: str, body: bytes) -> httpx.Response:
    return httpx.post(f"{authorities.base}/gewerbeamt/{ags}/inbox", content=body, headers=XML,
                      timeout=30)


def test_valid_notification_is_stored_and_acknowledged(authorities: Authorities) -> None:
    xml, digest = build_anmeldung(COMPANIES["nl-bv"], form(), evidence_source("NL:KVK"))
    answer = _post(authorities, "12052000", xml)
    assert answer.status_code == 201, answer.text
    ack = answer.json()
    assert ack["status"] == "received" and ack["duplicate"] is False
    assert ack["digest"] == digest
    assert ack["ags"] == "12052000" and ack["gewerbeamt"] == "Gewerbeamt Cottbus (mock)"
    assert ack["schema"] == "project" and ack["version"] == "2.2"
    stored = httpx.get(f"{authorities.base}/gewerbeamt/12052000/inbox/{ack['record_uuid']}")
    assert stored.content == xml
    listing = httpx.get(f"{authorities.base}/gewerbeamt/12052000/inbox").json()
    assert [r["record_uuid"] for r in listing] == [ack["record_uuid"]]
    # Re-delivery: same receipt, not stored twice.
    again = _post(authorities, "12052000", xml)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["received_at"] == ack["received_at"]
    assert len(httpx.get(f"{authorities.base}/gewerbeamt/12052000/inbox").json()) == 1


def test_routing_by_ags(authorities: Authorities) -> None:
    xml, _ = build_anmeldung(COMPANIES["at-gmbh"], form(ags="05315000"),
                             evidence_source("AT:Firmenbuch"))
    before = _files(authorities.store)
    wrong = _post(authorities, "12052000", xml)
    assert wrong.status_code == 421
    assert wrong.json()["code"] == "XGA:MISROUTED"
    assert _files(authorities.store) == before
    right = _post(authorities, "05315000", xml)
    assert right.status_code == 201 and right.json()["gewerbeamt"] == "Gewerbeamt Köln (mock)"
    unknown = _post(authorities, "99999999", xml)
    assert unknown.status_code == 404 and unknown.json()["code"] == "XGA:NO-AUTHORITY"


@pytest.mark.parametrize("kit_file, status, code, needle", [
    ("xgwa2.2-invalid.xml", 422, "XGA:INVALID", "familienname"),
    ("xgwa2.1-invalid-sch.xml", 422, "XGA:INVALID", "SCH-0036"),
    ("xy-unknown.xml", 422, "XGA:INVALID", ""),
])
def test_invalid_messages_are_refused_readably(authorities: Authorities, shared_dir: Path,
                                               kit_file: str, status: int, code: str,
                                               needle: str) -> None:
    body = (shared_dir / "de" / "xgewerbeanzeige" / "examples" / kit_file).read_bytes()
    before = _files(authorities.store)
    answer = _post(authorities, "12052000", body)
    assert answer.status_code == status
    refusal = answer.json()
    assert refusal["status"] == "refused" and refusal["code"] == code
    assert needle in " ".join(refusal["errors"])
    assert _files(authorities.store) == before


def test_broken_xml_and_tampered_message_are_refused(authorities: Authorities) -> None:
    before = _files(authorities.store)
    assert _post(authorities, "12052000", b"<not-closed").status_code == 400
    xml, _ = build_anmeldung(COMPANIES["de-gmbh"], form(), evidence_source("DE:Handelsregister"))
    body_without_name = xml.replace(b"<xga:familienname>Hold</xga:familienname>", b"")
    answer = _post(authorities, "12052000", body_without_name)
    assert answer.status_code == 422 and "familienname" in " ".join(answer.json()["errors"])
    assert _files(authorities.store) == before


def test_same_record_other_content_is_a_conflict(authorities: Authorities) -> None:
    xml, _ = build_anmeldung(COMPANIES["at-eu"], form(), evidence_source("AT:Firmenbuch"))
    assert _post(authorities, "12052000", xml).status_code == 201
    changed = xml.replace(b"<xga:anzahlVollzeitBeschaeftigte>2<",
                          b"<xga:anzahlVollzeitBeschaeftigte>3<")
    assert changed != xml and digest_of(changed) != digest_of(xml)
    answer = _post(authorities, "12052000", changed)
    assert answer.status_code == 409 and answer.json()["code"] == "XGA:CONFLICT"


def test_concurrent_deliveries_store_one_complete_notification(
        authorities: Authorities) -> None:
    company = dataclasses.replace(COMPANIES["nl-eenmanszaak"], register_number="11223344")
    xml, digest = build_anmeldung(company, form(), evidence_source("NL:KVK"))
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(
        _post(authorities, "12052000", xml).status_code)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] * 7 + [201]
    inbox = authorities.store / "12052000"
    matching = [r for r in httpx.get(f"{authorities.base}/gewerbeamt/12052000/inbox").json()
                if r["digest"] == digest]
    assert len(matching) == 1
    record = inbox / matching[0]["record_uuid"]
    assert sorted(p.name for p in record.iterdir()) == ["message.xml", "receipt.json"]
    assert not [p for p in inbox.iterdir() if p.name.startswith(".staging-")]


def test_official_schema_in_use_when_installed(processes: ProcessGroup,
                                               tmp_path: Path) -> None:
    # A simulated official package (the project schema with gemeindeMeldungNr required),
    # installed through `schemas install --from DIR`; the mock is started on that var/.
    var = tmp_path / "var"
    package = tmp_path / "media" / "xsd"
    package.mkdir(parents=True)
    root = project_root()
    assert root is not None
    text = (root / PROJECT_SCHEMA).read_bytes()
    optional = b'<xs:element name="gemeindeMeldungNr" type="xs:token" minOccurs="0"/>'
    assert optional in text
    (package / "xgewerbeanzeige.xsd").write_bytes(
        text.replace(optional, b'<xs:element name="gemeindeMeldungNr" type="xs:token"/>'))
    install_kits(Settings(var_dir=var), from_dir=package)
    port = free_port()
    store = tmp_path / "store"
    proc = processes.python("de-authorities-official", "mocks.de_authorities", "--port",
                            str(port), "--store", str(store), "--var-dir", str(var))
    base = f"http://127.0.0.1:{port}"
    proc.wait_ready(f"{base}/healthz")
    assert httpx.get(f"{base}/healthz").json()["schemas"]["2.2"].startswith("official:")
    xml, _ = build_anmeldung(COMPANIES["de-ek"], form(), evidence_source("DE:Handelsregister"))
    refused = httpx.post(f"{base}/gewerbeamt/12052000/inbox", content=xml, headers=XML)
    assert refused.status_code == 422
    assert "gemeindeMeldungNr" in " ".join(refused.json()["errors"])
    assert _files(store) == []


def test_crash_before_storing_leaves_nothing_and_redelivery_succeeds(
        processes: ProcessGroup, tmp_path: Path) -> None:
    store = tmp_path / "store"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    crashing = processes.python("de-authorities-crash", "mocks.de_authorities", "--port",
                                str(port), "--store", str(store),
                                "--unsafe-crash-before-rename")
    crashing.wait_ready(f"{base}/healthz")
    xml, digest = build_anmeldung(COMPANIES["nl-bv"], form(), evidence_source("NL:KVK"))
    with pytest.raises(httpx.HTTPError):
        httpx.post(f"{base}/gewerbeamt/12052000/inbox", content=xml, headers=XML, timeout=30)
    assert crashing.stop() == 137
    staged = [p.name for p in (store / "12052000").iterdir()]
    assert staged and all(n.startswith(".staging-") for n in staged)  # the crash point
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    processes.python("de-authorities-restarted", "mocks.de_authorities", "--port", str(port),
                     "--store", str(store)).wait_ready(f"{base}/healthz")
    assert httpx.get(f"{base}/gewerbeamt/12052000/inbox").json() == []
    assert list((store / "12052000").iterdir()) == []
    answer = httpx.post(f"{base}/gewerbeamt/12052000/inbox", content=xml, headers=XML)
    assert answer.status_code == 201 and answer.json()["digest"] == digest
