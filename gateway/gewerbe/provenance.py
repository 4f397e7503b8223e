"""What the assistant shows per prefilled field, and the record that links a built
XGewerbeanzeige (its digest) to the evidence it was prefilled from.

* :func:`prefill` lists each company-evidence field with its value, its source (register,
  evidence id) and, for the legal form, the mapping result: either the code the message will
  carry or ``unmapped`` (shown to the person, never guessed).
* :func:`provenance_record` is the log payload after :func:`~gateway.gewerbe.build_anmeldung`:
  digest, record uuid, AGS, and the evidence ids of every field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from gateway.gewerbe.builder import PREFILLED_FIELDS
from gateway.gewerbe.errors import FormIncomplete, Unmapped
from gateway.gewerbe.mappings import LegalFormCodeList, legal_form
from gateway.gewerbe.models import Address, CompanyEvidence, Provenance

__all__ = ["PrefilledField", "ProvenanceRecord", "prefill", "provenance_record"]


@dataclass(frozen=True, slots=True)
class PrefilledField:
    """One prefilled field as the assistant shows it."""

    name: str
    value: str
    register: str
    evidence_id: str
    mapped_code: str = ""
    """For ``legal_form``: the code in the message; empty when unmapped."""
    unmapped: bool = False
    note: str = ""


def _address(address: Address) -> str:
    return f"{address.street} {address.house_number}, {address.postcode} {address.city}, " \
           f"{address.country}"


def _values(company: CompanyEvidence) -> dict[str, str]:
    return {
        "name": company.name,
        "legal_form": f"{company.legal_form.code} ({company.legal_form.country})",
        "seat": company.seat,
        "address": _address(company.address),
        "register_number": company.register_number,
        "register_authority": company.register_authority,
        "representatives": "; ".join(
            " ".join(p for p in (r.given_names, r.family_name) if p) + f" ({r.role})"
            for r in company.representatives),
    }


def prefill(company: CompanyEvidence, provenance: Provenance, *,
            code_list: LegalFormCodeList = LegalFormCodeList.XUNTERNEHMEN_2_2,
            ) -> tuple[PrefilledField, ...]:
    """Every prefilled field with its source; a field without source raises FormIncomplete."""
    missing = tuple(f for f in PREFILLED_FIELDS if f not in provenance.fields)
    if missing:
        raise FormIncomplete(missing, "prefilled fields without provenance: " + ", ".join(missing))
    fields = []
    for name, value in _values(company).items():
        source = provenance.fields[name]
        code, unmapped, note = "", False, ""
        if name == "legal_form":
            try:
                entry = legal_form(company.legal_form)
                code = entry.code(code_list)
                note = f"{entry.xunternehmen_label} ({code_list.value[0]})"
            except Unmapped as exc:
                unmapped, note = True, exc.message
        fields.append(PrefilledField(name, value, source.register, source.evidence_id,
                                     code, unmapped, note))
    return tuple(fields)


@dataclass(frozen=True, slots=True)
class ProvenanceRecord:
    """Links one built notification to the evidence exchange(s) it was prefilled from."""

    digest: str
    record_uuid: str
    ags: str
    fields: tuple[tuple[str, str, str], ...]
    """(field name, register, evidence id), sorted by field name."""

    @property
    def evidence_ids(self) -> tuple[str, ...]:
        """Distinct evidence ids, sorted."""
        return tuple(sorted({e for _, _, e in self.fields}))

    def to_json(self) -> str:
        """Canonical JSON (sorted keys, no white space) for the log."""
        return json.dumps({"digest": self.digest, "record_uuid": self.record_uuid,
                           "ags": self.ags, "evidence_ids": list(self.evidence_ids),
                           "fields": [list(f) for f in self.fields]},
                          sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def provenance_record(provenance: Provenance, *, digest: str, record_uuid: str,
                      ags: str) -> ProvenanceRecord:
    """The log payload for a notification built with ``provenance``."""
    fields = tuple(sorted((n, s.register, s.evidence_id) for n, s in provenance.fields.items()
                          if n in PREFILLED_FIELDS))
    return ProvenanceRecord(digest, record_uuid, ags, fields)
