"""Every official v1.0 EB/DSD sample and every v2.0 capture parses and rebuilds equal."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.evidence.common_services.model import CsVersion
from gateway.evidence.common_services.responses import (
    DataServicesResponse,
    ErrorResponse,
    EvidenceTypesResponse,
    RequirementsResponse,
    build_response,
    parse_response,
)

from ._semantic import first_difference, semantic
from .conftest import CAPTURES, Capture

EB_DIR = "oots-edm-1.0/samples/EB/Complete XML examples (EB)"
DSD_DIR = "oots-edm-1.0/samples/DSD/Complete XML examples (DSD)"


def _v1_samples(shared: Path) -> list[Path]:
    return sorted((shared / EB_DIR).glob("*.xml")) + sorted((shared / DSD_DIR).glob("*.xml"))


def _kind(name: str) -> type:
    if "Error Response" in name:
        return ErrorResponse
    if "Get List of Requirements" in name:
        return RequirementsResponse
    if "Evidence Types for Requirement" in name:
        return EvidenceTypesResponse
    return DataServicesResponse


def test_all_v1_samples_are_present(shared_dir: Path) -> None:
    assert len(_v1_samples(shared_dir)) == 19


@pytest.mark.parametrize("index", range(19))
def test_v1_sample_round_trip(index: int, shared_dir: Path) -> None:
    path = _v1_samples(shared_dir)[index]
    original = path.read_bytes()
    model = parse_response(original)
    assert isinstance(model, _kind(path.name)), path.name
    assert model.version is CsVersion.V1_0
    rebuilt = build_response(model)
    assert parse_response(rebuilt) == model
    diff = first_difference(semantic(original), semantic(rebuilt))
    assert diff is None, f"{path.name}: {diff}"


@pytest.mark.parametrize("name", CAPTURES)
def test_v2_capture_round_trip(name: str, captures: dict[str, Capture]) -> None:
    original = captures[name].body
    model = parse_response(original)
    assert model.version is CsVersion.V2_0
    rebuilt = build_response(model)
    assert parse_response(rebuilt) == model
    diff = first_difference(semantic(original), semantic(rebuilt))
    assert diff is None, f"{name}: {diff}"


def test_catalogue_content(captures: dict[str, Capture]) -> None:
    """README item 12: 53 requirements, 687 procedure declarations, 27 countries."""
    model = parse_response(captures["eb_requirements_catalogue"].body)
    assert isinstance(model, RequirementsResponse)
    assert len(model.requirements) == 53
    frameworks = [rf for r in model.requirements for rf in r.reference_frameworks]
    assert len(frameworks) == 687
    countries = {rf.jurisdiction.admin_unit_level_1 for rf in frameworks if rf.jurisdiction}
    assert len(countries) == 27
    procedures = {rel.identifier for rf in frameworks for rel in rf.related_to}
    assert {"00", "AM1", "X10", "X11"} <= procedures  # KNOWN-DEFECTS item 12
    extra = [c for rf in frameworks if rf.jurisdiction for c in rf.jurisdiction.additional]
    assert len(extra) == 12
    assert any(
        c.value == "AT13" and c.list_id and c.list_id.endswith("Bundeslaender") for c in extra
    )


def test_dsd_capture_content(captures: dict[str, Capture]) -> None:
    model = parse_response(captures["dsd_data_services_fi"].body)
    assert isinstance(model, DataServicesResponse)
    (service,) = model.data_services
    (access,) = service.access_services
    assert access.identifier.value == "AP_FI_03"
    assert access.identifier.scheme_id == "urn:oasis:names:tc:ebcore:partyid-type:unregistered:FI"
    assert access.conforms_to == ("oots-edm:v2.0",)
    assert access.publisher.identifier.value == "FIKEHA02"
    assert access.publisher.jurisdiction.admin_unit_level_1 == "FI"
    assert service.distributions[0].languages == ("EN",)
    assert service.level_of_assurance == "Substantial"


@pytest.mark.parametrize(
    ("name", "code"),
    [("dsd_aucun_service_fr", "DSD:ERR:0001"), ("eb_requirements_vides", "EB:ERR:0001")],
)
def test_error_captures(name: str, code: str, captures: dict[str, Capture]) -> None:
    model = parse_response(captures[name].body)
    assert isinstance(model, ErrorResponse)
    assert model.exception.code == code
    assert model.exception.exception_type == "rs:ObjectNotFoundExceptionType"
    assert model.as_error().code == code


def test_evidence_types_capture(captures: dict[str, Capture]) -> None:
    model = parse_response(captures["eb_evidence_types_fr"].body)
    assert isinstance(model, EvidenceTypesResponse)
    (requirement,) = model.requirements
    (etl,) = requirement.evidence_type_lists
    assert etl.jurisdictions[0].admin_unit_level_1 == "FR"
    assert etl.evidence_types[0].classification.startswith(
        "https://sr.acc.oots.tech.ec.europa.eu/evidencetypeclassifications/FR/"
    )
