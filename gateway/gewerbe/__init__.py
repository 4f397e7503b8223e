"""Gewerbeanmeldung for companies from DE/NL/AT: models, mappings, XGewerbeanzeige builder, routing.

The public entry point for the registration assistant is :func:`build_anmeldung`; see
``docs/gewerbe.md``.
"""

from gateway.gewerbe.builder import MESSAGE_ROOT, XGA_VERSION, build_anmeldung
from gateway.gewerbe.errors import FormIncomplete, GewerbeError, NoCompetentAuthority, Unmapped
from gateway.gewerbe.models import (
    Address,
    BusinessKind,
    CompanyEvidence,
    EstablishmentKind,
    FieldSource,
    FormInput,
    LegalForm,
    Provenance,
    Representative,
)
from gateway.gewerbe.routing import Gewerbeamt, route

__all__ = [
    "MESSAGE_ROOT",
    "XGA_VERSION",
    "Address",
    "BusinessKind",
    "CompanyEvidence",
    "EstablishmentKind",
    "FieldSource",
    "FormIncomplete",
    "FormInput",
    "GewerbeError",
    "Gewerbeamt",
    "LegalForm",
    "NoCompetentAuthority",
    "Provenance",
    "Representative",
    "Unmapped",
    "build_anmeldung",
    "route",
]
