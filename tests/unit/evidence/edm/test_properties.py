"""Property tests: random valid models build to valid XML and parse back equal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from gateway.errors import EdmErrorCode
from gateway.evidence.edm.error import build_error_response, parse_error_response
from gateway.evidence.edm.request import build_request, parse_request
from gateway.evidence.edm.response import build_response, parse_response
from gateway.evidence.edm.versions import EdmVersion
from gateway.evidence.validation import Validator

from . import strategies as s

V1, V2 = EdmVersion.V1_0, EdmVersion.V2_0
Kind = tuple[Callable[[EdmVersion], st.SearchStrategy[Any]], Callable[[Any], bytes],
             Callable[[bytes], Any]]
KINDS: dict[str, Kind] = {
    "request": (s.requests, build_request, parse_request),
    "response": (s.responses, build_response, parse_response),
    "error": (s.error_responses, build_error_response, parse_error_response),
}
CASES = [(k, v) for k in KINDS for v in (V1, V2)]
IDS = [f"{k}-{v.value}" for k, v in CASES]


@pytest.mark.parametrize(("kind", "version"), CASES, ids=IDS)
def test_build_then_parse_is_identity(kind: str, version: EdmVersion) -> None:
    strategy, build, parse = KINDS[kind]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(strategy(version))
    def check(model: Any) -> None:
        data = build(model)
        assert parse(data) == model
        assert build(parse(data)) == data  # deterministic serialisation

    check()


def _is_v1_preview(model: Any) -> bool:
    exc = getattr(model, "exception", None)
    return (
        model.version is V1
        and exc is not None
        and exc.code is EdmErrorCode.MISSING_AUTHORIZATION
        and exc.preview_location is not None
    )


@pytest.mark.parametrize(("kind", "version"), CASES, ids=IDS)
def test_random_models_pass_the_validation_engine(
    kind: str, version: EdmVersion, validator: Validator
) -> None:
    strategy, build, _ = KINDS[kind]

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no slow shrinking on Saxon
    )
    @given(strategy(version))
    def check(model: Any) -> None:
        # v1.0 preview errors hit the R-EDM-ERR-C022 defect (see test_builders.py).
        assume(not _is_v1_preview(model))
        report = validator.validate(build(model))
        assert report.valid, [f.to_dict() for f in report.findings if f.severity.fails]

    check()
