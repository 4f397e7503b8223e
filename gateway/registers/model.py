"""What a register adapter answers: frozen company data, keyed by court, type and number."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from gateway.errors import EdmErrorCode, EvidenceError, Origin
from gateway.evidence.identifiers import Euid

__all__ = [
    "CompanyNotFound",
    "CompanyRecord",
    "CompanyRegister",
    "CompanyStatus",
    "Officer",
    "RegisterKey",
    "RegisterUnavailable",
]

REGISTER_TYPES = ("HRA", "HRB", "GnR", "GsR", "PR", "VR")
"""``gds.registerart`` 1.2 codes for companies (case-sensitive: KNOWN-DEFECTS, XJustiz)."""


@dataclass(frozen=True, slots=True)
class RegisterKey:
    """A German registration: register court (BRIS/XJustiz id), register type, number.

    A number is unique only together with court and type (IDENTIFIERS.md §2.1)."""

    court: str
    register_type: str
    number: str
    """Digits plus an optional suffix (``395KI``, ``12345B``) as the register writes it."""

    def __str__(self) -> str:
        return f"{self.court} {self.register_type} {self.number}"

    @classmethod
    def from_euid(cls, euid: Euid) -> RegisterKey:
        """The key of a parsed German EUID (IDENTIFIERS.md §2.2)."""
        if euid.country != "DE" or euid.register_type is None or euid.register_number is None:
            raise ValueError("not a German EUID")
        return cls(euid.register, euid.register_type,
                   euid.register_number + (euid.suffix or ""))

    @property
    def euid(self) -> str:
        """The derived EUID ``DE<court>.<type><number>`` ([ASSUMED] number part)."""
        return f"DE{self.court}.{self.register_type}{self.number}"


class CompanyStatus(enum.Enum):
    """The register status of the legal entity (``reg.status-rechtstraeger``, simplified)."""

    ACTIVE = "active"
    DELETED = "deleted"
    """Gelöscht: the entity no longer exists; the extract still documents it."""
    INSOLVENCY = "insolvency"
    """An insolvency proceeding is registered (Eröffnung des Insolvenzverfahrens)."""


@dataclass(frozen=True, slots=True)
class Officer:
    """A registered representative (``beteiligung`` with a role other than Rechtsträger)."""

    name: str
    role_code: str
    """``gds.rollenbezeichnung`` code (086 Geschäftsführer, 285 Prokurist, ...)."""
    role: str
    birth_date: date | None = None
    city: str | None = None


@dataclass(frozen=True, slots=True)
class CompanyRecord:
    """The register content of one company, as read from the XJustiz extract."""

    key: RegisterKey
    court_name: str
    name: str
    legal_form_code: str
    """XUnternehmen ``rechtsformen`` code (e.g. 221110 GmbH), as the register sends it."""
    legal_form: str
    seat: str
    street: str | None
    post_code: str | None
    city: str | None
    status: CompanyStatus
    registered_on: date | None
    euid: str | None
    """As the register filled it in; often empty (only four Länder fill it: IDENTIFIERS.md)."""
    capital: str | None = None
    """Stammkapital/Grundkapital with currency, e.g. ``25000.00 EUR``."""
    purpose: str | None = None
    officers: tuple[Officer, ...] = ()
    status_text: str | None = None
    retrieved_at: datetime | None = None
    """``abrufdatum``/``abrufuhrzeit`` of the extract."""
    source_message_id: str | None = None
    """``eigeneNachrichtenID`` of the XJustiz message (audit trail)."""

    @property
    def effective_euid(self) -> str:
        """The register's EUID, or the one derived from the key when it is empty."""
        return self.euid or self.key.euid


class CompanyNotFound(EvidenceError):
    """The register has no company under this key (answered as EDM:ERR:0004)."""

    def __init__(self, key: RegisterKey) -> None:
        """``key`` names what was looked up."""
        super().__init__(f"no company registered as {key}",
                         edm_code=EdmErrorCode.OBJECT_NOT_FOUND, origin=Origin.REMOTE,
                         field="subject")
        self.key = key


class RegisterUnavailable(EvidenceError):
    """The register did not answer in time or failed (answered as EDM:ERR:0005)."""

    def __init__(self, message: str) -> None:
        """``message`` says what failed (timeout, HTTP status, malformed answer)."""
        super().__init__(message, edm_code=EdmErrorCode.TIMEOUT, origin=Origin.LOCAL,
                         field="register")


class CompanyRegister(Protocol):
    """A national company register, asked for one company at a time."""

    def lookup(self, key: RegisterKey, *, now: datetime, request_id: str) -> CompanyRecord:
        """The company registered under ``key``; raises :class:`CompanyNotFound` or
        :class:`RegisterUnavailable`. ``request_id`` correlates with the EDM request."""
