"""Negative tests for Common Services (DSD, EB) and LCM messages: official samples mutated in
memory, each flagged with the exact rule id (see test_mutations.py for the EDM messages)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gateway.evidence.validation import Severity, Validator

from ._mutate import attr, mutate, text
from .test_mutations import (
    DSD_ERR,
    DSD_RESP,
    DSD_SUB,
    EB_ERR,
    EB_REQ,
    EB_SUB,
    EXC,
    Case,
    assert_flagged_exactly,
)

SERVICE_CASES = [
    Case(
        "dsd-access-service-scheme-not-in-eas",
        DSD_RESP,
        "//sdg:AccessService/sdg:Identifier",
        attr("schemeID", "urn:cef.eu:names:identifier:EAS:XXXX"),
        ("R-DSD-RESP-C014",),
    ),
    Case(
        "dsd-publisher-jurisdiction-unknown-country",
        DSD_RESP,
        "//sdg:Publisher/sdg:Jurisdiction/sdg:AdminUnitLevel1",
        text("XX"),
        ("R-DSD-RESP-C020",),
    ),
    Case(
        "dsd-error-code-not-on-list",
        DSD_ERR,
        EXC,
        attr("code", "DSD:ERR:0099"),
        ("R-DSD-ERR-C023",),
    ),
    Case(
        "eb-requirement-identifier-not-sr-uri",
        EB_REQ,
        "//sdg:Requirement/sdg:Identifier",
        text("not-a-uri"),
        ("R-EB-REQ-C001",),
    ),
    Case("eb-error-code-not-on-list", EB_ERR, EXC, attr("code", "EB:ERR:0099"), ("R-EB-ERR-016",)),
    Case(
        "lcm-dsd-submission-id-not-uuid-is-fatal",
        DSD_SUB,
        "/lcm:SubmitObjectsRequest",
        attr("id", "bulk-1"),
        ("R-DSD-SUB-S004",),
    ),
    Case(
        "lcm-eb-submission-id-not-uuid-is-fatal",
        EB_SUB,
        "/lcm:SubmitObjectsRequest",
        attr("id", "bulk-1"),
        ("EB-SUB-S004",),
    ),
]


@pytest.mark.parametrize("case", SERVICE_CASES, ids=[c.scenario for c in SERVICE_CASES])
def test_mutation_is_flagged_with_the_exact_rule(
    validator: Validator, sample: Callable[[str], bytes], case: Case
) -> None:
    assert_flagged_exactly(validator, sample, case)


def test_fatal_flag_maps_to_fatal_severity(
    validator: Validator, sample: Callable[[str], bytes]
) -> None:
    report = validator.validate(
        mutate(sample(DSD_SUB), "/lcm:SubmitObjectsRequest", attr("id", "bulk-1"))
    )
    (finding,) = [f for f in report.findings if f.severity.fails]
    assert finding.severity is Severity.FATAL and finding.role == "FATAL"
