# mypy: disallow-untyped-calls=False
"""Out of Germany over real HTTP, no browser: a German company registers at the NL/AT mock
portal; the portal fetches the register data from the DE node over AS4 (NL: EDM v1.0 with
the ``returnurl`` parameter, AT: v2.0 with PreviewLocation + ReturnLocation), the person
approves at our preview space, the portal shows its form prefilled with sources."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from gateway.evidence.edm import EdmVersion, EvidenceRequest, parse_message
from gateway.evidence.extract import ExtractView
from gateway.settings import Settings
from mocks.de_registers.browser import decide, login
from mocks.de_registers.world import PUBLIC
from mocks.eu_peers.portals.abroad.form import prefill
from mocks.eu_peers.portals.abroad.world import PORTAL_PUBLIC, AbroadWorld
from mocks.pki import TestPki, ensure_pki

JANA = {"court": "K1101R", "register_type": "HRB", "number": "116737", "given": "Jana",
        "family": "Petersen", "born": "1979-05-02", "person_id": "DE/NL/PETERSENJANA1979"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Iterator[AbroadWorld]:
    """Register, eID, DE node, NL/AT access points and portals as separate processes."""
    pki: TestPki = ensure_pki(settings.pki_dir)
    w = AbroadWorld(tmp_path_factory.mktemp("abroad"), pki, settings.shared_dir)
    try:
        w.start()
    except RuntimeError as exc:
        w.stop()
        pytest.fail(str(exc))
    try:
        yield w
    finally:
        w.stop()


def _field(html: str, key: str) -> tuple[str, str]:
    """(value, source) of the prefilled field ``key``."""
    value = re.search(rf'id="{key}" name="{key}" value="([^"]*)"', html)
    source = re.search(rf'id="{key}-source" class="source">Source: ([^<]*)<', html)
    assert value and source, html
    return value.group(1), source.group(1)


def _to_preview(client: httpx.Client, country: str) -> tuple[str, str]:
    """Start at the portal; (the PreviewLocation without query, the redirect target)."""
    portal = PORTAL_PUBLIC[country]
    start = client.get(f"{portal}/")
    assert start.status_code == 200 and 'for="number"' in start.text
    sent = client.post(f"{portal}/start", data=JANA)
    assert sent.status_code == 303, sent.text
    target = sent.headers["location"]
    assert target.startswith(f"{PUBLIC}/preview/")
    return target.split("?")[0], target


@pytest.mark.parametrize("country, version_marker, form", [
    ("NL", "?returnurl=https://nl-portal.oots.test/return/", "BV"),
    ("AT", None, "GmbH"),
])
def test_approved_preview_prefills_foreign_form(world: AbroadWorld, country: str,
                                                version_marker: str | None, form: str) -> None:
    """GmbH from Hamburg: NL form shows BV, AT form GmbH; every field names its source."""
    with world.client() as client:
        location, target = _to_preview(client, country)
        if version_marker is None:
            assert "?" not in target  # v2.0: the ReturnLocation went in the second request
        else:
            assert version_marker in target  # v1.0: the return URL parameter
        view = login(client, target, JANA["person_id"], lang="en")
        assert "Beispiel Hafen GmbH" in view
        done = decide(client, location, view, "approve", lang="en")
        assert done.status_code == 303, done.text
        back = done.headers["location"]
        assert back.startswith(f"{PORTAL_PUBLIC[country]}/return/")
        page = client.get(back)
    assert page.status_code == 200, f"{page.text}\n{world.logs()}"
    name, source = _field(page.text, "company_name")
    assert name == "Beispiel Hafen GmbH" and "Handelsregister via OOTS" in source
    legal, legal_source = _field(page.text, "legal_form")
    assert legal == form and "legal_forms.csv" in legal_source
    assert _field(page.text, "register_number")[0] == "HRB 116737"
    assert "Hamburg" in _field(page.text, "register_court")[0]
    assert _field(page.text, "address")[0]
    assert _field(page.text, "representatives")[0]
    assert 'id="message"' not in page.text
    _check_sent(world, country)


def _check_sent(world: AbroadWorld, country: str) -> None:
    """What the portal's access point pushed to DE: valid EDM of the country's version
    (NL v1.0, AT v2.0); the v2.0 second request repeats the ExchangeId of the first."""
    ap = world.procs[country.lower()].url
    sent = [e for e in httpx.get(f"{ap}/control/journal", timeout=10).json()
            if e["direction"] == "out" and e["action"] == "ExecuteQueryRequest"]
    assert len(sent) >= 2, sent
    last = sent[-2:]
    requests = [parse_message(httpx.get(f"{ap}/control/payload/{e['payloads'][0]['file']}",
                                        timeout=10).content) for e in last]
    want = EdmVersion.V1_0 if country == "NL" else EdmVersion.V2_0
    assert all(isinstance(r, EvidenceRequest) and r.version is want for r in requests)
    second = requests[1]
    assert isinstance(second, EvidenceRequest) and second.preview_location
    if want is EdmVersion.V2_0:
        assert second.return_location and second.return_location.startswith(
            f"{PORTAL_PUBLIC['AT']}/return/")
        assert last[0]["properties"]["ExchangeId"] == last[1]["properties"]["ExchangeId"]


def test_refused_preview_prefills_nothing(world: AbroadWorld) -> None:
    """The representative refuses at our preview space: a clear message, no field."""
    with world.client() as client:
        location, target = _to_preview(client, "NL")
        view = login(client, target, JANA["person_id"], lang="en")
        done = decide(client, location, view, "refuse", lang="en")
        assert done.status_code == 303, done.text
        page = client.get(done.headers["location"])
    assert page.status_code == 200
    assert 'id="message"' in page.text and "Nothing was prefilled" in page.text
    assert "Beispiel Hafen" not in page.text and 'id="company_name"' not in page.text


def test_unknown_number_shows_message(world: AbroadWorld) -> None:
    """An unknown HRB number: the start page says so, nothing is sent on."""
    with world.client() as client:
        page = client.post(f"{PORTAL_PUBLIC['AT']}/start", data=JANA | {"number": "999999"})
    assert page.status_code == 422 and 'id="error"' in page.text, page.text


def _view(legal_form: str) -> ExtractView:
    return ExtractView("urn:uuid:0", "DEK1101R.HRB1", "Muster SE", "2026-12-01",
                       (("legal_form", legal_form), ("court", "Amtsgericht Hamburg"),
                        ("register", "HRB 1")), (("Max Muster", "Vorstand", "1970-01-01"),))


@pytest.mark.parametrize("german, country, expected", [
    ("GmbH", "NL", "BV"), ("UG (haftungsbeschränkt)", "NL", "BV"), ("GmbH", "AT", "GmbH"),
    ("AG", "NL", "NV"), ("e.K.", "AT", "e.U."),
])
def test_prefill_maps_comparable_legal_form(german: str, country: str, expected: str) -> None:
    """The comparable form comes from gateway/gewerbe/data/legal_forms.csv, with its source."""
    legal = {f.key: f for f in prefill(_view(german), country, evidence="test")}["legal_form"]
    assert (legal.value, legal.unmapped) == (expected, False)
    assert "legal_forms.csv" in legal.source and repr(german) in legal.source


def test_prefill_shows_unmapped_legal_form_as_such() -> None:
    """A form without an entry (SE) is left empty and marked NOT MAPPED, never guessed."""
    fields = {f.key: f for f in prefill(_view("SE"), "NL", evidence="test")}
    legal = fields["legal_form"]
    assert legal.value == "" and legal.unmapped and "NOT MAPPED" in legal.source
    assert fields["company_name"].value == "Muster SE"  # the rest is still prefilled


def test_node_unreachable_shows_message_and_keeps_input() -> None:
    """The portal's access point (so the German node) cannot be reached: a clear message on
    the start page, nothing prefilled, the person can try again."""
    from fastapi.testclient import TestClient

    from mocks.de_registers.world import free_port
    from mocks.eu_peers.portals.abroad.app import PORTALS, create_app

    app = create_app(PORTALS["NL"], ap_url=f"http://127.0.0.1:{free_port()}",
                     public=PORTAL_PUBLIC["NL"], timeout=1)
    with TestClient(app) as client:
        page = client.post("/start", data=JANA, follow_redirects=False)
        incomplete = client.post("/start", data=JANA | {"number": ""}, follow_redirects=False)
    assert page.status_code == 502 and "cannot be reached" in page.text
    assert 'id="error"' in page.text and 'name="number" value="116737"' in page.text
    assert re.search(r'<option value="K1101R"\s+selected>', page.text)
    assert incomplete.status_code == 400 and "Please fill in every field" in incomplete.text
