"""The gateway's validator runs the project v2.0 checks next to the installed kits."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from gateway.evidence.validator_factory import build_validator
from gateway.namespaces import NS
from gateway.settings import Settings
from gateway.xml import parse_xml

V2_REQUEST = "oots-tdd-2.0/samples/oots-france-reference/messages/requete.xml"


def _request_with_lang(shared_dir: Path) -> bytes:
    root = parse_xml((shared_dir / V2_REQUEST).read_bytes())
    root.set(f"{{{NS.XML}}}lang", "en")
    return etree.tostring(root)


def test_v2_request_with_xml_lang_is_refused_by_project_rules(
    settings: Settings, shared_dir: Path
) -> None:
    report = build_validator(settings).validate(_request_with_lang(shared_dir))
    assert report.version == "oots-edm:v2.0"
    assert not report.valid
    assert "GW-EDM2-REQ-LANG" in {f.rule_id for f in report.findings}


def test_v2_reference_request_passes(settings: Settings, shared_dir: Path) -> None:
    report = build_validator(settings).validate((shared_dir / V2_REQUEST).read_bytes())
    assert report.valid, [f.message for f in report.findings]


def test_v2_dsd_answer_gets_common_services_checks(settings: Settings, shared_dir: Path) -> None:
    body = shared_dir / "oots-tdd-2.0/common-services/captured-acc/dsd_data_services_fi.xml"
    validator = build_validator(settings)
    assert validator.validate(body.read_bytes()).valid
    root = parse_xml(body.read_bytes())
    distributions = root.findall(f".//{{{NS.SDG}}}DistributedAs")
    assert distributions
    etree.SubElement(distributions[0], f"{{{NS.SDG}}}Transformation").text = "urn:x:t"
    report = validator.validate(etree.tostring(root))
    assert report.version == "oots-cs:v2.0"
    assert "GW-CS2-002" in {f.rule_id for f in report.findings}
