"""Invalid models raise BuildError naming the field; invalid answers raise typed errors."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace

import pytest

from gateway.errors import GatewayError, Origin, XmlRejected
from gateway.evidence.common_services.error_responses import CsException, ErrorResponse
from gateway.evidence.common_services.errors import BuildError, DsdErrorCode, ResponseRejected
from gateway.evidence.common_services.model import (
    CsVersion,
    DataServiceEvidenceType,
    Distribution,
    EvidenceTypeList,
    Requirement,
    Text,
)
from gateway.evidence.common_services.responses import (
    DataServicesResponse,
    EvidenceTypesResponse,
    RequirementsResponse,
    build_response,
    parse_response,
)
from gateway.evidence.common_services.signature import TrustAnchors, verify_response

from .conftest import Capture


def _dsd(captures: dict[str, Capture]) -> DataServicesResponse:
    model = parse_response(captures["dsd_data_services_fi"].body)
    assert isinstance(model, DataServicesResponse)
    return model


def _with_service(
    model: DataServicesResponse, dset: DataServiceEvidenceType
) -> DataServicesResponse:
    return replace(model, objects=((model.objects[0][0], dset),))


def test_v2_only_fields_refused_in_v1(captures: dict[str, Capture]) -> None:
    """The Finnish v2.0 answer cannot be sent as v1.0: Language, access service Name..."""
    model = _dsd(captures)
    with pytest.raises(BuildError) as info:
        build_response(replace(model, version=CsVersion.V1_0))
    assert info.value.field == "objects[0].distributions[0].languages"
    assert info.value.code == "GW:CS-BUILD" and info.value.origin is Origin.LOCAL


def test_v1_only_transformation_refused_in_v2(captures: dict[str, Capture]) -> None:
    model = _dsd(captures)
    dset = model.data_services[0]
    bad = replace(
        dset, distributions=(Distribution("application/xml", "https://x/y", "https://x/z"),)
    )
    with pytest.raises(BuildError) as info:
        build_response(_with_service(model, bad))
    assert info.value.field == "objects[0].distributions[0].transformation"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"titles": ()}, "objects[0].titles"),
        ({"distributions": ()}, "objects[0].distributions"),
        ({"access_services": ()}, "objects[0]"),
        ({"identifier": ""}, "objects[0].identifier"),
    ],
)
def test_missing_mandatory_dsd_fields(
    change: dict[str, object], field: str, captures: dict[str, Capture]
) -> None:
    model = _dsd(captures)
    with pytest.raises(BuildError) as info:
        build_response(_with_service(model, replace(model.data_services[0], **change)))  # type: ignore[arg-type]
    assert info.value.field == field


def test_structured_format_needs_conforms_to(captures: dict[str, Capture]) -> None:
    model = _dsd(captures)
    bad = replace(model.data_services[0], distributions=(Distribution("application/xml"),))
    with pytest.raises(BuildError, match="R-DSD-RESP-C039a"):
        build_response(_with_service(model, bad))


def test_requirements_answer_rules(captures: dict[str, Capture]) -> None:
    model = parse_response(captures["eb_requirements_fr"].body)
    assert isinstance(model, RequirementsResponse)
    oid, req = model.objects[0]
    with pytest.raises(BuildError, match="R-EB-REQ-S017"):
        build_response(replace(model, objects=((oid, replace(req, reference_frameworks=())),)))
    with pytest.raises(BuildError, match="R-EB-REQ-S018"):
        build_response(replace(model, objects=()))
    listed = replace(req, evidence_type_lists=(EvidenceTypeList("x"),))
    with pytest.raises(BuildError, match="R-EB-EVI-S015"):
        build_response(EvidenceTypesResponse(model.version, ((oid, listed),)))
    with pytest.raises(BuildError, match="descriptions"):
        build_response(replace(model, version=CsVersion.V1_0))
    mixed = RequirementsResponse(model.version, ((oid, Requirement("x", (Text("y"),))),))
    with pytest.raises(BuildError, match="R-EB-REQ-S017"):
        build_response(mixed)


def test_error_rules() -> None:
    with pytest.raises(BuildError) as info:
        build_response(ErrorResponse(CsVersion.V2_0, CsException("XX:ERR:1", "rs:Foo", "m")))
    assert info.value.field == "exception.code"
    wrong_type = replace(
        CsException.for_code(DsdErrorCode.NO_DATA_SERVICES),
        exception_type="rs:InvalidRequestExceptionType",
    )
    with pytest.raises(BuildError) as info:
        build_response(ErrorResponse(CsVersion.V2_0, wrong_type))
    assert info.value.field == "exception.exception_type"
    bare_0005 = CsException.for_code(DsdErrorCode.ADDITIONAL_INPUT)
    with pytest.raises(BuildError, match="classification concepts"):
        build_response(ErrorResponse(CsVersion.V1_0, bare_0005))
    from gateway.evidence.common_services.errors import EbErrorCode

    with pytest.raises(BuildError, match="EB:ERR:0004"):
        build_response(
            ErrorResponse(
                CsVersion.V2_0, CsException.for_code(EbErrorCode.INVALID_JURISDICTION_LEVEL)
            )
        )


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (
            lambda b: b.replace(b"query:QueryResponse ", b"query:QueryRequest ", 1).replace(
                b"</query:QueryResponse>", b"</query:QueryRequest>"
            ),
            "root",
        ),
        (
            lambda b: b.replace(
                b"<sdg:AuthenticationLevelOfAssurance>",
                b"<sdg:Colour>x</sdg:Colour><sdg:AuthenticationLevelOfAssurance>",
            ),
            "DataServiceEvidenceType/Colour",
        ),
        (
            lambda b: b.replace(
                b"<rim:Value>oots-cs:v2.0</rim:Value>", b"<rim:Value>oots-cs:v3.0</rim:Value>"
            ),
            "SpecificationIdentifier",
        ),
        (
            lambda b: b.replace(b'xsi:type="rim:AnyValueType"', b'xsi:type="rim:StringValueType"'),
            "DataServiceEvidenceType",
        ),
        (lambda b: b.replace(b"ResponseStatusType:Success", b"ResponseStatusType:Maybe"), "status"),
        (
            lambda b: b.replace(b"<sdg:ConformsTo>oots-edm:v2.0</sdg:ConformsTo>", b""),
            "AccessService/ConformsTo",
        ),
        (
            lambda b: b.replace(
                b'<rim:RegistryObject id="urn:uuid:7c971e8b-ec04-4968-82c2-e6fb66959ac1">',
                b"<rim:RegistryObject>",
            ),
            "RegistryObject",
        ),
    ],
)
def test_malformed_answers_are_typed_errors(
    mutate: object, field: str, captures: dict[str, Capture]
) -> None:
    body = mutate(captures["dsd_data_services_fi"].body)  # type: ignore[operator]
    assert body != captures["dsd_data_services_fi"].body
    with pytest.raises(ResponseRejected) as info:
        parse_response(body)
    assert info.value.field == field
    assert info.value.code == "GW:CS-RESPONSE" and info.value.is_remote


@pytest.mark.parametrize(
    "body",
    [b"", b"<a>", b'<!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>', b"\xff\xfe<\x00"],
)
def test_unparseable_answers_are_rejected_by_the_hardened_parser(body: bytes) -> None:
    with pytest.raises(XmlRejected):
        parse_response(body)


def test_every_failure_is_a_gateway_error(
    captures: dict[str, Capture], acc_anchors: TrustAnchors
) -> None:
    capture = captures["eb_requirements_fr"]
    other = "SHA-256=" + base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    with pytest.raises(GatewayError, match="digest does not match"):
        verify_response(
            capture.body, {**capture.headers, "digest": other}, anchors=acc_anchors, now=capture.iat
        )
