"""Valid EDM models for tests, one per scenario (values chosen from the v1.0 code lists)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from gateway.errors import EdmErrorCode
from gateway.evidence.edm._evidence_type import (
    DataServiceEvidenceType,
    DistributedAs,
    Distribution,
    Evidence,
    EvidenceTypeRef,
    InformationConcept,
    Period,
    Requirement,
    SupportedValue,
)
from gateway.evidence.edm._packaging import (
    Association,
    EvidenceDocument,
    EvidencePackage,
    RepositoryItemRef,
)
from gateway.evidence.edm._persons import LegalPerson, Person, SectorSpecificAttribute
from gateway.evidence.edm._regrep import LocalizedString
from gateway.evidence.edm._sdg import Address, Agent, Identifier, Text
from gateway.evidence.edm.error import EdmException, EvidenceErrorResponse
from gateway.evidence.edm.request import EvidenceRequest, Procedure
from gateway.evidence.edm.response import EvidenceResponse
from gateway.evidence.edm.versions import EdmVersion

__all__ = ["Procedure", "Text"]  # re-exported for the tests

NOW = datetime(2026, 12, 1, 9, 30, 0, 125000, tzinfo=UTC)
V1, V2 = EdmVersion.V1_0, EdmVersion.V2_0
EAS_DE = "urn:cef.eu:names:identifier:EAS:9930"
EAS_DK = "urn:cef.eu:names:identifier:EAS:0096"


def uid(n: int) -> str:
    """A deterministic UUID (``00000000-0000-4000-8000-<n>``)."""
    return f"00000000-0000-4000-8000-{n:012d}"


def urn(n: int) -> str:
    """A deterministic ``urn:uuid:``."""
    return f"urn:uuid:{uid(n)}"


def sr(version: EdmVersion) -> str:
    """Semantic repository host of the line (v2.0 uses ``sr.oots.tech.ec.europa.eu``)."""
    return "https://sr.oots.tech.europa.eu" if version is V1 else "https://sr.oots.tech.ec.europa.eu"


REQUESTER = Agent(
    identifier=Identifier("DK22233223", EAS_DK),
    names=(Text("Denmark University Portal", "EN"),),
    address=Address(
        admin_unit_level_1="DK",
        full_address="Prince Street 15, 1050 Copenhagen, Denmark",
        locator_designator="15",
        post_code="1050",
        post_city_name="Copenhagen",
        thoroughfare="Prince Street",
        admin_unit_level_2="DK011",
    ),
    classification="ER",
)
PLATFORM = Agent(identifier=Identifier("DK11111111", EAS_DK),
                 names=(Text("Danish Intermediary Platform", "EN"),), classification="IP")
PROVIDER = Agent(identifier=Identifier("DE73524311", EAS_DE),
                 names=(Text("Standesamt Berlin I", "DE"), Text("Civil Registry Berlin I", "EN")))
PROVIDER_FULL = dataclasses.replace(
    PROVIDER,
    address=Address(admin_unit_level_1="DE", post_code="13357", post_city_name="Berlin"),
    classification="EP",
)
ERROR_PROVIDER = dataclasses.replace(PROVIDER_FULL, classification="ERRP")

PERSON = Person(
    family_name="Smith",
    given_name="John",
    date_of_birth=date(1970, 3, 1),
    level_of_assurance="High",
    identifier=Identifier("DK/DE/123123123", "eidas"),
    birth_name="John Doe",
    place_of_birth="Hamburg",
    current_address=Address(admin_unit_level_1="DK", full_address="Refshalevej 96"),
    gender="Male",
    sector_specific_attributes=(
        SectorSpecificAttribute("IBAN", "http://eidas.europa.eu/attributes/naturalperson/banking/IBAN",
                                "DE02500105170137075032"),
    ),
)
COMPANY = LegalPerson(
    legal_name="Beispiel GmbH",
    level_of_assurance="Substantial",
    identifiers=(Identifier("DEK1101R.HRB116737", "EUID"),),
    legal_person_identifier=Identifier("DE/DK/HRB116737K1101R", "eidas"),
    registered_address=Address(admin_unit_level_1="DE", post_city_name="Hamburg"),
)


def evidence_type(version: EdmVersion, **dist: object) -> DataServiceEvidenceType:
    """The requested birth certificate type."""
    return DataServiceEvidenceType(
        identifier=uid(901),
        evidence_type_classification=f"{sr(version)}/evidencetypeclassifications/DE/{uid(902)}",
        titles=(Text("Certificate of Birth", "EN"), Text("Geburtsurkunde", "DE")),
        descriptions=(Text("An official certificate of birth.", "EN"),),
        distributed_as=(DistributedAs(format="application/pdf", **dist),),  # type: ignore[arg-type]
    )


def request(version: EdmVersion = V1, **changes: object) -> EvidenceRequest:
    """A complete natural-person request of ``version``."""
    base = EvidenceRequest(
        version=version,
        request_id=urn(1),
        issue_datetime=NOW,
        requesters=(REQUESTER, PLATFORM),
        provider=PROVIDER,
        subject=PERSON,
        evidence_request=evidence_type(version),
        procedure=Procedure("R1", "EN" if version is V1 else None),
        possibility_for_preview=True,
        explicit_request_given=True,
        requirements=(Requirement(f"{sr(version)}/requirements/{uid(903)}",
                                  (Text("Proof of birth", "EN"),)),),
        provider_classifications=(
            InformationConcept(
                identifier=Identifier(uid(904)),
                type="Codelist",
                value_expression="https://sr.oots.tech.europa.eu/ep-classification/de/residence",
                descriptions=(Text("Residence in Germany", "EN"),),
                supported_value=SupportedValue(
                    "StringValue", ("ApplicantHasBeenResidentInGermany",)
                ),
            ),
        ),
        lang="EN" if version is V1 else None,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def legal_request(version: EdmVersion = V1) -> EvidenceRequest:
    """A legal-person request with an authorised representative."""
    rep = dataclasses.replace(PERSON, identifier=Identifier("DK/DE/987654321", "eidas"),
                              current_address=Address(admin_unit_level_1="EL"))
    return request(version, subject=COMPANY, authorized_representative=rep,
                   procedure=Procedure("X4", "EN" if version is V1 else None))


def v2_request_with_language_and_annex() -> EvidenceRequest:
    """v2.0: sdg:Language and sdg:AssociatedDocumentRequest in the distribution."""
    return request(V2, evidence_request=evidence_type(
        V2, languages=("DE", "EN"), associated_document_requests=("Annex", "Translation")))


def second_preview_request() -> EvidenceRequest:
    """v2.0: the second request of the preview sequence (TDD 4.9)."""
    return request(V2, preview_location="https://preview.example.de/s/abc",
                   return_location="https://requester.example.dk/return/xyz")


def evidence(version: EdmVersion, n: int = 10, *, main: bool = True) -> Evidence:
    """Main evidence metadata (or a bare supplementary one)."""
    if not main:
        return Evidence(uid(n), distributions=(Distribution("application/pdf", ("EN",)),))
    return Evidence(
        identifier=uid(n),
        is_about=Person("Smith", "John", date(1970, 3, 1),
                        identifier=Identifier("DK/DE/123123123", "eidas")),
        issuing_authority=Agent(Identifier("DE73524311", EAS_DE),
                                (Text("Standesamt Berlin I", "DE"),)),
        is_conformant_to=EvidenceTypeRef(
            f"{sr(version)}/evidencetypeclassifications/DE/{uid(902)}",
            (Text("Certificate of Birth", "EN"),)),
        issuing_date=date(1970, 3, 3),
        distributions=(Distribution("application/pdf", ("DE",)),),
        validity_period=Period(date(2026, 1, 1), date(2027, 1, 1)),
    )


def response(version: EdmVersion = V1) -> EvidenceResponse:
    """A response with one evidence (v1.0 flat; v2.0 with an annex and a translation)."""
    doc = EvidenceDocument(urn(20), evidence(version), RepositoryItemRef(
        "cid:attachment1@example.oots.eu", "BirthCertificate"))
    base = EvidenceResponse(
        version=version,
        request_id=urn(1),
        response_id=uid(2),
        issue_datetime=NOW,
        providers=(PROVIDER_FULL,),
        requester=PROVIDER,
    )
    if version is V1:
        return dataclasses.replace(base, requester=dataclasses.replace(REQUESTER, address=None,
                                                                       classification=None),
                                   documents=(doc,))
    main = dataclasses.replace(doc, role="MainEvidence", classification_id=urn(21))
    annex = EvidenceDocument(urn(22), evidence(version, 11, main=False),
                             RepositoryItemRef("cid:attachment2@example.oots.eu", "Annex"),
                             role="Annex", classification_id=urn(23))
    translation = EvidenceDocument(urn(24), evidence(version, 12, main=False),
                                   RepositoryItemRef("cid:attachment3@example.oots.eu", "EN"),
                                   role="Translation", classification_id=urn(25))
    package = EvidencePackage(urn(30), (main, annex, translation), (
        Association(urn(31), "Annex", annex.id, main.id),
        Association(urn(32), "Translation", translation.id, main.id),
    ))
    return dataclasses.replace(base, requester=dataclasses.replace(REQUESTER, address=None,
                                                                   classification=None),
                               packages=(package,))


def error(version: EdmVersion, code: EdmErrorCode) -> EvidenceErrorResponse:
    """An error response for ``code`` (EDM:ERR:0002 is the preview-required case)."""
    if code is EdmErrorCode.MISSING_AUTHORIZATION:
        exc = EdmException.preview_required(
            version,
            timestamp=NOW,
            preview_location="https://preview.example.de/requests?session=1",
            detail="The provider needs a preview",
            preview_description=(LocalizedString("EN", "Please select your document."),
                                 LocalizedString("DE", "Bitte wählen Sie Ihr Dokument."))
            if version is V1 else (),
            preview_method="GET" if version is V1 else None,
        )
    else:
        exc = EdmException(code=code, timestamp=NOW, detail=f"detail for {code.value}")
    return EvidenceErrorResponse(
        version=version,
        request_id=urn(1),
        response_id=uid(3),
        error_provider=ERROR_PROVIDER,
        requester=dataclasses.replace(REQUESTER, address=None, classification=None),
        exception=exc,
    )
