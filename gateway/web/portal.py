"""The portal API: REST for the WSP (Wirtschafts-Service-Portal.NRW) to request evidence.

Mounted under :data:`PREFIX` when the configuration has a ``[portal]`` section
(``docs/requester.md``). Every endpoint needs ``Authorization: Bearer <token>`` with a
token of ``[portal] tokens``; the token is compared with every configured one in
constant time (``hmac.compare_digest`` over SHA-256 digests, no early exit), and names
the client: a client sees only its own evidence requests (others' are 404). The OpenAPI
document is served at ``{PREFIX}/openapi.json`` (no token needed to read the contract).

=====================================  ==============================================
``POST   /evidence-requests``           start: procedure, country, company, preview
``GET    /evidence-requests/{id}``      poll: state, choice/input needed, preview_url,
                                        documents
``POST   /evidence-requests/{id}/choice``   the user's pick (evidence type, provider)
``POST   /evidence-requests/{id}/input``    the user's values for a DSD:ERR:0005
``GET    /evidence-requests/{id}/documents/{n}``  one delivered document's bytes
=====================================  ==============================================
"""

import hashlib
import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from gateway.requester.config import PortalConfig
from gateway.requester.messages import Company
from gateway.requester.model import Case
from gateway.requester.repository import CaseNotFound
from gateway.requester.service import PortalRefused, RequesterService

__all__ = ["PREFIX", "mount_portal", "portal_router"]

PREFIX = "/portal/v1"
_bearer = HTTPBearer(auto_error=False, description="a token of [portal] tokens")


class CompanyIn(BaseModel):
    """The foreign company the evidence is about."""

    legal_name: str = Field(min_length=1, max_length=500)
    national_id: str = Field(min_length=1, max_length=64,
                             description="register number: KvK-nummer, Firmenbuchnummer, ...")
    euid: str | None = Field(default=None, max_length=64, description="BRIS EUID, if known")
    city: str | None = Field(default=None, max_length=200)


class StartIn(BaseModel):
    """Start an evidence request."""

    procedure: str = Field(pattern=r"^[A-Z][0-9]$", description="SDGR Annex II code, e.g. X1")
    country: str = Field(pattern=r"^[A-Z]{2}$", description="member state of the provider")
    company: CompanyIn
    preview: bool = Field(default=True, description="allow the provider to ask for a preview")
    return_url: str | None = Field(default=None, max_length=2000,
                                   description="https:// page the user returns to after the "
                                               "preview (v2.0 ReturnLocation)")
    webhook_url: str | None = Field(default=None, max_length=2000,
                                    description="signed notices (X-OOTS-Signature, HMAC)")


class ChoiceIn(BaseModel):
    """The user's pick among ``choice.options``."""

    option: str = Field(min_length=1, max_length=1000)


class InputIn(BaseModel):
    """The user's values for the concepts of ``input.concepts`` (DSD:ERR:0005)."""

    values: dict[str, str]


class CaseOut(BaseModel):
    """An evidence request as the portal sees it."""

    id: str
    state: str = Field(description="choice-required, input-required, sent, preview-required, "
                                   "delivered or failed")
    country: str
    procedure: str
    edm_version: str | None = None
    provider: str | None = None
    choice: dict[str, Any] | None = None
    input: dict[str, Any] | None = None
    preview_url: str | None = Field(default=None, description="redirect the user here")
    error: dict[str, str | None] | None = None
    documents: list[dict[str, Any]] = []
    timeline: list[dict[str, str]] = []


def _out(case: Case) -> CaseOut:
    base = f"{PREFIX}/evidence-requests/{case.id}"
    return CaseOut(
        id=case.id, state=case.state.value, country=case.country, procedure=case.procedure,
        edm_version=case.edm_version, provider=case.provider_party,
        choice=None if case.pending_choice is None else {
            "kind": case.pending_choice.kind,
            "options": [{"id": o.id, "label": o.label, "detail": o.detail}
                        for o in case.pending_choice.options]},
        input=None if case.pending_input is None else {
            "concepts": [{"id": c.id, "description": c.description, "allowed": list(c.allowed)}
                         for c in case.pending_input.concepts]},
        preview_url=case.preview_url,
        error=None if case.error_code is None else {"code": case.error_code,
                                                    "message": case.error_message},
        documents=[{"index": e.index, "title": e.title, "mime_type": e.mime_type,
                    "sha256": e.sha256, "size": e.size, "href": f"{base}/documents/{e.index}"}
                   for e in case.evidence],
        timeline=[{"at": at, "event": what} for at, what in case.events],
    )


def _problem(status: int, title: str, detail: str, code: str | None = None) -> JSONResponse:
    doc = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if code:
        doc["code"] = code
    return JSONResponse(doc, status_code=status, media_type="application/problem+json",
                        headers={"WWW-Authenticate": "Bearer"} if status == 401 else None)


class _Unauthorized(Exception):
    pass


def portal_router(service: RequesterService, config: PortalConfig, *,
                  can_notify: Any = None) -> APIRouter:
    """The router of the portal API over ``service``."""
    digests = [(name, hashlib.sha256(token.encode()).digest())
               for name, token in config.tokens.items()]

    def client(credentials: Annotated[HTTPAuthorizationCredentials | None,
                                      Depends(_bearer)]) -> str:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise _Unauthorized
        given = hashlib.sha256(credentials.credentials.encode()).digest()
        found = None
        for name, digest in digests:  # no early exit: time does not depend on the match
            if hmac.compare_digest(given, digest):
                found = name
        if found is None:
            raise _Unauthorized
        return found

    router = APIRouter(prefix=PREFIX, tags=["portal"])
    Who = Annotated[str, Depends(client)]  # noqa: N806 (a type alias FastAPI reads)

    def guarded(call: Any) -> Response:
        try:
            result = call()
        except CaseNotFound as exc:
            return _problem(404, "Not found", exc.message, exc.code)
        except PortalRefused as exc:
            return _problem(409, "Not possible now", exc.message, exc.code)
        if isinstance(result, Response):
            return result
        return JSONResponse(_out(result).model_dump())

    @router.post("/evidence-requests", response_model=CaseOut, status_code=200)
    def start(body: StartIn, who: Who) -> Response:
        """Start an evidence request: EB + DSD lookup, then the EDM request over AS4."""
        if body.webhook_url and can_notify is not None and not can_notify(who):
            return _problem(400, "No webhook key", f"no [portal] webhook_secrets entry for {who}")
        return guarded(lambda: service.start(
            client=who, procedure=body.procedure, country=body.country,
            company=Company(body.company.legal_name, body.country, body.company.national_id,
                            body.company.euid, body.company.city),
            preview=body.preview, return_url=body.return_url, webhook_url=body.webhook_url))

    @router.get("/evidence-requests/{case_id}", response_model=CaseOut)
    def poll(case_id: str, who: Who) -> Response:
        """The request's state (poll until ``delivered`` or ``failed``)."""
        return guarded(lambda: service.get(who, case_id))

    @router.post("/evidence-requests/{case_id}/choice", response_model=CaseOut)
    def choose(case_id: str, body: ChoiceIn, who: Who) -> Response:
        """Pick one of several evidence types / providers offered."""
        return guarded(lambda: service.choose(who, case_id, body.option))

    @router.post("/evidence-requests/{case_id}/input", response_model=CaseOut)
    def provide(case_id: str, body: InputIn, who: Who) -> Response:
        """Answer the DSD's request for additional input (DSD:ERR:0005)."""
        return guarded(lambda: service.provide_input(who, case_id, body.values))

    @router.get("/evidence-requests/{case_id}/documents/{index}",
                responses={200: {"content": {"application/octet-stream": {}}}})
    def document(case_id: str, index: int, who: Who) -> Response:
        """One delivered document, with its media type."""
        def fetch() -> Response:
            item, data = service.evidence(who, case_id, index)
            # the provider chose the media type: never render it on our origin
            return Response(data, media_type=item.mime_type, headers={
                "X-Content-SHA256": item.sha256, "X-Content-Type-Options": "nosniff",
                "Content-Disposition": f'attachment; filename="document-{index}"'})
        return guarded(fetch)

    return router


def mount_portal(app: FastAPI, service: RequesterService, config: PortalConfig, *,
                 can_notify: Any = None) -> None:
    """Add the portal API, its OpenAPI document and the 401 handler to ``app``."""
    router = portal_router(service, config, can_notify=can_notify)
    app.include_router(router)
    schema: dict[str, Any] = {}

    @app.get(f"{PREFIX}/openapi.json", include_in_schema=False)
    def openapi() -> JSONResponse:
        if not schema:
            schema.update(get_openapi(title="OOTS gateway (DE): portal API", version="1",
                                      description=__doc__, routes=router.routes))
        return JSONResponse(schema)

    async def unauthorized(_request: Request, _exc: Exception) -> Response:
        return _problem(401, "Unauthorized", "a valid bearer token is required")

    app.add_exception_handler(_Unauthorized, unauthorized)
