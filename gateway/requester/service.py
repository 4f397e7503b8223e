"""The evidence requester for the portal (adapter: orchestrates discovery, AS4, store).

One :class:`RequesterService` per process, shared by the portal API (HTTP threads) and
the node's worker (inbound answers, :meth:`RequesterService.handle`). Flow
(``docs/requester.md``): ``start`` -> discovery (EB + DSD, verified) -> choice / input
back to the portal, or the first EDM request queued on the node (``sent``) -> the
provider's answer arrives over AS4:

* ``ExceptionResponse`` EDM:ERR:0002 PreviewRequired -> the second request of the
  preview sequence is queued at once (TDD 4.9: "while redirecting the user") and the
  case becomes ``preview-required`` with the URL the portal redirects the user to;
* ``ExecuteQueryResponse`` -> the documents it references (``cid:``) are stored,
  ``delivered``; any other error -> ``failed`` with its EDM code.

Each state change the portal must act on is also pushed as a signed webhook.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from gateway.ebms import Payload, Property
from gateway.errors import EdmErrorCode, EvidenceError, GatewayError, InvalidInput, Origin
from gateway.evidence import edm
from gateway.evidence.common_services import TrustAnchors
from gateway.evidence.edm import ExchangeHeader
from gateway.node.dispatch import Delivery, Reply
from gateway.requester.config import RequesterConfig
from gateway.requester.discovery import Choices, Fetch, Found, NeedChoice, NeedInput, discover
from gateway.requester.messages import (
    Company,
    Outgoing,
    Requester,
    deterministic_id,
    first_request,
    preview_redirect,
    request_properties,
    second_request,
)
from gateway.requester.model import Case, CaseState, EvidenceItem
from gateway.requester.repository import CaseRepository

__all__ = ["EDM_MIME", "PortalRefused", "RequesterService", "Send", "Status", "Validate"]

_log = logging.getLogger("gateway.requester")
EDM_MIME = "application/x-ebrs+xml"
REQUEST_ACTION = "ExecuteQueryRequest"
RESPONSE_ACTION = "ExecuteQueryResponse"
ERROR_ACTION = "ExceptionResponse"

Send = Callable[..., object]
"""``node.send(peer=, action=, payloads=, properties=, conversation_id=, message_id=)``."""
Status = Callable[[str], tuple[str, str | None, str | None]]
"""``status(message_id) -> (outbox state, error code, error text)`` of a sent request."""
Validate = Callable[[bytes], str | None]
"""``validate(edm_bytes) -> None`` when valid, else the failing rule ids (text)."""


class PortalRefused(InvalidInput):
    """The portal asked for something the case cannot do now (HTTP 409/400)."""

    default_code = "GW:PORTAL-REFUSED"
    default_origin = Origin.REMOTE


class RequesterService:
    """Cases of the portal API: discovery, EDM requests out, answers in."""

    def __init__(self, config: RequesterConfig, repo: CaseRepository, *, fetch: Fetch,
                 anchors: TrustAnchors, send: Send, peers: Mapping[str, str],
                 clock: Callable[[], datetime], receipt_domain: str,
                 notify: Callable[[Case], None] | None = None, status: Status | None = None,
                 answer_timeout: timedelta = timedelta(hours=24),
                 validate: Validate | None = None) -> None:
        """``peers``: AS4 party id of an access point -> its PMode peer name; ``status``
        tells whether the node delivered a request (``failed`` after its retries)."""
        self.config = config
        self.repo = repo
        self._fetch = fetch
        self._anchors = anchors
        self._send = send
        self._peers = dict(peers)
        self._clock = clock
        self._domain = receipt_domain
        self._notify = notify or (lambda _case: None)
        self._status = status
        self._timeout = answer_timeout
        self._validate = validate
        self.requester = Requester(config.requester_id, config.requester_scheme,
                                   config.requester_name, config.requester_country)

    # ------------------------------------------------------------------ portal side

    def start(self, *, client: str, procedure: str, country: str, company: Company,
              preview: bool, return_url: str | None, webhook_url: str | None,
              distribution: str | None = None) -> Case:
        """Open a case and run discovery as far as it goes without the user
        (``distribution``: the evidence format wanted, see ``messages.first_request``)."""
        if preview and not (return_url or "").startswith("https://"):
            raise PortalRefused("a preview needs an https:// return_url (TDD 4.9)")
        if webhook_url is not None and not webhook_url.startswith("https://"):
            raise PortalRefused("webhook_url must be an https:// URL")
        now = self._clock()
        case = Case(id=str(uuid.uuid4()), client=client, state=CaseState.SENT, created_at=now,
                    updated_at=now, procedure=procedure, country=country.upper(),
                    company=company, preview=preview, return_url=return_url,
                    webhook_url=webhook_url, distribution=distribution)
        case = case.advance(now, f"portal {client} asks for {procedure} evidence of "
                                 f"{company.legal_name} ({country})")
        with self.repo.lock:
            self.repo.insert(case)
            return self._run(case)

    def get(self, client: str, case_id: str) -> Case:
        """The case as the portal may see it (a request the node could not deliver, or one
        left unanswered past ``answer_timeout``, is ``failed`` from now on)."""
        case = self.repo.get(case_id, client=client)
        if case.state not in (CaseState.SENT, CaseState.PREVIEW_REQUIRED):
            return case
        with self.repo.lock:
            case = self.repo.get(case_id, client=client)
            if case.state not in (CaseState.SENT, CaseState.PREVIEW_REQUIRED):
                return case
            now = self._clock()
            state, code, error = (self._status(case.message_ids[-1])
                                  if self._status and case.message_ids else ("", None, None))
            if state == "failed":  # AS4 gave up (e.g. EBMS:0301 MissingReceipt)
                case = case.advance(now, f"the request was not delivered: {code} {error}",
                                    state=CaseState.FAILED, error_code=code or "EBMS:0301",
                                    error_message=f"the request could not be delivered: {error}")
            elif now - case.updated_at > self._timeout:  # EDMErrorCodes: timeout
                case = case.advance(now, "no answer within the answer timeout",
                                    state=CaseState.FAILED, error_code=EdmErrorCode.TIMEOUT.value,
                                    error_message=f"no answer within {self._timeout}")
            else:
                return case
            self.repo.save(case)
        self._notify(case)
        return case

    def choose(self, client: str, case_id: str, option: str) -> Case:
        """The user picked ``option`` of the pending choice."""
        with self.repo.lock:
            case = self.repo.get(case_id, client=client)
            pending = case.pending_choice
            if case.state is not CaseState.CHOICE_REQUIRED or pending is None:
                raise PortalRefused(f"the request is {case.state.value}, not choice-required")
            if option not in {o.id for o in pending.options}:
                raise PortalRefused(f"{option!r} is not one of the offered options")
            c = case.choices
            choices = Choices(
                option if pending.kind == "requirement" else c.requirement,
                option if pending.kind == "evidence-type" else c.evidence_type,
                option if pending.kind == "provider" else c.provider, c.values)
            case = case.advance(self._clock(), f"user chose {pending.kind} {option}",
                                choices=choices, pending_choice=None)
            return self._run(case)

    def provide_input(self, client: str, case_id: str, values: Mapping[str, str]) -> Case:
        """The user's answers to a DSD:ERR:0005 (TDD 3.1.4 §4.4.3)."""
        with self.repo.lock:
            case = self.repo.get(case_id, client=client)
            need = case.pending_input
            if case.state is not CaseState.INPUT_REQUIRED or need is None:
                raise PortalRefused(f"the request is {case.state.value}, not input-required")
            answered = []
            for concept in need.concepts:
                value = values.get(concept.id, "")
                if not value:
                    raise PortalRefused(f"a value for {concept.id} ({concept.description}) "
                                        "is required")
                if concept.allowed and value not in concept.allowed:
                    raise PortalRefused(f"{value!r} is not an allowed value of {concept.id}")
                answered.append((concept.id, value))
            c = case.choices
            case = case.advance(self._clock(), f"user answered {dict(answered)}",
                                choices=Choices(c.requirement, c.evidence_type, c.provider,
                                                tuple(answered)),
                                pending_input=None)
            return self._run(case)

    def evidence(self, client: str, case_id: str, index: int) -> tuple[EvidenceItem, bytes]:
        """One delivered document of a case."""
        case = self.repo.get(case_id, client=client)
        item = next((e for e in case.evidence if e.index == index), None)
        if item is None:
            raise PortalRefused(f"the request has no document {index}")
        return item, self.repo.evidence(case.id, index)

    # ------------------------------------------------------------------ discovery + send

    def _run(self, case: Case) -> Case:
        now = self._clock()
        try:
            outcome = discover(self._fetch, anchors=self._anchors, now=now,
                               version=self.config.cs_version_for(case.country),
                               procedure=case.procedure, country=case.country,
                               choices=case.choices)
            if isinstance(outcome, NeedChoice):
                case = case.advance(now, f"{len(outcome.options)} {outcome.kind}s fit: "
                                         "the user chooses", state=CaseState.CHOICE_REQUIRED,
                                    pending_choice=outcome)
                self.repo.save(case)
                return case
            if isinstance(outcome, NeedInput):
                case = case.advance(now, "DSD:ERR:0005: the DSD needs "
                                         f"{[c.id for c in outcome.concepts]}",
                                    state=CaseState.INPUT_REQUIRED, pending_input=outcome)
                self.repo.save(case)
                return case
            return self._send_first(case, outcome, now)
        except GatewayError as exc:
            _log.info("case %s failed: %s", case.id, exc)
            case = case.advance(now, f"failed: {exc.code} {exc.message}",
                                state=CaseState.FAILED, error_code=exc.code,
                                error_message=exc.message)
            self.repo.save(case)
            self._notify(case)
            return case

    def _peer(self, party_id: str) -> str:
        peer = self._peers.get(party_id)
        if peer is None:
            raise EvidenceError(f"no PMode peer is configured for access point {party_id!r}",
                                edm_code=EdmErrorCode.UNSUPPORTED_CAPABILITY,
                                origin=Origin.LOCAL, field="access_service")
        return peer

    def _queue(self, case: Case, out: Outgoing, peer: str, message_id: str) -> None:
        props = [Property(n, v, t) for n, v, t in request_properties(out,
                                                                    requester=self.requester)]
        self._send(peer=peer, action=REQUEST_ACTION,
                   payloads=[Payload(f"{out.request.request_id[9:]}@{self._domain}", out.body,
                                     EDM_MIME)],
                   properties=props, conversation_id=out.header.conversation_id,
                   message_id=message_id)

    def _send_first(self, case: Case, found: Found, now: datetime) -> Case:
        peer = self._peer(found.access_service.identifier.value)
        conversation, exchange = str(uuid.uuid4()), str(uuid.uuid4())
        request_id = f"urn:uuid:{uuid.uuid4()}"
        out = first_request(found, company=case.company, requester=self.requester,
                            procedure=case.procedure, preview=case.preview,
                            request_id=request_id, conversation_id=conversation,
                            exchange_id=exchange, now=now, distribution=case.distribution)
        message_id = f"{uuid.uuid4()}@{self._domain}"
        access = found.access_service
        case = case.advance(
            now, f"EB/DSD ({found.cs_version.value}, {len(found.answers)} signed answers "
                 f"verified): evidence type {found.evidence_type.classification} served by "
                 f"{access.publisher.names[0].value if access.publisher.names else '-'} at "
                 f"{access.identifier.value}, conformsTo {', '.join(access.conforms_to)}")
        case = case.advance(
            now, f"{found.edm_version.value} request {request_id} to "
                 f"{found.access_service.identifier.value} (peer {peer})",
            state=CaseState.SENT, edm_version=found.edm_version.value,
            provider_party=found.access_service.identifier.value,
            conversation_id=conversation, exchange_id=exchange,
            request_ids=(request_id,), message_ids=(message_id,),
            first_request=out.body.decode("utf-8"))
        self.repo.save(case, request_id=request_id)
        self._queue(case, out, peer, message_id)
        return case

    # ------------------------------------------------------------------ answers over AS4

    def handle(self, delivery: Delivery) -> Reply | None:
        """The node's handler for ExecuteQueryResponse / ExceptionResponse (idempotent by
        the delivery's MessageId: a recomputation finds the case already advanced)."""
        edm_payload = next((p for p in delivery.payloads if p.mime_type == EDM_MIME), None)
        if edm_payload is None:
            raise EvidenceError("the answer carries no application/x-ebrs+xml payload",
                                edm_code=EdmErrorCode.INVALID_REQUEST, field="payloads")
        message = edm.parse_message(edm_payload.data)
        if isinstance(message, edm.EvidenceRequest):
            raise EvidenceError("an evidence request arrived as an answer",
                                edm_code=EdmErrorCode.INVALID_REQUEST, field="action")
        if message.request_id is None:
            raise EvidenceError("the answer names no requestId",
                                edm_code=EdmErrorCode.INVALID_REQUEST, field="requestId")
        with self.repo.lock:
            case = self.repo.by_request_id(message.request_id)
            if case is None:
                raise EvidenceError(f"no request {message.request_id!r} of ours is open",
                                    edm_code=EdmErrorCode.UNRESOLVED_REFERENCE, field="requestId")
            ref = delivery.message.message_info.ref_to_message_id
            if ref is not None and ref not in case.message_ids:
                raise EvidenceError(f"RefToMessageId {ref!r} is not the request's MessageId",
                                    edm_code=EdmErrorCode.UNRESOLVED_REFERENCE,
                                    field="RefToMessageId")
            if case.state.final or (message.request_id != case.request_ids[-1]):
                _log.info("late or repeated answer to %s ignored", message.request_id)
                return None
            now = self._clock()
            problems = self._validate(edm_payload.data) if self._validate else None
            if problems:  # XSD + Schematron (v1.0) / RegRep XSD + project checks (v2.0)
                case = case.advance(now, f"the provider's answer is not valid: {problems}",
                                    state=CaseState.FAILED,
                                    error_code=EdmErrorCode.INVALID_REQUEST.value,
                                    error_message=f"invalid answer from the provider: {problems}")
                self.repo.save(case)
                self._notify(case)
                return None
            if self._validate:
                case = case.advance(now, f"{type(message).__name__} from the provider passed "
                                         "the validator")
            if isinstance(message, edm.EvidenceErrorResponse):
                case = self._on_error(case, message, delivery, now)
            else:
                case = self._on_response(case, message, delivery.payloads, now)
        self._notify(case)
        return None

    def _on_error(self, case: Case, error: edm.EvidenceErrorResponse, delivery: Delivery,
                  now: datetime) -> Case:
        exc = error.exception
        if not (edm.is_preview_required(error) and case.preview and len(case.request_ids) == 1
                and case.first_request and case.return_url):
            case = case.advance(now, f"provider answered {exc.code.value}: "
                                     f"{exc.detail or exc.message or ''}",
                                state=CaseState.FAILED, error_code=exc.code.value,
                                error_message=exc.detail or exc.message or exc.code.message)
            self.repo.save(case)
            return case
        first_model = edm.parse_request(case.first_request.encode("utf-8"))
        first = Outgoing(first_model, case.first_request.encode("utf-8"),
                         ExchangeHeader.for_version(first_model.version,
                                                    conversation_id=case.conversation_id or "",
                                                    exchange_id=case.exchange_id))
        seed = delivery.message_id
        second = second_request(first, error, return_url=case.return_url,
                                request_id=f"urn:uuid:{deterministic_id(seed, 'request')}",
                                now=now)
        redirect = preview_redirect(error, case.return_url)
        message_id = f"{deterministic_id(seed, 'message')}@{self._domain}"
        case = case.advance(now, f"EDM:ERR:0002 preview required at {exc.preview_location}; "
                                 f"second request {second.request.request_id} sent",
                            state=CaseState.PREVIEW_REQUIRED, preview_url=redirect,
                            request_ids=(*case.request_ids, second.request.request_id),
                            message_ids=(*case.message_ids, message_id))
        self.repo.save(case, request_id=second.request.request_id)
        self._queue(case, second, delivery.peer, message_id)
        return case

    def _on_response(self, case: Case, response: edm.EvidenceResponse,
                     payloads: Sequence[Payload], now: datetime) -> Case:
        by_cid = {p.content_id.removeprefix("cid:"): p for p in payloads}
        items: list[EvidenceItem] = []
        blobs: list[bytes] = []
        for i, doc in enumerate(response.all_documents):
            part = by_cid.get(doc.item.href.removeprefix("cid:"))
            if part is None:
                raise EvidenceError(f"document {doc.id} names the missing part {doc.item.href}",
                                    edm_code=EdmErrorCode.UNRESOLVED_REFERENCE,
                                    origin=Origin.REMOTE, field="RepositoryItemRef")
            items.append(EvidenceItem(i, part.content_id, part.mime_type, doc.item.title,
                                      hashlib.sha256(part.data).hexdigest(), len(part.data)))
            blobs.append(part.data)
        body = next(p.data for p in payloads if p.mime_type == EDM_MIME)
        case = case.advance(now, f"evidence delivered: {len(items)} document(s)",
                            state=CaseState.DELIVERED, evidence=tuple(items),
                            response_xml=base64.b64encode(body).decode("ascii"))
        self.repo.save(case, evidence=blobs)
        return case
