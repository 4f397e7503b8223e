"""Every XML namespace and specification URI the gateway uses, in one place.

Enum values equal the specifications' own URIs, so they can be compared with
what is on the wire directly. Add new URIs here, never as literals elsewhere.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["NS", "Algorithm", "CommonServicesURI", "EdmURI", "nsmap"]


class NS:
    """XML namespace URIs (bind URIs, never prefixes: peers vary prefixes)."""

    # W3C
    XML: Final = "http://www.w3.org/XML/1998/namespace"
    XSI: Final = "http://www.w3.org/2001/XMLSchema-instance"
    XS: Final = "http://www.w3.org/2001/XMLSchema"
    XLINK: Final = "http://www.w3.org/1999/xlink"
    WSA: Final = "http://www.w3.org/2005/08/addressing"
    SOAP12: Final = "http://www.w3.org/2003/05/soap-envelope"
    SOAP11: Final = "http://schemas.xmlsoap.org/soap/envelope/"
    DS: Final = "http://www.w3.org/2000/09/xmldsig#"
    DSIG11: Final = "http://www.w3.org/2009/xmldsig11#"
    DSIG_MORE: Final = "http://www.w3.org/2007/05/xmldsig-more#"
    DSIG_MORE_2021: Final = "http://www.w3.org/2021/04/xmldsig-more#"
    XENC: Final = "http://www.w3.org/2001/04/xmlenc#"
    XENC11: Final = "http://www.w3.org/2009/xmlenc11#"
    # OASIS WS-Security 1.1.1
    WSSE: Final = (
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
    )
    WSSE11: Final = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd"
    WSU: Final = (
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
    )
    # OASIS ebMS3 / AS4
    EB: Final = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/"
    EBBP: Final = "http://docs.oasis-open.org/ebxml-bp/ebbp-signals-2.0"
    # OASIS ebXML RegRep 4.0
    RIM: Final = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0"
    RS: Final = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0"
    QUERY: Final = "urn:oasis:names:tc:ebxml-regrep:xsd:query:4.0"
    LCM: Final = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:4.0"
    SPI: Final = "urn:oasis:names:tc:ebxml-regrep:xsd:spi:4.0"
    # OOTS SDG generic metadata profile (EDM 1.0 and 2.0 share the namespace)
    SDG: Final = "http://data.europa.eu/p4s"
    # ISO Schematron and SVRL
    SCH: Final = "http://purl.oclc.org/dsdl/schematron"
    SVRL: Final = "http://purl.oclc.org/dsdl/svrl"
    XSL: Final = "http://www.w3.org/1999/XSL/Transform"
    # German register standards (kit de/): XJustiz (nachricht.reg.0400003), XNachweis 1.2.0
    # (NOOTS DE.EvidenceRequest.0301). Added by DE-evidence-provider.
    XJUSTIZ: Final = "http://www.xjustiz.de"
    XNACHWEIS_NOOTS: Final = "urn:xoev-de:bva:standard:xnachweis:schema:xnachweis-de-noots"
    XNACHWEIS_BK: Final = "urn:xoev-de:bva:standard:xnachweis:schema:xnachweis-baukasten"
    # XGewerbeanzeige (kit de/xgewerbeanzeige/STRUCTURE.md "Namespaces"). Added by gewerbe.
    XGEWERBEANZEIGE_2_0: Final = "http://www.xgewerbeanzeige.de/spezifikation/2.0"
    XGEWERBEANZEIGE_2_1: Final = "http://www.xgewerbeanzeige.de/spezifikation/2.1"
    XGEWERBEANZEIGE_2_2: Final = "http://www.xgewerbeanzeige.de/spezifikation/2.2"
    # DE4A canonical evidence "CompanyRegistration" v0.6 (kit de/eu/de4a-t4.2-company-registration)
    DE4A_COMPANY_REGISTRATION: Final = (
        "urn:eu-de4a:xsd:CanonicalEvidenceType::CompanyRegistration:v0.6")
    CV_BASIC: Final = "http://www.w3.org/ns/corevocabulary/BasicComponents"
    # Project extension: the representatives v0.6 does not carry [ASSUMED, docs/gewerbe.md]
    GW_REPRESENTATIVES: Final = "urn:oots-gateway:de4a-extension:representatives:1"
    # Our structured Handelsregister extract (gateway/evidence/extract.py; not an SR model:
    # the production EU data model for DE company evidence is not public, PEERS.md §2).
    DE_HR_EXTRACT: Final = "urn:oots-gateway:de:evidence:handelsregister-extract:1"


_PREFIXES: Final[dict[str, str]] = {
    "xml": NS.XML,
    "xsi": NS.XSI,
    "xs": NS.XS,
    "xlink": NS.XLINK,
    "wsa": NS.WSA,
    "S12": NS.SOAP12,
    "ds": NS.DS,
    "xenc": NS.XENC,
    "xenc11": NS.XENC11,
    "wsse": NS.WSSE,
    "wsse11": NS.WSSE11,
    "wsu": NS.WSU,
    "eb": NS.EB,
    "ebbp": NS.EBBP,
    "rim": NS.RIM,
    "rs": NS.RS,
    "query": NS.QUERY,
    "lcm": NS.LCM,
    "sdg": NS.SDG,
    "sch": NS.SCH,
    "svrl": NS.SVRL,
    "xsl": NS.XSL,
}


def nsmap(*prefixes: str) -> dict[str, str]:
    """The conventional prefix map for the given prefixes (all when none given)."""
    if not prefixes:
        return dict(_PREFIXES)
    return {p: _PREFIXES[p] for p in prefixes}


class Algorithm(enum.Enum):
    """Security algorithm URIs (XML-DSig, XML-Enc, WSS SwA, eDelivery AS4)."""

    # Canonicalization
    EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
    # Digests
    SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
    SHA384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
    SHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"
    SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
    # Signatures
    RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
    ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
    EDDSA_ED25519 = "http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519"
    # Key transport, agreement, derivation, wrap
    RSA_OAEP_XENC11 = "http://www.w3.org/2009/xmlenc11#rsa-oaep"
    RSA_OAEP_MGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
    RSA_1_5 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5"
    MGF1_SHA256 = "http://www.w3.org/2009/xmlenc11#mgf1sha256"
    X25519 = "http://www.w3.org/2021/04/xmldsig-more#x25519"
    HKDF = "http://www.w3.org/2021/04/xmldsig-more#hkdf"
    HMAC_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"
    KW_AES128 = "http://www.w3.org/2001/04/xmlenc#kw-aes128"
    # Content encryption
    AES128_GCM = "http://www.w3.org/2009/xmlenc11#aes128-gcm"
    AES128_CBC = "http://www.w3.org/2001/04/xmlenc#aes128-cbc"
    # WSS SwA profile 1.1
    SWA_CONTENT_SIGNATURE = "http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1#Attachment-Content-Signature-Transform"
    SWA_COMPLETE_SIGNATURE = "http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1#Attachment-Complete-Signature-Transform"
    SWA_CIPHERTEXT = (
        "http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1#Attachment-Ciphertext-Transform"
    )
    SWA_CONTENT_ONLY = (
        "http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1#Attachment-Content-Only"
    )
    # Added by AS4-security: further XML-DSig / XML-Enc URIs seen in the kit's samples
    RSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
    RSA_SHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
    MGF1_SHA1 = "http://www.w3.org/2009/xmlenc11#mgf1sha1"
    AES256_GCM = "http://www.w3.org/2009/xmlenc11#aes256-gcm"
    AES256_CBC = "http://www.w3.org/2001/04/xmlenc#aes256-cbc"
    C14N_INCLUSIVE = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    ENVELOPED_SIGNATURE = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"


class CommonServicesURI:
    """OOTS Common Services (Evidence Broker, Data Service Directory) identifiers.

    Sources: TDD 3.1.4 (DSD query interface), 3.2.4 (EB query interface), 3.6.2
    (common API: ``Accept-Version``, signed responses), ETSI TS 119 182-1 (JAdES).
    """

    # Query ids (identical for oots-cs v1.0 and v2.0; the version is negotiated
    # with the Accept-Version header, TDD 3.6.2)
    EB_REQUIREMENTS_QUERY: Final = (
        "urn:fdc:oots:eb:ebxml-regrep:queries:requirements-by-procedure-and-jurisdiction"
    )
    EB_EVIDENCE_TYPES_QUERY: Final = (
        "urn:fdc:oots:eb:ebxml-regrep:queries:evidence-types-by-requirement-and-jurisdiction"
    )
    DSD_DATA_SERVICES_QUERY: Final = (
        "urn:fdc:oots:dsd:ebxml-regrep:queries:dataservices-by-evidencetype-and-jurisdiction"
    )
    # Media type and version tokens (TDD 3.6.2)
    MEDIA_TYPE: Final = "application/x-ebrs+xml"
    CS_V2: Final = "oots-cs:v2.0"
    EDM_V1: Final = "oots-edm:v1.0"
    EDM_V2: Final = "oots-edm:v2.0"
    # RegRep 4 status, severity and collection URNs (RegRep 4 RS, OOTS ErrorSeverity list)
    STATUS_SUCCESS: Final = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"
    STATUS_FAILURE: Final = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure"
    SEVERITY_ERROR: Final = "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error"
    SEVERITY_ADDITIONAL_INPUT: Final = (
        "urn:sr.oots.tech.europa.eu:codes:ErrorSeverity:DSDErrorResponse:AdditionalInput"
    )
    # Assumed v2.0 form: the 2.0 line moved the severity URNs to sr.oots.tech.ec.europa.eu
    # (README item 6.2 for EDMErrorResponse:PreviewRequired, item 11); not seen for DSD.
    SEVERITY_ADDITIONAL_INPUT_V2: Final = (
        "urn:sr.oots.tech.ec.europa.eu:codes:ErrorSeverity:DSDErrorResponse:AdditionalInput"
    )
    COLLECTION_SET: Final = "urn:oasis:names:tc:ebxml-regrep:CollectionType:Set"
    # ETSI TS 119 182-1 §5.2.8 sigD mechanism for HTTP headers
    JADES_HTTP_HEADERS: Final = "http://uri.etsi.org/19182/HttpHeaders"


class EdmURI:
    """OOTS EDM evidence exchange URNs (EDM 1.0 rule files, TDD 2.0.1 4.5.2 / 4.5.3).

    Added by EDM-exchange.
    """

    # EDM-ERR-C.sch R-EDM-ERR-C014/C022 (v1.0 code list ErrorSeverity)
    SEVERITY_PREVIEW_REQUIRED_V1: Final = (
        "urn:sr.oots.tech.europa.eu:codes:ErrorSeverity:EDMErrorResponse:PreviewRequired"
    )
    # TDD 2.0.1 4.5.3 / 4.9 (kit oots-tdd-2.0/README.md, item 6.2)
    SEVERITY_PREVIEW_REQUIRED_V2: Final = (
        "urn:sr.oots.tech.ec.europa.eu:codes:ErrorSeverity:EDMErrorResponse:PreviewRequired"
    )
    # TDD 2.0.1 4.5.2 §2.6: response packaging
    CLASSIFICATION_SCHEME: Final = "urn:fdc:oots:classification:edm"
    ASSOCIATION_TYPE_PREFIX: Final = "urn:oasis:names:tc:ebxml-regrep:AssociationType:"
    # Fixed RegRep query values of an evidence request (R-EDM-REQ-C024, C025)
    RETURN_TYPE: Final = "LeafClassWithRepositoryItem"
    QUERY_DEFINITION: Final = "DocumentQuery"


class WssURI:
    """WS-Security 1.1.1 token profile URIs (X.509 Token Profile 1.1.1, SOAP Message
    Security 1.1.1). Added by AS4-security."""

    BASE64_BINARY: Final = (
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0"
        "#Base64Binary"
    )
    X509V3: Final = (
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
    )
    X509_PKIPATH_V1: Final = (
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0"
        "#X509PKIPathv1"
    )
    X509_SKI: Final = (
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0"
        "#X509SubjectKeyIdentifier"
    )
    # A WSS token-type URI, not a password.
    ENCRYPTED_KEY_TOKEN: Final = (
        "http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#EncryptedKey"  # noqa: S105
    )
