# mypy: disallow-untyped-calls=False
"""The human-readable PDF of the extract, signed as PAdES (ETSI EN 319 142-1, B-B level).

The PDF is built with pyHanko's own PDF writer (one A4 page per 48 lines, Helvetica with
WinAnsiEncoding, so German text needs no embedded font) from the facts of
:func:`gateway.evidence.extract.read_extract`, then signed by pyHanko with the node's
evidence-signing key: ``/SubFilter /ETSI.CAdES.detached``, SHA-256, the signer's
certificate chain embedded (PAdES baseline B-B). :func:`verify_pades` is what tests and
operators run (pyHanko's validator against the configured trust anchors).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from gateway.errors import ConfigurationError, InvalidInput
from gateway.evidence.extract import ExtractView

__all__ = ["EvidenceSigner", "PadesVerdict", "render_pdf", "sign_pdf", "verify_pades"]

PDF_MIME = "application/pdf"
LABELS: dict[str, dict[str, str]] = {
    "de": {"title": "Handelsregister - Auszug (strukturierter Registerinhalt)",
           "company_name": "Firma", "euid": "EUID", "court": "Registergericht",
           "register": "Registerblatt", "registered_on": "Ersteintragung",
           "legal_form": "Rechtsform", "status": "Status", "seat": "Sitz",
           "address": "Anschrift", "capital": "Kapital", "purpose": "Gegenstand",
           "officers": "Vertretungsberechtigte und Prokuristen", "issued": "Erstellt",
           "evidence": "Nachweis-ID",
           "footer": "Elektronisch gesiegelt (PAdES) vom deutschen OOTS-Knoten."},
    "en": {"title": "Commercial register extract (structured register content)",
           "company_name": "Company name", "euid": "EUID", "court": "Register court",
           "register": "Register entry", "registered_on": "First registration",
           "legal_form": "Legal form", "status": "Status", "seat": "Registered seat",
           "address": "Address", "capital": "Capital", "purpose": "Purpose",
           "officers": "Representatives and authorised officers", "issued": "Issued",
           "evidence": "Evidence id",
           "footer": "Electronically sealed (PAdES) by the German OOTS node."},
}


STATUS = {"active": ("aktiv", "active"), "deleted": ("gelöscht", "deleted"),
          "insolvency": ("Insolvenzverfahren eröffnet", "insolvency proceedings opened")}


def _pdf_text(value: str) -> bytes:
    raw = value.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _lines(view: ExtractView) -> list[tuple[int, str]]:
    """(font size, text) lines in German then English labels."""
    de, en = LABELS["de"], LABELS["en"]
    out: list[tuple[int, str]] = [(14, de["title"]), (11, en["title"]), (10, "")]
    for key, value in view.rows:
        label = f"{de[key]} / {en[key]}: "
        if key == "status":
            value = f"{STATUS[value][0]} / {STATUS[value][1]}" if value in STATUS else value
        for i, part in enumerate(textwrap.wrap(label + value, 95) or [label]):
            out.append((10, part if i == 0 else "    " + part))
    out.append((10, ""))
    out.append((11, f"{de['officers']} / {en['officers']}"))
    for name, role, birth in view.officers:
        out.append((10, f"  {name}, {role}" + (f", * {birth}" if birth else "")))
    out += [(10, ""), (9, f"{de['evidence']} / {en['evidence']}: {view.evidence_id}"),
            (9, f"{de['issued']} / {en['issued']}: {view.issued}"),
            (9, de["footer"]), (9, en["footer"])]
    return out


def render_pdf(view: ExtractView) -> bytes:
    """An unsigned PDF showing ``view`` (German and English labels)."""
    writer = PdfFileWriter()
    font = writer.add_object(generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Font"),
        generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
        generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica"),
        generic.NameObject("/Encoding"): generic.NameObject("/WinAnsiEncoding"),
    }))
    lines = _lines(view)
    for start in range(0, len(lines), 48):
        ops = [b"BT", b"50 790 Td"]
        for size, text in lines[start:start + 48]:
            ops.append(b"/F1 %d Tf 0 -%d Td (" % (size, size + 5) + _pdf_text(text) + b") Tj")
        ops.append(b"ET")
        stream = generic.StreamObject(stream_data=b"\n".join(ops))
        fonts = generic.DictionaryObject({generic.NameObject("/F1"): font})
        page = PageObject(
            contents=writer.add_object(stream), media_box=(0, 0, 595, 842),
            resources=generic.DictionaryObject({generic.NameObject("/Font"): fonts}))
        writer.insert_page(page)
    buf = BytesIO()
    writer.write(buf)
    return buf.getvalue()


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner re-parses (and re-validates) the RSA key on every signature
    (~0.5 s for RSA-3072); this one signs PKCS#1 v1.5 with the key loaded once."""

    def __init__(self, *, key: rsa.RSAPrivateKey | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._loaded = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if self._loaded is not None and mechanism["algorithm"].native in (
                "rsassa_pkcs1v15", "sha256_rsa"):
            return self._loaded.sign(data, PKCS1v15(), get_pyca_cryptography_hash(
                digest_algorithm))
        signed: bytes = super().sign_raw(data, digest_algorithm)
        return signed


@dataclass(frozen=True, slots=True)
class EvidenceSigner:
    """The node's evidence-signing (sealing) key and certificate chain."""

    certificate: asn1_x509.Certificate
    key: asn1_keys.PrivateKeyInfo
    chain: tuple[asn1_x509.Certificate, ...] = ()
    signer: signers.SimpleSigner | None = None
    """The pyHanko signer built once (:meth:`from_files`)."""

    @classmethod
    def from_files(cls, certificate: Path, key: Path,
                   chain: tuple[Path, ...] = ()) -> EvidenceSigner:
        """Load PEM/DER files (unencrypted key: test PKI only)."""
        try:
            cert = load_cert_from_pemder(str(certificate))
            info = load_private_key_from_pemder(str(key), passphrase=None)
            certs = tuple(load_cert_from_pemder(str(c)) for c in chain)
            loaded = serialization.load_der_private_key(info.dump(), password=None)
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"cannot load the evidence-signing key: {exc}") from exc
        simple = _LoadedKeySigner(
            key=loaded if isinstance(loaded, rsa.RSAPrivateKey) else None,
            signing_cert=cert, signing_key=info,
            cert_registry=SimpleCertificateStore.from_certs([cert, *certs]))
        return cls(cert, info, certs, simple)


def sign_pdf(pdf: bytes, signer: EvidenceSigner, *, reason: str, location: str = "DE") -> bytes:
    """Sign ``pdf`` as PAdES B-B (CAdES detached, SHA-256, chain embedded)."""
    simple = signer.signer or signers.SimpleSigner(
        signing_cert=signer.certificate, signing_key=signer.key,
        cert_registry=SimpleCertificateStore.from_certs([signer.certificate, *signer.chain]))
    meta = signers.PdfSignatureMetadata(
        field_name="EvidenceSeal", md_algorithm="sha256", reason=reason, location=location,
        subfilter=fields.SigSeedSubFilter.PADES)
    try:
        out = signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), meta, signer=simple)
    except Exception as exc:  # pyHanko raises plain exceptions for key/cert mismatches
        raise ConfigurationError(f"PAdES signing failed: {exc}") from exc
    signed: bytes = out.getvalue()
    return signed


@dataclass(frozen=True, slots=True)
class PadesVerdict:
    """What pyHanko's validator says about the (single) signature of a PDF."""

    intact: bool
    valid: bool
    trusted: bool
    subfilter: str
    signer_subject: str
    covers_whole_document: bool

    @property
    def ok(self) -> bool:
        """Intact, cryptographically valid, trusted, PAdES, covering the whole file."""
        return (self.intact and self.valid and self.trusted and self.covers_whole_document
                and self.subfilter == "/ETSI.CAdES.detached")


def verify_pades(pdf: bytes, trust_roots: list[asn1_x509.Certificate]) -> PadesVerdict:
    """Validate the one embedded signature of ``pdf`` against ``trust_roots`` (offline)."""
    try:
        reader = PdfFileReader(BytesIO(pdf))
        sigs = reader.embedded_signatures
    except Exception as exc:
        raise InvalidInput(f"not a readable PDF: {exc}") from exc
    if len(sigs) != 1:
        raise InvalidInput(f"expected one signature, found {len(sigs)}")
    sig = sigs[0]
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=trust_roots,
                                                           allow_fetching=False))
    coverage = sig.evaluate_signature_coverage()
    return PadesVerdict(
        intact=status.intact, valid=status.valid, trusted=status.trusted,
        subfilter=str(sig.sig_object.get("/SubFilter")),
        signer_subject=status.signing_cert.subject.human_friendly,
        covers_whole_document=coverage.name == "ENTIRE_FILE")
