"""The provider's preview state machine (no I/O: sessions and ``now`` in, sessions out).

TDD 2.0.1 4.9 (kit ``oots-tdd-2.0/README.md``, "What changed", item 6): when a request
allows preview (``PossibilityForPreview`` true) and the user has not approved yet, the
provider answers EDM:ERR:0002 with ``PreviewLocation``; the user previews, approves or
refuses; then the answer goes out. The second request names the preview by copying the
``PreviewLocation``; v2.0 adds ``ReturnLocation`` and reuses the ``ExchangeId`` (v1.0:
the return URL comes as a query parameter of the PreviewLocation, and the exchange is
the ``ConversationId``).

States: ``pending`` -> ``approved`` | ``refused`` | ``expired``; ``approved`` ->
``released`` (single use) or ``expired`` (the approval has its own lifetime).
:func:`decide_release` is the one gate a second request passes: no evidence leaves unless
it returns :attr:`Release.RELEASE`. Identity rules of :func:`approve`: the approver must
be authenticated (mock eID / eIDAS at Substantial or High), must be a registered
representative of the company (name and birth date equal an officer of the extract), and,
when the request names an ``AuthorizedRepresentative`` with an identifier, must be that
person.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from gateway.errors import EdmErrorCode, EvidenceError, Origin

__all__ = [
    "ApprovalRefused",
    "Identity",
    "PreviewSession",
    "PreviewState",
    "Release",
    "SecondRequest",
    "approve",
    "check_may_view",
    "decide_release",
    "expire",
    "mark_released",
    "open_session",
    "refuse",
]


class PreviewState(enum.Enum):
    """Where a preview session stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    EXPIRED = "expired"
    RELEASED = "released"


@dataclass(frozen=True, slots=True)
class Identity:
    """The authenticated natural person (from the eID assertion)."""

    person_id: str
    """eIDAS person identifier ``XX/YY/...``."""
    given_name: str
    family_name: str
    birth_date: date
    level_of_assurance: str


@dataclass(frozen=True, slots=True)
class PreviewSession:
    """One preview: what was asked, by whom, and the evidence shown to the user."""

    session_id: str
    """The unguessable token in the PreviewLocation URL."""
    exchange: str
    """v2.0: the ExchangeId; v1.0: the ConversationId of the first request."""
    version: str
    request_id: str
    subject: str
    """The resolved register key / EUID the evidence is about."""
    evidence_type: str
    created: datetime
    expires: datetime
    """The user must decide before this instant (else EDM:ERR:0005)."""
    representatives: tuple[tuple[str, date | None], ...]
    """(full name, birth date) of the company's registered officers."""
    required_person_id: str | None = None
    """The request's AuthorizedRepresentative identifier, when given."""
    state: PreviewState = PreviewState.PENDING
    approver: Identity | None = None
    decided_at: datetime | None = None
    approval_expires: datetime | None = None
    return_url: str | None = None


@dataclass(frozen=True, slots=True)
class SecondRequest:
    """What a second request says about the preview it follows."""

    session_id: str | None
    """Parsed from its PreviewLocation (None: not one of our preview URLs)."""
    exchange: str
    subject: str
    evidence_type: str


class Release(enum.Enum):
    """The gate's verdict on a second request."""

    RELEASE = "release"
    WAIT = "wait"
    """v2.0: hold the second request until the user decides."""
    NOT_APPROVED = "not-approved"
    """v1.0 second request before approval: ask for the preview again."""
    REFUSED = "refused"
    EXPIRED = "expired"
    FORGED = "forged"
    """Unknown session, another exchange, subject or evidence type."""
    USED = "used"
    """The approval was already consumed (replay)."""


class ApprovalRefused(EvidenceError):
    """The person may not approve this preview (shown on the page; nothing is sent)."""

    def __init__(self, message: str) -> None:
        """``message`` is shown to the user."""
        super().__init__(message, edm_code=EdmErrorCode.MISSING_AUTHORIZATION,
                         origin=Origin.REMOTE, field="identity")


_LOA = ("Substantial", "High")


def open_session(*, session_id: str, exchange: str, version: str, request_id: str,
                 subject: str, evidence_type: str,
                 representatives: Sequence[tuple[str, date | None]],
                 now: datetime, ttl: timedelta, required_person_id: str | None = None,
                 return_url: str | None = None) -> PreviewSession:
    """A new pending session that expires ``ttl`` after ``now``."""
    return PreviewSession(session_id, exchange, version, request_id, subject, evidence_type,
                          now, now + ttl, tuple(representatives), required_person_id,
                          return_url=return_url)


def expire(session: PreviewSession, now: datetime) -> PreviewSession:
    """The session with ``expired`` set when its deadline (or its approval's) passed."""
    if session.state is PreviewState.PENDING and now >= session.expires:
        return dataclasses.replace(session, state=PreviewState.EXPIRED, decided_at=now)
    if (session.state is PreviewState.APPROVED and session.approval_expires is not None
            and now >= session.approval_expires):
        return dataclasses.replace(session, state=PreviewState.EXPIRED, decided_at=now)
    return session


def _check_identity(session: PreviewSession, who: Identity) -> None:
    if who.level_of_assurance not in _LOA:
        raise ApprovalRefused("the eID level of assurance is too low (Substantial or High)")
    if session.required_person_id is not None and who.person_id != session.required_person_id:
        raise ApprovalRefused("you are not the authorised representative named in the request")
    full = f"{who.given_name} {who.family_name}".casefold()
    if not any(name.casefold() == full and (born is None or born == who.birth_date)
               for name, born in session.representatives):
        raise ApprovalRefused("you are not a registered representative of this company")


def check_may_view(session: PreviewSession, who: Identity) -> None:
    """Raise :class:`ApprovalRefused` unless ``who`` may see (and decide on) the evidence.

    Rule: the evidence is personal data of the company's officers; only a person entitled
    to approve it (registered representative, named one if the request names one, eID of
    level Substantial or High) is shown it. Anyone else sees the login page again.
    """
    _check_identity(session, who)


def _decide(session: PreviewSession, who: Identity, now: datetime) -> PreviewSession:
    session = expire(session, now)
    if session.state is not PreviewState.PENDING:
        raise ApprovalRefused(f"this preview is {session.state.value}")
    _check_identity(session, who)
    return session


def approve(session: PreviewSession, who: Identity, *, now: datetime,
            approval_ttl: timedelta) -> PreviewSession:
    """``who`` approves: the evidence may be released once, within ``approval_ttl``."""
    session = _decide(session, who, now)
    return dataclasses.replace(session, state=PreviewState.APPROVED, approver=who,
                               decided_at=now, approval_expires=now + approval_ttl)


def refuse(session: PreviewSession, who: Identity, *, now: datetime) -> PreviewSession:
    """``who`` refuses: the requester gets an error, never the evidence."""
    session = _decide(session, who, now)
    return dataclasses.replace(session, state=PreviewState.REFUSED, approver=who,
                               decided_at=now)


def decide_release(session: PreviewSession | None, second: SecondRequest, *,
                   now: datetime) -> Release:
    """May the evidence go out in answer to ``second``? (the only gate)."""
    if session is None or second.session_id != session.session_id:
        return Release.FORGED
    if (second.exchange != session.exchange or second.subject != session.subject
            or second.evidence_type != session.evidence_type):
        return Release.FORGED
    session = expire(session, now)
    if session.state is PreviewState.RELEASED:
        return Release.USED
    if session.state is PreviewState.EXPIRED:
        return Release.EXPIRED
    if session.state is PreviewState.REFUSED:
        return Release.REFUSED
    if session.state is PreviewState.PENDING:
        return Release.WAIT if session.version == "oots-edm:v2.0" else Release.NOT_APPROVED
    return Release.RELEASE


def mark_released(session: PreviewSession, *, now: datetime) -> PreviewSession:
    """Consume the approval (after the response was queued)."""
    if session.state is not PreviewState.APPROVED:
        raise ValueError(f"cannot release a {session.state.value} preview")
    return dataclasses.replace(session, state=PreviewState.RELEASED, decided_at=now)
