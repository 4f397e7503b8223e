"""Negative tests: official samples mutated in memory, each flagged with the exact rule ids
(Schematron) or libxml2 error types (XSD) expected. Nothing here is a committed copy."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import pytest

from gateway.evidence.validation import Severity, Validator

from ._mutate import Action, after, append, attr, mutate, remove, text
from .test_official_samples import BIRTH, DSD, EB, EDU, LCM

REQ = f"{BIRTH}/2.1 Step 1  Evidence Request - Birth - full example.xml"
RESP = f"{BIRTH}/2.2 Step 2  Evidence Response - Birth - full example.xml"
ERR = f"{EDU}/3.2 Step 2 Error Response - Education - full example.xml"
DSD_RESP = f"{DSD}/4.3. Query Response of the DSD - Birth Certificate.xml"
DSD_ERR = f"{DSD}/4.4.1 Query Error Response of the DSD - Birth Certificate.xml"
EB_REQ = f"{EB}/4.2. Get List of Requirements Query - Birth Certificate.xml"
EB_ERR = f"{EB}/4.4. Query Error Response of the Evidence Broker - Birth.xml"
DSD_SUB = (
    f"{LCM}/3.1.5 LCM Interface Specification of the DSD/"
    "5.5 LCM Submit Objects to the DSD - Birth Certificate.xml"
)
EB_SUB = (
    f"{LCM}/3.2.5 LCM Interface Specification of the EB/"
    "5.4 LCM Submit Objects to the Evidence Broker - Birth Certificate.xml"
)

SPEC = "rim:Slot[@name='SpecificationIdentifier']/rim:SlotValue/rim:Value"
REQUESTER = "/query:QueryRequest/rim:Slot[@name='EvidenceRequester']//sdg:Agent"
EXC = "/query:QueryResponse/rs:Exception"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
DATATYPE = "SCHEMAV_CVC_DATATYPE_VALID_1_2_1"
CONTENT = "SCHEMAV_ELEMENT_CONTENT"


def preview_slot(url: str) -> str:
    return (
        '<rim:Slot name="PreviewLocation"><rim:SlotValue xsi:type="rim:StringValueType">'
        f"<rim:Value>{url}</rim:Value></rim:SlotValue></rim:Slot>"
    )


class Case(NamedTuple):
    scenario: str
    sample: str
    xpath: str
    action: Action
    expected: tuple[str, ...]


CASES = [
    # --- evidence request (EDM-REQ-S / EDM-REQ-C) --------------------------------------------
    Case(
        "request-wrong-specification-identifier",
        REQ,
        f"/query:QueryRequest/{SPEC}",
        text("oots-edm:v9.9"),
        ("R-EDM-REQ-C001",),
    ),
    Case(
        "request-specification-slot-missing",
        REQ,
        "/query:QueryRequest/rim:Slot[@name='SpecificationIdentifier']",
        remove,
        ("R-EDM-REQ-S005",),
    ),
    Case(
        "request-id-not-urn-uuid",
        REQ,
        "/query:QueryRequest",
        attr("id", "4ffb5281-179d"),
        ("R-EDM-REQ-S004",),
    ),
    Case(
        "request-issue-datetime-not-xsd-datetime",
        REQ,
        "/query:QueryRequest/rim:Slot[@name='IssueDateTime']//rim:Value",
        text("19.05.2022"),
        (DATATYPE, "R-EDM-REQ-C002"),
    ),
    Case(
        "request-procedure-not-on-code-list",
        REQ,
        "//rim:Slot[@name='Procedure']//rim:LocalizedString",
        attr("value", "ZZ9"),
        ("R-EDM-REQ-C003",),
    ),
    Case(
        "request-preview-flag-not-boolean",
        REQ,
        "//rim:Slot[@name='PossibilityForPreview']//rim:Value",
        text("maybe"),
        (DATATYPE,),
    ),
    Case(
        "request-requirements-slot-missing-is-a-warning",
        REQ,
        "/query:QueryRequest/rim:Slot[@name='Requirements']",
        remove,
        ("R-EDM-REQ-S011",),
    ),
    Case(
        "request-evidence-provider-slot-missing",
        REQ,
        "/query:QueryRequest/rim:Slot[@name='EvidenceProvider']",
        remove,
        ("R-EDM-REQ-S013",),
    ),
    Case(
        "request-requester-scheme-not-in-eas",
        REQ,
        f"{REQUESTER}/sdg:Identifier",
        attr("schemeID", "urn:cef.eu:names:identifier:EAS:9999"),
        ("R-EDM-REQ-C012",),
    ),
    Case(
        "request-requester-scheme-missing",
        REQ,
        f"{REQUESTER}/sdg:Identifier",
        attr("schemeID", None),
        ("R-EDM-REQ-C010", "R-EDM-REQ-C012"),
    ),
    Case(
        "request-requester-country-not-on-list",
        REQ,
        f"{REQUESTER}//sdg:AdminUnitLevel1",
        text("XX"),
        ("R-EDM-REQ-C015",),
    ),
    Case(
        "request-requester-classification-unknown",
        REQ,
        f"{REQUESTER}/sdg:Classification",
        text("XX"),
        ("R-EDM-REQ-C014",),
    ),
    Case(
        "request-level-of-assurance-unknown",
        REQ,
        "//sdg:Person/sdg:LevelOfAssurance",
        text("Ultra"),
        ("R-EDM-REQ-C037",),
    ),
    Case(
        "request-person-scheme-not-eidas",
        REQ,
        "//sdg:Person/sdg:Identifier",
        attr("schemeID", "national"),
        ("R-EDM-REQ-C042",),
    ),
    Case(
        "request-person-identifier-not-xx-yy-format",
        REQ,
        "//sdg:Person/sdg:Identifier",
        text("123123123"),
        ("R-EDM-REQ-C039",),
    ),
    Case(
        "request-date-of-birth-not-xsd-date",
        REQ,
        "//sdg:Person/sdg:DateOfBirth",
        text("01.03.1970"),
        (DATATYPE, "R-EDM-REQ-C043"),
    ),
    Case(
        "request-unknown-sdg-element",
        REQ,
        "//sdg:Person",
        append("<sdg:ShoeSize>44</sdg:ShoeSize>"),
        (CONTENT,),
    ),
    Case(
        "request-mandatory-family-name-missing",
        REQ,
        "//sdg:Person/sdg:FamilyName",
        remove,
        (CONTENT,),
    ),
    Case(
        "request-return-type-not-leaf-class",
        REQ,
        "/query:QueryRequest/query:ResponseOption",
        attr("returnType", "ObjectRef"),
        ("R-EDM-REQ-C024",),
    ),
    Case(
        "request-query-definition-not-document-query",
        REQ,
        "/query:QueryRequest/query:Query",
        attr("queryDefinition", "OtherQuery"),
        ("R-EDM-REQ-C025",),
    ),
    Case(
        "request-preview-location-not-https",
        REQ,
        "/query:QueryRequest/rim:Slot[@name='EvidenceProviderClassification']",
        after(preview_slot("http://preview.example.org/x")),
        ("R-EDM-REQ-C005",),
    ),
    # --- evidence response (EDM-RESP-S / EDM-RESP-C) -----------------------------------------
    Case(
        "response-wrong-specification-identifier",
        RESP,
        f"/query:QueryResponse/{SPEC}",
        text("oots-edm:v1.1"),
        ("R-EDM-RESP-C002",),
    ),
    Case(
        "response-identifier-not-uuid",
        RESP,
        "/query:QueryResponse/rim:Slot[@name='EvidenceResponseIdentifier']//rim:Value",
        text("response-1"),
        ("R-EDM-RESP-C003",),
    ),
    Case(
        "response-issue-datetime-impossible",
        RESP,
        "/query:QueryResponse/rim:Slot[@name='IssueDateTime']//rim:Value",
        text("2022-13-45T99:00:00Z"),
        (DATATYPE,),
    ),
    Case(
        "response-format-not-a-media-type-on-the-list",
        RESP,
        "//sdg:Distribution/sdg:Format",
        text("application/x-unknown"),
        ("R-EDM-RESP-C023",),
    ),
    Case(
        "response-issuing-date-not-xsd-date",
        RESP,
        "//sdg:IssuingDate",
        text("03/03/1970"),
        (DATATYPE, "R-EDM-RESP-C016"),
    ),
    Case(
        "response-conforms-to-not-persistent-uri",
        RESP,
        "//sdg:Distribution/sdg:ConformsTo",
        text("ftp://example.org/x"),
        ("R-EDM-RESP-C022",),
    ),
    Case(
        "response-registry-object-id-not-urn-uuid",
        RESP,
        "//rim:RegistryObject",
        attr("id", "evidence-1"),
        ("R-EDM-RESP-S037",),
    ),
    Case(
        "response-repository-item-not-cid",
        RESP,
        "//rim:RepositoryItemRef",
        attr(XLINK_HREF, "http://example.org/a.pdf"),
        ("(no id)", "R-EDM-RESP-C042"),
    ),
    Case(
        "response-provider-classification-unknown",
        RESP,
        "/query:QueryResponse/rim:Slot[@name='EvidenceProvider']//sdg:Classification",
        text("XX"),
        ("R-EDM-RESP-C011",),
    ),
    Case(
        "response-status-not-success",
        RESP,
        "/query:QueryResponse",
        attr("status", "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Partial"),
        ("R-EDM-RESP-S006",),
    ),
    # --- evidence error response (EDM-ERR-S / EDM-ERR-C), attribute contexts included -------
    Case(
        "error-wrong-specification-identifier",
        ERR,
        f"/query:QueryResponse/{SPEC}",
        text("oots-edm:v2.0-draft"),
        ("R-EDM-ERR-C001",),
    ),
    Case(
        "error-severity-outside-code-list",
        ERR,
        EXC,
        attr("severity", "urn:sr.oots.tech.europa.eu:codes:ErrorSeverity:EDMErrorResponse:X"),
        ("R-EDM-ERR-C014",),
    ),
    Case(
        "error-preview-description-language-unknown",
        ERR,
        f"{EXC}/rim:Slot[@name='PreviewDescription']//rim:LocalizedString[1]",
        attr(XML_LANG, "QQQ"),
        ("R-EDM-ERR-C020",),
    ),
    Case(
        "error-preview-location-not-https",
        ERR,
        f"{EXC}/rim:Slot[@name='PreviewLocation']//rim:Value",
        text("http://preview.space.example.com/requests"),
        ("R-EDM-ERR-C019",),
    ),
    Case(
        "error-preview-method-not-get-or-post",
        ERR,
        f"{EXC}/rim:Slot[@name='PreviewMethod']//rim:Value",
        text("PUT"),
        ("R-EDM-ERR-C021",),
    ),
    Case("error-code-not-on-edm-list", ERR, EXC, attr("code", "EDM:ERR:0099"), ("R-EDM-ERR-C017",)),
    Case(
        "error-timestamp-not-xsd-datetime",
        ERR,
        f"{EXC}/rim:Slot[@name='Timestamp']//rim:Value",
        text("yesterday"),
        (DATATYPE, "R-EDM-ERR-C018"),
    ),
    Case(
        "error-provider-country-gr-instead-of-el",
        ERR,
        "/query:QueryResponse/rim:Slot[@name='ErrorProvider']//sdg:AdminUnitLevel1",
        text("GR"),
        ("R-EDM-ERR-C005",),
    ),
]


def assert_flagged_exactly(
    validator: Validator, sample: Callable[[str], bytes], case: Case
) -> None:
    """The unmutated sample passes; the mutated one fails with exactly ``case.expected``."""
    original = sample(case.sample)
    assert validator.validate(original).valid  # the unmutated sample passes
    report = validator.validate(mutate(original, case.xpath, case.action))
    assert report.valid is False
    assert report.failing_rule_ids == case.expected


def test_at_least_thirty_distinct_scenarios() -> None:
    from .test_mutations_services import SERVICE_CASES

    every = CASES + SERVICE_CASES
    assert len(every) >= 30
    assert len({c.scenario for c in every}) == len(every)


@pytest.mark.parametrize("case", CASES, ids=[c.scenario for c in CASES])
def test_mutation_is_flagged_with_the_exact_rule(
    validator: Validator, sample: Callable[[str], bytes], case: Case
) -> None:
    assert_flagged_exactly(validator, sample, case)


def test_warning_role_fails_the_message(
    validator: Validator, sample: Callable[[str], bytes]
) -> None:
    report = validator.validate(
        mutate(sample(REQ), "/query:QueryRequest/rim:Slot[@name='Requirements']", remove)
    )
    (finding,) = [f for f in report.findings if f.severity.fails]
    assert finding.severity is Severity.WARNING and finding.role == "warning"
    assert report.valid is False


def test_attribute_context_findings_point_at_the_attribute(
    validator: Validator, sample: Callable[[str], bytes]
) -> None:
    """R-EDM-ERR-C014 (context .../@severity) and C020 (.../@xml:lang) really run (item 8)."""
    data = mutate(sample(ERR), EXC, attr("severity", "urn:x:Bogus"))
    data = mutate(
        data,
        f"{EXC}/rim:Slot[@name='PreviewDescription']//rim:LocalizedString[2]",
        attr(XML_LANG, "QQQ"),
    )
    report = validator.validate(data)
    by_id = {f.rule_id: f for f in report.findings}
    assert by_id["R-EDM-ERR-C014"].location == "/query:QueryResponse[1]/rs:Exception[1]/@severity"
    assert by_id["R-EDM-ERR-C020"].location.endswith("/rim:LocalizedString[2]/@xml:lang")
    assert "'QQQ'" in by_id["R-EDM-ERR-C020"].message
