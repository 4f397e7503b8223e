"""PMode TOML loading, Domibus retry semantics and inbound leg matching."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from gateway.ebms import AgreementRef, PartyId, Property
from gateway.ebms._pmode import ReceptionAwareness, RetryStrategy, match_inbound
from gateway.ebms._pmode_toml import load_pmode, render_pmode
from gateway.ebms.security import SecurityProfile
from gateway.errors import ConfigurationError, EbmsError, EbmsErrorCode
from gateway.settings import project_root

from ._support import NOW, OOTS_PARTY_TYPE, oots_request

ROOT = project_root() or Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "docs" / "examples" / "pmode-oots.toml"


@pytest.fixture(scope="module")
def pmode():  # type: ignore[no-untyped-def]
    return load_pmode(EXAMPLE.read_text(encoding="utf-8"), source=str(EXAMPLE))


def _inbound(**kw):  # type: ignore[no-untyped-def]
    """A request from the NL peer to us (DE), as the example PMode expects."""
    kw.setdefault("sender", "NL-OOTS-AP")
    kw.setdefault("receiver", "DE-OOTS-GW")
    return oots_request(**kw)


def test_example_pmode_loads_with_oots_values(pmode) -> None:  # type: ignore[no-untyped-def]
    assert pmode.party == PartyId("DE-OOTS-GW", OOTS_PARTY_TYPE)
    assert [leg.action for leg in pmode.legs] == [
        "ExecuteQueryRequest", "ExecuteQueryResponse", "ExceptionResponse"]
    assert [leg.compress for leg in pmode.legs] == [True, False, True]
    assert pmode.agreement is None
    nl, at = pmode.peers
    assert pmode.profile_for(nl) is SecurityProfile.EDELIVERY_AS4_1_15
    assert pmode.profile_for(at) is SecurityProfile.EDELIVERY_AS4_2_0
    assert [p.name for p in pmode.properties if p.required] == ["originalSender", "finalRecipient"]
    assert pmode.reception_awareness.domibus_retry == "12;4;CONSTANT"
    text = render_pmode(pmode)
    assert "up to 4 resends within 12 min" in text and "AT-OOTS-AP" in text


def test_domibus_retry_semantics() -> None:
    # KNOWN-DEFECTS 22: timeout minutes; count; strategy -> 4 resends within 12 minutes
    ra = ReceptionAwareness.from_domibus("12;4;CONSTANT")
    assert ra.timeout == timedelta(minutes=12) and ra.retries == 4
    assert [t - NOW for t in ra.resend_times(NOW)] == [
        timedelta(minutes=m) for m in (3, 6, 9, 12)]
    assert ra.gives_up_at(NOW) == NOW + timedelta(minutes=12)
    assert ReceptionAwareness.from_domibus("60;5;SEND_ONCE").resend_times(NOW) == ()
    assert ReceptionAwareness.from_domibus("60;5;constant").strategy is RetryStrategy.CONSTANT
    for bad in ("12;4", "x;4;CONSTANT", "12;4;PROGRESSIVE", "12;-1;CONSTANT"):
        with pytest.raises(ConfigurationError):
            ReceptionAwareness.from_domibus(bad)


def test_inbound_request_matches_request_leg(pmode) -> None:  # type: ignore[no-untyped-def]
    match = match_inbound([pmode], _inbound())
    assert (match.peer.name, match.leg.name) == ("NL", "ootsRequestLeg")
    assert match.profile is SecurityProfile.EDELIVERY_AS4_1_15
    at = match_inbound([pmode], _inbound(sender="AT-OOTS-AP", action="ExceptionResponse"))
    assert (at.peer.name, at.leg.name, at.profile) == (
        "AT", "ootsErrorLeg", SecurityProfile.EDELIVERY_AS4_2_0)


def _with(um, **changes):  # type: ignore[no-untyped-def]
    return dataclasses.replace(um, **changes)


def _collab(**changes):  # type: ignore[no-untyped-def]
    return _with(_inbound(), collaboration_info=dataclasses.replace(
        _inbound().collaboration_info, **changes))


@pytest.mark.parametrize(
    ("scenario", "build", "code"),
    [
        ("unknown-action.rejected", lambda: _inbound(action="Delete"),
         EbmsErrorCode.VALUE_NOT_RECOGNIZED),
        ("unknown-sender.rejected", lambda: _inbound(sender="FR-OOTS-AP"),
         EbmsErrorCode.VALUE_NOT_RECOGNIZED),
        ("not-for-us.rejected", lambda: _inbound(receiver="AT-OOTS-AP"),
         EbmsErrorCode.VALUE_NOT_RECOGNIZED),
        ("wrong-service-type.rejected", lambda: _collab(service=dataclasses.replace(
            _inbound().collaboration_info.service, type=None)),
         EbmsErrorCode.VALUE_NOT_RECOGNIZED),
        ("other-pmode-named.rejected",
         lambda: _collab(agreement_ref=AgreementRef("x", pmode="other")),
         EbmsErrorCode.VALUE_NOT_RECOGNIZED),
        ("wrong-role.rejected", lambda: _with(_inbound(), from_party=dataclasses.replace(
            _inbound().from_party, role="http://example.org/buyer")),
         EbmsErrorCode.PROCESSING_MODE_MISMATCH),
        ("unexpected-agreement.rejected",
         lambda: _collab(agreement_ref=AgreementRef("urn:agreement:x")),
         EbmsErrorCode.PROCESSING_MODE_MISMATCH),
        ("other-mpc.rejected", lambda: _with(_inbound(), mpc="urn:other-mpc"),
         EbmsErrorCode.PROCESSING_MODE_MISMATCH),
        ("original-sender-missing.rejected", lambda: _with(_inbound(), message_properties=tuple(
            p for p in _inbound().message_properties if p.name != "originalSender")),
         EbmsErrorCode.VALUE_INCONSISTENT),
        ("final-recipient-empty.rejected", lambda: _with(_inbound(), message_properties=tuple(
            Property(p.name, "", p.type) if p.name == "finalRecipient" else p
            for p in _inbound().message_properties)),
         EbmsErrorCode.VALUE_INCONSISTENT),
    ],
)
def test_inbound_mismatches(pmode, scenario: str, build, code: EbmsErrorCode) -> None:  # type: ignore[no-untyped-def]
    um = build()
    with pytest.raises(EbmsError) as exc:
        match_inbound([pmode], um)
    assert exc.value.ebms_code is code, (scenario, exc.value.message)
    assert exc.value.ref_to_message_id == um.message_id


def test_optional_properties_may_be_absent_but_typed_ones_must_match(pmode) -> None:  # type: ignore[no-untyped-def]
    um = _with(_inbound(), message_properties=tuple(
        p for p in _inbound().message_properties if p.name in ("originalSender", "finalRecipient")))
    assert match_inbound([pmode], um).leg.name == "ootsRequestLeg"
    typed = dataclasses.replace(pmode, properties=(
        dataclasses.replace(pmode.properties[0], type="urn:cef.eu:names:identifier:EAS:0204"),))
    with pytest.raises(EbmsError) as exc:
        match_inbound([typed], um)
    assert exc.value.ebms_code is EbmsErrorCode.VALUE_INCONSISTENT


@pytest.mark.parametrize(
    ("scenario", "edit", "fragment"),
    [
        ("typo-key.rejected", lambda t: t.replace("compress = false", "compres = false"),
         "unknown key(s) ['compres']"),
        ("bad-profile.rejected",
         lambda t: t.replace('profile = "eDelivery-AS4-1.15"', 'profile = "ecdsa"'),
         "unknown security profile"),
        ("bad-retry.rejected", lambda t: t.replace('"12;4;CONSTANT"', '"12 minutes"'),
         "timeout;count;strategy"),
        ("wrong-type.rejected", lambda t: t.replace("sign = true", 'sign = "yes"'), "must be bool"),
        ("duplicate-action.rejected",
         lambda t: t.replace('action = "ExceptionResponse"', 'action = "ExecuteQueryRequest"'),
         "appears twice"),
        ("pull-binding.rejected", lambda t: t.replace('binding = "push"', 'binding = "pull"'),
         "unknown mep"),
        ("no-party.rejected", lambda t: t.replace("[party]", "[partyx]"), "missing key 'party'"),
        ("empty-party-id.rejected", lambda t: t.replace('party_id = "NL-OOTS-AP"', 'party_id = ""'),
         "must not be empty"),
        ("not-toml.rejected", lambda t: t + "\n[[legs]\n", "not valid TOML"),
    ],
)
def test_invalid_pmode_files(scenario: str, edit, fragment: str) -> None:  # type: ignore[no-untyped-def]
    text = edit(EXAMPLE.read_text(encoding="utf-8"))
    with pytest.raises(ConfigurationError) as exc:
        load_pmode(text, source=scenario)
    assert fragment in exc.value.message, exc.value.message
