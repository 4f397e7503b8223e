"""Engine behaviour: known-defect handling, kit choice, project rules, kind override."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from lxml import etree

from gateway.errors import XmlRejected
from gateway.evidence.validation import (
    KNOWN_DEFECTS,
    Finding,
    MessageKind,
    Severity,
    Validator,
)
from gateway.settings import Settings

from ._mutate import append, attr, mutate, text
from .test_mutations import DSD_SUB, EB_ERR, ERR, EXC, REQ, RESP, SPEC, XML_LANG
from .test_official_samples import LCM, TAX

TAX_REQ = f"{TAX}/4.1 Step 1  Evidence Request  - Tax - full example.xml"
LCM_ERR = f"{LCM}/3.6 - Common Services API Specification/3.4 The Regrep LCM Error Response.xml"


def defect_of(report_findings: Iterable[Finding], rule_id: str) -> str | None:
    (finding,) = [f for f in report_findings if f.rule_id == rule_id]
    return finding.known_defect


def test_defect_table_covers_items_1_to_8_and_12_and_project_findings() -> None:
    assert sorted(d.item for d in KNOWN_DEFECTS) == [1, 2, 3, 4, 5, 6, 7, 8, 12, 101]


def test_defect_1_svg_is_reported_and_annotated_but_a_real_bad_type_is_not(
    validator: Validator, sample: Callable[[str], bytes]
) -> None:
    svg = validator.validate(mutate(sample(RESP), "//sdg:Format", text("image/svg+xml")))
    assert svg.failing_rule_ids == ("R-EDM-RESP-C023",)
    assert "item 1" in (defect_of(svg.findings, "R-EDM-RESP-C023") or "")
    bad = validator.validate(mutate(sample(RESP), "//sdg:Format", text("application/x-bad")))
    assert defect_of(bad.findings, "R-EDM-RESP-C023") is None


def test_defect_2_error_provider_ip_is_reported_and_annotated(
    validator: Validator, sample: Callable[[str], bytes]
) -> None:
    report = validator.validate(
        mutate(
            sample(ERR),
            "/query:QueryResponse/rim:Slot[@name='ErrorProvider']//sdg:Classification",
            text("IP"),
        )
    )
    assert report.failing_rule_ids == ("R-EDM-ERR-C008",)
    assert "item 2" in (defect_of(report.findings, "R-EDM-ERR-C008") or "")


def test_defect_3_lower_case_language_is_reported_and_annotated(
    validator: Validator, sample: Callable[[str], bytes]
) -> None:
    path = f"{EXC}/rim:Slot[@name='PreviewDescription']//rim:LocalizedString[1]"
    report = validator.validate(mutate(sample(ERR), path, attr(XML_LANG, "nl")))
    assert report.failing_rule_ids == ("R-EDM-ERR-C020",)
    assert "item 3" in (defect_of(report.findings, "R-EDM-ERR-C020") or "")


def test_defect_4_official_tax_sample_fails_c067_with_annotation(
    validator: Validator, sample: Callable[[str], bytes]
) -> None:
    report = validator.validate(sample(TAX_REQ))
    assert report.failing_rule_ids == ("R-EDM-REQ-C067",)
    assert "item 4" in (defect_of(report.findings, "R-EDM-REQ-C067") or "")
    fixed = validator.validate(
        mutate(sample(TAX_REQ), "//sdg:AdminUnitLevel1[. = 'GR']", text("EL"))
    )
    assert fixed.valid


def test_defect_5_c014_runs_as_written_so_error_passes(
    validator: Validator, sample: Callable[[str], bytes]
) -> None:
    assert validator.validate(mutate(sample(ERR), EXC, attr("severity", "Error"))).valid
    suffixed = "urn:sr.oots.tech.europa.eu:codes:ErrorSeverity:EDMErrorResponse:PreviewRequiredXYZ"
    caught = validator.validate(mutate(sample(ERR), EXC, attr("severity", suffixed)))
    assert caught.failing_rule_ids == ("R-EDM-ERR-C014",)


def test_defect_6_lcm_error_rules_are_inert_as_documented(
    validator: Validator, sample: Callable[[str], bytes]
) -> None:
    report = validator.validate(
        mutate(sample(LCM_ERR), "/rs:RegistryResponse/rs:Exception", attr("severity", "nonsense"))
    )
    assert report.kind is MessageKind.LCM_ERROR_RESPONSE
    assert report.valid  # contexts start with an unprefixed RegistryResponse: never match


def test_defect_12_rule_file_without_query_binding_runs(
    validator: Validator, sample: Callable[[str], bytes], installed: Settings
) -> None:
    sch = installed.schemas_dir / "oots-edm-1.0" / "sch" / "EB-ERR.sch"
    assert b"queryBinding" not in sch.read_bytes()
    report = validator.validate(mutate(sample(EB_ERR), EXC, attr("code", "EB:ERR:0099")))
    assert report.rule_sets == ("EB-ERR",)
    assert report.failing_rule_ids == ("R-EB-ERR-016",)


def test_project_rules_run_for_their_kind_and_version_only(
    installed: Settings, sample: Callable[[str], bytes]
) -> None:
    v = Validator.from_settings(installed)

    def no_rush(root: etree._Element) -> Iterable[Finding]:
        yield Finding(
            "GW:TEST-001", Severity.ERROR, "project", "test", "/", "project says no", None
        )

    v.register_project_rules(MessageKind.EVIDENCE_REQUEST, "oots-edm:v1.0", no_rush)
    assert v.validate(sample(REQ)).failing_rule_ids == ("GW:TEST-001",)
    assert v.validate(sample(RESP)).valid
    other_version = mutate(sample(REQ), f"/query:QueryRequest/{SPEC}", text("oots-edm:v1.9"))
    assert "GW:TEST-001" not in v.validate(other_version).failing_rule_ids


def test_kind_override_picks_other_rule_sets(
    validator: Validator, sample: Callable[[str], bytes]
) -> None:
    report = validator.validate(sample(RESP), kind=MessageKind.EVIDENCE_REQUEST)
    assert report.kind is MessageKind.EVIDENCE_REQUEST
    assert report.rule_sets == ("EDM-REQ-S", "EDM-REQ-C")
    assert "R-EDM-REQ-S001" in report.failing_rule_ids  # root is not a QueryRequest


def test_v2_message_without_the_v2_kit_is_labelled_not_judged_by_v1_rules(
    validator: Validator, sample: Callable[[str], bytes], tmp_path: Path
) -> None:
    v2 = mutate(sample(REQ), f"/query:QueryRequest/{SPEC}", text("oots-edm:v2.0"))
    v1_only = [k for k in validator.kits if k.name == "oots-edm-1.0"]
    v = Validator(v1_only, cache_dir=tmp_path, known_specifications=["oots-edm:v2.0"])
    report = v.validate(v2)
    assert report.version == "oots-edm:v2.0" and report.kit is None and report.rule_sets == ()
    assert report.info_rule_ids == ("GW:KIT-MISSING",) and report.valid
    broken = mutate(v2, "//sdg:Person", append("<sdg:ShoeSize>44</sdg:ShoeSize>"))
    assert v.validate(broken).valid  # the SDG layer is not judged by the v1.0 profile
    bad_regrep = mutate(v2, "/query:QueryRequest/query:ResponseOption", append("<rim:Bogus/>"))
    assert v.validate(bad_regrep).failing_rule_ids == ("SCHEMAV_CVC_COMPLEX_TYPE_2_1",)
    strict = Validator(
        v1_only,
        cache_dir=tmp_path,
        known_specifications=["oots-edm:v2.0"],
        require_official_rules=True,
    )
    assert strict.validate(v2).failing_rule_ids == ("GW:KIT-MISSING",)


def test_unknown_documents_and_malformed_bytes(validator: Validator) -> None:
    assert validator.validate(b"<invoice/>").failing_rule_ids == ("GW:NOT-EDM",)
    with pytest.raises(XmlRejected):
        validator.validate(b"<query:QueryRequest")


def test_rule_that_cannot_be_evaluated_is_reported_not_skipped(
    validator: Validator, sample: Callable[[str], bytes]
) -> None:
    """DSD-SUB-S001/S002 compute local-name(/node()): with a leading comment that is a sequence
    of two nodes, an XPath type error. Both rules are reported as not evaluable (ERROR)."""
    report = validator.validate(b"<!-- leading comment -->\n" + sample(DSD_SUB))
    assert report.failing_rule_ids == ("R-DSD-SUB-S001", "R-DSD-SUB-S002")
    assert all(
        f.message.startswith("rule could not be evaluated: err:XPTY0004")
        for f in report.findings
        if f.severity.fails
    )


def test_defect_101_c022_preview_required_is_annotated(
    validator: Validator, shared_dir: Path
) -> None:
    """Project-found defect 101: R-EDM-ERR-C022 cannot be evaluated on a correct severity."""
    sample = next(
        (shared_dir / "oots-edm-1.0/samples").rglob("3.2 Step 2 Error Response*.xml")
    ).read_bytes()
    assert b"PreviewRequired\x7f" in sample
    report = validator.validate(sample.replace(b"PreviewRequired\x7f", b"PreviewRequired"))
    assert report.failing_rule_ids == ("R-EDM-ERR-C022",)
    assert not report.valid
    assert report.valid_except_known_defects
    (finding,) = [f for f in report.findings if f.severity.fails]
    assert finding.known_defect is not None and "project-found defect 101" in finding.known_defect
