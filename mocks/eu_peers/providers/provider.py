"""Provider behaviour of the mocked NL and AT access points (a :class:`PeerHandler`).

On an ``ExecuteQueryRequest`` (TDD 4.5.1) the mock register answers like a member
state's evidence provider:

* unparsable or not an evidence request -> nothing (logged; the receipt already went);
* subject not in the register (:mod:`.companies`) -> EDM:ERR:0004 (object not found);
  company dissolved -> EDM:ERR:0004 with that detail;
* first request with ``PossibilityForPreview`` -> EDM:ERR:0002 PreviewRequired with a
  ``PreviewLocation`` of its own preview pages (:mod:`.pages`, TDD 4.9);
* second request (``PreviewLocation`` set; same ConversationId, v2.0 also ExchangeId and
  ``ReturnLocation``) -> held until the representative decided on the preview page, then
  the evidence response (approved) or EDM:ERR:0004 (refused; assumed code, as the DE
  provider) goes out over AS4;
* a request without preview -> the evidence response at once (the mock's policy).

No evidence leaves before an approval when a preview was asked for.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from gateway.ebms import Payload, Property, UserMessage
from gateway.errors import EdmErrorCode, GatewayError
from gateway.evidence import edm
from mocks.eu_peers.handlers import PeerReply
from mocks.eu_peers.providers import evidence
from mocks.eu_peers.providers.companies import Company, Representative, find_company

__all__ = ["MockProvider", "Preview", "factory"]

EDM_MIME = "application/x-ebrs+xml"
V1_RETURN_PARAMETER = "returnUrl"
"""v1.0: the requester appends its return address as this query parameter (assumption
shared with the DE requester, ``docs/requester.md``)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Preview:
    """One preview session (mutable; guarded by the provider's lock)."""

    token: str
    company: Company
    first: edm.EvidenceRequest
    conversation_id: str
    return_url: str | None = None
    second: edm.EvidenceRequest | None = None
    second_message: UserMessage | None = None
    user: Representative | None = None
    decision: str | None = None
    """``approved`` or ``refused``."""
    answered: bool = False


class MockProvider:
    """The evidence provider of one mocked member state (``NL`` or ``AT``)."""

    def __init__(self, country: str, public_url: str, *,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        """``public_url``: https base of this process (preview pages live below it)."""
        self.country = country
        self.public_url = public_url.rstrip("/")
        self.clock = clock
        self.sessions: dict[str, Preview] = {}
        self.logins: dict[str, tuple[str, Representative]] = {}
        self.lock = threading.Lock()
        self.send: Callable[..., object] | None = None
        """The AP's ``send`` (set by :meth:`attach`): pushes a message to the DE node."""

    def attach(self, send: Callable[..., object]) -> None:
        """Give the provider the access point's outbound ``send``."""
        self.send = send

    # -- AS4 side -------------------------------------------------------------------

    def handle(self, message: UserMessage, payloads: Sequence[Payload]) -> PeerReply | None:
        """Answer one received message (see the module docstring)."""
        if message.collaboration_info.action != "ExecuteQueryRequest":
            return None
        part = next((p for p in payloads if p.mime_type == EDM_MIME), None)
        try:
            request = edm.parse_message(part.data) if part is not None else None
        except GatewayError as exc:
            print(f"[{self.country} provider] unreadable request: {exc}", flush=True)
            return None
        if not isinstance(request, edm.EvidenceRequest):
            return None
        now = self.clock()
        company = find_company(self.country, request.subject)
        if company is None or company.status != "active":
            detail = ("no company with this identifier in the register" if company is None
                      else f"the company is {company.status}")
            return self._reply_error(request, EdmErrorCode.OBJECT_NOT_FOUND, detail, now)
        if request.is_second_preview_request:
            return self._second(message, request, now)
        if not request.possibility_for_preview:
            return self._reply_evidence(request, company, now)
        token = secrets.token_urlsafe(18)
        with self.lock:
            self.sessions[token] = Preview(token, company, request,
                                           message.collaboration_info.conversation_id)
        location = f"{self.public_url}/preview/{token}"
        print(f"[{self.country} provider] preview required for {company.name}: {location}",
              flush=True)
        error = evidence.preview_required(self.country, request, location, now=now)
        return PeerReply("ExceptionResponse", (Payload(
            f"edm-error-{uuid.uuid4()}@{self.country.lower()}.oots",
            edm.build_error_response(error), EDM_MIME),))

    def _second(self, message: UserMessage, request: edm.EvidenceRequest,
                now: datetime) -> PeerReply | None:
        token = (request.preview_location or "").rstrip("/").rsplit("/", 1)[-1]
        with self.lock:
            session = self.sessions.get(token)
            if session is None or session.conversation_id != \
                    message.collaboration_info.conversation_id or session.second is not None:
                reason = ("unknown preview" if session is None else
                          "not the conversation of the preview" if session.second is None
                          else "the preview was already answered")
                return self._reply_error(request, EdmErrorCode.INVALID_REQUEST, reason, now)
            session.second, session.second_message = request, message
            if request.return_location:  # v2.0 ReturnLocation
                session.return_url = request.return_location
            ready = session.decision is not None and not session.answered
            if ready:
                session.answered = True
        print(f"[{self.country} provider] second request for preview {token[:6]}..: "
              f"{'decided, answering' if ready else 'waiting for the user'}", flush=True)
        return self._final(session) if ready else None

    def _final(self, session: Preview) -> PeerReply:
        assert session.second is not None
        now = self.clock()
        if session.decision == "approved":
            return self._reply_evidence(session.second, session.company, now)
        # EDM:ERR:0004, as the DE provider: R-EDM-ERR-C015 forbids EDM:ERR:0002 with the
        # plain Error severity in v1.0 (docs/edm-exchange.md, defect 2; assumed code)
        return self._reply_error(session.second, EdmErrorCode.OBJECT_NOT_FOUND,
                                 "the company's representative refused the preview", now)

    def _reply_error(self, request: edm.EvidenceRequest, code: EdmErrorCode, detail: str,
                     now: datetime) -> PeerReply:
        error = evidence.error_response(self.country, request, code, detail, now=now)
        return PeerReply("ExceptionResponse", (Payload(
            f"edm-error-{uuid.uuid4()}@{self.country.lower()}.oots",
            edm.build_error_response(error), EDM_MIME),))

    def _reply_evidence(self, request: edm.EvidenceRequest, company: Company,
                        now: datetime) -> PeerReply:
        domain = f"{self.country.lower()}.oots"
        pdf_id = f"extract{uuid.uuid4().hex}@{domain}"  # R-EDM-RESP-C042: [a-z0-9]*@
        resp = evidence.response(request, company, content_id=pdf_id, now=now)
        return PeerReply("ExecuteQueryResponse", (
            Payload(f"edm-response-{uuid.uuid4()}@{domain}", edm.build_response(resp), EDM_MIME),
            Payload(pdf_id, evidence.canonical_xml(company), evidence.XML_MIME)
            if evidence.wants_xml(request) else
            Payload(pdf_id, evidence.extract_pdf(company, now=now), "application/pdf")))

    # -- browser side ---------------------------------------------------------------

    def login(self, token: str, given: str, family: str, born: str) -> str | None:
        """Mock eID: a session id when the person represents the company, else None."""
        with self.lock:
            session = self.sessions.get(token)
            if session is None:
                return None
            for rep in session.company.representatives:
                if (rep.given_name.casefold(), rep.family_name.casefold()) == (
                        given.strip().casefold(), family.strip().casefold()) and \
                        born.strip() == rep.birth_date.isoformat():
                    sid = secrets.token_urlsafe(18)
                    self.logins[sid] = (token, rep)
                    session.user = rep
                    return sid
        return None

    def who(self, token: str, sid: str | None) -> Representative | None:
        """The logged-in representative of this preview, if ``sid`` is theirs."""
        with self.lock:
            found = self.logins.get(sid or "")
        return found[1] if found is not None and found[0] == token else None

    def decide(self, token: str, *, approve: bool) -> Preview:
        """Record the decision; answer the second request now if it has arrived."""
        with self.lock:
            session = self.sessions[token]
            if session.decision is None:
                session.decision = "approved" if approve else "refused"
            ready = session.second is not None and not session.answered
            if ready:
                session.answered = True
        print(f"[{self.country} provider] preview {token[:6]}.. {session.decision}", flush=True)
        if ready:
            threading.Thread(target=self._push, args=(session,), daemon=True).start()
        return session

    def _push(self, session: Preview) -> None:
        reply = self._final(session)
        request = session.second_message
        if self.send is None or request is None:
            return
        swap = {"originalSender": "finalRecipient", "finalRecipient": "originalSender"}
        props = tuple(Property(swap.get(p.name, p.name), p.value, p.type)
                      for p in request.message_properties)
        self.send(action=reply.action, payloads=reply.payloads, properties=props,
                  conversation_id=request.collaboration_info.conversation_id,
                  ref_to_message_id=request.message_id)


def birth(value: str) -> date | None:
    """Parse a form's date (``YYYY-MM-DD``)."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def factory(country: str) -> MockProvider:
    """``--handler`` factory for :mod:`mocks.eu_peers.access_point` (preview pages need the
    process of :mod:`mocks.eu_peers.providers`; this one serves no pages)."""
    return MockProvider(country, f"https://{country.lower()}-preview.invalid")
