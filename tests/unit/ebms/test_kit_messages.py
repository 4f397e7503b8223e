"""Every file of the kit's ``as4/messages/`` is read at run time; each has an expected outcome.

``P(kind, soap, form, parts)``: parsed; ``kind`` as :attr:`ParsedEnvelope.kind`, SOAP
version, capture form (:func:`read_capture`) and number of MIME attachments.
``H(kind)``: a stand-alone ``eb:Messaging`` header document (:func:`parse_messaging`).
``R(code, fragment, why)``: refused with that EBMS code; ``fragment`` must appear in
the error message, ``why`` says what is wrong with the file (KNOWN-DEFECTS n).

A file added to or removed from the kit fails ``test_table_covers_the_kit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from gateway.ebms import parse_envelope, parse_messaging, read_capture
from gateway.errors import EbmsError


@dataclass(frozen=True)
class P:
    kind: str
    soap: str = "1.2"
    form: str = "soap"
    parts: int = 0


@dataclass(frozen=True)
class H:
    kind: str


@dataclass(frozen=True)
class R:
    code: str
    fragment: str
    why: str


EXPECTED: dict[str, P | H | R] = {
    # --- parsed ---
    "domibus-5.1/msh-test/RawXMLMessageWithSpaces.xml": P("UserMessage"),
    "domibus-5.1/msh-test/RawXMLMessageWithSpacesAndPkiPath.xml": P("UserMessage"),
    "domibus-5.1/msh-test/bst_X509PKIPathv1_incoming_message.xml": P("UserMessage"),
    "domibus-5.1/msh-test/bst_x509v3_incoming_message.xml": P("UserMessage"),
    "domibus-5.1/msh-test/is_incoming_message.xml": P("UserMessage"),
    "domibus-5.1/msh-test/mshwebserviceit-soapenvelope.xml": P("UserMessage"),
    "domibus-5.1/msh-test/ski_incoming_message.xml": P("UserMessage"),
    "domibus-5.1/msh-test/soapEnvelope-PullRequest.xml": P("PullRequest"),
    "domibus-5.1/msh-test/soapEnvelope-SignalMessage-error.xml": P("Error"),
    "domibus-5.1/msh-test/soapEnvelope-SignalMessage-receipt-pull.xml": P("Receipt"),
    "domibus-5.1/msh-test/soapEnvelope-UserMessage-receipt-split-and-join.xml": P("Receipt"),
    "domibus-5.1/msh-test/soapMessageWithSecurityAlgorithms.xml": P("UserMessage"),
    "domibus-5.1/test-common/MSHAS4Request-signOnly.xml": P("UserMessage"),
    "domibus-5.1/test-common/MSHAS4Request.xml": P("UserMessage"),
    "domibus-5.1/test-common/MSHAS4Response-signOnly.xml": P("Receipt"),
    "domibus-5.1/test-common/MSHAS4Response.xml": P("Receipt"),
    "domibus-5.1/test-common/SOAPMessage.xml": P("UserMessage"),
    "domibus-5.1/test-common/SOAPMessage2.xml": P("UserMessage"),
    "domibus-5.1/test-common/SOAPMessage4.xml": P("UserMessage"),
    "domibus-5.1/test-common/SOAPMessage4_compressed.xml": P("UserMessage"),
    "domibus-5.1/test-common/SOAPTestMessage.xml": P("UserMessage"),
    "domibus-5.1/test-common/SoapRequest.xml": P("UserMessage"),
    "domibus-5.1/test-common/SoapRequestBinaryToken.xml": P("UserMessage"),
    "domibus-5.1/test-common/UserMessageReceipt.xml": P("Receipt"),
    "domibus-5.1/test-common/request_BST_PKIP.xml": P("UserMessage"),
    "domibus-5.1/test-common/response_BST_PKIP.xml": P("Receipt"),
    "domibus-5.1/test-common/validAS4Response.xml": P("Receipt"),
    "domibus-5.1/test-common/validAS4Response2.xml": P("Receipt"),
    "eessi-as4.net/8.1.21-message.xml": P("UserMessage"),
    "eessi-as4.net/UserMessage.xml": P("UserMessage"),
    "eessi-as4.net/_8_1_22_message.as4": P("UserMessage", "1.2", "mime-body", 2),
    "eessi-as4.net/as4-encrypted-compressed-message.as4": P("UserMessage", "1.2", "mime-body", 2),
    "eessi-as4.net/as4-encrypted-signed-issuerserial.as4": P("UserMessage", "1.2", "mime-body", 2),
    "eessi-as4.net/as4-encrypted-signed-keyidentifier.as4": P("UserMessage", "1.2", "mime-body", 2),
    "eessi-as4.net/as4-multihop-message.as4": P("Error", "1.2", "mime-body", 0),
    "eessi-as4.net/as4-pullrequest-warning.xml": P("Error"),
    "eessi-as4.net/as4-soap-pullrequest.xml": P("PullRequest"),
    "eessi-as4.net/as4-soap-signed-encrypted-message.xml": P("UserMessage"),
    "eessi-as4.net/as4-soap-signed-message.txt": P("UserMessage"),
    "eessi-as4.net/as4-soap-signed-pullrequest.xml": P("PullRequest"),
    "eessi-as4.net/as4-soap-user-receipt-message.xml": P("UserMessage+Receipt+Receipt"),
    "eessi-as4.net/as4-soap-wrong-signed-message.txt": P("UserMessage"),
    "eessi-as4.net/as4_flame_envelope.as4": P("UserMessage"),
    "eessi-as4.net/as4_single_payload.as4": P("UserMessage", "1.2", "mime-body", 1),
    "eessi-as4.net/as4_soapattachment.as4": P("UserMessage"),
    "eessi-as4.net/c3_minderreceiveagent_request.as4": P("UserMessage", "1.2", "mime-body", 2),
    "eessi-as4.net/multihopreceipt.xml": P("Receipt"),
    "eessi-as4.net/receipt.xml": P("Receipt"),
    "eessi-as4.net/receipt_with_invalid_signature.as4": P("Receipt"),
    "eessi-as4.net/signed_holodeck_message.as4": P("UserMessage", "1.2", "mime-body", 2),
    "oots-france/incoming/erreurAutorisationRequise.xml": P("UserMessage"),
    "oots-france/incoming/erreurObjetIntrouvable.xml": P("UserMessage"),
    "oots-france/incoming/erreurSansCode.xml": P("UserMessage"),
    "oots-france/incoming/reel/erreurObjetIntrouvable.xml": P("UserMessage"),
    "oots-france/incoming/reel/reponseAvecPieceJointe.xml": P("UserMessage"),
    "oots-france/incoming/reel/requete.demarcheInconnue.xml": P("UserMessage"),
    "oots-france/incoming/reel/requete.xml": P("UserMessage"),
    "oots-france/incoming/reponseAvecPieceJointe.xml": P("UserMessage"),
    "oots-france/incoming/requete.demarcheInconnue.xml": P("UserMessage"),
    "oots-france/incoming/requete.sansProcedure.xml": P("UserMessage"),
    "oots-france/incoming/requete.sansRequeteur.xml": P("UserMessage"),
    "oots-france/incoming/requete.xml": P("UserMessage"),
    "oots-france/reference/messages/erreur.entete.xml": H("UserMessage"),
    "oots-france/reference/messages/erreurCapaciteNonSupportee.entete.xml": H("UserMessage"),
    "oots-france/reference/messages/erreurExpiration.entete.xml": H("UserMessage"),
    "oots-france/reference/messages/erreurRequeteInvalide.entete.xml": H("UserMessage"),
    "oots-france/reference/messages/reponse.entete.xml": H("UserMessage"),
    "oots-france/reference/messages/requete.entete.xml": H("UserMessage"),
    "oots-france/reference/soap/erreur.soumission.xml": P("UserMessage"),
    "oots-france/reference/soap/erreurCapaciteNonSupportee.soumission.xml": P("UserMessage"),
    "oots-france/reference/soap/erreurRequeteInvalide.soumission.xml": P("UserMessage"),
    "oots-france/reference/soap/reponse.soumission.xml": P("UserMessage"),
    "oots-france/reference/soap/requete.soumission.xml": P("UserMessage"),
    "phase4/holodeck/ex-mmd-push.mmd": P("UserMessage", "1.1", "soap", 0),
    "phase4/misc/UserMessageWithoutWSSE.xml": P("UserMessage", "1.1", "soap", 0),
    "phase4/peppol-captured/dataport1-mustunderstand.as4in": P("Receipt", "1.2", "http", 0),
    "phase4/peppol-captured/dataport1.as4in": P("Receipt", "1.2", "http", 0),
    "phase4/peppol-captured/dump-raw.as4out": P("UserMessage", "1.2", "mime", 1),
    "phase4/soap11test/BundledMessage.xml": P("UserMessage+Error+PullRequest", "1.1", "soap", 0),
    "phase4/soap11test/ErrorMessage.xml": P("Error", "1.1", "soap", 0),
    "phase4/soap11test/PullRequest.xml": P("PullRequest", "1.1", "soap", 0),
    "phase4/soap11test/ReceiptMessage.xml": P("Receipt", "1.1", "soap", 0),
    "phase4/soap11test/UserMessage-no-soap.xml": H("UserMessage"),
    "phase4/soap11test/UserMessage.xml": P("UserMessage", "1.1", "soap", 0),
    "phase4/soap11test/UserMessageResponse.xml": P("UserMessage", "1.1", "soap", 0),
    "phase4/soap12test/UserMessage12.xml": P("UserMessage"),
    "phase4/soap12test/test-2023-03-15.xml": P("UserMessage"),
    "phase4/testfiles/ErrorMessage.xml": P("Error"),
    "phase4/testfiles/ErrorMessageNoRefToMessageID.xml": P("Error"),
    "phase4/testfiles/ErrorMessageWithFault.xml": P("Error"),
    "phase4/testfiles/TestReceipt11.xml": P("Receipt", "1.1", "soap", 0),
    "phase4/testfiles/TestReceipt12.xml": P("Receipt"),
    "phase4/testfiles/TwoUserMessages.xml": P("UserMessage+UserMessage"),
    "phase4/testfiles/WrongCompression.mime": P("UserMessage", "1.2", "mime", 1),
    "phase4/testfiles/WrongSigningAlgorithm.xml": P("UserMessage"),
    "phase4/testfiles/WrongSigningDigestAlgorithm.xml": P("UserMessage"),
    "phase4/unused/TestMessage11.xml": P("UserMessage", "1.1", "soap", 0),
    "phase4/unused/TestMimeMessage12.xml": P("UserMessage"),
    "phase4/unused/UserMessage11.xml": P("UserMessage", "1.1", "soap", 0),
    "phase4/unused/UserMessage12.xml": P("UserMessage"),
    "phase4/unused/compare.xml": P("UserMessage", "1.1", "soap", 0),
    # --- refused, with the code and the reason (KNOWN-DEFECTS numbers in brackets) ---
    "domibus-4.0.2/encrypted.xml": R("EBMS:0009", "Double hyphen within comment",
        "CXF debug capture: HTTP headers inside an XML comment, chunk sizes in the MIME [5]"),
    "domibus-5.1/msh-test/RawXMLMessage.xml": R("EBMS:0009", "not well-formed",
        "all whitespace removed, <?xmlversion=...: not XML [3]"),
    "domibus-5.1/msh-test/mshwebserviceit-soapenvelope-response.xml": R(
        "EBMS:0009", "MessageId is missing", "Receipt whose MessageInfo has no MessageId"),
    "domibus-5.1/msh-test/valid4CornerMessage.xml": R("EBMS:0009", "MessageInfo is missing",
        "bare eb:Messaging for Domibus' property validator: no MessageInfo"),
    "domibus-5.1/msh-test/validMessaging.xml": R("EBMS:0009", "MessageInfo is missing",
        "bare eb:Messaging for Domibus' validator: no MessageInfo"),
    "domibus-5.1/test-common/InvalidBodyloadCidSOAPMessage.xml": R(
        "EBMS:0009", "href '#cid:message' appears twice",
        "negative test: two PartInfos, one href [12]"),
    "domibus-5.1/test-common/InvalidSOAPFaultResponse.xml": R("EBMS:0009", "0 SOAP Header",
        "SOAP Fault without any ebMS header"),
    "domibus-5.1/test-common/PML.xml": R("EBMS:0009", "0 SOAP Header",
        "Domibus WS-plugin backend response, not AS4"),
    "domibus-5.1/test-common/SOAPFaultResponse.xml": R("EBMS:0009", "0 SOAP Header",
        "SOAP Fault without any ebMS header"),
    "domibus-5.1/test-common/SOAPMessageNoMessaging.xml": R("EBMS:0009", "no eb:Messaging",
        "signed envelope without eb:Messaging"),
    "domibus-5.1/test-common/blue2redGoodMessage.xml": R("EBMS:0009", "MessageInfo is missing",
        "Domibus backend submit request (the MSH adds MessageInfo), not AS4 wire format"),
    "domibus-5.1/test-common/blue2redInvalidMessage.xml": R("EBMS:0009", "MessageInfo is missing",
        "Domibus backend submit request, negative test [12]"),
    "domibus-5.1/test-common/blue2redMessageFaultResponse.xml": R("EBMS:0009", "0 SOAP Header",
        "Domibus backend fault response, not AS4"),
    "domibus-5.1/test-common/blue2redMessageResponse.xml": R("EBMS:0009", "0 SOAP Header",
        "Domibus backend send response, not AS4"),
    "eessi-as4.net/EncryptedKeyWithMGFSpec.txt": R("EBMS:0009", "EncryptedKey is not a SOAP",
        "a lone xenc:EncryptedKey, not a message"),
    "eessi-as4.net/Receipt_InvalidNRI_Namespace.as4": R("EBMS:0302", "wrong namespace",
        "NRI's ds:Reference written without the XML-DSig namespace [12]"),
    "eessi-as4.net/holodeck-as4message.xml": R("EBMS:0007", "RFC 2046 allows 70",
        "string-escaped dump: literal \\r\\n instead of line breaks [6]"),
    "eessi-as4.net/rssbus_message.as4": R("EBMS:0009", "ConversationId: is empty",
        "RSSBus leaves the REQUIRED ConversationId empty"),
    "oots-france/README.md": R("EBMS:0009", "not well-formed", "documentation, not a message"),
    "oots-france/incoming/reel/listeMessagesEnAttente.vide.xml": R("EBMS:0009", "0 SOAP Header",
        "WS-plugin listPendingMessages response, no ebMS header"),
    "oots-france/incoming/reel/listeMessagesEnAttente.xml": R("EBMS:0009", "0 SOAP Header",
        "WS-plugin listPendingMessages response, no ebMS header"),
    "oots-france/incoming/reel/soumissionMessage.xml": R("EBMS:0009", "0 SOAP Header",
        "WS-plugin submitResponse, no ebMS header"),
    "oots-france/reference/messages/erreur.xml": R("EBMS:0009", "QueryResponse is not a SOAP",
        "EDM payload (RegRep QueryResponse), not a message"),
    "oots-france/reference/messages/erreurCapaciteNonSupportee.xml": R(
        "EBMS:0009", "QueryResponse is not a SOAP", "EDM payload, not a message"),
    "oots-france/reference/messages/erreurExpiration.xml": R(
        "EBMS:0009", "QueryResponse is not a SOAP", "EDM payload, not a message"),
    "oots-france/reference/messages/erreurRequeteInvalide.xml": R(
        "EBMS:0009", "QueryResponse is not a SOAP", "EDM payload, not a message"),
    "oots-france/reference/messages/reponse.xml": R(
        "EBMS:0009", "QueryResponse is not a SOAP", "EDM payload, not a message"),
    "oots-france/reference/messages/requete.xml": R(
        "EBMS:0009", "QueryRequest is not a SOAP", "EDM payload (QueryRequest), not a message"),
    "oots-france/reference/soap/listeMessagesEnAttente.filtree.xml": R(
        "EBMS:0009", "no eb:Messaging", "WS-plugin listPendingMessages request"),
    "oots-france/reference/soap/listeMessagesEnAttente.xml": R(
        "EBMS:0009", "no eb:Messaging", "WS-plugin listPendingMessages request"),
    "oots-france/reference/soap/recuperationMessage.xml": R(
        "EBMS:0009", "no eb:Messaging", "WS-plugin retrieveMessage request"),
    "phase4/holodeck/from-holodeck-1.xml": R("EBMS:0009", "XML declaration allowed only",
        "licence comment prepended before the XML declaration: not XML"),
    "phase4/misc/NonRepudiationInformation.xml": R("EBMS:0009", "NonRepudiationInformation is not",
        "a lone ebbp:NonRepudiationInformation, not a message"),
    "phase4/soap11test/EmptyMessaging.xml": R("EBMS:0009", "holds neither",
        "eb:Messaging without UserMessage or SignalMessage"),
    "phase4/soap11test/MessageInfoIDMissing.xml": R("EBMS:0009", "MessageId is missing",
        "negative test: no MessageId"),
    "phase4/soap11test/MessageInfoImaginaryTimestamp.xml": R(
        "EBMS:0009", "not a valid date/time", "negative test: Timestamp 2006-30-30T30:99:99"),
    "phase4/soap11test/MessageInfoMissing.xml": R("EBMS:0009", "MessageInfo is missing",
        "negative test: no MessageInfo"),
    "phase4/soap11test/NoMessaging.xml": R("EBMS:0009", "holds neither",
        "bare eb:Messaging with nothing in it"),
    "phase4/soap12test/PullRequest12.xml": R("EBMS:0009", "is not a valid URI",
        "namespace URI with a space; also misspelt SHA-1 digest URI [7]"),
    "phase4/soap12test/UserMessageWithCompressedPayload12.xml": R(
        "EBMS:0009", "Opening and ending tag mismatch", "not well-formed (unclosed Property)"),
    "phase4/testfiles/NoResponder.xml": R("EBMS:0009", "To is missing",
        "negative test: PartyInfo without To"),
    "phase4/testfiles/PullPush.xml": R("EBMS:0009", "StandardBusinessDocument is not",
        "SBDH business document, not a message"),
    "phase4/testfiles/PushPull.xml": R("EBMS:0009", "StandardBusinessDocument is not",
        "SBDH business document, not a message"),
    "phase4/testfiles/UserMessageNoPartyID.xml": R("EBMS:0009", "PartyId: is empty",
        "negative test: empty PartyId"),
    "phase4/unused/NonRepudiationInformation.xml": R(
        "EBMS:0009", "NonRepudiationInformation is not",
        "a lone ebbp:NonRepudiationInformation, not a message"),
    "phase4/unused/TestMimeMessage11.xml": R("EBMS:0009", "Opening and ending tag mismatch",
        "not well-formed: eb:UserMessage not closed [7]"),
}


def _outcome(data: bytes) -> tuple[str, object]:
    capture = read_capture(data)
    parsed = parse_envelope(capture.envelope)
    return parsed.kind, (parsed.soap_version, capture.form, len(capture.attachments))


def test_table_covers_the_kit(as4_kit: Path) -> None:
    on_disk = {str(p.relative_to(as4_kit / "messages")) for p in (as4_kit / "messages").rglob("*")
               if p.is_file()}
    assert on_disk == set(EXPECTED), (
        f"not in table: {sorted(on_disk - set(EXPECTED))}; "
        f"gone from kit: {sorted(set(EXPECTED) - on_disk)}")


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_kit_message(as4_kit: Path, rel: str) -> None:
    data = (as4_kit / "messages" / rel).read_bytes()
    expected = EXPECTED[rel]
    if isinstance(expected, P):
        capture = read_capture(data)
        parsed = parse_envelope(capture.envelope)
        assert (parsed.kind, parsed.soap_version, capture.form, len(capture.attachments)) == (
            expected.kind, expected.soap, expected.form, expected.parts)
    elif isinstance(expected, H):
        users, signals = parse_messaging(data)
        assert "+".join(["UserMessage"] * len(users) + [s.kind for s in signals]) == expected.kind
    else:
        with pytest.raises(EbmsError) as exc:
            try:
                _outcome(data)
            except EbmsError as first:
                if "is not a SOAP 1.2 or 1.1 Envelope" in first.message and (
                        b"Messaging" in data[:2000]):
                    parse_messaging(data)  # a bare header document: refused on its own terms
                raise
        assert exc.value.code == expected.code, exc.value.message
        assert expected.fragment in exc.value.message, exc.value.message
