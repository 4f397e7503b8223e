"""The project's oots-cs:v2.0 checks: captures and builder output pass, v1.0 content fails."""

from __future__ import annotations

import pytest

from gateway.evidence.common_services.cs_v2_rules import register_cs_v2_rules
from gateway.evidence.validation import Validator
from gateway.settings import Settings

from .conftest import CAPTURES, Capture


@pytest.fixture(scope="module")
def validator(settings: Settings) -> Validator:
    v = Validator.from_settings(settings)
    register_cs_v2_rules(v)
    return v


def _project(validator: Validator, data: bytes) -> list[str]:
    report = validator.validate(data)
    return [f"{f.rule_id}" for f in report.findings if f.source == "project" and f.severity.fails]


@pytest.mark.parametrize("name", CAPTURES)
def test_captures_pass(name: str, captures: dict[str, Capture], validator: Validator) -> None:
    assert _project(validator, captures[name].body) == []


@pytest.mark.parametrize(
    ("name", "old", "new", "rule"),
    [
        (
            "dsd_data_services_fi",
            b"<sdg:Language>EN</sdg:Language>",
            b"<sdg:Transformation>https://x/y</sdg:Transformation>",
            "GW-CS2-002",
        ),
        (
            "eb_evidence_types_fr",
            b"</sdg:Description>\n                            </sdg:EvidenceType>",
            b"</sdg:Description><sdg:Jurisdiction><sdg:AdminUnitLevel1>FR</sdg:AdminUnitLevel1>"
            b"</sdg:Jurisdiction></sdg:EvidenceType>",
            "GW-CS2-002",
        ),
        ("eb_requirements_vides", b'code="EB:ERR:0001"', b'code="EB:ERR:0004"', "GW-CS2-002"),
        (
            "eb_requirements_fr",
            b'xsi:type="rim:StringValueType"',
            b'xsi:type="rim:AnyValueType"',
            "GW-CS2-001",
        ),
        ("dsd_data_services_fi", b"<sdg:Publisher>", b"<sdg:Publisher><sdg:Colour/>", "GW-CS2-003"),
        (
            "eb_requirements_fr",
            b"<sdg:RelatedTo>\n" + b" " * 32 + b"<sdg:Identifier>00</sdg:Identifier>\n"
            b"                            </sdg:RelatedTo>",
            b"",
            "R-EB-REQ-S020",
        ),
    ],
)
def test_mutations_are_reported(
    name: str, old: bytes, new: bytes, rule: str, captures: dict[str, Capture], validator: Validator
) -> None:
    body = captures[name].body
    assert old in body
    findings = _project(validator, body.replace(old, new, 1))
    assert rule in findings, findings
