"""Fixtures of the EDM exchange tests: kit messages read at run time, a shared Validator.

Nothing from the reference kit is copied into the repository: v1.0 samples are read from
``oots-edm-1.0/samples/Request-Response Samples/``; v2.0 messages from
``oots-tdd-2.0/samples/oots-france-reference/messages/`` and the RegRep payloads of the
Domibus WS-plugin envelopes (``as4/domibus-ws-plugin-captures/``,
``samples/oots-france-reference/soap/``), base64 decoded after stripping the literal
parentheses of KNOWN-DEFECTS 13.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from gateway.evidence.edm.v2_rules import register_v2_rules
from gateway.evidence.validation import Validator
from gateway.kits import install_kits
from gateway.namespaces import NS
from gateway.settings import Settings
from gateway.xml._parse import parse_xml

V1_SAMPLES = "oots-edm-1.0/samples/Request-Response Samples"
V2_MESSAGES = "oots-tdd-2.0/samples/oots-france-reference/messages"
V2_ENVELOPES = (
    "oots-tdd-2.0/as4/domibus-ws-plugin-captures",
    "oots-tdd-2.0/samples/oots-france-reference/soap",
)
EBRS = "application/x-ebrs+xml"


@dataclass(frozen=True)
class KitMessage:
    """One EDM message from the kit, named after its file."""

    name: str
    data: bytes
    envelope: etree._Element | None = None
    """The SOAP envelope the payload came from (its eb:Messaging header)."""


def _v1_files(shared: Path) -> list[Path]:
    root = shared / V1_SAMPLES
    return sorted(
        p
        for p in root.rglob("*.xml")
        if "Evidence Samples" not in p.parts and "eader" not in p.name
    )


def v1_samples(shared: Path) -> list[KitMessage]:
    """Every official v1.0 evidence exchange message (ebMS headers and payloads excluded)."""
    root = shared / V1_SAMPLES
    return [KitMessage(str(p.relative_to(root)), p.read_bytes()) for p in _v1_files(shared)]


def payloads(envelope: etree._Element) -> list[bytes]:
    """The RegRep bodies inside a Domibus WS-plugin envelope (KNOWN-DEFECTS 13 applied).

    A payload counts when its ``contentType`` is ``application/x-ebrs+xml`` or, lacking
    one (hand-made corpus), when it decodes to a ``query:`` document.
    """
    out = []
    for p in envelope.iter():
        if isinstance(p.tag, str) and etree.QName(p).localname == "payload":
            if p.get("contentType") not in (EBRS, None):
                continue
            value = next(c for c in p if etree.QName(c).localname == "value")
            body = base64.b64decode((value.text or "").strip().strip("()"))
            if p.get("contentType") == EBRS or b"urn:oasis:names:tc:ebxml-regrep:xsd:query" in body:
                out.append(body)
    return out


def v2_messages(shared: Path) -> list[KitMessage]:
    """Every v2.0 RegRep message of the kit (reference bodies and captured payloads)."""
    out = [
        KitMessage(f"messages/{p.name}", p.read_bytes())
        for p in sorted((shared / V2_MESSAGES).glob("*.xml"))
        if ".entete." not in p.name
    ]
    for folder in V2_ENVELOPES:
        for p in sorted((shared / folder).glob("*.xml")):
            env = parse_xml(p.read_bytes())
            for i, body in enumerate(payloads(env)):
                out.append(KitMessage(f"{Path(folder).name}/{p.name}[{i}]", body, env))
    return out


def messaging_of(envelope: etree._Element) -> etree._Element:
    """The eb:Messaging header of an envelope."""
    found = envelope.find(f".//{{{NS.EB}}}Messaging")
    assert found is not None
    return found


@pytest.fixture(scope="session")
def installed(settings: Settings, shared_dir: Path) -> Settings:
    """The v1.0 kit installed into var/ (idempotent)."""
    del shared_dir
    install_kits(settings)
    return settings


@pytest.fixture(scope="session")
def validator(installed: Settings) -> Validator:
    """One Validator with the project's v2.0 checks registered."""
    v = Validator.from_settings(installed)
    register_v2_rules(v)
    return v
