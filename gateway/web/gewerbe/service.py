"""The assistant's adapter: registrations on disk, the requester flow, the Gewerbeamt inbox.

One :class:`AssistantService` per process. It drives the pure state of
:mod:`gateway.gewerbe.assistant` with what the I/O gives:

* evidence: :class:`~gateway.requester.service.RequesterService` (client
  :data:`CLIENT`), distribution ``application/xml`` (DE4A CompanyRegistration, read by
  :mod:`gateway.gewerbe.canonical`), preview with the assistant's https page as return URL;
* notification: :func:`~gateway.gewerbe.build_anmeldung` -> ``POST {gewerbeamt_url}/
  gewerbeamt/{ags}/inbox`` (the mocked authority, ``mocks/de_authorities``). The bytes are
  deterministic for a registration (``submitted_at`` is fixed at the first attempt), so a
  retry after a lost answer is recognised by the inbox as a duplicate: sent once;
* log: one exchange-log entry ``notification-sent`` whose ``wire_sha256`` is the
  XGewerbeanzeige digest and whose ``conversation_id``/``query_id`` are the evidence
  exchange's (links the notification to the evidence it was prefilled from).
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from gateway.audit import EventKind, LogEntry
from gateway.errors import GatewayError
from gateway.evidence import edm
from gateway.gewerbe import assistant as a
from gateway.gewerbe import build_anmeldung
from gateway.gewerbe.canonical import read_company_registration
from gateway.gewerbe.errors import FormIncomplete, GewerbeError
from gateway.gewerbe.models import FieldSource
from gateway.requester.messages import Company
from gateway.requester.model import Case, CaseState
from gateway.requester.service import RequesterService

__all__ = ["CLIENT", "REGISTERS", "AssistantConfig", "AssistantService", "NotificationFailed"]

CLIENT = "gewerbe-assistant"
"""The requester client name of the assistant (its cases are its own)."""
REGISTERS = {"NL": "NL:KVK", "AT": "AT:Firmenbuch"}
XML_MIME = "application/xml"


class NotificationFailed(GewerbeError):
    """The Gewerbeamt did not acknowledge the notification (nothing counts as sent)."""

    default_code = "XGA:NOT-DELIVERED"


@dataclass(frozen=True, slots=True)
class AssistantConfig:
    """``[gewerbe]``: where the pages are public, the inbox base URL, the token key."""

    public_url: str
    """https base of the node's pages (the preview's return URL is built on it)."""
    gewerbeamt_url: str
    key: bytes
    procedure: str = "X1"
    party_id: str = "DE-OOTS-GW"


class _Store:
    """One JSON file per registration, replaced atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()

    def save(self, reg: a.Registration) -> None:
        path = self.folder / f"{reg.id}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(reg.to_json(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def get(self, reg_id: str) -> a.Registration | None:
        path = self.folder / f"{reg_id}.json"
        if not path.exists():
            return None
        return a.Registration.from_json(json.loads(path.read_text(encoding="utf-8")))


class AssistantService:
    """Registrations of the assistant (thread-safe: one lock around each step)."""

    def __init__(self, config: AssistantConfig, requester: RequesterService, folder: Path, *,
                 clock: Callable[[], datetime], audit: Callable[[LogEntry], None] | None = None,
                 http: httpx.Client | None = None) -> None:
        """``audit`` appends one exchange-log entry (None: no log)."""
        self.config = config
        self.requester = requester
        self.store = _Store(folder)
        self._clock = clock
        self._audit = audit
        self._http = http or httpx.Client(timeout=15.0)

    def token(self, reg: a.Registration) -> str:
        """The resume token of ``reg``."""
        return a.resume_token(reg.id, self.config.key)

    def load(self, token: str) -> a.Registration | None:
        """The registration a token names (None: unknown or forged)."""
        reg_id = a.token_id(token, self.config.key)
        return None if reg_id is None else self.store.get(reg_id)

    # ------------------------------------------------------------------ evidence

    def start(self, country: str, number: str) -> a.Registration:
        """Open a registration and ask for the company evidence (FormIncomplete: bad input)."""
        reg = a.open_registration(country, number, now=self._clock())
        with self.store.lock:
            self.store.save(reg)
            return self._ask(reg)

    def retry(self, reg: a.Registration) -> a.Registration:
        """Resume a failed registration: ask again (what was typed is kept)."""
        with self.store.lock:
            if reg.step is not a.Step.FAILED:
                return reg
            return self._ask(replace(reg, step=a.Step.FETCHING, case_id=None, preview_url=None))

    def _ask(self, reg: a.Registration) -> a.Registration:
        number = reg.register_number
        case = self.requester.start(
            client=CLIENT, procedure=self.config.procedure, country=reg.country,
            company=Company(f"{'KVK' if reg.country == 'NL' else 'FN'} {number}", reg.country,
                            number),
            preview=True, return_url=self._return_url(reg), webhook_url=None,
            distribution=XML_MIME)
        return self._follow(replace(reg, case_id=case.id), case)

    def _return_url(self, reg: a.Registration) -> str:
        return f"{self.config.public_url.rstrip('/')}/gewerbe/r/{self.token(reg)}"

    def refresh(self, reg: a.Registration) -> a.Registration:
        """Bring a fetching/preview registration up to date with its evidence request."""
        if reg.step not in (a.Step.FETCHING, a.Step.PREVIEW) or reg.case_id is None:
            return reg
        with self.store.lock:
            return self._follow(reg, self.requester.get(CLIENT, reg.case_id))

    def _follow(self, reg: a.Registration, case: Case) -> a.Registration:
        now = self._clock()
        if case.state is CaseState.PREVIEW_REQUIRED and case.preview_url:
            reg = a.preview_required(reg, case.preview_url, now=now)
        elif case.state is CaseState.FAILED:
            reg = a.failed(reg, case.error_code or "GW:ERROR", case.error_message or "", now=now)
        elif case.state is CaseState.DELIVERED:
            reg = self._read(reg, case, now)
        elif case.state in (CaseState.CHOICE_REQUIRED, CaseState.INPUT_REQUIRED):
            reg = a.failed(reg, "GW:CHOICE-REQUIRED", "the register services ask for a choice "
                           "the assistant cannot make; use the portal", now=now)
        self.store.save(reg)
        return reg

    def _read(self, reg: a.Registration, case: Case, now: datetime) -> a.Registration:
        try:
            item = next(e for e in case.evidence if e.mime_type == XML_MIME)
            data = self.requester.evidence(CLIENT, case.id, item.index)[1]
            response = edm.parse_message(base64.b64decode(case.response_xml or ""))
            if not isinstance(response, edm.EvidenceResponse):
                raise GewerbeError("the answer is not an evidence response")
            doc = response.all_documents[item.index]
            authority = doc.evidence.issuing_authority
            names = authority.names if authority is not None else ()
            company = read_company_registration(
                data, country=reg.country,
                register_authority=names[0].value if names else REGISTERS[reg.country])
        except StopIteration:
            return a.failed(reg, "XGA:NO-STRUCTURED-EVIDENCE",
                            "the evidence holds no structured (XML) document", now=now)
        except GatewayError as exc:
            return a.failed(reg, exc.code, exc.message, now=now)
        source = FieldSource(REGISTERS[reg.country], doc.evidence.identifier)
        return a.delivered(reg, company, source, now=now)

    # ------------------------------------------------------------------ notification

    def submit(self, reg: a.Registration, values: Mapping[str, str]) -> a.Registration:
        """Check the form, build the Anmeldung, deliver it once; the updated registration.

        Raises :class:`FormIncomplete` (kept as draft + missing) or
        :class:`NotificationFailed` (the registration stays at ``form``, resumable).
        """
        with self.store.lock:
            current = self.store.get(reg.id) or reg
            if current.step is a.Step.SUBMITTED:
                return current  # sent once: a second submit shows the acknowledgement
            if current.step is not a.Step.FORM or current.company is None \
                    or current.provenance is None:
                raise FormIncomplete(("step",), f"the registration is {current.step.value}")
            now = self._clock()
            current = a.with_draft(current, values, (), now=now)
            try:
                form = a.form_input(current, values, now=now)
            except FormIncomplete as exc:
                self.store.save(a.with_draft(current, values, exc.fields, now=now))
                raise
            if current.submitted_at is None:
                current = replace(current, submitted_at=now)
                form = replace(form, submitted_at=now)
            self.store.save(current)
            company, provenance = current.company, current.provenance
            assert company is not None and provenance is not None  # step FORM (checked above)
            xml, digest = build_anmeldung(company, form, provenance)
            receipt = self._deliver(form.ags, xml)
            done = a.submitted(current, digest, receipt, now=self._clock())
            self.store.save(done)
        self._log(done, xml_digest=digest)
        return done

    def _deliver(self, ags: str, xml: bytes) -> dict[str, Any]:
        url = f"{self.config.gewerbeamt_url.rstrip('/')}/gewerbeamt/{ags}/inbox"
        try:
            answer = self._http.post(url, content=xml,
                                     headers={"Content-Type": "application/xml"})
        except httpx.HTTPError as exc:
            raise NotificationFailed(f"the Gewerbeamt is not reachable: {exc}") from exc
        try:
            doc: dict[str, Any] = answer.json()
        except ValueError:
            doc = {}
        if answer.status_code not in (200, 201) or doc.get("status") != "received":
            raise NotificationFailed(f"the Gewerbeamt refused the notification "
                                     f"({answer.status_code} {doc.get('code', '')}: "
                                     f"{doc.get('message', answer.text[:200])})")
        return doc

    def _log(self, reg: a.Registration, *, xml_digest: str) -> None:
        if self._audit is None or reg.case_id is None:
            return
        case = self.requester.get(CLIENT, reg.case_id)
        self._audit(LogEntry(
            event=EventKind.NOTIFICATION_SENT, time=self._clock(),
            message_id=f"xga:{reg.receipt.get('record_uuid', reg.id)}",
            wire_sha256=xml_digest.removeprefix("sha256:"), sender=self.config.party_id,
            receiver=f"gewerbeamt:{reg.receipt.get('ags', '')}",
            conversation_id=case.conversation_id,
            query_id=case.request_ids[-1] if case.request_ids else None,
            procedure=case.procedure))
