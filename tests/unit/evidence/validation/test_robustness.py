"""Property: whatever bytes arrive, validate() returns a Report or raises XmlRejected; it never
crashes with anything else (mutations of official samples: byte flips, cuts, junk inserted)."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.errors import XmlRejected
from gateway.evidence.validation import Report, Validator

from .test_mutations import ERR, REQ, RESP

SAMPLES = (REQ, RESP, ERR)
JUNK = st.sampled_from(
    [
        b"<",
        b">",
        b"&",
        b"&amp;",
        b"<x/>",
        b"</a>",
        b"\x00",
        b"\xff",
        b"<!--c-->",
        b"<?pi x?>",
        b"]]>",
        b'"',
        b"\xc3\x28",
        b" xmlns:q='u'",
    ]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(which=st.sampled_from(SAMPLES), position=st.floats(0, 1), junk=JUNK, cut=st.booleans())
def test_arbitrary_damage_never_crashes_the_engine(
    validator: Validator,
    sample: Callable[[str], bytes],
    which: str,
    position: float,
    junk: bytes,
    cut: bool,
) -> None:
    data = sample(which)
    at = int(position * len(data))
    damaged = data[:at] if cut else data[:at] + junk + data[at:]
    try:
        report = validator.validate(damaged)
    except XmlRejected:
        return
    assert isinstance(report, Report)
    if report.valid:
        assert all(not f.severity.fails for f in report.findings)
