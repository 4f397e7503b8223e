"""Choosing the EDM version to send from a data service's sdg:ConformsTo."""

from __future__ import annotations

import pytest

from gateway.evidence.common_services.errors import NoCommonVersion
from gateway.evidence.common_services.responses import DataServicesResponse, parse_response
from gateway.evidence.common_services.version_choice import (
    EdmVersion,
    choose_edm_version,
    choose_for_service,
)

from .conftest import Capture


@pytest.mark.parametrize(
    ("announced", "expected"),
    [
        (["oots-edm:v1.0"], EdmVersion.V1_0),
        (["oots-edm:v2.0"], EdmVersion.V2_0),
        (["oots-edm:v1.0", "oots-edm:v2.0"], EdmVersion.V2_0),
        (["oots-edm:v2.0", "oots-edm:v1.0"], EdmVersion.V2_0),
        (["oots-edm:v1.2", "oots-edm:v1.0"], EdmVersion.V1_0),
    ],
)
def test_highest_common_version(announced: list[str], expected: EdmVersion) -> None:
    assert choose_edm_version(announced) is expected


def test_our_supported_set_limits_the_choice() -> None:
    assert (
        choose_edm_version(["oots-edm:v1.0", "oots-edm:v2.0"], {EdmVersion.V1_0}) is EdmVersion.V1_0
    )


@pytest.mark.parametrize("announced", [[], ["oots-edm:v1.2"], ["oots-edm:v3.0", "oots-cs:v2.0"]])
def test_no_common_version_is_a_typed_error(announced: list[str]) -> None:
    with pytest.raises(NoCommonVersion) as info:
        choose_edm_version(announced)
    assert info.value.code == "GW:CS-VERSION"


def test_finnish_capture_gets_v2(captures: dict[str, Capture]) -> None:
    model = parse_response(captures["dsd_data_services_fi"].body)
    assert isinstance(model, DataServicesResponse)
    (service,) = model.data_services[0].access_services
    assert choose_for_service(service) is EdmVersion.V2_0
    with pytest.raises(NoCommonVersion, match="AP_FI_03"):
        choose_for_service(service, {EdmVersion.V1_0})
