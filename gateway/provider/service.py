"""The DE evidence provider: one inbound EDM request -> one answer (or a held request).

Steps (issue 7, "Evidence provider (DE)"):

1. **parse** (:func:`gateway.evidence.edm.parse_request`, whose own code is answered:
   0003, 0007 unsupported version, 0008 invalid query), then **validate** the RegRep body:
   XSD + official Schematron (+ project v2.0 rules) with
   :class:`~gateway.evidence.validation.Validator`; any non-INFO finding -> EDM:ERR:0003
   naming the failing rule ids; then check the ebMS header against the body (TDD 4.7
   §2.6.2: SpecificationId/ExchangeId).
2. **evidence type**: the requested ``EvidenceTypeClassification`` must be one this
   provider issues, else EDM:ERR:0007 ([ASSUMED] code: "capability not supported").
3. **subject** -> register key (:mod:`.subject`; EDM:ERR:0003 when none).
4. **register** (:class:`~gateway.registers.CompanyRegister`): EDM:ERR:0004 unknown
   company, EDM:ERR:0005 register timeout/failure.
5. **preview** (:mod:`gateway.evidence.preview`): a request with ``PossibilityForPreview``
   and no ``PreviewLocation`` opens a session and gets EDM:ERR:0002 + PreviewLocation; a
   second request passes :func:`~gateway.evidence.preview.decide_release`: release,
   hold (v2.0, until the user decides), EDM:ERR:0002 again (v1.0, not yet approved),
   EDM:ERR:0004 refused ([ASSUMED] code: R-EDM-ERR-C015 forbids 0002 with the Error
   severity, so "no evidence available" is the code left), EDM:ERR:0005 expired,
   EDM:ERR:0006 unknown/foreign preview reference or an approval already used.
   Without ``PossibilityForPreview`` the evidence is answered at once.
6. **evidence**: the structured extract + PAdES-signed PDF (:mod:`.pdf`).
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.errors import EdmErrorCode, EvidenceError, Origin, XmlRejected
from gateway.evidence.edm import (
    EdmVersion,
    EvidenceRequest,
    ExchangeHeader,
    check_header_matches_body,
    parse_request,
)
from gateway.evidence.extract import build_extract, read_extract
from gateway.evidence.identifiers import BrisRegisters
from gateway.evidence.preview import (
    Identity,
    PreviewState,
    Release,
    SecondRequest,
    approve,
    decide_release,
    expire,
    mark_released,
    open_session,
    refuse,
)
from gateway.evidence.validation import Validator
from gateway.provider.answers import Answer, error_answer, evidence_answer, preview_answer
from gateway.provider.config import ProviderConfig
from gateway.provider.pdf import EvidenceSigner, render_pdf, sign_pdf
from gateway.provider.sessions import Held, SessionStore, Stored
from gateway.provider.subject import resolve_subject
from gateway.registers import CompanyRecord, CompanyRegister, RegisterKey
from gateway.xml._parse import parse_xml

__all__ = ["Hold", "Late", "ProviderService"]

PREVIEW_PATH = "/preview/"


@dataclass(frozen=True, slots=True)
class Hold:
    """No answer yet: the v2.0 second request waits for the user (``session_id``)."""

    session_id: str


@dataclass(frozen=True, slots=True)
class Late:
    """The answer to a held request, to be sent by the application over ``route``."""

    answer: Answer
    route: Any
    message_id: str


class ProviderService:
    """The provider's logic over a register, a validator and a signer (thread-safe)."""

    def __init__(self, cfg: ProviderConfig, *, register: CompanyRegister, validator: Validator,
                 bris: BrisRegisters, signer: EvidenceSigner,
                 token: Callable[[], str] = lambda: secrets.token_urlsafe(24)) -> None:
        """Wire the parts; ``token`` makes preview session ids (unguessable)."""
        self.cfg = cfg
        self.sessions = SessionStore()
        self._register = register
        self._validator = validator
        self._bris = bris
        self._signer = signer
        self._token = token
        self._done: dict[str, Answer | Hold] = {}
        self._done_lock = threading.Lock()

    # ---------------------------------------------------------------- inbound

    def handle(self, body: bytes, header: ExchangeHeader, *, now: datetime,
               message_id: str = "", route: Any = None,
               sender: tuple[str, str] | None = None) -> Answer | Hold:
        """Answer one inbound request; the same ``message_id`` always gets the same answer."""
        with self._done_lock:
            if message_id and message_id in self._done:
                return self._done[message_id]
        outcome = self._handle(body, header, now=now, message_id=message_id, route=route,
                               sender=sender)
        if message_id:
            with self._done_lock:
                if len(self._done) > 10_000:
                    self._done.clear()
                self._done[message_id] = outcome
        return outcome

    def _handle(self, body: bytes, header: ExchangeHeader, *, now: datetime, message_id: str,
                route: Any, sender: tuple[str, str] | None) -> Answer | Hold:
        seed = f"{message_id or header.conversation_id}/{now.isoformat()}"
        fallback = (EdmVersion.V2_0 if header.specification_id == EdmVersion.V2_0.value
                    else EdmVersion.V1_0)
        request: EvidenceRequest | None = None
        try:
            # parse first: the EDM layer answers the specific codes (EDM:ERR:0007 unsupported
            # version, EDM:ERR:0008 invalid query); then every official rule (EDM:ERR:0003)
            try:
                parsed = parse_request(body)
            except EvidenceError as exc:
                if exc.edm_code in (None, EdmErrorCode.INVALID_REQUEST):
                    ids = self._validator.validate(body).failing_rule_ids[:20]
                    if ids:
                        exc.message += f" (failing rules: {', '.join(ids)})"
                raise
            report = self._validator.validate(body)
            if not report.valid:
                failing = ", ".join(report.failing_rule_ids[:20]) or "schema"
                raise EvidenceError(f"the request breaks the EDM rules: {failing}",
                                    edm_code=EdmErrorCode.INVALID_REQUEST)
            request = parsed
            check_header_matches_body(header, request.version)
            return self._answer(request, header, now=now, seed=seed, message_id=message_id,
                                route=route)
        except XmlRejected as exc:
            return error_answer(self.cfg, fallback, None, EdmErrorCode.INVALID_REQUEST,
                                exc.message, now=now, response_seed=seed, sender=sender)
        except EvidenceError as exc:
            if exc.origin is Origin.LOCAL and exc.edm_code in (None,
                                                               EdmErrorCode.INVALID_REQUEST):
                raise  # our own builder refused our answer: a bug, not the requester's fault
            code = exc.edm_code or EdmErrorCode.INVALID_REQUEST
            version = request.version if request is not None else fallback
            return error_answer(self.cfg, version, request, code, exc.message, now=now,
                                response_seed=seed, sender=sender,
                                request_id=None if request else _request_id(body))

    def _answer(self, request: EvidenceRequest, header: ExchangeHeader, *, now: datetime,
                seed: str, message_id: str, route: Any) -> Answer | Hold:
        if request.evidence_request.evidence_type_classification not in self.cfg.evidence_types:
            raise EvidenceError(
                "this provider does not issue the evidence type "
                f"{request.evidence_request.evidence_type_classification}",
                edm_code=EdmErrorCode.UNSUPPORTED_CAPABILITY)
        key = resolve_subject(request.subject, self._bris)
        exchange = self._exchange(request, header)
        if request.possibility_for_preview and request.preview_location is not None:
            return self._second(request, key, exchange, now=now, seed=seed,
                                message_id=message_id, route=route)
        record = self._register.lookup(key, now=now, request_id=request.request_id)
        extract, pdf = self._evidence(record, now=now, seed=seed)
        if not request.possibility_for_preview:
            return evidence_answer(self.cfg, request, extract=extract, pdf=pdf,
                                   euid=record.effective_euid, now=now, response_seed=seed)
        session_id = self._token()
        session = open_session(
            session_id=session_id, exchange=exchange, version=request.version.value,
            request_id=request.request_id, subject=str(key),
            evidence_type=request.evidence_request.evidence_type_classification,
            representatives=[(o.name, o.birth_date) for o in record.officers],
            now=now, ttl=self.cfg.preview_ttl,
            required_person_id=(request.authorized_representative.identifier.value
                                if request.authorized_representative is not None
                                and request.authorized_representative.identifier is not None
                                else None))
        self.sessions.put(Stored(session, request, extract, pdf, record.effective_euid))
        return preview_answer(self.cfg, request, self.preview_location(session_id), now=now,
                              response_seed=seed)

    @staticmethod
    def _exchange(request: EvidenceRequest, header: ExchangeHeader) -> str:
        if request.version is EdmVersion.V2_0:
            return header.exchange_id or ""
        return header.conversation_id

    def preview_location(self, session_id: str) -> str:
        """The PreviewLocation URL of a session."""
        return f"{self.cfg.preview_base_url}{PREVIEW_PATH}{session_id}"

    def _session_id(self, location: str) -> str | None:
        prefix = self.cfg.preview_base_url + PREVIEW_PATH
        if not location.startswith(prefix):
            return None
        return location[len(prefix):].split("?", 1)[0].split("/", 1)[0] or None

    def _evidence(self, record: CompanyRecord, *, now: datetime, seed: str) -> tuple[bytes, bytes]:
        extract = build_extract(record, evidence_id=f"urn:uuid:{_uuid(seed)}", now=now)
        pdf = sign_pdf(render_pdf(read_extract(extract)), self._signer,
                       reason="OOTS evidence: Handelsregister extract")
        return extract, pdf

    # ---------------------------------------------------------- second request

    def _second(self, request: EvidenceRequest, key: RegisterKey, exchange: str, *,
                now: datetime, seed: str, message_id: str, route: Any) -> Answer | Hold:
        assert request.preview_location is not None
        session_id = self._session_id(request.preview_location)
        stored = self.sessions.get(session_id) if session_id else None
        second = SecondRequest(session_id, exchange, str(key),
                               request.evidence_request.evidence_type_classification)
        verdict = decide_release(stored.session if stored else None, second, now=now)
        if verdict is Release.WAIT and stored is not None:
            held = Held(request, route, message_id)
            self.sessions.update(stored.session.session_id,
                                 lambda s: self.sessions.with_session(s, s.session, held))
            return Hold(stored.session.session_id)
        if verdict is Release.RELEASE and stored is not None:
            return self._release(stored, request, now=now, seed=seed)
        return self._refusal(verdict, request, stored, now=now, seed=seed)

    def _release(self, stored: Stored, request: EvidenceRequest, *, now: datetime,
                 seed: str) -> Answer:
        try:
            self.sessions.update(stored.session.session_id, lambda s: self.sessions.with_session(
                s, mark_released(s.session, now=now), None))
        except ValueError:  # released concurrently by another request: a replay
            return self._refusal(Release.USED, request, stored, now=now, seed=seed)
        return evidence_answer(self.cfg, request, extract=stored.extract, pdf=stored.pdf,
                               euid=stored.euid, now=now, response_seed=seed)

    def _refusal(self, verdict: Release, request: EvidenceRequest, stored: Stored | None, *,
                 now: datetime, seed: str) -> Answer:
        cfg = self.cfg
        if verdict is Release.NOT_APPROVED and stored is not None:
            return preview_answer(cfg, request, self.preview_location(stored.session.session_id),
                                  now=now, response_seed=seed)
        code, detail = {
            Release.REFUSED: (EdmErrorCode.OBJECT_NOT_FOUND,
                              "The company's representative refused to share the evidence; "
                              "no evidence is available for this request."),
            Release.EXPIRED: (EdmErrorCode.TIMEOUT,
                              "The preview was not completed in time; the approval expired."),
            Release.USED: (EdmErrorCode.UNRESOLVED_REFERENCE,
                           "The approval was already used; a new preview is needed."),
        }.get(verdict, (EdmErrorCode.UNRESOLVED_REFERENCE,
                        "The PreviewLocation names no preview of this exchange."))
        return error_answer(cfg, request.version, request, code, detail, now=now,
                            response_seed=seed)

    # ------------------------------------------------------------ preview space

    def view(self, session_id: str, *, now: datetime) -> Stored | None:
        """The session for the preview page (expired when its time is up)."""
        result = self.sessions.update(session_id, lambda s: self.sessions.with_session(
            s, expire(s.session, now)))
        return result[1] if result else None

    def decide(self, session_id: str, who: Identity, *, approved: bool,
               now: datetime) -> tuple[Stored, Late | None]:
        """Record the user's decision (raises ApprovalRefused); the late answer, if a v2.0
        second request was waiting."""
        def change(s: Stored) -> Stored:
            session = (approve(s.session, who, now=now, approval_ttl=self.cfg.approval_ttl)
                       if approved else refuse(s.session, who, now=now))
            return self.sessions.with_session(s, session)

        result = self.sessions.update(session_id, change)
        if result is None:
            raise EvidenceError("unknown preview", edm_code=EdmErrorCode.UNRESOLVED_REFERENCE)
        return result[1], self._answer_held(session_id, now=now)

    def _answer_held(self, session_id: str, *, now: datetime) -> Late | None:
        stored = self.sessions.get(session_id)
        if stored is None or stored.held is None:
            return None
        held = stored.held
        seed = f"{held.message_id}/late"
        if stored.session.state is PreviewState.APPROVED:
            answer = self._release(stored, held.request, now=now, seed=seed)
        else:
            verdict = {PreviewState.REFUSED: Release.REFUSED,
                       PreviewState.EXPIRED: Release.EXPIRED}.get(stored.session.state)
            if verdict is None:
                return None
            answer = self._refusal(verdict, held.request, stored, now=now, seed=seed)
        self.sessions.update(session_id, lambda s: self.sessions.with_session(s, s.session, None))
        return Late(answer, held.route, held.message_id)

    def sweep(self, *, now: datetime) -> list[Late]:
        """Expire due sessions; EDM:ERR:0005 answers for the held requests among them."""
        out = []
        for session_id in self.sessions.ids():
            stored = self.view(session_id, now=now)
            if stored is not None and stored.held is not None and \
                    stored.session.state is PreviewState.EXPIRED:
                late = self._answer_held(session_id, now=now)
                if late is not None:
                    out.append(late)
        return out


def _request_id(body: bytes) -> str | None:
    """The ``id`` of an unparseable request, when it has a well-formed ``urn:uuid`` one
    (R-EDM-ERR-S003: only EDM:ERR:0003 may omit ``requestId``)."""
    try:
        value = parse_xml(body, what="EDM request").get("id") or ""
    except XmlRejected:
        return None
    try:
        uuid.UUID(value.removeprefix("urn:uuid:"))
    except ValueError:
        return None
    return value if value.startswith("urn:uuid:") else None


def _uuid(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, seed))
