"""Demo companies of the mocked Dutch and Austrian business registers (invented data).

NL: Handelsregister of the Kamer van Koophandel, KvK-nummer of 8 digits (EUID
``NLNHR.<kvk>``). AT: Firmenbuch, Firmenbuchnummer ``FN`` + digits + check letter (EUID
``ATBRA.<number><letter>``). Each company names its representatives; the mock login of
the preview pages accepts exactly those (name and date of birth).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gateway.evidence import edm

__all__ = ["COMPANIES", "Company", "Representative", "find_company", "national_number"]


@dataclass(frozen=True, slots=True)
class Representative:
    """A person registered as entitled to represent the company."""

    given_name: str
    family_name: str
    birth_date: date
    role: str


@dataclass(frozen=True, slots=True)
class Company:
    """One entry of the mocked register."""

    country: str
    number: str
    """KvK-nummer (NL) or Firmenbuchnummer without ``FN`` (AT), upper case."""
    name: str
    legal_form: str
    city: str
    street: str
    registered: date
    capital: str
    activity: str
    representatives: tuple[Representative, ...]
    status: str = "active"

    @property
    def euid(self) -> str:
        """The BRIS EUID."""
        return f"NLNHR.{self.number}" if self.country == "NL" else f"ATBRA.{self.number.lower()}"


COMPANIES: tuple[Company, ...] = (
    Company("NL", "59581883", "Voorbeeld Handel B.V.", "Besloten vennootschap", "Utrecht",
            "Croeselaan 15", date(2014, 3, 4), "EUR 18.000", "Groothandel in kantoorartikelen",
            (Representative("Anna", "de Vries", date(1978, 5, 12), "Bestuurder"),)),
    Company("NL", "34123456", "Bakkerij De Molen V.O.F.", "Vennootschap onder firma",
            "Amsterdam", "Molenstraat 3", date(1999, 9, 1), "-", "Brood- en banketbakkerij",
            (Representative("Jan", "Jansen", date(1965, 1, 30), "Vennoot"),
             Representative("Eva", "Jansen", date(1968, 7, 2), "Vennoot"))),
    Company("NL", "69599084", "Tulpen Export B.V.", "Besloten vennootschap", "Lisse",
            "Heereweg 219", date(2017, 11, 20), "EUR 1", "Export van bloembollen",
            (Representative("Pieter", "Bakker", date(1983, 12, 24), "Bestuurder"),)),
    Company("NL", "17012345", "Oude Haven N.V.", "Naamloze vennootschap", "Rotterdam",
            "Wijnhaven 1", date(1988, 2, 2), "EUR 45.000", "Havenlogistiek",
            (Representative("Sanne", "Visser", date(1970, 4, 4), "Bestuurder"),),
            status="dissolved"),
    Company("AT", "473888W", "Beispiel Handel GmbH", "Gesellschaft mit beschränkter Haftung",
            "Wien", "Mariahilfer Straße 1", date(2017, 6, 8), "EUR 35.000",
            "Handel mit Waren aller Art",
            (Representative("Maria", "Huber", date(1975, 8, 19), "Geschäftsführerin"),)),
    Company("AT", "123456A", "Alpen Holz AG", "Aktiengesellschaft", "Innsbruck",
            "Museumstraße 5", date(2001, 10, 15), "EUR 70.000", "Holzverarbeitung",
            (Representative("Georg", "Gruber", date(1969, 3, 3), "Vorstand"),)),
    Company("AT", "98765B", "Wiener Kaffee KG", "Kommanditgesellschaft", "Wien",
            "Graben 12", date(2010, 1, 11), "-", "Kaffeehaus",
            (Representative("Lena", "Bauer", date(1988, 11, 5), "Komplementärin"),)),
)


def national_number(country: str, value: str) -> str:
    """The register number in ``value`` (EUID, eIDAS id tail, ``FN 473888 w``, ...)."""
    tail = value.rsplit("/", 1)[-1].rsplit(".", 1)[-1]
    number = "".join(ch for ch in tail if ch.isalnum()).upper()
    if country == "AT":
        return number.removeprefix("FN").lstrip("0")
    return number.lstrip("0").zfill(8)


def find_company(country: str, subject: edm.Subject) -> Company | None:
    """The company a request's subject names (EUID first, then the eIDAS identifier)."""
    if not isinstance(subject, edm.LegalPerson):
        return None
    candidates = [i.value for i in subject.identifiers]
    if subject.legal_person_identifier is not None:
        candidates.append(subject.legal_person_identifier.value)
    for value in candidates:
        number = national_number(country, value)
        for company in COMPANIES:
            if company.country == country and company.number == number:
                return company
    return None
