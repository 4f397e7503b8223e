"""Scenario preview-timeout over real HTTP: nobody approves; NL gets EDM:ERR:0005."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from gateway.errors import EdmErrorCode
from gateway.evidence.edm import EdmVersion, EvidenceErrorResponse, ExchangeHeader, parse_message
from gateway.evidence.validation import Validator
from mocks.de_registers.scenarios import company_request, second
from mocks.de_registers.world import World

PREVIEW_TTL = 3.0
"""Seconds the user has to decide in this module's world."""
V2 = EdmVersion.V2_0


def test_v2_held_request_times_out(world: World, validator: Validator) -> None:
    """The held second request is answered EDM:ERR:0005 by the sweeper; no evidence."""
    header = ExchangeHeader.for_version(V2, conversation_id=str(uuid.uuid4()),
                                        exchange_id=str(uuid.uuid4()))
    first = company_request(V2, euid="DEH1101.HRB30117", now=datetime.now(UTC))
    got = world.nl_answer(world.nl_send(first, header))
    assert got is not None
    error = parse_message(got[1][0][1])
    assert isinstance(error, EvidenceErrorResponse) and error.exception.preview_location
    mid = world.nl_send(second(first, error.exception.preview_location, now=datetime.now(UTC),
                               return_location="https://nl-portal.oots.test/r/t"), header)
    answer = world.nl_answer(mid, timeout=20)
    assert answer is not None, world.logs()
    entry, parts = answer
    assert entry["action"] == "ExceptionResponse"
    report = validator.validate(parts[0][1])
    assert report.valid, report.failing_rule_ids
    message = parse_message(parts[0][1])
    assert isinstance(message, EvidenceErrorResponse)
    assert message.exception.code is EdmErrorCode.TIMEOUT
    assert len(parts) == 1
