"""``oots-gateway trust list`` over a node configuration (the DE node of the test pair)."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import hashes
from node_pair import Pair

from gateway.cli import main
from mocks.pki import TestPki


def test_trust_list_json(pair: Pair, pki: TestPki, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(pair.de.config), "trust", "list", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["party_id"] == "DE-OOTS-GW"
    assert [a["subject"] for a in doc["anchors"]] == [
        pki.certificate("test-ca").subject.rfc4514_string()]
    assert doc["revoked_serials"] == sorted(f"{s:x}" for s in pki.revoked_serials())
    (peer,) = doc["peers"]
    assert (peer["name"], peer["party_id"], peer["profile"]) == (
        "NL", "NL-OOTS-AP", "eDelivery-AS4-1.15")
    expected = pki.certificate("nl-ap.rsa-sign").fingerprint(hashes.SHA256()).hex()
    assert peer["signing"][0]["sha256"] == expected and peer["signing"][0]["valid_now"]
    assert "CN=NL-OOTS-AP" in peer["encryption"]["subject"]
    assert {o["profile"] for o in doc["own"]} == {"eDelivery-AS4-1.15", "eDelivery-AS4-2.0"}


def test_trust_list_table(pair: Pair, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(pair.de.config), "trust", "list"]) == 0
    text = capsys.readouterr().out
    assert "trust anchors:" in text and "NL NL-OOTS-AP" in text and "(valid)" in text


def test_trust_list_without_node_section(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "gateway.toml"
    config.write_text(f'var_dir = "{tmp_path}"\n', encoding="utf-8")
    assert main(["--config", str(config), "trust", "list"]) == 2
    assert "GW:CONFIG" in capsys.readouterr().err
