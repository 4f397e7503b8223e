"""EDM requests a foreign requester (NL portal) sends to the DE provider, one per scenario.

Used by the provider tests, the end-to-end test and the benchmark. Built with the
gateway's EDM models (``gateway.evidence.edm``), so every request is checked by the
builder and judged by the Validator in the tests.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime

from gateway.evidence.edm import (
    Address,
    Agent,
    DataServiceEvidenceType,
    DistributedAs,
    EdmVersion,
    EvidenceRequest,
    ExchangeHeader,
    Identifier,
    LegalPerson,
    Person,
    Procedure,
    Requirement,
    Text,
)
from gateway.provider.config import COMPANY_EVIDENCE_UUID

__all__ = ["NL_PORTAL", "company_request", "evidence_type_uri", "header_for", "representative"]

NL_PORTAL = Agent(
    identifier=Identifier("00000000000002", "urn:cef.eu:names:identifier:EAS:0106"),
    names=(Text("Ondernemersplein (NL portal)", "EN"),),
    address=Address(admin_unit_level_1="NL", full_address="Prinses Beatrixlaan 2, Den Haag"),
    classification="ER",
)
PROVIDER = Agent(identifier=Identifier("DE73524311", "urn:cef.eu:names:identifier:EAS:9930"),
                 names=(Text("Handelsregister", "DE"),))


def evidence_type_uri(version: EdmVersion, evidence_uuid: str = COMPANY_EVIDENCE_UUID) -> str:
    """The company-registration evidence type classification in the version's SR form."""
    host = ("https://sr.oots.tech.europa.eu" if version is EdmVersion.V1_0
            else "https://sr.oots.tech.ec.europa.eu")
    return f"{host}/evidencetypeclassifications/DE/{evidence_uuid}"


def representative(given: str = "Jana", family: str = "Petersen",
                   born: date = date(1979, 5, 2),
                   person_id: str = "DE/NL/PETERSENJANA1979") -> Person:
    """The company's representative as the requester names her (AuthorizedRepresentative)."""
    return Person(family_name=family, given_name=given, date_of_birth=born,
                  level_of_assurance="High", identifier=Identifier(person_id, "eidas"),
                  current_address=Address(admin_unit_level_1="NL"))


def company_request(version: EdmVersion, *, euid: str | None = "DEK1101R.HRB116737",
                    national: str | None = None, preview: bool = True,
                    evidence_uuid: str = COMPANY_EVIDENCE_UUID, now: datetime,
                    rep: Person | None = None, request_n: int | None = None) -> EvidenceRequest:
    """A request for a German company's register extract.

    ``euid`` goes in ``sdg:Identifier schemeID="EUID"``; the eIDAS ``LegalPersonIdentifier``
    is ``DE/NL/<national>`` (``K1101R/HRB/116737``; no blanks in eIDAS ids, and
    R-EDM-REQ-C039 wants 9 letters or digits in a row) or by default court, type and
    number run together (``DE/NL/K1101RHRB116737``)."""
    request_id = (f"urn:uuid:{uuid.uuid4()}" if request_n is None
                  else f"urn:uuid:00000000-0000-4000-8000-{request_n:012d}")
    lpi = national or (euid[2:].replace(".", "") if euid else "NONE00000")
    company = LegalPerson(
        legal_name="(requested company)", level_of_assurance="High",
        identifiers=(Identifier(euid, "EUID"),) if euid else (),
        legal_person_identifier=Identifier(f"DE/NL/{lpi}", "eidas"))
    sr = ("https://sr.oots.tech.europa.eu" if version is EdmVersion.V1_0
          else "https://sr.oots.tech.ec.europa.eu")
    return EvidenceRequest(
        version=version, request_id=request_id, issue_datetime=now,
        requesters=(NL_PORTAL,), provider=PROVIDER, subject=company,
        evidence_request=DataServiceEvidenceType(
            identifier=str(uuid.uuid5(uuid.NAMESPACE_URL, evidence_uuid)),
            evidence_type_classification=evidence_type_uri(version, evidence_uuid),
            titles=(Text("Company registration evidence", "EN"),),
            distributed_as=(DistributedAs(format="application/xml"),)),
        procedure=Procedure("R1" if version is EdmVersion.V1_0 else "X4",
                            "EN" if version is EdmVersion.V1_0 else None),
        possibility_for_preview=preview, explicit_request_given=True,
        requirements=(Requirement(f"{sr}/requirements/{uuid.uuid5(uuid.NAMESPACE_URL, 'reg')}",
                                  (Text("Proof of registration of a company", "EN"),)),),
        authorized_representative=rep if rep is not None else representative(),
        lang="EN" if version is EdmVersion.V1_0 else None)


def header_for(request: EvidenceRequest, *, conversation_id: str | None = None,
               exchange_id: str | None = None) -> ExchangeHeader:
    """The ebMS header values to send ``request`` with (new ids unless given)."""
    return ExchangeHeader.for_version(request.version,
                                      conversation_id=conversation_id or str(uuid.uuid4()),
                                      exchange_id=exchange_id or str(uuid.uuid4()))


def second(request: EvidenceRequest, location: str, *, now: datetime,
           return_location: str | None = None) -> EvidenceRequest:
    """The second request of the preview sequence (v2.0 needs ``return_location``)."""
    return dataclasses.replace(request, request_id=f"urn:uuid:{uuid.uuid4()}",
                               issue_datetime=now, preview_location=location,
                               return_location=return_location)
