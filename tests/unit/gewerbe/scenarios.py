"""Company scenarios and form values shared by the Gewerbe unit and integration tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from gateway.gewerbe import (
    Address,
    BusinessKind,
    CompanyEvidence,
    FieldSource,
    FormInput,
    LegalForm,
    Provenance,
    Representative,
)
from gateway.gewerbe.builder import PREFILLED_FIELDS


def evidence_source(register: str) -> Provenance:
    """Every prefilled field from one evidence of ``register``."""
    return Provenance.single(FieldSource(register, f"urn:uuid:evidence-{register}"),
                             PREFILLED_FIELDS)


COMPANIES: dict[str, CompanyEvidence] = {
    "de-gmbh": CompanyEvidence(
        name="Logistik 24 GmbH", legal_form=LegalForm("GmbH", "DE"), seat="Cottbus",
        address=Address("Birkenwaldstr.", "20d", "03046", "Cottbus", "DE"),
        register_number="45668", register_authority="Amtsgericht Cottbus",
        register_type="HRB", court_code="G1103", register_place="Cottbus",
        representatives=(Representative("Hold", "Detlef", date(1965, 11, 3), "Geschäftsführer"),)),
    "de-ek": CompanyEvidence(
        name="Tibor Pick e.K.", legal_form=LegalForm("e.K.", "DE"), seat="Cottbus",
        address=Address("Ewald-Hase-Str.", "4", "03044", "Cottbus", "DE"),
        register_number="11111", register_authority="Amtsgericht Cottbus",
        register_type="HRA", court_code="G1103",
        representatives=(Representative("Pick", "Tibor", date(1965, 10, 12), "Inhaber"),)),
    "nl-bv": CompanyEvidence(
        name="Tris-ice B.V.", legal_form=LegalForm("B.V.", "NL"), seat="Zaandam",
        address=Address("Leverkruidweg", "379", "1508 WN", "Zaandam", "NL"),
        register_number="90000471", register_authority="Kamer van Koophandel",
        representatives=(Representative("Jansen", "Pieter", None, "bestuurder"),),
        euid="NLNHR.90000471"),
    "nl-eenmanszaak": CompanyEvidence(
        name="Bakkerij De Vries", legal_form=LegalForm("Eenmanszaak", "NL"), seat="Utrecht",
        address=Address("Oudegracht", "12", "3511 AB", "Utrecht", "NL"),
        register_number="12345678", register_authority="Kamer van Koophandel",
        representatives=(Representative("de Vries", "Anna", None, "eigenaar"),)),
    "at-gmbh": CompanyEvidence(
        name="Alpenholz GmbH", legal_form=LegalForm("GmbH", "AT"), seat="Wien",
        address=Address("Hintere Zollamtstrasse", "4", "1030", "Wien", "AT"),
        register_number="123456a", register_authority="Handelsgericht Wien",
        representatives=(Representative("Huber", "Maria", None, "Geschäftsführerin"),),
        euid="ATBRA.123456-000"),
    "at-eu": CompanyEvidence(
        name="Carl-Markus Piswanger e.U.", legal_form=LegalForm("e.U.", "AT"), seat="Wien",
        address=Address("Hintere Zollamtstrasse", "4", "1030", "Wien", "AT"),
        register_number="654321b", register_authority="Handelsgericht Wien",
        representatives=(Representative("Piswanger", "Carl-Markus", None, "Inhaber"),)),
    "nl-stichting-unmapped": CompanyEvidence(
        name="Stichting Voorbeeld", legal_form=LegalForm("Stichting", "NL"), seat="Leiden",
        address=Address("Breestraat", "1", "2311 CH", "Leiden", "NL"),
        register_number="87654321", register_authority="Kamer van Koophandel",
        representatives=(Representative("Bakker", "Jan", None, "bestuurder"),)),
}

REGISTERS = {"de": "DE:Handelsregister", "nl": "NL:KVK", "at": "AT:Firmenbuch"}


def form(**changes: object) -> FormInput:
    """A complete form for an establishment in Cottbus (AGS 12052000)."""
    values: dict[str, object] = {
        "ags": "12052000",
        "establishment_address": Address("Spremberger Str.", "90", "03046", "Cottbus", "DE"),
        "activity": "Großhandel mit Speiseeis", "activity_code": "46331",
        "start_date": date(2027, 1, 1),
        "submitted_at": datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        "full_time_employees": 2, "part_time_employees": 1,
        "kind": BusinessKind(trade=True), "email": "kontakt@example.org",
    }
    values.update(changes)
    return FormInput(**values)  # type: ignore[arg-type]
