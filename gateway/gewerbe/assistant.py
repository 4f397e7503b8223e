"""State of one registration in the once-only assistant (``/gewerbe/``), free of I/O.

A *registration* walks these steps (``docs/gewerbe.md``, "Assistant")::

    company --start--> fetching --preview-required--> preview --delivered--> form
       ^                  |                              |                    |  submit
       '--- failed <------'------------------------------'                    v
            (resume: back to ``company`` with what was typed kept)         submitted

* ``company``: the person picks NL or AT and types the register number (KVK-nummer,
  Firmenbuchnummer); the web adapter opens an evidence request (requester flow).
* ``preview``: the provider asked for a preview; the person is sent to its page and back.
* ``form``: the evidence arrived and was read (:mod:`gateway.gewerbe.canonical`); every
  prefilled field carries its :class:`~gateway.gewerbe.models.FieldSource`; values without
  a mapping (legal form, country) are listed in :attr:`Registration.unmapped`, never guessed,
  and block the submission.
* ``submitted``: the XGewerbeanzeige was acknowledged by the Gewerbeamt. The notification
  is built and sent once: :func:`submitted` keeps its digest and receipt, a repeated submit
  of a submitted registration returns the stored acknowledgement.

A registration is addressed by a *resume token* ``<id>.<hmac>`` (:func:`resume_token`): the
page links to it and a person can come back to where they stopped.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from gateway.gewerbe import mappings
from gateway.gewerbe.builder import PREFILLED_FIELDS
from gateway.gewerbe.errors import FormIncomplete, Unmapped
from gateway.gewerbe.models import (
    Address,
    BusinessKind,
    CompanyEvidence,
    FieldSource,
    FormInput,
    LegalForm,
    Provenance,
    Representative,
)
from gateway.gewerbe.routing import authorities

__all__ = [
    "COUNTRIES",
    "PERSON_FIELDS",
    "Registration",
    "Step",
    "delivered",
    "failed",
    "form_input",
    "normalise_number",
    "open_registration",
    "prefilled_rows",
    "preview_required",
    "resume_token",
    "split_address",
    "submitted",
    "token_id",
    "with_draft",
]

COUNTRIES = ("NL", "AT")
"""Member states the assistant fetches company evidence from (into DE)."""
# KVK-nummer: 8 digits; Firmenbuchnummer: 1-6 digits and a check letter ("FN 473888 w").
_NUMBER = {"NL": re.compile(r"^[0-9]{8}$"), "AT": re.compile(r"^[0-9]{1,6}[A-Z]$")}
_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
PERSON_FIELDS = ("activity", "start_date", "street", "house_number", "postcode", "city", "ags",
                 "full_time_employees", "part_time_employees", "kind")
"""What no register holds: the person types it (all but the employee counts are required)."""
_KINDS = ("industry", "craft", "trade", "other")


class Step(enum.Enum):
    """Where a registration stands."""

    COMPANY = "company"
    FETCHING = "fetching"
    PREVIEW = "preview"
    FORM = "form"
    SUBMITTED = "submitted"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Registration:
    """One person's registration (stored as JSON by the web adapter)."""

    id: str
    country: str
    register_number: str
    created_at: datetime
    updated_at: datetime
    step: Step = Step.COMPANY
    case_id: str | None = None
    """The requester's evidence request (:class:`gateway.requester.model.Case`)."""
    preview_url: str | None = None
    company: CompanyEvidence | None = None
    provenance: Provenance | None = None
    unmapped: tuple[tuple[str, str], ...] = ()
    """(field, value as the register writes it) without a mapping: shown to the person."""
    draft: Mapping[str, str] = field(default_factory=dict)
    """What the person typed so far (kept across failures: resume)."""
    missing: tuple[str, ...] = ()
    error_code: str | None = None
    error_message: str | None = None
    digest: str | None = None
    """``sha256:`` of the XGewerbeanzeige sent (set once)."""
    receipt: Mapping[str, Any] = field(default_factory=dict)
    """The Gewerbeamt's acknowledgement."""
    submitted_at: datetime | None = None
    """When the person first submitted (fixes ``satzErstellung``: a retry builds equal bytes)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "draft", MappingProxyType(dict(self.draft)))
        object.__setattr__(self, "receipt", MappingProxyType(dict(self.receipt)))

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        company = None if self.company is None else asdict(self.company)
        if company is not None:
            for rep in company["representatives"]:
                rep["birth_date"] = rep["birth_date"] and rep["birth_date"].isoformat()
        return {
            "id": self.id, "country": self.country, "register_number": self.register_number,
            "created_at": self.created_at.isoformat(), "updated_at": self.updated_at.isoformat(),
            "step": self.step.value, "case_id": self.case_id, "preview_url": self.preview_url,
            "company": company,
            "provenance": None if self.provenance is None else {
                k: [v.register, v.evidence_id] for k, v in self.provenance.fields.items()},
            "unmapped": [list(u) for u in self.unmapped], "draft": dict(self.draft),
            "missing": list(self.missing), "error_code": self.error_code,
            "error_message": self.error_message, "digest": self.digest,
            "receipt": dict(self.receipt),
            "submitted_at": self.submitted_at and self.submitted_at.isoformat(),
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Registration:
        """Read the stored form back."""
        c = doc.get("company")
        company = None if c is None else CompanyEvidence(
            name=c["name"], legal_form=LegalForm(**c["legal_form"]), seat=c["seat"],
            address=Address(**c["address"]), register_number=c["register_number"],
            register_authority=c["register_authority"], register_type=c["register_type"],
            court_code=c["court_code"], euid=c["euid"],
            representatives=tuple(Representative(
                r["family_name"], r["given_names"],
                date.fromisoformat(r["birth_date"]) if r["birth_date"] else None, r["role"])
                for r in c["representatives"]))
        p = doc.get("provenance")
        when = doc.get("submitted_at")
        return cls(
            id=doc["id"], country=doc["country"], register_number=doc["register_number"],
            created_at=datetime.fromisoformat(doc["created_at"]),
            updated_at=datetime.fromisoformat(doc["updated_at"]), step=Step(doc["step"]),
            case_id=doc.get("case_id"), preview_url=doc.get("preview_url"), company=company,
            provenance=None if p is None else Provenance(
                {k: FieldSource(v[0], v[1]) for k, v in p.items()}),
            unmapped=tuple((a, b) for a, b in doc.get("unmapped", ())),
            draft=doc.get("draft", {}), missing=tuple(doc.get("missing", ())),
            error_code=doc.get("error_code"), error_message=doc.get("error_message"),
            digest=doc.get("digest"), receipt=doc.get("receipt", {}),
            submitted_at=datetime.fromisoformat(when) if when else None)


def normalise_number(country: str, value: str) -> str:
    """The register number as the register writes it (``FN 473888 w`` -> ``473888W``)."""
    number = "".join(ch for ch in value if ch.isalnum()).upper()
    return number.removeprefix("FN") if country == "AT" else number


def open_registration(country: str, register_number: str, *, now: datetime,
                      reg_id: str | None = None) -> Registration:
    """A new registration; refuse a country we cannot ask or a malformed number."""
    country = country.strip().upper()
    if country not in COUNTRIES:
        raise FormIncomplete(("country",), f"country {country!r} is not one of "
                             f"{', '.join(COUNTRIES)}")
    number = normalise_number(country, register_number)
    if not _NUMBER[country].match(number):
        raise FormIncomplete(("register_number",), f"{register_number!r} is not a "
                             + ("KVK number (8 digits)" if country == "NL"
                                else "Firmenbuchnummer (digits and a check letter)"))
    return Registration(reg_id or secrets.token_urlsafe(18), country, number, now, now,
                        step=Step.FETCHING)


def preview_required(reg: Registration, url: str, *, now: datetime) -> Registration:
    """The provider asks for a preview: the person goes to ``url`` and comes back."""
    return replace(reg, step=Step.PREVIEW, preview_url=url, updated_at=now)


def failed(reg: Registration, code: str, message: str, *, now: datetime) -> Registration:
    """The evidence could not be fetched (unknown company, refused preview, provider down)."""
    return replace(reg, step=Step.FAILED, error_code=code, error_message=message,
                   updated_at=now)


def delivered(reg: Registration, company: CompanyEvidence, source: FieldSource, *,
              now: datetime) -> Registration:
    """The evidence arrived and was read: prefill, provenance, unmapped values."""
    unmapped: list[tuple[str, str]] = []
    try:
        mappings.legal_form(company.legal_form).code(mappings.LegalFormCodeList.XUNTERNEHMEN_2_2)
    except Unmapped as exc:
        unmapped.append(("legal_form", exc.value))
    try:
        mappings.country_key(company.address.country)
    except Unmapped as exc:
        unmapped.append(("address", exc.value))
    try:
        mappings.eintragung_art(company.legal_form.country, company.register_type)
    except Unmapped as exc:
        unmapped.append(("register_number", f"{company.legal_form.country}:{exc.value}"))
    return replace(reg, step=Step.FORM, company=company, updated_at=now,
                   provenance=Provenance.single(source, PREFILLED_FIELDS),
                   unmapped=tuple(unmapped), error_code=None, error_message=None)


def prefilled_rows(reg: Registration) -> tuple[tuple[str, str, FieldSource], ...]:
    """(field, value shown, source) of every prefilled field, in the form's order."""
    c, p = reg.company, reg.provenance
    if c is None or p is None:
        return ()
    a = c.address
    values = {
        "name": c.name,
        "legal_form": _legal_form_label(c.legal_form),
        "seat": c.seat,
        "address": f"{a.street} {a.house_number}, {a.postcode} {a.city} ({a.country})",
        "register_number": c.register_number,
        "register_authority": c.register_authority,
        "representatives": "; ".join(
            f"{r.given_names} {r.family_name} ({r.role})".strip() for r in c.representatives),
    }
    return tuple((name, values[name], p.fields[name]) for name in PREFILLED_FIELDS)


def _legal_form_label(form: LegalForm) -> str:
    try:
        entry = mappings.legal_form(form)
        code = entry.code(mappings.LegalFormCodeList.XUNTERNEHMEN_2_2)
    except Unmapped:
        return form.code
    return f"{form.code} -> {entry.label} (XUnternehmen {code})"


_ADDRESS = re.compile(r"^(?P<street>.+?)\s+(?P<number>[0-9]+\s?[A-Za-z]?(?:-[0-9]+)?)\s*,"
                      r"\s*(?P<postcode>[0-9]{5})$")


def split_address(text: str) -> dict[str, str]:
    """``Spremberger Str. 90, 03046`` -> street, house_number, postcode (empty when unreadable:
    the form then names the address as missing)."""
    match = _ADDRESS.match(" ".join(text.split()))
    if match is None:
        return {}
    return {"street": match["street"], "house_number": match["number"].replace(" ", ""),
            "postcode": match["postcode"]}


def _int(values: Mapping[str, str], name: str, missing: list[str]) -> int:
    text = values.get(name, "").strip() or "0"
    if not text.isdigit() or len(text) > 6:
        missing.append(name)
        return 0
    return int(text)


def form_input(reg: Registration, values: Mapping[str, str], *, now: datetime) -> FormInput:
    """The person's part of the Anmeldung, or :class:`FormIncomplete` naming every gap.

    Also refuses while :attr:`Registration.unmapped` is not empty (no guessed codes).
    """
    v = {k: str(values.get(k, "")).strip() for k in PERSON_FIELDS}
    missing = [k for k in ("activity", "street", "house_number", "postcode", "city", "ags")
               if not v[k]]
    start = None
    try:
        start = date.fromisoformat(v["start_date"])
    except ValueError:
        missing.append("start_date")
    full, part = _int(v, "full_time_employees", missing), _int(v, "part_time_employees", missing)
    if v["ags"] and v["ags"] not in authorities():
        missing.append("ags")
    if v["kind"] not in _KINDS:
        missing.append("kind")
    if reg.unmapped:
        missing.extend(f for f, _ in reg.unmapped)
    if missing or start is None:
        raise FormIncomplete(tuple(dict.fromkeys(missing)))
    kind = BusinessKind(**{k: k == v["kind"] for k in _KINDS})
    return FormInput(
        ags=v["ags"], establishment_address=Address(v["street"], v["house_number"],
                                                    v["postcode"], v["city"], "DE"),
        activity=v["activity"], start_date=start,
        submitted_at=reg.submitted_at or now, full_time_employees=full,
        part_time_employees=part, kind=kind)


def with_draft(reg: Registration, values: Mapping[str, str], missing: tuple[str, ...], *,
               now: datetime) -> Registration:
    """Keep what the person typed and which fields are still missing."""
    draft = {k: str(values.get(k, ""))[:500] for k in (*PERSON_FIELDS, "address")
             if k in values}
    return replace(reg, draft=draft, missing=missing, updated_at=now)


def submitted(reg: Registration, digest: str, receipt: Mapping[str, Any], *,
              now: datetime) -> Registration:
    """The Gewerbeamt acknowledged the notification with ``digest``."""
    return replace(reg, step=Step.SUBMITTED, digest=digest, receipt=receipt, updated_at=now,
                   missing=(), error_code=None, error_message=None)


def resume_token(reg_id: str, key: bytes) -> str:
    """``<id>.<hmac>``: the link a person resumes with (unguessable, not forgeable)."""
    mac = hmac.new(key, reg_id.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{reg_id}.{mac}"


def token_id(token: str, key: bytes) -> str | None:
    """The registration id a valid token names, else None."""
    reg_id = token.partition(".")[0]
    if not _ID.match(reg_id) or not hmac.compare_digest(resume_token(reg_id, key), token):
        return None
    return reg_id
