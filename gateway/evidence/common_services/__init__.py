"""OOTS Common Services: Evidence Broker and Data Service Directory messages, signed answers.

No I/O here: queries render to / parse from HTTP GET parameters (:mod:`.queries`),
answers build to / parse from bytes (:mod:`.responses`, :mod:`.error_responses`),
signatures verify body bytes + headers at an explicit ``now`` (:mod:`.signature`).

Client flow::

    http = DataServicesQuery(classification, "FI", specification="oots-edm:v2.0").to_http()
    # adapter: GET http.url(base_url) with http.headers -> body, headers
    verified = verify_response(body, headers, anchors=anchors, now=now)
    answer = parse_response(verified.body)          # never parse unverified bytes
    if isinstance(answer, ErrorResponse) and answer.exception.code == "DSD:ERR:0005":
        request = AdditionalInputRequest.from_response(answer)
        http = request.follow_up(query, user_values).to_http()
    version = choose_for_service(answer.data_services[0].access_services[0])
"""

from gateway.evidence.common_services.additional_input import AdditionalInputRequest
from gateway.evidence.common_services.error_responses import CsException, ErrorResponse
from gateway.evidence.common_services.errors import (
    BuildError,
    CommonServicesError,
    DsdErrorCode,
    EbErrorCode,
    NoCommonVersion,
    QueryRejected,
    ResponseRejected,
    ServiceRefused,
    SignatureRejected,
)
from gateway.evidence.common_services.model import CsVersion, Service
from gateway.evidence.common_services.queries import (
    DataServicesQuery,
    EvidenceTypesQuery,
    HttpQuery,
    RequirementsQuery,
    parse_query,
)
from gateway.evidence.common_services.responses import (
    DataServicesResponse,
    EvidenceTypesResponse,
    RequirementsResponse,
    Response,
    build_response,
    parse_response,
)
from gateway.evidence.common_services.signature import (
    SignerInfo,
    TrustAnchors,
    VerifiedResponse,
    verify_response,
)
from gateway.evidence.common_services.version_choice import (
    EdmVersion,
    choose_edm_version,
    choose_for_service,
)

__all__ = [
    "AdditionalInputRequest",
    "BuildError",
    "CommonServicesError",
    "CsException",
    "CsVersion",
    "DataServicesQuery",
    "DataServicesResponse",
    "DsdErrorCode",
    "EbErrorCode",
    "EdmVersion",
    "ErrorResponse",
    "EvidenceTypesQuery",
    "EvidenceTypesResponse",
    "HttpQuery",
    "NoCommonVersion",
    "QueryRejected",
    "RequirementsQuery",
    "RequirementsResponse",
    "Response",
    "ResponseRejected",
    "Service",
    "ServiceRefused",
    "SignatureRejected",
    "SignerInfo",
    "TrustAnchors",
    "VerifiedResponse",
    "build_response",
    "choose_edm_version",
    "choose_for_service",
    "parse_query",
    "parse_response",
    "verify_response",
]
