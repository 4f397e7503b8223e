"""A throw-away PKI built at run time (root -> intermediate -> signer), for signature tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

from gateway.evidence.common_services.signing import SigningKey

START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
END = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class TestPki:
    """Root, intermediate and signer of one scripted PKI."""

    root: x509.Certificate
    intermediate: x509.Certificate
    leaf: x509.Certificate
    leaf_key: SigningKey

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        """x5c order: leaf first, root last."""
        return (self.leaf, self.intermediate, self.root)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _ca(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: ec.EllipticCurvePrivateKey,
) -> x509.Certificate:
    issuer_name = issuer.subject if issuer else _name(subject)
    aki_key = issuer_key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(START)
        .not_valid_after(END)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(aki_key), False)
    )
    return builder.sign(issuer_key, hashes.SHA256())


def build_pki(
    name: str = "Foreign",
    *,
    eddsa: bool = False,
    leaf_not_after: dt.datetime = END,
) -> TestPki:
    """A three-level PKI whose signer has a P-256 (or Ed25519) key."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _ca(f"{name} Root CA", root_key, None, root_key)
    int_key = ec.generate_private_key(ec.SECP256R1())
    intermediate = _ca(f"{name} Issuing CA", int_key, root, root_key)
    leaf_key: SigningKey = (
        ed25519.Ed25519PrivateKey.generate() if eddsa else ec.generate_private_key(ec.SECP256R1())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{name} CS signer"))
        .issuer_name(intermediate.subject)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(START)
        .not_valid_after(leaf_not_after)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(int_key.public_key()), False
        )
        .sign(int_key, hashes.SHA256())
    )
    return TestPki(root=root, intermediate=intermediate, leaf=leaf, leaf_key=leaf_key)
