"""The mocked NL/AT providers' answers: EDM response with a PDF extract, error responses.

Built with the gateway's EDM builders (:mod:`gateway.evidence.edm`), so the model checks
run; the tests judge the bytes with the validator (XSD + Schematron / v2.0 checks).
The PDF is a one-page PDF 1.4 written here (Helvetica, no dependencies).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

from gateway.errors import EdmErrorCode
from gateway.evidence import edm
from gateway.evidence.edm import EdmVersion
from gateway.gewerbe.canonical import build_company_registration
from gateway.gewerbe.models import Address, CompanyEvidence, LegalForm, Representative
from gateway.namespaces import NS
from mocks.eu_peers.providers.companies import Company

__all__ = ["PROVIDERS", "XML_MIME", "canonical_xml", "error_response", "extract_pdf",
           "preview_required", "response", "wants_xml"]

XML_MIME = "application/xml"

PROVIDERS = {
    "NL": edm.Agent(edm.Identifier("59581883", "urn:cef.eu:names:identifier:EAS:0106"),
                    (edm.Text("Kamer van Koophandel", "NL"),),
                    edm.Address("NL", post_city_name="Utrecht")),
    "AT": edm.Agent(edm.Identifier("BMJ-FB", "urn:cef.eu:names:identifier:EAS:9915"),
                    (edm.Text("Firmenbuch (Bundesministerium für Justiz)", "DE"),),
                    edm.Address("AT", post_city_name="Wien")),
}


def _pdf_text(value: str) -> str:
    data = value.encode("latin-1", "replace").decode("latin-1")
    return data.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def extract_pdf(company: Company, *, now: datetime) -> bytes:
    """A one-page register extract as PDF."""
    title = "Uittreksel Handelsregister" if company.country == "NL" else "Firmenbuchauszug"
    lines = [title, "", f"{company.name} ({company.legal_form})",
             f"Nummer / Nummer: {company.number}   EUID: {company.euid}",
             f"Adres / Adresse: {company.street}, {company.city}",
             f"Ingeschreven / Eingetragen: {company.registered.isoformat()}",
             f"Kapitaal / Kapital: {company.capital}", f"Activiteit: {company.activity}",
             f"Status: {company.status}", ""]
    lines += [f"{r.role}: {r.given_name} {r.family_name}" for r in company.representatives]
    lines += ["", f"Issued {now.strftime('%Y-%m-%d %H:%M')} UTC (mock register, demo data)"]
    stream = "BT /F1 12 Tf 50 800 Td 16 TL\n" + "".join(
        f"({_pdf_text(line)}) Tj T*\n" for line in lines) + "ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)


def _bare(agent: edm.Agent) -> edm.Agent:
    return edm.Agent(agent.identifier, agent.names)


def wants_xml(request: edm.EvidenceRequest) -> bool:
    """The request asks for the structured distribution (DE4A CompanyRegistration XML)."""
    return any(d.format == XML_MIME for d in request.evidence_request.distributed_as)


def canonical_xml(company: Company) -> bytes:
    """The DE4A CompanyRegistration v0.6 document of ``company`` (the structured extract)."""
    street, _, number = company.street.rpartition(" ")
    if not any(ch.isdigit() for ch in number):
        street, number = company.street, ""
    reps = tuple(Representative(r.family_name, r.given_name, r.birth_date, r.role)
                 for r in company.representatives)
    evidence = CompanyEvidence(
        name=company.name, legal_form=LegalForm(company.legal_form, company.country),
        seat=company.city, address=Address(street, number, "", company.city, company.country),
        register_number=company.number, register_authority=PROVIDERS[company.country]
        .names[0].value, representatives=reps, euid=company.euid)
    return build_company_registration(evidence, registration_date=company.registered)


def response(request: edm.EvidenceRequest, company: Company, *, content_id: str,
             now: datetime) -> edm.EvidenceResponse:
    """The evidence response to ``request``: one PDF extract (payload ``content_id``), or the
    DE4A XML when the request asks for ``application/xml`` (:func:`wants_xml`)."""
    country = company.country
    provider = PROVIDERS[country]
    mime = XML_MIME if wants_xml(request) else "application/pdf"
    # R-EDM-RESP-C044a: an XML distribution names what it conforms to (the request's, else
    # the DE4A CompanyRegistration schema)
    conforms = None if mime != XML_MIME else next(
        (d.conforms_to for d in request.evidence_request.distributed_as if d.conforms_to),
        NS.DE4A_COMPANY_REGISTRATION)
    evidence = edm.Evidence(
        identifier=str(uuid.uuid4()),
        distributions=(edm.Distribution(mime, (country if country == "NL" else "DE",),
                                        conforms),),
        is_about=edm.LegalPerson(company.name, identifiers=(edm.Identifier(company.euid,
                                                                           "EUID"),),
                                 legal_person_identifier=request.subject.legal_person_identifier
                                 if isinstance(request.subject, edm.LegalPerson) else None),
        issuing_authority=_bare(provider),
        is_conformant_to=edm.EvidenceTypeRef(
            request.evidence_request.evidence_type_classification,
            request.evidence_request.titles),
        issuing_date=now.date(),
    )
    doc = edm.EvidenceDocument(f"urn:uuid:{uuid.uuid4()}", evidence,
                               edm.RepositoryItemRef(f"cid:{content_id}", "Register extract"))
    base = edm.EvidenceResponse(
        version=request.version, request_id=request.request_id,
        response_id=str(uuid.uuid4()), issue_datetime=now,
        providers=(edm.Agent(provider.identifier, provider.names, provider.address,
                             classification="EP"),),
        requester=_bare(request.requester))
    if request.version is EdmVersion.V1_0:
        return dataclasses.replace(base, documents=(doc,))
    main = edm.EvidenceDocument(doc.id, doc.evidence, doc.item, role="MainEvidence",
                                classification_id=f"urn:uuid:{uuid.uuid4()}")
    package = edm.EvidencePackage(f"urn:uuid:{uuid.uuid4()}", (main,))
    return dataclasses.replace(base, packages=(package,))


def _error(country: str, request: edm.EvidenceRequest,
           exc: edm.EdmException) -> edm.EvidenceErrorResponse:
    provider = PROVIDERS[country]
    return edm.EvidenceErrorResponse(
        version=request.version, request_id=request.request_id,
        response_id=str(uuid.uuid4()),
        error_provider=edm.Agent(provider.identifier, provider.names, provider.address,
                                 classification="ERRP"),
        requester=_bare(request.requester), exception=exc)


def preview_required(country: str, request: edm.EvidenceRequest, location: str, *,
                     now: datetime) -> edm.EvidenceErrorResponse:
    """EDM:ERR:0002 with the PreviewRequired severity and ``location`` (TDD 4.9)."""
    v1 = request.version is EdmVersion.V1_0
    exc = edm.EdmException.preview_required(
        request.version, timestamp=now, preview_location=location,
        detail="The company's representative must preview and approve the extract",
        preview_description=(edm.LocalizedString("EN", "Log in and approve the extract"),)
        if v1 else (),
        preview_method="GET" if v1 else None)
    return _error(country, request, exc)


def error_response(country: str, request: edm.EvidenceRequest, code: EdmErrorCode,
                   detail: str, *, now: datetime) -> edm.EvidenceErrorResponse:
    """An error response with ``code`` (the code list's message, our detail)."""
    return _error(country, request, edm.EdmException(code=code, timestamp=now, detail=detail))
