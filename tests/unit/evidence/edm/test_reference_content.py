"""Our v2.0 builders, given by hand the content of the oots-france reference messages
(kit ``oots-tdd-2.0/samples/oots-france-reference/messages``), write messages that are
semantically equal to them (``semantic.py``). The models here are written from the
messages' content, not parsed from them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from gateway.errors import EdmErrorCode
from gateway.evidence.edm import (
    Address,
    Agent,
    DataServiceEvidenceType,
    DistributedAs,
    Distribution,
    EdmException,
    EdmVersion,
    Evidence,
    EvidenceDocument,
    EvidenceErrorResponse,
    EvidencePackage,
    EvidenceRequest,
    EvidenceResponse,
    EvidenceTypeRef,
    Identifier,
    Person,
    Procedure,
    RepositoryItemRef,
    Requirement,
    Text,
    build_error_response,
    build_request,
    build_response,
)

from .semantic import assert_semantically_equal

REF = "oots-tdd-2.0/samples/oots-france-reference/messages"
V2 = EdmVersion.V2_0
T0 = datetime(2026, 8, 6, 10, 0, tzinfo=UTC)
EAS9 = "urn:cef.eu:names:identifier:EAS:0009"
UNREGISTERED_FR = "urn:oasis:names:tc:ebcore:partyid-type:unregistered:FR"
DINUM = (Text("Direction interministérielle du numérique", "FR"),)
MESR = Agent(Identifier("00000000000002", EAS9), (Text("Ministère de l'enseignement supérieur",
                                                       "FR"),))
DINUM_AGENT = Agent(Identifier("00000000000001", EAS9), DINUM, Address(admin_unit_level_1="FR"))
JEAN = Person("Dupont", "Jean", date(1992, 10, 22), identifier=Identifier("FR/DE/123123123",
                                                                          "eidas"))
BIRTH = (
    "https://sr.oots.tech.ec.europa.eu/evidencetypeclassifications/DE/"
    "ca8afed6-2dc0-422a-a931-d21c3d8d370e"
)


def u(n: int) -> str:
    """The reference messages' deterministic UUIDs."""
    return f"1a2b3c4d-0000-4000-8000-{n:012d}"


def test_reference_request(shared_dir: Path) -> None:
    model = EvidenceRequest(
        version=V2,
        request_id=f"urn:uuid:{u(0)}",
        issue_datetime=T0,
        requesters=(
            Agent(MESR.identifier, MESR.names, Address(admin_unit_level_1="FR"),
                  classification="ER"),
            Agent(Identifier("OOTSFRANCE", UNREGISTERED_FR),
                  (Text("OOTS-France Intermediary Platform", "EN"),), classification="IP"),
        ),
        provider=Agent(Identifier("DE73524311", "urn:cef.eu:names:identifier:EAS:9930"),
                       (Text("Civil Registration Office Berlin I", "EN"),)),
        subject=Person("Dupont", "Jean", date(1992, 10, 22), level_of_assurance="High",
                       identifier=Identifier("FR/DE/123123123", "eidas")),
        evidence_request=DataServiceEvidenceType(
            identifier="41170824-15d9-4c16-984e-63b75b937b8c",
            evidence_type_classification=BIRTH,
            titles=(Text("Certificate of Birth", "EN"),),
            descriptions=(Text("Birth certificate issued by the civil registration office.",
                               "EN"),),
            distributed_as=(DistributedAs("application/pdf", languages=("EN",)),),
        ),
        procedure=Procedure("T3"),
        possibility_for_preview=False,
        explicit_request_given=True,
        requirements=(Requirement(
            "https://sr.oots.tech.ec.europa.eu/requirements/f8a6a284-34e9-42c7-9733-63b5c4f4aa42",
            (Text("Proof of tertiary education diploma/certificate/degree", "EN"),),
            (Text("Proof that the person holds a diploma awarded by a tertiary education "
                  "institution.", "EN"),)),),
    )
    assert_semantically_equal((shared_dir / REF / "requete.xml").read_bytes(), build_request(model))


def test_reference_response(shared_dir: Path) -> None:
    main = EvidenceDocument(
        id=f"urn:uuid:{u(17)}",
        evidence=Evidence(
            identifier=u(18),
            distributions=(Distribution("application/pdf"),),
            is_about=JEAN,
            issuing_authority=Agent(DINUM_AGENT.identifier, DINUM),
            is_conformant_to=EvidenceTypeRef(BIRTH, (Text("Certificate of Birth", "EN"),)),
            issuing_date=date(1970, 3, 3),
        ),
        item=RepositoryItemRef(f"cid:{u(3)}@pdf.oots.fr", "Evidence"),
        role="MainEvidence",
        classification_id=f"urn:uuid:{u(19)}",
    )
    model = EvidenceResponse(
        version=V2,
        request_id="urn:uuid:4ffb5281-179d-4578-adf2-39fd13ccc797",
        response_id=u(4),
        issue_datetime=T0,
        providers=(Agent(DINUM_AGENT.identifier, DINUM, DINUM_AGENT.address,
                         classification="EP"),),
        requester=MESR,
        packages=(EvidencePackage(f"urn:uuid:{u(16)}", (main,)),),
    )
    assert_semantically_equal((shared_dir / REF / "reponse.xml").read_bytes(),
                              build_response(model))


def test_reference_errors(shared_dir: Path) -> None:
    for name, code, n in [
        ("erreur.xml", EdmErrorCode.OBJECT_NOT_FOUND, 7),
        ("erreurRequeteInvalide.xml", EdmErrorCode.INVALID_REQUEST, 10),
        ("erreurCapaciteNonSupportee.xml", EdmErrorCode.UNSUPPORTED_CAPABILITY, 13),
        ("erreurExpiration.xml", EdmErrorCode.TIMEOUT, 20),
    ]:
        model = EvidenceErrorResponse(
            version=V2,
            request_id="urn:uuid:4ffb5281-179d-4578-adf2-39fd13ccc797",
            response_id=u(n),
            error_provider=Agent(DINUM_AGENT.identifier, DINUM, DINUM_AGENT.address,
                                 classification="ERRP"),
            requester=MESR,
            exception=EdmException(code=code, timestamp=T0),
        )
        assert_semantically_equal((shared_dir / REF / name).read_bytes(),
                                  build_error_response(model))
