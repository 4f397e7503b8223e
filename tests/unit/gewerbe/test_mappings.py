"""The mapping tables checked against the reference kit at run time (no value taken on trust)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from gateway.gewerbe import LegalForm, Unmapped
from gateway.gewerbe.mappings import country_key, eintragung_art, legal_form, read_table
from gateway.gewerbe.routing import authorities
from gateway.xml import parse_xml_file

REQUIRED_FORMS = {
    ("DE", "GmbH"), ("DE", "AG"), ("DE", "UG"), ("DE", "KG"), ("DE", "OHG"), ("DE", "e.K."),
    ("NL", "BV"), ("NL", "NV"), ("NL", "VOF"), ("NL", "CV"), ("NL", "Eenmanszaak"),
    ("AT", "GmbH"), ("AT", "AG"), ("AT", "OG"), ("AT", "KG"), ("AT", "e.U."),
}


def _xunternehmen(shared_dir: Path) -> dict[str, str]:
    path = shared_dir / "de" / "xjustiz" / "codelists" / "json" / "Rechtsformen_2.2.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["metadaten"]["kennungInhalt"] == "urn:xoev-de:xunternehmen:codeliste:rechtsformen"
    return {row[0]: row[1] for row in data["daten"]}


def test_every_required_legal_form_is_in_the_table() -> None:
    rows = {(r["country"], r["source_form"]) for r in read_table("legal_forms.csv")}
    assert rows >= REQUIRED_FORMS
    assert all(r["basis"].strip() for r in read_table("legal_forms.csv"))


def test_xunternehmen_codes_exist_in_the_kit_list(shared_dir: Path) -> None:
    codes = _xunternehmen(shared_dir)
    for row in read_table("legal_forms.csv"):
        code = row["xunternehmen_code"]
        assert code in codes, row
        assert row["xunternehmen_label"] == codes[code], row


def test_xga5_codes_are_the_ones_the_kosit_messages_show(shared_dir: Path) -> None:
    examples = shared_dir / "de" / "xgewerbeanzeige" / "examples"
    seen: dict[str, set[str]] = {}
    for path in examples.glob("xgwa2.*.xml"):
        root = parse_xml_file(path)
        for betrieb in root.iter("{*}betrieb"):
            name = betrieb.findtext("{*}eingetragenerName") or ""
            code = (betrieb.findtext("{*}rechtsformSchluessel/code") or "").strip()
            seen.setdefault(code, set()).add(name)
    for row in read_table("legal_forms.csv"):
        if row["xga5_code"]:
            names = seen[row["xga5_code"]]
            assert any(n.endswith(row["source_form"]) for n in names), (row, names)


def test_register_types_follow_the_kit_transcription(shared_dir: Path) -> None:
    path = shared_dir / "de" / "xunternehmen" / "DERIVED_artdereintragung_2.csv"
    with path.open(encoding="utf-8") as handle:
        kit = {row[2]: row[0] for row in list(csv.reader(handle))[1:] if row[2]}
    ours = {r["xjustiz_registerart"]: r["eintragung_art"] for r in read_table("register_types.csv")}
    assert ours == kit
    assert eintragung_art("DE", "GnR") == "G"
    with pytest.raises(Unmapped, match="GNR"):
        eintragung_art("DE", "GNR")  # case-sensitive list (KNOWN-DEFECTS.md)
    assert eintragung_art("NL", "") == "X"


def test_ags_table_and_the_test_messages_agree_on_cottbus(shared_dir: Path) -> None:
    path = shared_dir / "de" / "xgewerbeanzeige" / "examples" / "xgwa2.2-valid.xml"
    root = parse_xml_file(path)
    assert root.findtext("{*}satz/{*}anmeldung/{*}gemeindeSchluessel/code") == "12052000"
    assert "12052000" in authorities()
    assert all(len(a) == 8 and a.isdigit() for a in authorities())


def test_lookups_normalise_only_spacing_and_case() -> None:
    assert legal_form(LegalForm("  besloten   vennootschap ", "nl")).xunternehmen_code == "293000"
    assert legal_form(LegalForm("e.u.", "AT")).sole_trader
    for unknown in (LegalForm("BV.", "NL"), LegalForm("GmbH", "CH"), LegalForm("", "DE")):
        with pytest.raises(Unmapped):
            legal_form(unknown)
    assert country_key("at") == "040"
    with pytest.raises(Unmapped, match="country 'BE'"):
        country_key("BE")


def test_comparable_forms_across_de_nl_at() -> None:
    from gateway.gewerbe.mappings import comparable_forms

    def names(code: str, src: str, dest: str) -> list[str]:
        return [e.source_form for e in comparable_forms(LegalForm(code, src), dest)]

    assert names("GmbH", "DE", "NL") == ["BV"]
    assert names("GmbH", "DE", "AT") == ["GmbH"]
    assert names("BV", "NL", "DE") == ["GmbH", "UG"]  # both offered, the person picks
    assert names("AG", "AT", "NL") == ["NV"]
    assert names("VOF", "NL", "AT") == ["OG"]
    assert names("e.K.", "DE", "NL") == ["Eenmanszaak"]
    assert names("e.U.", "AT", "DE") == ["e.K."]
    with pytest.raises(Unmapped, match="in DE"):
        comparable_forms(LegalForm("Coöperatie", "NL"), "DE")
    groups = {r["group"] for r in read_table("legal_form_groups.csv")}
    assert {r["group"] for r in read_table("legal_forms.csv")} <= groups
