"""Demo scenario "company registration": one requirement, its evidence types in DE, NL and AT.

SDGR procedure ``X1`` (notification of a business activity, Procedures code list of the
EDM 1.0 kit) asks, in every member state, for proof that the company exists in a
business register. The Evidence Broker links that requirement to one evidence type per
country, and the Data Service Directory names who serves it:

=======  ==============================  ==================================  ============
country  evidence type                   evidence provider (publisher)       access point
=======  ==============================  ==================================  ============
DE       Handelsregisterauszug           Registergericht (one per court)     DE-OOTS-GW
NL       Uittreksel Handelsregister KvK  Kamer van Koophandel                NL-OOTS-AP
AT       Firmenbuchauszug                Firmenbuch (Bundesministerium Justiz) AT-OOTS-AP
=======  ==============================  ==================================  ============

The German register is kept by the local courts, so the DSD cannot pick the provider
without the user naming the register court: scenario ``de-handelsregister-needs-register-
court`` answers ``DSD:ERR:0005`` until the query carries the court (TDD 3.1.4 §4.4.3).

Values are invented for the demo (identifiers are fixed UUIDs so that the demo's output is
stable); they are shaped like the acceptance captures of the kit.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.evidence.common_services.model import (
    AccessService,
    Address,
    CsVersion,
    DataServiceEvidenceType,
    Distribution,
    EvidenceType,
    EvidenceTypeList,
    Identifier,
    InformationConcept,
    Jurisdiction,
    JurisdictionDetermination,
    Publisher,
    ReferenceFramework,
    Requirement,
    SupportedValue,
    Text,
    ValueKind,
)

__all__ = [
    "ACCESS_POINTS",
    "EVIDENCE_TYPES",
    "OOTS_PARTY_TYPE",
    "PROCEDURE",
    "REGISTER_COURT_CONCEPT",
    "REQUIREMENT_ID",
    "CountryEvidence",
    "classification",
    "country_of",
    "data_service",
    "requirement",
    "requirement_id",
]

SR_V1 = "https://sr.oots.tech.europa.eu"
"""Semantic repository host of the v1.0 line (R-EB-REQ-C001, R-DSD-ERR-C011)."""
SR = "https://sr.oots.tech.ec.europa.eu"
"""Semantic repository host of the v2.0 line (the acceptance captures)."""
PROCEDURE = "X1"
"""SDGR Annex II procedure code (Procedures code list)."""
_REQUIREMENT_UUID = "7c1f2a48-5d3e-4b8a-9f61-0b2d4e6a8c11"
REQUIREMENT_ID = f"{SR}/requirements/{_REQUIREMENT_UUID}"
"""The requirement's identifier in ``oots-cs:v2.0`` (see :func:`requirement_id`)."""
OOTS_PARTY_TYPE = "urn:oasis:names:tc:ebcore:partyid-type:unregistered:oots"
"""AS4 party id type of the demo access points (as in their PModes)."""
ACCESS_POINTS = {"DE": "DE-OOTS-GW", "NL": "NL-OOTS-AP", "AT": "AT-OOTS-AP"}
"""Country -> AS4 party id of the access point serving its evidence (corner 3)."""
REGISTER_COURT_CONCEPT = "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f60"
"""Identifier (a UUID, R-DSD-RESP-C023/C029) of the ``EvidenceProviderClassification``
the German DSD entry asks the user for: the register court; the follow-up query carries
the court as a parameter of that name (assumption in ``common_services.queries``)."""
_REGISTER_COURTS = ("D2601V", "D3201", "K1101R", "M1201", "R3306")
"""XJustiz court codes (Hamburg ... Düsseldorf: ``K1101R`` = Amtsgericht Hamburg)."""


@dataclass(frozen=True, slots=True)
class CountryEvidence:
    """One country's implementation of the requirement and the evidence type it accepts."""

    country: str
    framework_id: str
    framework_title: Text
    evidence_type_id: str
    classification_path: str
    """``<country>/<uuid>`` below ``.../evidencetypeclassifications/``."""
    list_id: str
    titles: tuple[Text, ...]
    description: Text
    provider_id: Identifier
    provider_names: tuple[Text, ...]
    provider_address: Address
    conforms_to: tuple[str, ...]
    formats: tuple[str, ...]


EVIDENCE_TYPES: dict[str, CountryEvidence] = {
    "DE": CountryEvidence(
        country="DE",
        framework_id="3f0c9e7a-1b2d-4c5e-8f90-a1b2c3d4e5f6",
        framework_title=Text("Gewerbeanzeige (Anzeige eines Gewerbes)", "DE"),
        evidence_type_id="0c6b9d1e-2f3a-4b5c-8d7e-9f0a1b2c3d4e",
        classification_path="DE/5e2d8c1a-7b4f-4e3a-9c6d-1f0e2b3a4c5d",
        list_id="6a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
        titles=(Text("Handelsregisterauszug", "DE"), Text("Commercial register extract", "EN")),
        description=Text("Aktueller Ausdruck aus dem Handelsregister (Abteilung A oder B).", "DE"),
        provider_id=Identifier("DE811569869", "urn:cef.eu:names:identifier:EAS:9930"),
        provider_names=(Text("Registergericht", "DE"),),
        provider_address=Address("DE", post_city_name="Hamburg", post_code="20355"),
        conforms_to=("oots-edm:v1.0", "oots-edm:v2.0"),
        formats=("application/pdf", "application/xml"),
    ),
    "NL": CountryEvidence(
        country="NL",
        framework_id="8a7b6c5d-4e3f-4a1b-9c2d-3e4f5a6b7c8d",
        framework_title=Text("Melding van een bedrijfsactiviteit", "NL"),
        evidence_type_id="1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a",
        classification_path="NL/9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        list_id="7b2c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d4e",
        titles=(Text("Uittreksel Handelsregister", "NL"),
                Text("Extract from the Business Register (KvK)", "EN")),
        description=Text("Uittreksel uit het Handelsregister van de Kamer van Koophandel.", "NL"),
        provider_id=Identifier("59581883", "urn:cef.eu:names:identifier:EAS:0106"),
        provider_names=(Text("Kamer van Koophandel", "NL"), Text("Chamber of Commerce", "EN")),
        provider_address=Address("NL", post_city_name="Utrecht", post_code="3521 AL"),
        conforms_to=("oots-edm:v1.0", "oots-edm:v2.0"),
        # XML: the DE4A CompanyRegistration v0.6 document the Gewerbe assistant prefills from
        formats=("application/pdf", "application/xml"),
    ),
    "AT": CountryEvidence(
        country="AT",
        framework_id="2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
        framework_title=Text("Gewerbeanmeldung", "DE"),
        evidence_type_id="4a5b6c7d-8e9f-4a0b-8c1d-2e3f4a5b6c7d",
        classification_path="AT/6c5b4a3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d",
        list_id="8c3d4e5f-6a7b-4c8d-8e9f-0a1b2c3d4e5f",
        titles=(Text("Firmenbuchauszug", "DE"), Text("Extract from the company register", "EN")),
        description=Text("Aktueller Auszug aus dem österreichischen Firmenbuch.", "DE"),
        provider_id=Identifier("BMJ-FB", "urn:cef.eu:names:identifier:EAS:9915"),
        provider_names=(Text("Firmenbuch (Bundesministerium für Justiz)", "DE"),),
        provider_address=Address("AT", post_city_name="Wien", post_code="1070"),
        conforms_to=("oots-edm:v2.0",),
        formats=("application/pdf", "application/xml"),
    ),
}
"""Country -> its evidence type for :data:`REQUIREMENT_ID` (scenario name: the country)."""


def _host(version: CsVersion) -> str:
    return SR if version is CsVersion.V2_0 else SR_V1


def requirement_id(version: CsVersion) -> str:
    """The requirement's identifier on the semantic repository of ``version``."""
    return f"{_host(version)}/requirements/{_REQUIREMENT_UUID}"


def classification(country: str, version: CsVersion) -> str:
    """``country``'s evidence type classification URI in ``version``."""
    path = EVIDENCE_TYPES[country].classification_path
    return f"{_host(version)}/evidencetypeclassifications/{path}"


def country_of(classification_uri: str) -> str | None:
    """The country whose evidence type ``classification_uri`` names (either host)."""
    for country, e in EVIDENCE_TYPES.items():
        if any(classification_uri == f"{host}/evidencetypeclassifications/{e.classification_path}"
               for host in (SR, SR_V1)):
            return country
    return None


def _jurisdiction(country: str) -> Jurisdiction:
    return Jurisdiction(country)


def requirement(version: CsVersion, countries: tuple[str, ...] | None = None, *,
                with_evidence_types: bool = False) -> Requirement:
    """The company-registration requirement as the EB returns it in ``version``.

    ``countries`` limits the reference frameworks (and evidence types) to those member
    states; ``with_evidence_types`` adds the evidence type lists (evidence types query).
    """
    v2 = version is CsVersion.V2_0
    picked = [EVIDENCE_TYPES[c] for c in (countries or tuple(EVIDENCE_TYPES))]
    frameworks = tuple(
        ReferenceFramework(
            identifier=e.framework_id,
            titles=(e.framework_title,),
            related_to=(ReferenceFramework(PROCEDURE),),
            jurisdiction=_jurisdiction(e.country),
        )
        for e in picked
    )
    lists: tuple[EvidenceTypeList, ...] = ()
    if with_evidence_types:
        lists = tuple(
            EvidenceTypeList(
                identifier=e.list_id,
                names=(Text(f"Company registration evidence ({e.country})", "EN"),),
                evidence_types=(
                    EvidenceType(
                        classification=classification(e.country, version),
                        titles=e.titles,
                        descriptions=(e.description,),
                        jurisdictions=() if v2 else (_jurisdiction(e.country),),
                    ),
                ),
                jurisdictions=(_jurisdiction(e.country),) if v2 else (),
            )
            for e in picked
        )
    return Requirement(
        identifier=requirement_id(version),
        names=(Text("Proof of registration of a company in a business register", "EN"),
               Text("Nachweis der Eintragung in ein Unternehmensregister", "DE")),
        descriptions=(
            (Text("The company exists and is registered in the business register of the "
                  "member state where it has its seat.", "EN"),) if v2 else ()
        ),
        reference_frameworks=frameworks,
        evidence_type_lists=lists,
    )


def register_court_concept(*, with_values: bool) -> InformationConcept:
    """The register court the user must name for German company evidence (DSD:ERR:0005)."""
    return InformationConcept(
        identifier=Identifier(REGISTER_COURT_CONCEPT),
        type="Codelist",
        value_expression=f"{SR_V1}/ep-classification/DE/register-court",
        descriptions=(Text("Registergericht, bei dem die Firma eingetragen ist", "DE"),
                      Text("The register court where the company is registered", "EN")),
        supported_value=(SupportedValue(ValueKind.STRING, _REGISTER_COURTS)
                         if with_values else None),
    )


def data_service(country: str, version: CsVersion, *, bare: bool = False,
                 court: str | None = None) -> DataServiceEvidenceType:
    """The DSD entry for ``country``'s evidence type in ``version``.

    ``bare`` gives the description carried by a DSD:ERR:0005 (no access service,
    R-EDM-REQ-S021); ``court`` selects the German register court that serves the
    evidence (its code becomes part of the provider name).
    """
    e = EVIDENCE_TYPES[country]
    v2 = version is CsVersion.V2_0
    distributions = tuple(
        Distribution(
            format=fmt,
            conforms_to=(f"{_host(version)}/distributions/{country}-company-register-extract"
                         if fmt == "application/xml" else None),
            languages=(e.titles[0].lang or "EN",) if v2 else (),
        )
        for fmt in e.formats
    )
    base = DataServiceEvidenceType(
        identifier=e.evidence_type_id,
        classification=classification(country, version),
        titles=e.titles,
        descriptions=(e.description,),
        distributions=distributions,
    )
    if bare:
        return base
    concepts: tuple[InformationConcept, ...] = ()
    provider_classifications: tuple[InformationConcept, ...] = ()
    names = e.provider_names
    if country == "DE":
        concepts = (register_court_concept(with_values=True),)
        provider_classifications = (register_court_concept(with_values=False),)
        if court is not None:
            names = (Text(f"Registergericht {court}", "DE"),)
    publisher = Publisher(
        identifier=e.provider_id,
        names=names,
        address=e.provider_address,
        jurisdiction=_jurisdiction(country),
        descriptions=((Text(f"Business register of {country}", "EN"),) if v2 else ()),
        classification_concepts=concepts,
    )
    conforms = e.conforms_to
    if not v2:  # v1.0 allows one ConformsTo: a v1.0 requester can only send oots-edm:v1.0
        conforms = ("oots-edm:v1.0",) if "oots-edm:v1.0" in conforms else conforms[:1]
    access = AccessService(
        identifier=Identifier(ACCESS_POINTS[country], OOTS_PARTY_TYPE),
        conforms_to=conforms,
        publisher=publisher,
        names=((Text(f"{country} OOTS access point (mock)", "EN"),) if v2 else ()),
    )
    return DataServiceEvidenceType(
        identifier=e.evidence_type_id,
        classification=classification(country, version),
        titles=e.titles,
        descriptions=(e.description,),
        distributions=distributions,
        access_services=(access,),
        level_of_assurance="Substantial",
        jurisdiction_determination=(
            None if v2 or country != "DE" else JurisdictionDetermination(
                context_id="3e4f5a6b-7c8d-4e9f-8a0b-2c3d4e5f6a71",
                contexts=(Text("Seat of the company", "EN"),),
                level="Country",
            )
        ),
        provider_classifications=provider_classifications,
    )
