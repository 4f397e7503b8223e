"""The project's v2.0 checks, run through the validation engine on mutated builder output.

Each case changes one thing in a valid v2.0 message (in memory) and expects exactly the
rule id the kit documents for it (README "What changed", KNOWN-DEFECTS 1..6).
"""

from __future__ import annotations

import pytest

from gateway.errors import EdmErrorCode
from gateway.evidence.edm.error import build_error_response
from gateway.evidence.edm.request import build_request
from gateway.evidence.edm.response import build_response
from gateway.evidence.edm.v2_rules import check_request
from gateway.evidence.edm.versions import EdmVersion
from gateway.evidence.validation import Validator
from gateway.namespaces import EdmURI
from gateway.xml._parse import parse_xml

from . import factories as f

V2 = EdmVersion.V2_0
REQ = build_request(f.v2_request_with_language_and_annex())
REQ2 = build_request(f.second_preview_request())
RESP = build_response(f.response(V2))
ERR = build_error_response(f.error(V2, EdmErrorCode.MISSING_AUTHORIZATION))
ANNEX = f.urn(22).encode()
MAIN = f.urn(20).encode()
PREVIEW_V2 = EdmURI.SEVERITY_PREVIEW_REQUIRED_V2.encode()


def _swap(data: bytes, old: bytes, new: bytes, count: int = 1) -> bytes:
    assert old in data, old
    return data.replace(old, new, count)


def _drop_slot(data: bytes, name: bytes) -> bytes:
    start = data.index(b'<rim:Slot name="' + name + b'">')
    end = data.index(b"</rim:Slot>", start) + len(b"</rim:Slot>")
    return data[:start] + data[end:]


def _drop(data: bytes, start_marker: bytes, end_marker: bytes) -> bytes:
    start = data.index(start_marker)
    end = data.index(end_marker, start) + len(end_marker)
    return data[:start] + data[end:]


CASES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "request-xml-lang": (
        _swap(REQ, b"<query:QueryRequest ", b'<query:QueryRequest xml:lang="EN" '),
        ("GW-EDM2-REQ-LANG",)),
    "request-associated-document-summary": (
        _swap(REQ, b">Annex</sdg:AssociatedDocumentRequest>",
              b">Summary</sdg:AssociatedDocumentRequest>"), ("R-EDM-REQ-C119",)),
    "request-preview-without-return": (_drop_slot(REQ2, b"ReturnLocation"),
                                       ("GW-EDM2-REQ-PREVIEW-PAIR",)),
    "request-return-without-preview": (_drop_slot(REQ2, b"PreviewLocation"),
                                       ("GW-EDM2-REQ-PREVIEW-PAIR",)),
    "request-preview-http": (_swap(REQ2, b"https://preview.", b"http://preview."),
                             ("R-EDM-REQ-C005",)),
    "request-return-http": (_swap(REQ2, b"https://requester.", b"http://requester."),
                            ("GW-EDM2-REQ-RETURN-HTTPS",)),
    "request-transformation": (
        _swap(REQ, b"</sdg:DistributedAs>",
              b"<sdg:Transformation>https://x</sdg:Transformation></sdg:DistributedAs>"),
        ("GW-EDM2-REQ-TRANSFORMATION",)),
    "response-unpackaged-object": (
        _swap(RESP, b'xsi:type="rim:RegistryPackageType"', b'xsi:type="rim:ExtrinsicObjectType"'),
        ("R-EDM-RESP-S066",)),
    "response-package-id": (_swap(RESP, f'id="{f.urn(30)}"'.encode(), b'id="package-1"'),
                            ("R-EDM-RESP-S037",)),
    "response-classification-id": (_swap(RESP, f'id="{f.urn(23)}"'.encode(), b'id="c-1"'),
                                   ("R-EDM-RESP-S065",)),
    "response-no-main-evidence": (
        _swap(RESP, b'classificationNode="MainEvidence"', b'classificationNode="Annex"'),
        ("R-EDM-RESP-S047", "R-EDM-RESP-S050", "R-EDM-RESP-S056", "R-EDM-RESP-S058",
         "R-EDM-RESP-S063")),
    "response-unknown-node": (
        _swap(RESP, b'classificationNode="Translation"', b'classificationNode="Summary"'),
        ("R-EDM-RESP-S049", "R-EDM-RESP-S054")),
    "response-foreign-scheme": (
        _swap(RESP, b'classificationScheme="urn:fdc:oots:classification:edm" '
              b'classificationNode="Annex"',
              b'classificationScheme="urn:other" classificationNode="Annex"'),
        ("R-EDM-RESP-S048", "R-EDM-RESP-S052")),
    "response-annex-unassociated": (
        _drop(RESP, b'<rim:RegistryObject xsi:type="rim:AssociationType" id="' + f.urn(31).encode(),
              b"/>"),
        ("R-EDM-RESP-S050",)),
    "response-association-without-source": (
        _swap(RESP, b'sourceObject="' + ANNEX + b'"', b""),
        ("R-EDM-RESP-S051", "R-EDM-RESP-S052", "R-EDM-RESP-S050")),
    "response-association-mistyped": (
        _swap(RESP, b"AssociationType:Annex", b"AssociationType:HumanReadableVersion"),
        ("R-EDM-RESP-S053", "R-EDM-RESP-S059")),
    "response-association-reversed": (
        _swap(RESP, b'sourceObject="' + ANNEX + b'" targetObject="' + MAIN + b'"',
              b'sourceObject="' + MAIN + b'" targetObject="' + ANNEX + b'"'),
        ("R-EDM-RESP-S050", "R-EDM-RESP-S052", "R-EDM-RESP-S056")),
    "response-main-without-issuing-date": (
        _drop(RESP, b"<sdg:IssuingDate>", b"</sdg:IssuingDate>"), ("R-EDM-RESP-S062",)),
    "error-preview-with-error-severity": (
        _swap(ERR, PREVIEW_V2, b"urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error"),
        ("R-EDM-ERR-C022",)),
    "error-preview-with-v1-severity": (
        _swap(ERR, PREVIEW_V2, b"urn:sr.oots.tech.europa.eu:codes:ErrorSeverity:"
              b"EDMErrorResponse:PreviewRequired"), ("R-EDM-ERR-C022",)),
    "error-preview-http": (_swap(ERR, b"https://preview.", b"http://preview."),
                           ("R-EDM-ERR-C019",)),
    "error-preview-method": (
        _swap(ERR, b"</rs:Exception>",
              b'<rim:Slot name="PreviewMethod"><rim:SlotValue xsi:type="rim:StringValueType">'
              b"<rim:Value>GET</rim:Value></rim:SlotValue></rim:Slot></rs:Exception>"),
        ("GW-EDM2-ERR-PREVIEW-SLOTS",)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_mutation_fires_the_documented_rule(name: str, validator: Validator) -> None:
    data, expected = CASES[name]
    report = validator.validate(data)
    assert not report.valid
    project = tuple(dict.fromkeys(x.rule_id for x in report.findings if x.source == "project"
                                  and x.severity.fails))
    assert set(project) == set(expected), [x.to_dict() for x in report.findings]


@pytest.mark.parametrize("data", [REQ, REQ2, RESP, ERR], ids=["req", "req2", "resp", "err"])
def test_valid_builder_output_has_no_project_findings(data: bytes, validator: Validator) -> None:
    report = validator.validate(data)
    assert report.valid
    assert not [x for x in report.findings if x.source == "project" and x.severity.fails]


def test_c119_is_fatal() -> None:
    data = _swap(REQ, b">Annex</sdg:AssociatedDocumentRequest>",
                 b">Summary</sdg:AssociatedDocumentRequest>")
    (finding,) = list(check_request(parse_xml(data)))
    assert finding.severity.value == "fatal"
    assert finding.rule_set and "v2.0" in finding.rule_set


def test_v1_messages_do_not_get_the_v2_checks(validator: Validator) -> None:
    data = build_request(f.request(EdmVersion.V1_0))
    assert "xml:lang" in data.decode()
    assert validator.validate(data).valid
