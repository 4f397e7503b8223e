"""The scripted test PKI has what the profiles and the trust tests need."""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa, x25519

from mocks.pki import ACTORS, TestPki, build_pki, ensure_pki

from ._fixtures import NOW


def _usage(cert: x509.Certificate) -> x509.KeyUsage:
    return cert.extensions.get_extension_for_class(x509.KeyUsage).value


def test_every_actor_has_rsa_ed25519_and_x25519_certificates_issued_by_the_ca(
    pki: TestPki,
) -> None:
    ca = pki.certificate("test-ca")
    for actor, (cn, bits) in ACTORS.items():
        for purpose, kind in (("rsa-sign", rsa.RSAPublicKey), ("rsa-enc", rsa.RSAPublicKey),
                              ("ed25519", ed25519.Ed25519PublicKey),
                              ("x25519", x25519.X25519PublicKey)):
            cert = pki.certificate(f"{actor}.{purpose}")
            assert isinstance(cert.public_key(), kind)
            cert.verify_directly_issued_by(ca)
            assert cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == cn
            assert cert.not_valid_before_utc <= NOW <= cert.not_valid_after_utc
        assert pki.certificate(f"{actor}.rsa-sign").public_key().key_size == bits  # type: ignore[union-attr]
        assert _usage(pki.certificate(f"{actor}.x25519")).key_agreement
        assert _usage(pki.certificate(f"{actor}.rsa-enc")).key_encipherment
        assert _usage(pki.certificate(f"{actor}.ed25519")).digital_signature


def test_scenario_certificates_have_their_defect(pki: TestPki) -> None:
    assert pki.certificate("nl-ap.rsa-sign.expired").not_valid_after_utc < NOW
    assert pki.certificate("nl-ap.rsa-sign.not-yet-valid").not_valid_before_utc > NOW
    wrong = _usage(pki.certificate("nl-ap.rsa-sign.wrong-key-usage"))
    assert not wrong.digital_signature and not wrong.content_commitment
    assert pki.certificate("nl-ap.rsa-sign.revoked").serial_number in pki.revoked_serials()
    foreign = pki.certificate("foreign-ca")
    pki.certificate("nl-ap.rsa-sign.foreign-ca").verify_directly_issued_by(foreign)
    assert pki.certificate("nl-ap.rsa-sign.foreign-ca").subject == \
        pki.certificate("nl-ap.rsa-sign").subject


def test_pki_is_cached_and_rebuilt_on_demand(tmp_path: Path) -> None:
    first = build_pki(tmp_path / "pki")
    ca = first.path("test-ca").read_bytes()
    assert ensure_pki(tmp_path / "pki").path("test-ca").read_bytes() == ca  # cached
    (tmp_path / "pki" / "manifest.json").write_text("{}", encoding="utf-8")
    assert ensure_pki(tmp_path / "pki").path("test-ca").read_bytes() != ca  # outdated: rebuilt
    assert not list((tmp_path).glob(".pki-*"))  # no half-built folders left


def test_no_private_key_is_committed_under_trust() -> None:
    trust = Path(__file__).resolve().parents[4] / "trust"
    for path in trust.rglob("*"):
        if path.is_file():
            assert b"PRIVATE KEY" not in path.read_bytes(), path
