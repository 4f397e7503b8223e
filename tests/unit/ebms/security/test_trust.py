"""Trust policies and the trust configuration file."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.ebms import pack_mime
from gateway.ebms.security import (
    AllOf,
    AnchoredChain,
    KeyPurpose,
    KeyUsageCheck,
    RevocationCheck,
    SecurityProfile,
    SigningIdentity,
    secure_message,
)
from gateway.ebms.security.trust_config import parse_trust_config
from gateway.errors import ConfigurationError, EbmsError, EbmsErrorCode
from mocks.pki import TestPki

from ._fixtures import (
    NOW,
    P20,
    P115,
    PROFILES,
    Wire,
    enc_name,
    evidence_payloads,
    receive,
    signing,
    user_message,
)

TRUST_DIR = Path(__file__).resolve().parents[4] / "trust"


def _config(pki: TestPki):  # type: ignore[no-untyped-def]
    text = (TRUST_DIR / "test-pki.toml").read_text(encoding="utf-8")
    return parse_trust_config(text, read=lambda name: (pki.directory / name).read_bytes())


def test_trust_config_resolves_peers_per_profile(pki: TestPki) -> None:
    config = _config(pki)
    assert config.anchors == (pki.certificate("test-ca"),)
    assert config.expected_peer("NL-OOTS-AP", P115).expected == (pki.certificate("nl-ap.rsa-sign"),)
    assert config.expected_peer("NL-OOTS-AP", P20).expected == (pki.certificate("nl-ap.ed25519"),)
    assert config.encryption_certificate("AT-OOTS-AP", P20) == pki.certificate("at-ap.x25519")
    policy = config.policy()
    policy.validate(pki.certificate("nl-ap.rsa-sign"), intermediates=(), now=NOW,
                    purpose=KeyPurpose.SIGNING)
    with pytest.raises(EbmsError, match="revoked"):
        policy.validate(pki.certificate("nl-ap.rsa-sign.revoked"), intermediates=(), now=NOW,
                        purpose=KeyPurpose.SIGNING)
    with pytest.raises(ConfigurationError):
        config.expected_peer("XX-UNKNOWN", P115)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("version = 2", "version"),
        ("version = 1\n[trust]\nanchors = []", "anchors"),
        ("version = 1\n[trust]\nanchors = ['missing.pem']", "cannot read"),
        ("version = 1\n[trust]\nanchors = ['test-ca.pem']\n[peers.X]\n'AS4-9' = {}", "profile"),
        ("version = [", "TOML"),
    ],
)
def test_broken_trust_config_is_a_configuration_error(pki: TestPki, text: str,
                                                      needle: str) -> None:
    with pytest.raises(ConfigurationError, match=needle):
        parse_trust_config(text, read=lambda name: (pki.directory / name).read_bytes())


def test_policies_compose_and_the_revocation_hook_sees_now(pki: TestPki) -> None:
    seen = []
    hook = RevocationCheck(lambda cert, now: seen.append(now) or False)
    policy = AllOf((AnchoredChain((pki.certificate("test-ca"),)), KeyUsageCheck(), hook))
    policy.validate(pki.certificate("at-ap.ed25519"), intermediates=(), now=NOW,
                    purpose=KeyPurpose.SIGNING)
    assert seen == [NOW]
    with pytest.raises(EbmsError) as info:  # X25519 certs are for key agreement only
        policy.validate(pki.certificate("at-ap.x25519"), intermediates=(), now=NOW,
                        purpose=KeyPurpose.SIGNING)
    assert info.value.ebms_code is EbmsErrorCode.FAILED_AUTHENTICATION
    KeyUsageCheck().validate(pki.certificate("at-ap.x25519"), intermediates=(), now=NOW,
                             purpose=KeyPurpose.ENCRYPTION)


def test_ed25519_foreign_ca_certificate_is_refused(pki: TestPki) -> None:
    with pytest.raises(EbmsError, match="anchor"):
        AnchoredChain((pki.certificate("test-ca"),)).validate(
            pki.certificate("nl-ap.ed25519.foreign-ca"), intermediates=(), now=NOW,
            purpose=KeyPurpose.SIGNING)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.value)
def test_pkipath_token_with_the_chain_verifies(pki: TestPki, profile: SecurityProfile) -> None:
    """A signer sending its chain as #X509PKIPathv1 (Domibus _BST_PKIP policy) is accepted."""
    plain = signing(pki, "de-gw", profile)
    chained = SigningIdentity(plain.certificate, plain.private_key,
                              chain=(pki.certificate("test-ca"),))
    envelope, parts = user_message(evidence_payloads(), compress=True)
    secured, wire = secure_message(envelope, parts, signing=chained,
                                   recipient=pki.certificate(enc_name("nl-ap", profile)),
                                   profile=profile, now=NOW)
    assert b"#X509PKIPathv1" in secured
    verified = receive(pki, profile, Wire(*pack_mime(secured, wire)))
    assert verified.signer == plain.certificate
