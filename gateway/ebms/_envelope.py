"""SOAP 1.2 envelopes carrying ``eb:Messaging`` (ebMS3 Core §5.1, AS4 §2.1 / §5.1).

Building: one ``S12:Header/eb:Messaging`` with ``wsu:Id`` and
``S12:mustUnderstand="true"``, and an empty ``S12:Body`` with ``wsu:Id``
(AS4 §5.1.1: payloads travel as MIME parts only, so the Body is empty; both are
signed by reference to those ids). Ids are fresh per message.

Parsing binds namespace URIs only and refuses, with ``EBMS:0009 InvalidHeader``:
not well-formed XML (via the hardened parser), a root other than a SOAP 1.1/1.2
Envelope, no ``eb:Messaging`` header, more than one, or an ``eb:Messaging``
anywhere outside the SOAP Header (a wrapping attempt). SOAP 1.1 is read (ebMS3
permits it) and reported; the PMode decides whether to accept it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from lxml import etree

from gateway.ebms._model import UserMessage
from gateway.ebms._read import read_messaging
from gateway.ebms._signal_model import SignalMessage
from gateway.ebms._write import messaging_element
from gateway.errors import EbmsError, EbmsErrorCode, Origin, XmlRejected
from gateway.namespaces import NS
from gateway.xml import DEFAULT_LIMITS, ParseLimits, parse_xml

__all__ = ["ParsedEnvelope", "build_envelope", "parse_envelope", "parse_messaging"]

_SOAP_VERSIONS = {NS.SOAP12: "1.2", NS.SOAP11: "1.1"}
_WSU_ID = f"{{{NS.WSU}}}Id"
_MESSAGING = f"{{{NS.EB}}}Messaging"
_SECURITY = f"{{{NS.WSSE}}}Security"


def _invalid(message: str, detail: str | None = None) -> EbmsError:
    return EbmsError(message, ebms_code=EbmsErrorCode.INVALID_HEADER, origin=Origin.REMOTE,
                     detail=detail)


def new_id(kind: str) -> str:
    """A fresh XML id such as ``_ebm-<uuid4>`` (NCName, unique per message)."""
    return f"_{kind}-{uuid.uuid4()}"


def build_envelope(
    message: UserMessage | SignalMessage,
    *,
    messaging_id: str | None = None,
    body_id: str | None = None,
) -> bytes:
    """Serialise ``message`` as an unsigned SOAP 1.2 envelope (UTF-8, XML declaration)."""
    env = etree.Element(f"{{{NS.SOAP12}}}Envelope", nsmap={"S12": NS.SOAP12, "wsu": NS.WSU})
    header = etree.SubElement(env, f"{{{NS.SOAP12}}}Header")
    header.append(messaging_element(message, messaging_id=messaging_id or new_id("ebm")))
    body = etree.SubElement(env, f"{{{NS.SOAP12}}}Body")
    body.set(_WSU_ID, body_id or new_id("body"))
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))


@dataclass(frozen=True, slots=True)
class ParsedEnvelope:
    """The typed ``eb:Messaging`` content of an envelope plus structural facts."""

    soap_version: str
    """``1.2`` or ``1.1``."""
    user_messages: tuple[UserMessage, ...]
    signal_messages: tuple[SignalMessage, ...]
    messaging_id: str | None
    """``wsu:Id`` (or ``Id``) of ``eb:Messaging``: what the signature must reference."""
    must_understand: bool
    body_id: str | None
    body_children: tuple[str, ...]
    """Clark names of the Body's child elements (empty for AS4)."""
    header_blocks: tuple[str, ...]
    """Clark names of all SOAP header blocks, in order."""

    @property
    def has_security(self) -> bool:
        """True when a ``wsse:Security`` header block is present."""
        return _SECURITY in self.header_blocks

    @property
    def user_message(self) -> UserMessage | None:
        """The UserMessage when there is exactly one (AS4 does not bundle)."""
        return self.user_messages[0] if len(self.user_messages) == 1 else None

    @property
    def signal_message(self) -> SignalMessage | None:
        """The SignalMessage when there is exactly one."""
        return self.signal_messages[0] if len(self.signal_messages) == 1 else None

    @property
    def kind(self) -> str:
        """E.g. ``UserMessage``, ``Receipt``, ``Error``, ``PullRequest``, joined with ``+``."""
        kinds = ["UserMessage"] * len(self.user_messages)
        kinds += [s.kind for s in self.signal_messages]
        return "+".join(kinds)

    def single(self) -> UserMessage | SignalMessage:
        """The one ebMS message; ``EBMS:0009`` when bundled (AS4 §2.1: no bundling)."""
        everything: list[UserMessage | SignalMessage] = [*self.user_messages,
                                                         *self.signal_messages]
        if len(everything) != 1:
            raise _invalid(f"eb:Messaging bundles {len(everything)} messages ({self.kind}); "
                           "the AS4 profile does not support bundling")
        return everything[0]


def _element_id(el: etree._Element) -> str | None:
    for name in (_WSU_ID, "Id", "id"):
        value = el.get(name)
        if value:
            return value
    return None


def _parse(data: bytes, limits: ParseLimits, what: str) -> etree._Element:
    try:
        return parse_xml(data, limits=limits, what=what)
    except XmlRejected as exc:
        raise _invalid(f"{what} is refused: {exc.message}", detail=exc.message) from exc


def parse_envelope(envelope: bytes, *, limits: ParseLimits = DEFAULT_LIMITS) -> ParsedEnvelope:
    """Parse a SOAP envelope (bytes of the MIME root part, or a bare SOAP message)."""
    root = _parse(envelope, limits, "SOAP envelope")
    soap_ns = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "Envelope" or soap_ns not in _SOAP_VERSIONS:
        raise _invalid(f"root element {root.tag} is not a SOAP 1.2 or 1.1 Envelope")
    headers = [c for c in root if c.tag == f"{{{soap_ns}}}Header"]
    bodies = [c for c in root if c.tag == f"{{{soap_ns}}}Body"]
    if len(headers) != 1:
        raise _invalid(f"the Envelope has {len(headers)} SOAP Header elements, expected 1")
    if len(bodies) != 1:
        raise _invalid(f"the Envelope has {len(bodies)} SOAP Body elements, expected 1")
    header, body = headers[0], bodies[0]
    blocks = [c for c in header if isinstance(c.tag, str)]
    messagings = [c for c in blocks if c.tag == _MESSAGING]
    if not messagings:
        raise _invalid("no eb:Messaging header block")
    if len(messagings) > 1:
        raise _invalid(f"{len(messagings)} eb:Messaging header blocks; exactly one is allowed")
    messaging = messagings[0]
    # A non-NRI Receipt may carry a copy of the original message (ebMS3 Core
    # §5.2.3.3, AS4 §5.1.8), eb:Messaging included; anything else is stray.
    receipts = set(root.iter(f"{{{NS.EB}}}Receipt"))
    stray = [
        el for el in root.iter(_MESSAGING)
        if el is not messaging and not any(a in receipts for a in el.iterancestors())
    ]
    if stray:
        raise _invalid("an eb:Messaging element appears outside the SOAP Header")
    users, signals = read_messaging(messaging)
    mu = (messaging.get(f"{{{soap_ns}}}mustUnderstand") or "").strip().lower()
    return ParsedEnvelope(
        soap_version=_SOAP_VERSIONS[soap_ns],
        user_messages=users,
        signal_messages=signals,
        messaging_id=_element_id(messaging),
        must_understand=mu in ("true", "1"),
        body_id=_element_id(body),
        body_children=tuple(str(c.tag) for c in body if isinstance(c.tag, str)),
        header_blocks=tuple(str(c.tag) for c in blocks),
    )


def parse_messaging(
    data: bytes, *, limits: ParseLimits = DEFAULT_LIMITS
) -> tuple[tuple[UserMessage, ...], tuple[SignalMessage, ...]]:
    """Parse a stand-alone ``eb:Messaging`` document (e.g. a stored header)."""
    return read_messaging(_parse(data, limits, "eb:Messaging document"))
