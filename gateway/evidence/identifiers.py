"""Identifier helpers with validation: eIDAS identifiers, EUIDs (DE, NL, AT), UUID message ids.

Sources (reference kit ``de/IDENTIFIERS.md``, tags as there):

- eIDAS person / legal person identifier ``XX/YY/ZZZ``: XX the issuing country, YY the
  destination country (ISO 3166-1 alpha-2, Greece ``EL``), ZZZ an opaque string
  "up to 256" characters (EDM-REQ-C.sch R-EDM-REQ-C039/C050; TDD 2.0 KNOWN-DEFECTS 5:
  the official patterns are case-insensitive, which this module follows).
- EUID (Implementing Regulation (EU) 2021/1042, Annex §9): country code + BRIS register
  identifier + ``.`` + registration number.
- DE: ``DE`` + BRIS register identifier of the register court (XJustiz code list
  ``GDS.BRIS-ListOfRegisters`` 2.0, the 116 DE rows) + ``.`` + register type
  (``HRA HRB GnR GsR PR VR``) + number + optional letter suffix (IDENTIFIERS.md §2.2;
  the regex is [ASSUMED] there and here).
- NL: ``NLNHR.`` + 8-digit KVK number ([ASSUMED] regex, IDENTIFIERS.md §3).
- AT: ``ATBRA.`` + 6-digit Firmenbuch number without check letter + ``-`` + 3-digit
  branch number (BRIS-UmsV §3, [VERIFIED]); the zero-padding of the FN to six digits is
  [ASSUMED] (IDENTIFIERS.md §4).

The register list is not hard-coded: :func:`load_bris_registers` reads the bytes of the
kit's CSV (``de/xjustiz/codelists/DERIVED_BRIS_register_identifiers_2.0.csv``), which
the caller reads from ``Settings.shared_dir``.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass

from gateway.errors import ConfigurationError, EdmErrorCode, EvidenceError

__all__ = [
    "BRIS_REGISTERS_CSV",
    "BrisRegisters",
    "EidasIdentifier",
    "Euid",
    "austrian_euid",
    "load_bris_registers",
    "new_message_id",
    "parse_euid",
    "parse_urn_uuid",
    "parse_uuid",
]

BRIS_REGISTERS_CSV = "de/xjustiz/codelists/DERIVED_BRIS_register_identifiers_2.0.csv"
"""Path of the BRIS register list inside the reference kit (``Settings.shared_dir``)."""


def _bad(message: str, field: str) -> EvidenceError:
    return EvidenceError(message, edm_code=EdmErrorCode.INVALID_REQUEST, field=field)


# ---------------------------------------------------------------------------
# UUIDs
# ---------------------------------------------------------------------------

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def parse_uuid(value: str, *, field: str = "id") -> uuid.UUID:
    """A textual RFC 4122 UUID (``8-4-4-4-12`` hex digits, either case)."""
    if not _UUID.match(value):
        raise _bad(f"{value!r} is not a UUID", field)
    return uuid.UUID(value)


def parse_urn_uuid(value: str, *, field: str = "id") -> uuid.UUID:
    """A ``urn:uuid:`` UUID as OOTS uses for request and object ids (R-EDM-REQ-S004)."""
    if not value.startswith("urn:uuid:"):
        raise _bad(f"{value!r} does not start with 'urn:uuid:'", field)
    return parse_uuid(value[len("urn:uuid:") :], field=field)


def new_message_id(random_bytes: bytes) -> str:
    """A ``urn:uuid:`` version-4 UUID from 16 caller-supplied random bytes (no I/O here)."""
    if len(random_bytes) != 16:
        raise ValueError("a UUID needs 16 random bytes")
    return f"urn:uuid:{uuid.UUID(bytes=random_bytes, version=4)}"


# ---------------------------------------------------------------------------
# eIDAS identifiers
# ---------------------------------------------------------------------------

_EIDAS = re.compile(r"^([A-Za-z]{2})/([A-Za-z]{2})/(.+)$", re.S)


@dataclass(frozen=True, slots=True)
class EidasIdentifier:
    """An eIDAS unique identifier ``XX/YY/ZZZ`` (person or legal person)."""

    issuing_country: str
    destination_country: str
    local_id: str

    MAX_LENGTH = 256
    """eIDAS SAML attribute profile: the identifier is at most 256 characters."""

    @classmethod
    def parse(cls, value: str, *, field: str = "Identifier") -> EidasIdentifier:
        """Parse and validate; whitespace inside the local part is refused."""
        if len(value) > cls.MAX_LENGTH:
            raise _bad(f"eIDAS identifier longer than {cls.MAX_LENGTH} characters", field)
        match = _EIDAS.match(value)
        if match is None:
            raise _bad(f"{value!r} is not an eIDAS identifier XX/YY/ZZZ", field)
        local = match.group(3)
        if any(c.isspace() for c in local):
            raise _bad(f"eIDAS identifier {value!r} contains whitespace", field)
        return cls(match.group(1).upper(), match.group(2).upper(), local)

    def __str__(self) -> str:
        return f"{self.issuing_country}/{self.destination_country}/{self.local_id}"


# ---------------------------------------------------------------------------
# EUID
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BrisRegisters:
    """The BRIS register identifiers (``Country-code`` + ``Register-identifier``)."""

    prefixes: frozenset[str]
    """EUID prefixes such as ``DEK1101R``, ``NLNHR``, ``ATBRA``."""

    def knows(self, prefix: str) -> bool:
        """True when ``prefix`` (country + register id) is a listed BRIS register."""
        return prefix in self.prefixes


def load_bris_registers(data: bytes) -> BrisRegisters:
    """Read the kit's BRIS register CSV (columns ``country_code``, ``register_identifier``)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigurationError("BRIS register list is not UTF-8") from exc
    reader = csv.DictReader(io.StringIO(text))
    fields = set(reader.fieldnames or ())
    if not {"country_code", "register_identifier"} <= fields:
        raise ConfigurationError(
            "BRIS register list lacks the country_code/register_identifier columns"
        )
    prefixes = {
        (row["country_code"] or "").strip() + (row["register_identifier"] or "").strip()
        for row in reader
    }
    prefixes.discard("")
    return BrisRegisters(prefixes=frozenset(prefixes))


# DE, ours ([ASSUMED] in IDENTIFIERS.md §2.2): court id, register type, number, suffix.
_DE = re.compile(r"^DE([A-Z]\d{4}[RV]?)\.(HRA|HRB|GnR|GsR|PR|VR)(\d+)([A-Z]{1,3})?$")
_NL = re.compile(r"^NLNHR\.(\d{8})$")
_AT = re.compile(r"^ATBRA\.(\d{6})-(\d{3})$")


@dataclass(frozen=True, slots=True)
class Euid:
    """A parsed European Unique Identifier."""

    country: str
    register: str
    """The BRIS register identifier (``K1101R``, ``NHR``, ``BRA``)."""
    number: str
    """The registration number as written after the dot."""
    register_type: str | None = None
    """DE only: ``HRA``, ``HRB``, ``GnR``, ``GsR``, ``PR`` or ``VR``."""
    register_number: str | None = None
    """DE only: the digits of the register number (``116737``)."""
    suffix: str | None = None
    """DE only: trailing letters (former court such as ``KI``, or a number suffix)."""
    branch: str | None = None
    """AT only: ``000`` head office, ``001``... branches."""

    def __str__(self) -> str:
        return f"{self.country}{self.register}.{self.number}"

    @property
    def firmenbuch_number(self) -> str:
        """AT: the FN digits without leading zeros (the check letter is not in the EUID)."""
        if self.country != "AT":
            raise ValueError("not an Austrian EUID")
        return self.number.split("-")[0].lstrip("0") or "0"

    @classmethod
    def german(
        cls, *, court: str, register_type: str, number: str, suffix: str | None = None
    ) -> Euid:
        """Derive a DE EUID from register court (BRIS id), register type and number."""
        value = f"DE{court}.{register_type}{number}{suffix or ''}"
        match = _DE.match(value)
        if match is None:
            raise _bad(f"cannot form a German EUID from {value!r}", "euid")
        return cls(
            "DE", court, f"{register_type}{number}{suffix or ''}", register_type, number, suffix
        )


def parse_euid(value: str, registers: BrisRegisters, *, field: str = "euid") -> Euid:
    """Parse and validate an EUID of DE, NL or AT against the BRIS register list.

    Other countries are refused: their number part is not specified in the kit
    (IDENTIFIERS.md §1: no single regex covers all countries).
    """
    country = value[:2]
    if country == "DE":
        m = _DE.match(value)
        if m is None:
            raise _bad(f"{value!r} is not a German EUID DE<court>.<type><number>", field)
        court, rtype, number, suffix = m.groups()
        if not registers.knows("DE" + court):
            raise _bad(f"{court!r} is not a German register court in the BRIS list", field)
        return Euid("DE", court, value.split(".", 1)[1], rtype, number, suffix)
    if country == "NL":
        m = _NL.match(value)
        if m is None:
            raise _bad(f"{value!r} is not a Dutch EUID NLNHR.<8 digits>", field)
        if not registers.knows("NLNHR"):
            raise _bad("NHR is not in the BRIS list", field)
        return Euid("NL", "NHR", m.group(1))
    if country == "AT":
        m = _AT.match(value)
        if m is None:
            raise _bad(f"{value!r} is not an Austrian EUID ATBRA.<6 digits>-<3 digits>", field)
        if not registers.knows("ATBRA"):
            raise _bad("BRA is not in the BRIS list", field)
        return Euid("AT", "BRA", f"{m.group(1)}-{m.group(2)}", branch=m.group(2))
    raise _bad(f"EUID of country {country!r} is not supported (DE, NL, AT)", field)


def austrian_euid(firmenbuch_number: str, branch: int = 0) -> Euid:
    """Form ``ATBRA.<FN digits, zero-padded to 6>-<branch>`` from ``FN 123456a`` or ``123456``.

    The zero-padding is [ASSUMED] (IDENTIFIERS.md §4).
    """
    m = re.fullmatch(r"(?:FN\s*)?(\d{1,6})\s*([a-z])?", firmenbuch_number.strip(), re.I)
    if m is None or not 0 <= branch <= 999:
        raise _bad(f"{firmenbuch_number!r} is not a Firmenbuch number", "euid")
    digits = m.group(1).zfill(6)
    return Euid("AT", "BRA", f"{digits}-{branch:03d}", branch=f"{branch:03d}")

