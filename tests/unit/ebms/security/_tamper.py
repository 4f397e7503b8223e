"""Attacker tools for the attack tests: edit a secured envelope, re-sign selectively."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from lxml import etree

from gateway.ebms import MimePart
from gateway.ebms.security import SecurityProfile, SigningIdentity, policy_for
from gateway.ebms.security._api import _ensure_id, _new_security
from gateway.ebms.security._dom import soap_parts
from gateway.ebms.security._dsig import AttachmentContent, build_signature
from gateway.ebms.security._tokens import add_bst, bst_reference
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
    security = _new_security(parts)
    token = add_bst(security, signing.certificate)
    holder = etree.Element("holder")
    key_info = bst_reference(holder, *token)
    targets = [(_ensure_id(el, "x"), el) for el in pick(root)]
    content = [(p.content_id, AttachmentContent(p.content_type, p.data)) for p in attachments]
    build_signature(security, targets, content, key=signing.private_key,
                    policy=policy_for(profile), key_info=key_info)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
