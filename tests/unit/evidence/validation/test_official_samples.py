"""Every sample of the v1.0 kit: verdict, failing and informational rule ids as RESULTS.md
("Per-file verdicts", SchXslt column, all rules applied) records them, file by file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.evidence.validation import MessageKind, Validator, detect
from gateway.xml import parse_xml

RR = "Request-Response Samples/4.5.4 - OOTS-EDM XML Examples of the Evidence Exchange"
BIRTH = f"{RR}/2 Example for requesting a Birth Certificate - natural person"
EDU = f"{RR}/3 Example for requesting Secondary Education Completion Evidence"
TAX = f"{RR}/4 Example for requesting an Extract of a Commercial Register"
DSD = "DSD/Complete XML examples (DSD)"
EB = "EB/Complete XML examples (EB)"
LCM = "LCM/Complete XML Examples"
UPA = "Query Error Response of the DSD requesting additional User Provided Attributes"

# (file, rule sets, failing ids, info-only ids) transcribed from RESULTS.md.
EXPECTED: list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    (
        f"{DSD}/4.3. Query Response of the DSD - Birth Certificate Simple Flow.xml",
        ("DSD-RESP-S", "DSD-RESP-C"),
        (),
        (),
    ),
    (
        f"{DSD}/4.3. Query Response of the DSD - Birth Certificate.xml",
        ("DSD-RESP-S", "DSD-RESP-C"),
        (),
        (),
    ),
    (
        f"{DSD}/4.3. Query Response of the DSD - Secondary Education.xml",
        ("DSD-RESP-S", "DSD-RESP-C"),
        (),
        (),
    ),
    (
        f"{DSD}/4.3. Query Response of the DSD - Social Security Contributions.xml",
        ("DSD-RESP-S", "DSD-RESP-C"),
        (),
        (),
    ),
    (
        f"{DSD}/4.4.1 Query Error Response of the DSD - Birth Certificate.xml",
        ("DSD-ERR-S", "DSD-ERR-C"),
        (),
        (),
    ),
    (
        f"{DSD}/4.4.1 Query Error Response of the DSD - Secondary Education.xml",
        ("DSD-ERR-S", "DSD-ERR-C"),
        (),
        (),
    ),
    (
        f"{DSD}/4.4.1 Query Error Response of the DSD - Social Security Contributions.xml",
        ("DSD-ERR-S", "DSD-ERR-C"),
        (),
        (),
    ),
    (
        f"{DSD}/4.4.3. {UPA} - Birth Certificate - DSD-ERR005.xml",
        ("DSD-ERR-S", "DSD-ERR-C"),
        (),
        (),
    ),
    (
        f"{DSD}/4.4.3. {UPA} - Secondary Education - DSD-ERR005.xml",
        ("DSD-ERR-S", "DSD-ERR-C"),
        (),
        (),
    ),
    (
        f"{DSD}/4.4.3. {UPA} - Social Security Contributions - DSD-ERR005.xml",
        ("DSD-ERR-S", "DSD-ERR-C"),
        (),
        ("R-DSD-RESP-S011",),
    ),
    (
        f"{EB}/4.2. Get List of Requirements Query - Birth Certificate.xml",
        ("EB-REQ-S", "EB-REQ-C"),
        (),
        (),
    ),
    (
        f"{EB}/4.2. Get List of Requirements Query - Secondary Education.xml",
        ("EB-REQ-S", "EB-REQ-C"),
        (),
        (),
    ),
    (
        f"{EB}/4.2. Get List of Requirements Query - Social Security Contributions.xml",
        ("EB-REQ-S", "EB-REQ-C"),
        (),
        (),
    ),
    (
        f"{EB}/4.3. Get Evidence Types for Requirement Query - Birth Certificate.xml",
        ("EB-EVI-S", "EB-EVI-C"),
        (),
        (),
    ),
    (
        f"{EB}/4.3. Get Evidence Types for Requirement Query - Secondary Education.xml",
        ("EB-EVI-S", "EB-EVI-C"),
        (),
        (),
    ),
    (
        f"{EB}/4.3. Get Evidence Types for Requirement Query - Social Security Contributions.xml",
        ("EB-EVI-S", "EB-EVI-C"),
        (),
        (),
    ),
    (f"{EB}/4.4. Query Error Response of the Evidence Broker - Birth.xml", ("EB-ERR",), (), ()),
    (
        f"{EB}/4.4. Query Error Response of the Evidence Broker - Secondary Education.xml",
        ("EB-ERR",),
        (),
        (),
    ),
    (
        f"{EB}/4.4. Query Error Response of the Evidence Broker"
        " - Social Security Contributions.xml",
        ("EB-ERR",),
        (),
        (),
    ),
    (
        f"{LCM}/3.1.5 LCM Interface Specification of the DSD/"
        "5.5 LCM Submit Objects to the DSD - Birth Certificate.xml",
        ("DSD-SUB-S", "DSD-SUB-C"),
        (),
        (),
    ),
    (
        f"{LCM}/3.1.5 LCM Interface Specification of the DSD/"
        "5.5 LCM Submit Objects to the DSD - Bulk submission.xml",
        ("DSD-SUB-S", "DSD-SUB-C"),
        (),
        (),
    ),
    (
        f"{LCM}/3.2.5 LCM Interface Specification of the EB/"
        "5.4 LCM Submit Objects to the Evidence Broker - Birth Certificate.xml",
        ("EB-SUB-S", "EB-SUB-C"),
        (),
        (),
    ),
    (
        f"{LCM}/3.2.5 LCM Interface Specification of the EB/"
        "5.4 LCM Submit Objects to the Evidence Broker - Bulk submission.xml",
        ("EB-SUB-S", "EB-SUB-C"),
        (),
        (),
    ),
    (
        f"{LCM}/3.6 - Common Services API Specification/3.3 The Regrep LCM Successful Response.xml",
        ("LCM-SUC",),
        (),
        (),
    ),
    (
        f"{LCM}/3.6 - Common Services API Specification/3.4 The Regrep LCM Error Response.xml",
        ("LCM-ERR",),
        (),
        (),
    ),
    (
        f"{BIRTH}/2.1 Step 1  Evidence Request - Birth - full example.xml",
        ("EDM-REQ-S", "EDM-REQ-C"),
        (),
        ("R-EDM-REQ-S008", "(no id)"),
    ),
    (
        f"{BIRTH}/2.2 Step 2  Evidence Response - Birth - full example.xml",
        ("EDM-RESP-S", "EDM-RESP-C"),
        (),
        (),
    ),
    (
        f"{BIRTH}/Old samples/2.1 Step 1  Evidence Request - Birth.xml",
        ("EDM-REQ-S", "EDM-REQ-C"),
        (),
        ("R-EDM-REQ-S008", "R-EDM-REQ-S014", "(no id)"),
    ),
    (
        f"{BIRTH}/Old samples/2.2 Step 2  Evidence Response - Birth.xml",
        ("EDM-RESP-S", "EDM-RESP-C"),
        (),
        (),
    ),
    (
        f"{EDU}/3.2 Step 2 Error Response - Education - full example.xml",
        ("EDM-ERR-S", "EDM-ERR-C"),
        (),
        (),
    ),
    (
        f"{EDU}/Old samples/3.4 Step 4 Evidence Response - Education.xml",
        ("EDM-RESP-S", "EDM-RESP-C"),
        (),
        (),
    ),
    (
        f"{TAX}/4.1 Step 1  Evidence Request  - Tax - full example.xml",
        ("EDM-REQ-S", "EDM-REQ-C"),
        ("R-EDM-REQ-C067",),
        ("R-EDM-REQ-S008", "R-EDM-REQ-S014", "(no id)"),
    ),
    (
        f"{TAX}/4.2 Step 2  Evidence Response - Tax - full example.xml",
        ("EDM-RESP-S", "EDM-RESP-C"),
        (),
        (),
    ),
    (
        f"{TAX}/Old samples/4.1 Step 1  Evidence Request - Tax.xml",
        ("EDM-REQ-S", "EDM-REQ-C"),
        ("R-EDM-REQ-C067",),
        ("R-EDM-REQ-S008", "R-EDM-REQ-S014", "(no id)"),
    ),
    (
        f"{TAX}/Old samples/4.2 Step 2  Evidence Response - Tax.xml",
        ("EDM-RESP-S", "EDM-RESP-C"),
        (),
        (),
    ),
]

# Only checked for well-formedness in RESULTS.md: 4 ebMS headers, 3 evidence payloads.
NOT_VALIDATED: list[tuple[str, MessageKind]] = [
    (f"{BIRTH}/2.1 Step 1  Evidence Request Header - Birth.xml", MessageKind.EBMS_HEADER),
    (f"{BIRTH}/2.2 Step 2  Evidence Response Header - Birth.xml", MessageKind.EBMS_HEADER),
    (f"{EDU}/oots_request_header.xml", MessageKind.EBMS_HEADER),
    (f"{EDU}/oots_response_header.xml", MessageKind.EBMS_HEADER),
    (f"{BIRTH}/Evidence Samples/BirthEvidence.xml", MessageKind.NOT_EDM),
    (f"{EDU}/Evidence Samples/secondaryEducationEvidence.xml", MessageKind.NOT_EDM),
    (f"{EDU}/Evidence Samples/secondaryEducationEvidenceSupplement.xml", MessageKind.NOT_EDM),
]


def test_the_table_covers_every_sample_of_the_kit(samples_dir: Path) -> None:
    on_disk = {p.relative_to(samples_dir).as_posix() for p in samples_dir.rglob("*.xml")}
    listed = {e[0] for e in EXPECTED} | {e[0] for e in NOT_VALIDATED}
    assert len(EXPECTED) == 35 and len(NOT_VALIDATED) == 7
    assert on_disk == listed


@pytest.mark.parametrize(
    ("relative", "rule_sets", "failing", "info"), EXPECTED, ids=[Path(e[0]).name for e in EXPECTED]
)
def test_verdict_matches_results_md(
    validator: Validator,
    sample: Callable[[str], bytes],
    relative: str,
    rule_sets: tuple[str, ...],
    failing: tuple[str, ...],
    info: tuple[str, ...],
) -> None:
    report = validator.validate(sample(relative))
    assert report.rule_sets == rule_sets
    assert report.kit == "oots-edm-1.0"
    assert not [f for f in report.findings if f.source == "xsd"], "XSD: 35/35 pass"
    assert report.failing_rule_ids == failing
    assert report.info_rule_ids == info
    assert report.valid is (not failing)


@pytest.mark.parametrize(
    ("relative", "kind"), NOT_VALIDATED, ids=[Path(e[0]).name for e in NOT_VALIDATED]
)
def test_headers_and_payloads_are_recognised_not_validated(
    validator: Validator, sample: Callable[[str], bytes], relative: str, kind: MessageKind
) -> None:
    data = sample(relative)
    assert detect(parse_xml(data))[0] is kind
    report = validator.validate(data)
    assert report.kind is kind
    assert report.failing_rule_ids == ("GW:NOT-EDM",)
