"""Attacker tools for the attack tests: edit a secured envelope, re-sign selectively."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from lxml import etree

from gateway.ebms import MimePart
from gateway.ebms.security import SecurityProfile, SigningIdentity, policy_for
from gateway.ebms.security._api import _ensure_id, signature_block
from gateway.ebms.security._dom import soap_parts
from gateway.ebms.security._header import security_element, serialize_with_header
from gateway.namespaces import NS
from gateway.xml import parse_xml

WSU_ID = f"{{{NS.WSU}}}Id"


def edit(envelope: bytes, change: Callable[[etree._Element], None]) -> bytes:
    """Parse ``envelope``, let ``change`` mutate the tree, serialize again."""
    root = parse_xml(envelope)
    change(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def find(root: etree._Element, ns: str, local: str) -> list[etree._Element]:
    """All descendants named ``{ns}local``."""
    return list(root.iter(f"{{{ns}}}{local}"))


def one(root: etree._Element, ns: str, local: str) -> etree._Element:
    """The single descendant ``{ns}local``."""
    found = find(root, ns, local)
    assert len(found) == 1, (local, len(found))
    return found[0]


def sign_selected(
    envelope: bytes,
    attachments: Sequence[MimePart],
    *,
    signing: SigningIdentity,
    profile: SecurityProfile,
    pick: Callable[[etree._Element], list[etree._Element]],
    now: datetime,
) -> bytes:
    """A *validly* signed envelope whose same-document references are ``pick(root)``
    (instead of exactly Messaging + Body), plus every attachment in ``attachments``."""
    del now
    root = parse_xml(envelope)
    parts = soap_parts(root, require_security=False)
    targets = [(_ensure_id(el, "x"), el) for el in pick(root)]
    block = signature_block(targets, attachments, signing, policy_for(profile))
    return serialize_with_header(root, parts.header, security_element(parts.soap_ns, block))
