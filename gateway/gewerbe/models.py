"""Frozen values of a Gewerbeanmeldung: company evidence, what the person adds, provenance."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType

__all__ = [
    "Address",
    "BusinessKind",
    "CompanyEvidence",
    "EstablishmentKind",
    "FieldSource",
    "FormInput",
    "LegalForm",
    "Provenance",
    "Representative",
]


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address as the register or the person gives it (country: ISO 3166-1 alpha-2)."""

    street: str
    house_number: str
    postcode: str
    city: str
    country: str


@dataclass(frozen=True, slots=True)
class LegalForm:
    """A legal form as the source register writes it (``BV``, ``e.U.``, ``GmbH``), with country."""

    code: str
    country: str


@dataclass(frozen=True, slots=True)
class Representative:
    """A person registered as owner or legal representative of the company."""

    family_name: str
    given_names: str = ""
    birth_date: date | None = None
    role: str = "representative"
    """As the register words it (``Geschäftsführer``, ``bestuurder``); kept for display."""


@dataclass(frozen=True, slots=True)
class CompanyEvidence:
    """What the evidence flows fill from DE (Handelsregister), NL (KVK) or AT (Firmenbuch)."""

    name: str
    legal_form: LegalForm
    seat: str
    """Registered seat (city) as the register writes it."""
    address: Address
    """Registered address."""
    register_number: str
    """``HRB 12345`` parts: the number only (``12345``), KVK number, or FN (``123456a``)."""
    register_authority: str
    """The register court (DE) or register authority (NL/AT) as named in the evidence."""
    register_type: str = ""
    """DE only: XJustiz ``GDS.Registerart`` (``HRA``, ``HRB``, ``GnR``, ``PR``, ``VR``, ``GsR``)."""
    court_code: str = ""
    """DE only: XJustiz court id of the register court (``G1103``)."""
    representatives: tuple[Representative, ...] = ()
    euid: str = ""
    register_place: str = ""
    """Place of the register court/authority (``eintragungOrt``, ``Cottbus`` in the KoSIT
    messages); when empty the builder writes ``register_authority`` as delivered."""


class EstablishmentKind(enum.Enum):
    """``niederlassungArt`` (GewAnzV Anlage 1: Hauptniederlassung, Zweigniederlassung, Zweigstelle).

    Code 1 is used for a trader's own establishment, 2 and 3 with a ``hauptniederlassung`` element
    in the KoSIT test messages; the reading of 2/3 follows the order of the form [ASSUMED].
    """

    HEAD_OFFICE = "1"
    BRANCH = "2"
    DEPENDENT_BRANCH = "3"


@dataclass(frozen=True, slots=True)
class BusinessKind:
    """``betriebArt``: the four yes/no flags of the form (industry, craft, trade, other)."""

    industry: bool = False
    craft: bool = False
    trade: bool = False
    other: bool = False


@dataclass(frozen=True, slots=True)
class FormInput:
    """What no register holds: the person types it in the assistant."""

    ags: str
    """8-digit municipality key of the establishment (routes the notification)."""
    establishment_address: Address
    activity: str
    start_date: date
    submitted_at: datetime
    """Aware UTC time the person submitted the form (``satzErstellung``, ``datumMeldung``)."""
    full_time_employees: int = 0
    part_time_employees: int = 0
    activity_code: str = ""
    """WZ 2008 key of the main activity, when the person picked one."""
    kind: BusinessKind = BusinessKind(other=True)
    establishment: EstablishmentKind = EstablishmentKind.BRANCH
    side_business: bool = False
    craft_card_status: str = ""
    """``handwerkskarte/status`` code; required when ``kind.craft`` is set."""
    email: str = ""


@dataclass(frozen=True, slots=True)
class FieldSource:
    """Where one prefilled field came from."""

    register: str
    """``DE:Handelsregister``, ``NL:KVK``, ``AT:Firmenbuch`` ..."""
    evidence_id: str
    """Id of the evidence (the EDM response / registry object id) that carried the value."""


@dataclass(frozen=True, slots=True)
class Provenance:
    """Source of every prefilled :class:`CompanyEvidence` field, keyed by field name."""

    fields: Mapping[str, FieldSource] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))

    @classmethod
    def single(cls, source: FieldSource, names: tuple[str, ...]) -> Provenance:
        """All ``names`` came from one evidence."""
        return cls({n: source for n in names})
