"""The foreign registration form prefilled from the DE evidence, every field with its source."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.evidence.extract import ExtractView
from gateway.gewerbe.errors import Unmapped
from gateway.gewerbe.mappings import comparable_forms
from gateway.gewerbe.models import LegalForm


@dataclass(frozen=True, slots=True)
class Field:
    """One prefilled field: label, value (empty when not mapped) and where it comes from."""

    key: str
    label: str
    value: str
    source: str
    unmapped: bool = False


def prefill(view: ExtractView, country: str, *, evidence: str) -> tuple[Field, ...]:
    """The ``country`` form's fields from the extract ``view``; ``evidence`` names the source."""
    rows = dict(view.rows)
    src = f"{evidence} ({view.evidence_id})"
    german = rows.get("legal_form", "")
    try:
        forms = comparable_forms(LegalForm(german, "DE"), country)
        legal = Field("legal_form", "Legal form", " / ".join(f.source_form for f in forms),
                      f"mapped from DE {german!r} via gateway/gewerbe/data/legal_forms.csv "
                      f"(group {forms[0].group}); {src}")
    except Unmapped:
        legal = Field("legal_form", "Legal form", "",
                      f"NOT MAPPED: DE legal form {german!r} has no comparable {country} form "
                      f"in legal_forms.csv; please choose yourself; {src}", unmapped=True)
    court, register = rows.get("court", ""), rows.get("register", "")
    reps = "; ".join(f"{name} ({role})" for name, role, _ in view.officers)
    return (
        Field("company_name", "Company name", view.company_name, src),
        legal,
        Field("seat", "Seat", rows.get("seat", ""), src),
        Field("address", "Registered address", rows.get("address", ""), src),
        Field("register_number", "Register number", register, src),
        Field("register_court", "Register court", court, src),
        Field("euid", "EUID", view.euid, src),
        Field("representatives", "Representatives", reps, src),
    )
