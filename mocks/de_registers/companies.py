"""The demo companies of the mocked Handelsregister, one per scenario.

Values are invented (names, people, addresses); court ids come from the BRIS list
(IDENTIFIERS.md §2.2), legal-form codes from XUnternehmen ``rechtsformen`` 2.2, status
codes from ``reg.status-rechtstraeger`` 2.0 (001 aktiv, 002 gelöscht, 004 insolvent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["COMPANIES", "SLOW", "UNKNOWN", "DemoCompany", "DemoOfficer", "by_key", "scenario"]


@dataclass(frozen=True, slots=True)
class DemoOfficer:
    """A registered representative."""

    given: str
    family: str
    role_code: str
    role: str
    birth: date
    city: str
    eidas_id: str = ""
    """The person's eIDAS identifier in the mock eID (who may approve a preview)."""


@dataclass(frozen=True, slots=True)
class DemoCompany:
    """One company of the mock register."""

    scenario: str
    court: str
    court_name: str
    register_type: str
    number: str
    name: str
    legal_form_code: str
    legal_form: str
    seat: str
    street: str
    house: str
    post_code: str
    registered_on: date
    status_code: str = "001"
    status: str = "aktiv"
    euid_filled: bool = False
    """Whether the Land fills in ``euid`` (only some do: IDENTIFIERS.md §2.2)."""
    capital: tuple[str, str] | None = None
    """(element, amount) e.g. ("stammkapital", "25000.00")."""
    purpose: str = ""
    officers: tuple[DemoOfficer, ...] = field(default=())

    @property
    def euid(self) -> str:
        """``DE<court>.<type><number>``."""
        return f"DE{self.court}.{self.register_type}{self.number}"


def _gf(given: str, family: str, birth: date, city: str, eidas: str = "") -> DemoOfficer:
    return DemoOfficer(given, family, "086", "Geschäftsführer(in)", birth, city, eidas)


def _vs(given: str, family: str, birth: date, city: str, eidas: str = "") -> DemoOfficer:
    return DemoOfficer(given, family, "194", "Vorstand", birth, city, eidas)


COMPANIES: tuple[DemoCompany, ...] = (
    DemoCompany("gmbh-hamburg", "K1101R", "Amtsgericht Hamburg", "HRB", "116737",
                "Beispiel Hafen GmbH", "221110", "GmbH", "Hamburg", "Am Sandtorkai", "41",
                "20457", date(2011, 3, 14), euid_filled=True,
                capital=("stammkapital", "25000.00"), purpose="Hafenlogistik und Lagerei.",
                officers=(_gf("Jana", "Petersen", date(1979, 5, 2), "Hamburg",
                              "DE/NL/PETERSENJANA1979"),
                          DemoOfficer("Ole", "Brandt", "285", "Prokurist(in)", date(1985, 1, 9),
                                      "Hamburg"))),
    DemoCompany("ag-muenchen", "D2601V", "Amtsgericht München", "HRB", "254311",
                "Alpen Technik AG", "222110", "AG", "München", "Leopoldstraße", "12",
                "80802", date(2019, 7, 1), capital=("grundkapital", "500000.00"),
                purpose="Entwicklung von Steuerungssoftware.",
                officers=(_vs("Maximilian", "Huber", date(1970, 2, 20), "München",
                              "DE/NL/HUBERMAX1970"),)),
    DemoCompany("ug-berlin", "F1103R", "Amtsgericht Charlottenburg", "HRB", "198765B",
                "Spree Start UG (haftungsbeschränkt)", "221200", "UG (haftungsbeschränkt)",
                "Berlin", "Torstraße", "5", "10119", date(2023, 9, 4),
                capital=("stammkapital", "1000.00"), purpose="App-Entwicklung.",
                officers=(_gf("Lea", "Schulz", date(1996, 11, 30), "Berlin",
                              "DE/NL/SCHULZLEA1996"),)),
    DemoCompany("kg-duesseldorf", "R1101", "Amtsgericht Düsseldorf", "HRA", "88123",
                "Rhein Logistik GmbH & Co. KG", "112100", "KG", "Düsseldorf", "Speditionstraße",
                "9", "40221", date(2008, 4, 22), purpose="Spedition.",
                officers=(DemoOfficer("Peter", "Vogel", "252",
                                      "Persönlich haftende(r) Gesellschafter(in)", date(1966, 1, 1),
                                      "Düsseldorf", "DE/NL/VOGELPETER1966"),)),
    DemoCompany("ek-leipzig", "U1308", "Amtsgericht Leipzig", "HRA", "20451",
                "Buchhandlung am Markt Inh. Anna Krause e.K.", "411000", "e.K.", "Leipzig",
                "Markt", "3", "04109", date(2015, 2, 2), purpose="Buchhandel.",
                officers=(DemoOfficer("Anna", "Krause", "095", "Inhaber(in) der Firma",
                                      date(1975, 8, 8), "Leipzig", "DE/NL/KRAUSEANNA1975"),)),
    DemoCompany("deleted-stuttgart", "B8534", "Amtsgericht Stuttgart", "HRB", "730012",
                "Schwaben Maschinenbau GmbH", "221110", "GmbH", "Stuttgart", "Königstraße",
                "1", "70173", date(1998, 6, 30), status_code="002", status="gelöscht",
                capital=("stammkapital", "50000.00"), purpose="Maschinenbau.",
                officers=(_gf("Karl", "Maier", date(1950, 3, 3), "Stuttgart",
                              "DE/NL/MAIERKARL1950"),)),
    DemoCompany("insolvency-frankfurt", "M1201", "Amtsgericht Frankfurt am Main", "HRB",
                "110022", "Main Finanz Service GmbH", "221110", "GmbH", "Frankfurt am Main",
                "Zeil", "100", "60313", date(2012, 10, 10), status_code="004",
                status="insolvent", capital=("stammkapital", "25000.00"),
                purpose="Finanzdienstleistungen.",
                officers=(_gf("Sven", "Roth", date(1981, 12, 1), "Frankfurt am Main",
                              "DE/NL/ROTHSVEN1981"),)),
    DemoCompany("suffix-kiel", "X1517R", "Amtsgericht Kiel", "HRB", "395KI",
                "Stadtwerke Kieler Förde GmbH", "221110", "GmbH", "Kiel", "Uhlenkrog", "32",
                "24113", date(2001, 1, 15), euid_filled=True,
                capital=("stammkapital", "1000000.00"), purpose="Energieversorgung.",
                officers=(_gf("Birte", "Hansen", date(1977, 4, 4), "Kiel",
                              "DE/NL/HANSENBIRTE1977"),)),
    DemoCompany("ag-bremen", "H1101", "Amtsgericht Bremen", "HRB", "30117",
                "Weser Handels AG", "222110", "AG", "Bremen", "Am Wall", "150", "28195",
                date(2005, 5, 5), capital=("grundkapital", "120000.00"),
                purpose="Großhandel mit Kaffee.",
                officers=(_vs("Hauke", "Meyer", date(1968, 9, 9), "Bremen",
                              "DE/NL/MEYERHAUKE1968"),)),
    DemoCompany("eg-hannover", "P2305", "Amtsgericht Hannover", "GnR", "400",
                "Niedersachsen Agrar eG", "251000", "eG", "Hannover", "Am Markte", "2",
                "30159", date(1990, 10, 3), purpose="Gemeinsamer Einkauf landwirtschaftlicher "
                "Betriebsmittel.",
                officers=(_vs("Gerd", "Lüdeke", date(1962, 6, 6), "Hannover",
                              "DE/NL/LUEDEKEGERD1962"),)),
    DemoCompany("gmbh-leipzig", "U1308", "Amtsgericht Leipzig", "HRB", "32007",
                "Test Company GmbH", "221110", "GmbH", "Leipzig", "Petersstraße", "20",
                "04109", date(2020, 1, 20), capital=("stammkapital", "25000.00"),
                purpose="Softwaretests.",
                officers=(_gf("Tom", "Fischer", date(1988, 7, 7), "Leipzig",
                              "DE/NL/FISCHERTOM1988"),)),
    DemoCompany("gmbh-mainz", "T2304V", "Amtsgericht Mainz", "HRB", "41234",
                "Rheinhessen Wein GmbH", "221110", "GmbH", "Mainz", "Rheinstraße", "44",
                "55116", date(2016, 8, 16), capital=("stammkapital", "30000.00"),
                purpose="Weinhandel.",
                officers=(_gf("Sophie", "Wagner", date(1990, 2, 14), "Mainz",
                              "DE/NL/WAGNERSOPHIE1990"),)),
)

UNKNOWN = ("K1101R", "HRB", "999999")
"""A well-formed key the register does not know (scenario ``unknown-number``)."""
SLOW = ("K1101R", "HRB", "504504")
"""A key the mock answers only after its ``--slow-seconds`` (scenario ``register-timeout``)."""


def by_key(court: str, register_type: str, number: str) -> DemoCompany | None:
    """The company registered under the key, if any."""
    for company in COMPANIES:
        if (company.court, company.register_type, company.number) == (
                court, register_type, number):
            return company
    return None


def scenario(name: str) -> DemoCompany:
    """The company of scenario ``name`` (KeyError when unknown)."""
    for company in COMPANIES:
        if company.scenario == name:
            return company
    raise KeyError(name)
