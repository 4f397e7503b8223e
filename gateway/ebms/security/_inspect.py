"""Diagnostics: check a captured message's signature reference by reference.

For operators (``as4 inspect``) and for the kit's real samples, where a message may
be only partly checkable (an attachment absent, encrypted for someone else, or
damaged). Unlike :func:`~gateway.ebms.security.open_message` this never accepts a
message; it reports what holds and what does not, naming each failure's EBMS code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography import x509
from lxml import etree

from gateway.crypto import CryptoFailure, decrepit, primitives
from gateway.crypto.c14n import exc_c14n
from gateway.ebms.security._dom import b64decode, children, first_child, index_ids, soap_parts
from gateway.ebms.security._dsig import (
    AttachmentContent,
    check_reference,
    inclusive_prefixes,
    precheck,
)
from gateway.ebms.security._profiles import AlgorithmPolicy
from gateway.ebms.security._tokens import resolve_key_info, tokens_in
from gateway.errors import EbmsError, XmlRejected
from gateway.namespaces import NS
from gateway.xml import parse_xml

__all__ = ["ReferenceCheck", "SignatureReport", "inspect_signature"]


@dataclass(frozen=True, slots=True)
class ReferenceCheck:
    """The outcome for one ``ds:Reference``."""

    uri: str
    ok: bool
    code: str | None = None
    """The EBMS code of the failure, None when the digest matched."""
    problem: str | None = None
    target: str | None = None
    """Clark name of the element a same-document reference resolved to."""


@dataclass(frozen=True, slots=True)
class SignatureReport:
    """What a signature proves (or why it does not)."""

    signature_method: str | None
    signer: x509.Certificate | None
    token_form: str | None
    signature_value_ok: bool
    problem: str | None
    problem_code: str | None
    references: tuple[ReferenceCheck, ...]

    @property
    def fully_verified(self) -> bool:
        """SignatureValue and every reference verified."""
        return self.signature_value_ok and all(r.ok for r in self.references)


def _report(problem: EbmsError, **kwargs: object) -> SignatureReport:
    values: dict[str, object] = {
        "signature_method": None, "signer": None, "token_form": None,
        "signature_value_ok": False, "references": (),
    }
    values.update(kwargs)
    return SignatureReport(problem=problem.message, problem_code=problem.code, **values)  # type: ignore[arg-type]


def inspect_signature(
    envelope: bytes,
    attachments: Mapping[str, AttachmentContent],
    *,
    policy: AlgorithmPolicy,
    known: Sequence[x509.Certificate] = (),
) -> SignatureReport:
    """Check the one ``ds:Signature`` of ``envelope`` and each of its references.

    ``known`` certificates resolve SKI / IssuerSerial references (and are tried when
    the KeyInfo names none we can read). Attachments are given decrypted.
    """
    try:
        root = parse_xml(envelope, what="SOAP envelope")
        parts = soap_parts(root, require_security=True)
        assert parts.security is not None
        signatures = children(parts.security, NS.DS, "Signature")
        if len(signatures) != 1:
            raise EbmsError(f"{len(signatures)} ds:Signature elements in wsse:Security")
        signature = signatures[0]
        si = precheck(signature, policy).signed_info
        ids = index_ids(root)
    except (EbmsError, XmlRejected) as exc:
        if isinstance(exc, EbmsError):
            return _report(exc)
        return _report(EbmsError(exc.message))
    method_el = first_child(si, NS.DS, "SignatureMethod")
    method = method_el.get("Algorithm") if method_el is not None else None
    key_info = first_child(signature, NS.DS, "KeyInfo")
    try:
        token = resolve_key_info(key_info, ids,
                                 [*known, *(t.certificate for t in tokens_in(parts.security))])
    except EbmsError as exc:
        return _report(exc, signature_method=method)
    value_el = first_child(signature, NS.DS, "SignatureValue")
    c14n_el = first_child(si, NS.DS, "CanonicalizationMethod")
    try:
        value = b64decode(value_el.text if value_el is not None else None, "SignatureValue")
        data = exc_c14n(si, inclusive_prefixes(c14n_el))
        key = token.certificate.public_key()
        if policy.legacy and method in decrepit.LEGACY_SIGNATURES:
            decrepit.legacy_verify(key, method or "", value, data)
        else:
            primitives.verify(key, method or "", value, data)
        value_ok, problem, code = True, None, None
    except CryptoFailure as exc:
        value_ok, problem, code = False, exc.message, "EBMS:0101"
    except EbmsError as exc:
        value_ok, problem, code = False, exc.message, exc.code
    checks: list[ReferenceCheck] = []
    for ref in children(si, NS.DS, "Reference"):
        uri = ref.get("URI") or ""
        try:
            checked = check_reference(ref, ids, attachments, policy)
        except EbmsError as exc:
            checks.append(ReferenceCheck(uri, False, exc.code, exc.message))
            continue
        target = checked.target.tag if isinstance(checked.target, etree._Element) else None
        checks.append(ReferenceCheck(uri, True, target=str(target) if target else None))
    return SignatureReport(method, token.certificate, token.how, value_ok, problem, code,
                           tuple(checks))
