# mypy: disallow-untyped-calls=False
"""The structured extract and its PAdES-signed PDF (validated by pyHanko)."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO

import pytest
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from gateway.evidence.extract import build_extract, read_extract
from gateway.provider.pdf import EvidenceSigner, render_pdf, sign_pdf, verify_pades
from gateway.registers.xjustiz import parse_register_content
from mocks.de_registers.companies import scenario
from mocks.de_registers.xjustiz_build import register_content

from ._support import CODE_LISTS

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _extract(name: str = "gmbh-hamburg") -> bytes:
    record = parse_register_content(register_content(scenario(name), now=NOW), CODE_LISTS)
    return build_extract(record, evidence_id="urn:uuid:00000000-0000-4000-8000-000000000009",
                         now=NOW)


def test_extract_carries_the_register_facts() -> None:
    """The extract view shows name, EUID, register entry, officers."""
    view = read_extract(_extract("suffix-kiel"))
    rows = dict(view.rows)
    assert rows["company_name"] == "Stadtwerke Kieler Förde GmbH"
    assert rows["euid"] == "DEX1517R.HRB395KI"
    assert rows["register"] == "HRB 395KI"
    assert view.officers == (("Birte Hansen", "Geschäftsführer(in)", "1977-04-04"),)


def test_extract_of_deleted_company_says_so() -> None:
    """A deleted company's extract states the status."""
    assert dict(read_extract(_extract("deleted-stuttgart")).rows)["status"] == "deleted"


def test_signed_pdf_validates_as_pades(signer: EvidenceSigner,
                                       trust_roots: list[asn1_x509.Certificate]) -> None:
    """pyHanko says intact, valid, trusted, ETSI.CAdES.detached, whole file covered."""
    pdf = sign_pdf(render_pdf(read_extract(_extract())), signer, reason="OOTS evidence")
    assert pdf.startswith(b"%PDF-")
    verdict = verify_pades(pdf, trust_roots)
    assert verdict.ok, verdict
    assert "DE-OOTS-GW" in verdict.signer_subject


def test_pdf_with_umlauts_keeps_them() -> None:
    """German text is written in WinAnsiEncoding (ü as 0xFC)."""
    pdf = render_pdf(read_extract(_extract("suffix-kiel")))
    assert "Förde".encode("cp1252") in pdf


def test_tampered_pdf_fails_validation(signer: EvidenceSigner,
                                       trust_roots: list[asn1_x509.Certificate]) -> None:
    """One changed byte inside the signed range breaks the signature."""
    pdf = bytearray(sign_pdf(render_pdf(read_extract(_extract())), signer, reason="r"))
    at = pdf.index(b"Beispiel Hafen GmbH")
    pdf[at] = ord("X")
    verdict = verify_pades(bytes(pdf), trust_roots)
    assert not verdict.ok


def test_pdf_with_appended_revision_is_not_whole_file(
        signer: EvidenceSigner, trust_roots: list[asn1_x509.Certificate]) -> None:
    """An incremental update after signing is detected (coverage no longer ENTIRE_FILE)."""
    pdf = sign_pdf(render_pdf(read_extract(_extract())), signer, reason="r")
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    writer.root["/Lang"] = generic.TextStringObject("de")
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    verdict = verify_pades(out.getvalue(), trust_roots)
    assert not verdict.covers_whole_document


def test_untrusted_root_is_not_trusted(signer: EvidenceSigner, pki: object) -> None:
    """Against another CA as anchor the signature is intact but not trusted."""
    from pyhanko.keys import load_cert_from_pemder

    from mocks.pki import TestPki
    assert isinstance(pki, TestPki)
    pdf = sign_pdf(render_pdf(read_extract(_extract())), signer, reason="r")
    verdict = verify_pades(pdf, [load_cert_from_pemder(str(pki.directory / "foreign-ca.pem"))])
    assert verdict.intact and not verdict.trusted


@pytest.mark.parametrize("value", ["a(b)c\\d", "x" * 400])
def test_pdf_escapes_and_wraps(value: str) -> None:
    """Parentheses/backslashes are escaped; long values wrap."""
    from gateway.evidence.extract import ExtractView
    pdf = render_pdf(ExtractView("id", "EUID", "n", "t", (("purpose", value),), ()))
    assert b"%%EOF" in pdf
