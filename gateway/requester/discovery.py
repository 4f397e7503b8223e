"""Finding the evidence type and its provider through the EB and the DSD (requester side).

TDD 3.2.4 (Evidence Broker) and 3.1.4 (Data Service Directory): requirements of the
procedure in the provider's country -> the evidence types that satisfy the requirement
-> the data services that provide the chosen type. Every answer is verified first
(TDD 3.6.2, detached JAdES; :func:`~gateway.evidence.common_services.verify_response`):
an unsigned or wrongly signed answer raises ``SignatureRejected`` (``GW:CS-SIGNATURE``)
and is never parsed.

The user, not this module, decides (issue 7): when more than one requirement, evidence
type or data service/access service fits, :func:`discover` returns a :class:`NeedChoice`
listing the options; a ``DSD:ERR:0005`` (TDD 3.1.4 §4.4.3, additional input) returns a
:class:`NeedInput` with the concepts the user must fill in. The caller calls
:func:`discover` again with the :class:`Choices` made so far.

No I/O: HTTP goes through the injected :data:`Fetch`; ``now`` is explicit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from gateway.evidence.common_services import (
    AdditionalInputRequest,
    CsVersion,
    DataServicesQuery,
    DataServicesResponse,
    DsdErrorCode,
    EdmVersion,
    ErrorResponse,
    EvidenceTypesQuery,
    EvidenceTypesResponse,
    HttpQuery,
    RequirementsQuery,
    RequirementsResponse,
    Response,
    ResponseRejected,
    TrustAnchors,
    choose_for_service,
    parse_response,
    verify_response,
)
from gateway.evidence.common_services.model import (
    AccessService,
    DataServiceEvidenceType,
    EvidenceType,
    Requirement,
)

__all__ = [
    "Choices",
    "Fetch",
    "Found",
    "InputConcept",
    "NeedChoice",
    "NeedInput",
    "Option",
    "Outcome",
    "discover",
    "provider_option_id",
]

T = TypeVar("T")

Fetch = Callable[[str, HttpQuery], tuple[bytes, Mapping[str, str]]]
"""``fetch(service, query) -> (body, headers)``; ``service`` is ``"eb"`` or ``"dsd"``."""


@dataclass(frozen=True, slots=True)
class Choices:
    """What the user decided so far (option ids as :class:`Option` gave them)."""

    requirement: str | None = None
    evidence_type: str | None = None
    provider: str | None = None
    values: tuple[tuple[str, str], ...] = ()
    """Answers to a DSD:ERR:0005: (concept identifier, value) in the order asked."""


@dataclass(frozen=True, slots=True)
class Option:
    """One possibility the portal shows to the user."""

    id: str
    label: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class NeedChoice:
    """Several requirements, evidence types or providers fit: the user picks one."""

    kind: str
    """``requirement``, ``evidence-type`` or ``provider``."""
    options: tuple[Option, ...]


@dataclass(frozen=True, slots=True)
class InputConcept:
    """One value the DSD asks the user for (DSD:ERR:0005)."""

    id: str
    description: str
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NeedInput:
    """The DSD needs more input (``DSD:ERR:0005``) before it can name a provider."""

    concepts: tuple[InputConcept, ...]


@dataclass(frozen=True, slots=True)
class Found:
    """Everything the evidence request needs from the common services."""

    cs_version: CsVersion
    requirement: Requirement
    evidence_type: EvidenceType
    data_service: DataServiceEvidenceType
    access_service: AccessService
    edm_version: EdmVersion
    """Highest common version of the access service's ``conformsTo`` and ours."""
    values: tuple[tuple[str, str], ...] = ()
    answers: tuple[bytes, ...] = field(default=(), repr=False)
    """The verified EB/DSD bodies, in the order asked (for logs and tests)."""


Outcome = Found | NeedChoice | NeedInput
"""What one :func:`discover` round ends with."""


def _text(texts: tuple[object, ...], lang: str = "EN") -> str:
    values = [(getattr(t, "lang", None), getattr(t, "value", "")) for t in texts]
    for got_lang, value in values:
        if (got_lang or "").upper() == lang:
            return str(value)
    return str(values[0][1]) if values else ""


def provider_option_id(data_service: DataServiceEvidenceType, access: AccessService) -> str:
    """The option id of one (data service, access service) pair."""
    return (f"{data_service.identifier}|{access.identifier.value}|"
            f"{access.publisher.identifier.value}")


class _Asker:
    def __init__(self, fetch: Fetch, anchors: TrustAnchors, now: datetime) -> None:
        self.fetch, self.anchors, self.now = fetch, anchors, now
        self.bodies: list[bytes] = []

    def ask(self, service: str, http: HttpQuery) -> Response:
        body, headers = self.fetch(service, http)
        # TDD 3.6.2: the signature covers the digest of the exact body; parse only after it.
        verified = verify_response(body, dict(headers), anchors=self.anchors, now=self.now)
        self.bodies.append(verified.body)
        return parse_response(verified.body)


def _expect(answer: Response, kind: type[T]) -> T:
    if isinstance(answer, ErrorResponse):
        raise answer.as_error()  # ServiceRefused carrying EB:ERR:xxxx / DSD:ERR:xxxx
    if not isinstance(answer, kind):
        raise ResponseRejected(f"expected a {kind.__name__}, got {type(answer).__name__}",
                               field="response")
    return answer


def _pick(items: list[tuple[str, T]], chosen: str | None, kind: str,
             label: Callable[[T], tuple[str, str]]) -> T | NeedChoice:
    if chosen is not None:
        for option_id, item in items:
            if option_id == chosen:
                return item
        raise ResponseRejected(f"the chosen {kind} {chosen!r} is no longer offered",
                               field=kind)
    if len(items) == 1:
        return items[0][1]
    return NeedChoice(kind, tuple(Option(oid, *label(item)) for oid, item in items))


def discover(fetch: Fetch, *, anchors: TrustAnchors, now: datetime, version: CsVersion,
             procedure: str, country: str, choices: Choices = Choices()) -> Outcome:
    """One discovery round for the provider ``country`` (see the module docstring)."""
    asker = _Asker(fetch, anchors, now)
    reqs = _expect(asker.ask("eb", RequirementsQuery(version, procedure, country).to_http()),
                   RequirementsResponse)
    req_items = [(r.identifier, r) for r in reqs.requirements]
    requirement = _pick(req_items, choices.requirement, "requirement",
                        lambda r: (_text(r.names), r.identifier))
    if isinstance(requirement, NeedChoice):
        return requirement
    types = _expect(asker.ask("eb", EvidenceTypesQuery(requirement.identifier, version,
                                                       country).to_http()),
                    EvidenceTypesResponse)
    type_items = [(t.classification, t) for r in types.requirements
                  for lst in r.evidence_type_lists for t in lst.evidence_types]
    if not type_items:
        raise ResponseRejected("the EB answer lists no evidence type", field="evidence_types")
    evidence_type = _pick(type_items, choices.evidence_type, "evidence-type",
                          lambda t: (_text(t.titles), _text(t.descriptions)))
    if isinstance(evidence_type, NeedChoice):
        return evidence_type
    query = DataServicesQuery(evidence_type.classification, country, version,
                              classification_values=choices.values)
    answer = asker.ask("dsd", query.to_http())
    if (isinstance(answer, ErrorResponse)
            and answer.exception.code == DsdErrorCode.ADDITIONAL_INPUT.value):
        need = AdditionalInputRequest.from_response(answer)  # TDD 3.1.4 §4.4.3
        return NeedInput(tuple(
            InputConcept(c.identifier.value, _text(c.descriptions),
                         c.supported_value.values if c.supported_value else ())
            for c in need.concepts))
    services = _expect(answer, DataServicesResponse)
    pairs = [(provider_option_id(ds, a), (ds, a)) for ds in services.data_services
             for a in ds.access_services]
    if not pairs:
        raise ResponseRejected("the DSD answer names no access service", field="access_services")
    picked = _pick(pairs, choices.provider, "provider", lambda p: (
        _text(p[1].publisher.names) or p[1].identifier.value,
        f"{p[1].identifier.value} ({', '.join(p[1].conforms_to)})"))
    if isinstance(picked, NeedChoice):
        return picked
    data_service, access = picked
    return Found(version, requirement, evidence_type, data_service, access,
                 choose_for_service(access), choices.values, tuple(asker.bodies))
