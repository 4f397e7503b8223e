"""Prefilled fields show their source; the log record links the digest to the evidence ids."""

from __future__ import annotations

import json

import pytest

from gateway.gewerbe import FieldSource, FormIncomplete, Provenance, build_anmeldung
from gateway.gewerbe.builder import PREFILLED_FIELDS
from gateway.gewerbe.provenance import prefill, provenance_record
from gateway.namespaces import NS
from gateway.xml import parse_xml

from .scenarios import COMPANIES, evidence_source, form


def test_every_prefilled_field_names_register_and_evidence() -> None:
    fields = prefill(COMPANIES["at-gmbh"], evidence_source("AT:Firmenbuch"))
    assert [f.name for f in fields] == list(PREFILLED_FIELDS)
    assert {(f.register, f.evidence_id) for f in fields} == {
        ("AT:Firmenbuch", "urn:uuid:evidence-AT:Firmenbuch")}
    (form_field,) = [f for f in fields if f.name == "legal_form"]
    assert (form_field.value, form_field.mapped_code, form_field.unmapped) == (
        "GmbH (AT)", "293000", False)
    assert form_field.note.startswith("ausl. Kapitalgesellschaft")


def test_unmapped_legal_form_is_shown_not_guessed() -> None:
    fields = prefill(COMPANIES["nl-stichting-unmapped"], evidence_source("NL:KVK"))
    (form_field,) = [f for f in fields if f.name == "legal_form"]
    assert form_field.unmapped and form_field.mapped_code == ""
    assert "NL:Stichting" in form_field.note


def test_missing_source_is_refused() -> None:
    with pytest.raises(FormIncomplete, match="seat"):
        prefill(COMPANIES["nl-bv"], Provenance({"name": FieldSource("NL:KVK", "e1")}))


def test_record_links_digest_to_the_evidence_of_each_field() -> None:
    sources = dict(evidence_source("DE:Handelsregister").fields)
    sources["representatives"] = FieldSource("DE:Handelsregister", "urn:uuid:second-extract")
    provenance = Provenance(sources)
    xml, digest = build_anmeldung(COMPANIES["de-gmbh"], form(), provenance)
    record_uuid = parse_xml(xml).findtext(
        f"{{{NS.XGEWERBEANZEIGE_2_2}}}satz/{{{NS.XGEWERBEANZEIGE_2_2}}}anmeldung/"
        f"{{{NS.XGEWERBEANZEIGE_2_2}}}uuid")
    assert record_uuid
    record = provenance_record(provenance, digest=digest, record_uuid=record_uuid,
                               ags="12052000")
    data = json.loads(record.to_json())
    assert data["digest"] == digest and data["ags"] == "12052000"
    assert data["evidence_ids"] == ["urn:uuid:evidence-DE:Handelsregister",
                                    "urn:uuid:second-extract"]
    assert ["representatives", "DE:Handelsregister", "urn:uuid:second-extract"] in data["fields"]
    assert record.to_json() == provenance_record(provenance, digest=digest,
                                                 record_uuid=record_uuid, ags="12052000").to_json()
