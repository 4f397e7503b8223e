"""The scripted test PKI: a CA, the DE gateway's and the NL/AT peers' certificates.

``python -m mocks.pki --out var/pki`` writes every certificate and key as PEM; tests
call :func:`ensure_pki` (cached under ``Settings.pki_dir``, rebuilt when the layout
version changes). Never production keys: private keys are written unencrypted.

Files are named ``<actor>.<purpose>[.<scenario>].pem`` with the key beside the
certificate as ``....key.pem``:

- ``test-ca.pem``: the trust anchor (RSA-3072, self-signed, keyCertSign/cRLSign).
- ``de-gw.rsa-sign.pem`` / ``de-gw.rsa-enc.pem``: RSA-3072 (eDelivery AS4 1.15).
- ``nl-ap.*`` / ``at-ap.*``: RSA-2048 peers (1.15).
- ``<actor>.ed25519.pem`` (signing, digitalSignature|nonRepudiation) and
  ``<actor>.x25519.pem`` (keyAgreement) for eDelivery AS4 2.0. An X25519 key cannot
  sign, so its certificate is issued by the CA (PROFILE.md §2, "Certificates").
- scenario certificates for the trust-policy tests: ``nl-ap.rsa-sign.expired``,
  ``nl-ap.rsa-sign.not-yet-valid``, ``nl-ap.rsa-sign.wrong-key-usage`` (keyEncipherment
  only), ``nl-ap.rsa-sign.revoked`` (its serial is listed in ``revoked-serials.txt``
  for the revocation hook), ``nl-ap.rsa-sign.foreign-ca`` and ``nl-ap.ed25519.foreign-ca``
  (same subject, issued by ``foreign-ca.pem``, which is not a configured anchor).
- the mock "European Commission" PKI that signs the mocked Evidence Broker / DSD answers
  (TDD 3.6.2, JAdES ES256): ``ec-root-ca.pem`` (P-256, the anchor a requester configures
  as ``[common_services] trust_anchors``), ``ec-cs-issuing-ca.pem`` and the P-256 signer
  ``ec-cs-signer.pem`` (digitalSignature|nonRepudiation), shaped like the acceptance chain
  (*European Commission Root CA - 2 test* -> *CommisSign - 2 test* -> *EC-OOTS-CS-ACC*).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, x25519
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
    PrivateKeyTypes,
)
from cryptography.x509.oid import NameOID

__all__ = ["LAYOUT_VERSION", "TestPki", "build_pki", "ensure_pki", "main"]

LAYOUT_VERSION = 4
"""Bump when file names or contents change, so cached copies are rebuilt."""

NOT_BEFORE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
NOT_AFTER = dt.datetime(2036, 1, 1, tzinfo=dt.UTC)
"""Validity of the regular certificates: tests pick a ``now`` inside this window."""

ACTORS: dict[str, tuple[str, int]] = {
    "de-gw": ("DE-OOTS-GW", 3072),
    "nl-ap": ("NL-OOTS-AP", 2048),
    "at-ap": ("AT-OOTS-AP", 2048),
}
"""actor -> (CN / party id, RSA key size)."""

_SIGN_USAGE = {"digital_signature": True, "content_commitment": True}
_RSA_ENC_USAGE = {"key_encipherment": True}
_AGREE_USAGE = {"key_agreement": True}


def _name(cn: str, org: str = "OOTS test PKI") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, cn[:2] if cn[:2].isalpha() else "EU"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _key_usage(**flags: bool) -> x509.KeyUsage:
    names = (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    )
    return x509.KeyUsage(**{n: flags.get(n, False) for n in names})


@dataclass(frozen=True, slots=True)
class _Issuer:
    name: x509.Name
    key: CertificateIssuerPrivateKeyTypes
    ski: x509.SubjectKeyIdentifier


def _certificate(
    subject: x509.Name,
    public_key: CertificatePublicKeyTypes,
    issuer: _Issuer | None,
    signing_key: CertificateIssuerPrivateKeyTypes,
    *,
    usage: dict[str, bool],
    ca: bool = False,
    not_before: dt.datetime = NOT_BEFORE,
    not_after: dt.datetime = NOT_AFTER,
) -> x509.Certificate:
    ski = x509.SubjectKeyIdentifier.from_public_key(public_key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.name if issuer else subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(_key_usage(**usage), critical=True)
        .add_extension(ski, critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer.ski),
            critical=False,
        )
    algorithm = None if isinstance(signing_key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(signing_key, algorithm)


def _new_ca(cn: str) -> tuple[_Issuer, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = _name(cn, "OOTS test PKI CA")
    cert = _certificate(
        name, key.public_key(), None, key, usage={"key_cert_sign": True, "crl_sign": True}, ca=True
    )
    return _Issuer(name, key, x509.SubjectKeyIdentifier.from_public_key(key.public_key())), cert


@dataclass(frozen=True, slots=True)
class TestPki:
    """Where the built PKI lives, with helpers to load its files."""

    __test__ = False  # not a pytest test class

    directory: Path

    def path(self, name: str) -> Path:
        """Path of ``<name>.pem`` (certificate) in the PKI directory."""
        return self.directory / f"{name}.pem"

    def certificate(self, name: str) -> x509.Certificate:
        """Load the certificate ``<name>.pem``."""
        return x509.load_pem_x509_certificate(self.path(name).read_bytes())

    def private_key(self, name: str) -> PrivateKeyTypes:
        """Load the private key ``<name>.key.pem`` (test keys only)."""
        data = (self.directory / f"{name}.key.pem").read_bytes()
        return serialization.load_pem_private_key(data, password=None)

    def revoked_serials(self) -> frozenset[int]:
        """Serial numbers listed in ``revoked-serials.txt`` (hex, one per line)."""
        text = (self.directory / "revoked-serials.txt").read_text(encoding="ascii")
        return frozenset(int(line, 16) for line in text.split() if line)


def _write(directory: Path, name: str, cert: x509.Certificate, key: object | None) -> None:
    (directory / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    if key is not None:
        assert hasattr(key, "private_bytes")
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        (directory / f"{name}.key.pem").write_bytes(pem)


def _issue_set(directory: Path, ca: _Issuer, actor: str, cn: str, bits: int) -> None:
    for purpose, usage in (("rsa-sign", _SIGN_USAGE), ("rsa-enc", _RSA_ENC_USAGE)):
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        cert = _certificate(_name(cn), key.public_key(), ca, ca.key, usage=usage)
        _write(directory, f"{actor}.{purpose}", cert, key)
    ed = ed25519.Ed25519PrivateKey.generate()
    _write(
        directory,
        f"{actor}.ed25519",
        _certificate(_name(cn), ed.public_key(), ca, ca.key, usage=_SIGN_USAGE),
        ed,
    )
    xk = x25519.X25519PrivateKey.generate()
    _write(
        directory,
        f"{actor}.x25519",
        _certificate(_name(cn), xk.public_key(), ca, ca.key, usage=_AGREE_USAGE),
        xk,
    )


def _scenarios(directory: Path, ca: _Issuer, foreign: _Issuer) -> list[int]:
    cn = ACTORS["nl-ap"][0]
    revoked: list[int] = []
    cases: list[tuple[str, _Issuer, dict[str, bool], dt.datetime, dt.datetime]] = [
        ("expired", ca, _SIGN_USAGE, dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
         dt.datetime(2021, 1, 1, tzinfo=dt.UTC)),
        ("not-yet-valid", ca, _SIGN_USAGE, dt.datetime(2040, 1, 1, tzinfo=dt.UTC),
         dt.datetime(2041, 1, 1, tzinfo=dt.UTC)),
        ("wrong-key-usage", ca, _RSA_ENC_USAGE, NOT_BEFORE, NOT_AFTER),
        ("revoked", ca, _SIGN_USAGE, NOT_BEFORE, NOT_AFTER),
        ("foreign-ca", foreign, _SIGN_USAGE, NOT_BEFORE, NOT_AFTER),
    ]
    for scenario, issuer, usage, nb, na in cases:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = _certificate(
            _name(cn), key.public_key(), issuer, issuer.key, usage=usage,
            not_before=nb, not_after=na,
        )
        _write(directory, f"nl-ap.rsa-sign.{scenario}", cert, key)
        if scenario == "revoked":
            revoked.append(cert.serial_number)
    ed = ed25519.Ed25519PrivateKey.generate()
    cert = _certificate(_name(cn), ed.public_key(), foreign, foreign.key, usage=_SIGN_USAGE)
    _write(directory, "nl-ap.ed25519.foreign-ca", cert, ed)
    return revoked


def _ec_name(cn: str, *, country: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, country)] if country else []
    attrs += [x509.NameAttribute(NameOID.ORGANIZATION_NAME, "European Commission (mock)"),
              x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    return x509.Name(attrs)


def _ec_ca(
    cn: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Certificate | None,
    issuer_key: ec.EllipticCurvePrivateKey,
) -> x509.Certificate:
    subject = _ec_name(cn)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None if issuer is None else 0),
                       critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), False)
        .sign(issuer_key, hashes.SHA256())
    )


def _ec_common_services(directory: Path) -> None:
    """The mock EC chain of the Common Services response signatures (TDD 3.6.2)."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _ec_ca("European Commission Root CA - mock", root_key, None, root_key)
    _write(directory, "ec-root-ca", root, root_key)
    issuing_key = ec.generate_private_key(ec.SECP256R1())
    issuing = _ec_ca("CommisSign - mock", issuing_key, root, root_key)
    _write(directory, "ec-cs-issuing-ca", issuing, issuing_key)
    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer = (
        x509.CertificateBuilder()
        .subject_name(_ec_name("EC-OOTS-CS-MOCK", country="BE"))
        .issuer_name(issuing.subject)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(_key_usage(**_SIGN_USAGE), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuing_key.public_key()), False)
        .sign(issuing_key, hashes.SHA256())
    )
    _write(directory, "ec-cs-signer", signer, signer_key)


def build_pki(out: Path) -> TestPki:
    """Build a fresh PKI into ``out`` (replacing it atomically) and return it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".pki-", dir=out.parent))
    try:
        ca, ca_cert = _new_ca("OOTS Test CA")
        _write(work, "test-ca", ca_cert, ca.key)
        foreign, foreign_cert = _new_ca("Foreign Test CA")
        _write(work, "foreign-ca", foreign_cert, foreign.key)
        for actor, (cn, bits) in ACTORS.items():
            _issue_set(work, ca, actor, cn, bits)
        revoked = _scenarios(work, ca, foreign)
        _ec_common_services(work)
        (work / "revoked-serials.txt").write_text(
            "".join(f"{s:x}\n" for s in revoked), encoding="ascii"
        )
        (work / "manifest.json").write_text(
            json.dumps({"layout_version": LAYOUT_VERSION, "actors": sorted(ACTORS)}),
            encoding="utf-8",
        )
        if out.exists():
            old = out.with_name(out.name + f".old-{os.getpid()}")
            out.rename(old)
            shutil.rmtree(old, ignore_errors=True)
        work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return TestPki(out)


def ensure_pki(out: Path) -> TestPki:
    """Return the PKI in ``out``, building it first when absent or outdated."""
    manifest = out / "manifest.json"
    try:
        if json.loads(manifest.read_text(encoding="utf-8"))["layout_version"] == LAYOUT_VERSION:
            return TestPki(out)
    except (OSError, ValueError, KeyError):
        pass
    return build_pki(out)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mocks.pki --out DIR [--force]``."""
    parser = argparse.ArgumentParser(prog="python -m mocks.pki", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("var/pki"))
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    args = parser.parse_args(argv)
    pki = build_pki(args.out) if args.force else ensure_pki(args.out)
    print(f"test PKI in {pki.directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
