"""Resolve the request's subject to a German register key (IDENTIFIERS.md §2).

Accepted, in this order:

1. an ``sdg:Identifier`` with ``schemeID="EUID"`` (case-insensitive; [ASSUMED] scheme
   code) holding a German EUID ``DE<BRIS court>.<type><number>[suffix]`` (§2.2);
2. the eIDAS ``LegalPersonIdentifier`` ``DE/<CC>/<national id>`` where the national id is
   either that EUID or ``<court> <type> <number>`` (separators blank, ``.``, ``/``, ``-``
   or none), e.g. ``DE/NL/K1101R HRB 116737``.

The court must be a German BRIS register; a header-style court id without its ``R``/``V``
suffix (``F1103`` for ``F1103R``) is mapped through the BRIS list when exactly one variant
exists (§2.2, "[ASSUMED]: map via the BRIS list").
"""

from __future__ import annotations

import re

from gateway.errors import EdmErrorCode, EvidenceError, Origin
from gateway.evidence.edm import LegalPerson, Subject
from gateway.evidence.identifiers import BrisRegisters, parse_euid
from gateway.registers import RegisterKey

__all__ = ["resolve_subject"]

_NATIONAL = re.compile(
    r"^([A-Z]\d{4}[RV]?)[ ./-]?(HRA|HRB|GnR|GsR|PR|VR)[ ./-]?(\d+(?: ?[A-Z]{1,3})?)$")


def _invalid(message: str) -> EvidenceError:
    return EvidenceError(message, edm_code=EdmErrorCode.INVALID_REQUEST, origin=Origin.REMOTE,
                         field="subject")


def _court(court: str, bris: BrisRegisters) -> str:
    if bris.knows("DE" + court):
        return court
    variants = [court + s for s in ("R", "V") if bris.knows("DE" + court + s)]
    if len(variants) == 1:
        return variants[0]
    raise _invalid(f"{court!r} is not a German register court of the BRIS list")


def _from_national(value: str, bris: BrisRegisters) -> RegisterKey:
    if value.startswith("DE") and "." in value:
        return RegisterKey.from_euid(parse_euid(value, bris, field="LegalPersonIdentifier"))
    m = _NATIONAL.match(value.strip())
    if m is None:
        raise _invalid(f"{value!r} is neither a German EUID nor court, register type, number")
    court, rtype, number = m.groups()
    return RegisterKey(_court(court, bris), rtype, number.replace(" ", ""))


def resolve_subject(subject: Subject, bris: BrisRegisters) -> RegisterKey:
    """The register key of ``subject``; EDM:ERR:0003 when it names no German company,
    EDM:ERR:0007 when it is a natural person (this provider has company evidence only)."""
    if not isinstance(subject, LegalPerson):
        raise EvidenceError("this provider issues company evidence only (no natural persons)",
                            edm_code=EdmErrorCode.UNSUPPORTED_CAPABILITY, origin=Origin.REMOTE,
                            field="subject")
    for ident in subject.identifiers:
        if (ident.scheme_id or "").upper() == "EUID" and ident.value.startswith("DE"):
            return RegisterKey.from_euid(parse_euid(ident.value, bris, field="Identifier"))
    lpi = subject.legal_person_identifier
    if lpi is not None:
        parts = lpi.value.split("/", 2)
        if len(parts) == 3 and parts[0] == "DE":
            return _from_national(parts[2], bris)
    raise _invalid("the legal person carries no German EUID or register identifier")
