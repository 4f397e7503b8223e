"""EB/DSD error responses: ``rs:Exception`` models, builder and parser.

TDD 3.1.4 §4.4 and 3.2.4 §4.4; code lists ``EBErrorCodes`` / ``DSDErrorCodes``; rules
R-EB-ERR-016 (code), R-DSD-ERR-C023 (code), R-DSD-RESP-S009 (only DSD:ERR:0005 carries
slots), R-DSD-RESP-S022 (DSD:ERR:0005 names what the user must give).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from gateway.evidence.common_services.dsd_codec import (
    build_data_service_evidence_type,
    build_information_concept,
    build_jurisdiction_determination,
    parse_data_service_evidence_type,
    parse_information_concept,
    parse_jurisdiction_determination,
)
from gateway.evidence.common_services.errors import (
    BuildError,
    DsdErrorCode,
    EbErrorCode,
    ResponseRejected,
    ServiceRefused,
)
from gateway.evidence.common_services.model import (
    CsVersion,
    DataServiceEvidenceType,
    InformationConcept,
    JurisdictionDetermination,
    Service,
)
from gateway.evidence.common_services.slots import CsSlotReader
from gateway.evidence.common_services.structure import check_exception_evidence_type
from gateway.evidence.edm._regrep import add_any_slot, add_collection_slot, q, xsi_type
from gateway.namespaces import NS, CommonServicesURI

__all__ = ["CsException", "ErrorResponse", "build_exception", "parse_exception"]

XSI_TYPE = f"{{{NS.XSI}}}type"


@dataclass(frozen=True, slots=True)
class CsException:
    """One ``rs:Exception`` of an EB/DSD error response.

    The three content fields exist only for ``DSD:ERR:0005`` (TDD 3.1.4 §4.4.3):
    the evidence type concerned, the jurisdiction determination (*v1.0 only*) and the
    ``UserRequestedClassificationConcepts`` the user must give values for.
    """

    code: str
    exception_type: str
    message: str
    severity: str = CommonServicesURI.SEVERITY_ERROR
    detail: str | None = None
    data_service_evidence_type: DataServiceEvidenceType | None = None
    jurisdiction_determination: JurisdictionDetermination | None = None
    user_requested_concepts: tuple[InformationConcept, ...] = ()
    concepts_collection_type: str | None = CommonServicesURI.COLLECTION_SET
    """``collectionType`` of the concepts slot (one official sample omits it)."""

    @classmethod
    def for_code(
        cls,
        code: EbErrorCode | DsdErrorCode,
        detail: str | None = None,
        *,
        version: CsVersion = CsVersion.V2_0,
    ) -> CsException:
        """An exception with the code list's type, message and severity for ``code``.

        DSD:ERR:0005 takes the ``AdditionalInput`` severity: the v1.0 code-list URN, or
        for v2.0 the ``sr.oots.tech.ec.europa.eu`` form (assumed, see namespaces).
        """
        if code is not DsdErrorCode.ADDITIONAL_INPUT:
            severity = CommonServicesURI.SEVERITY_ERROR
        elif version is CsVersion.V1_0:
            severity = CommonServicesURI.SEVERITY_ADDITIONAL_INPUT
        else:
            severity = CommonServicesURI.SEVERITY_ADDITIONAL_INPUT_V2
        return cls(
            code=code.value,
            exception_type=code.exception_type,
            message=code.message,
            severity=severity,
            detail=detail,
        )


@dataclass(frozen=True, slots=True)
class ErrorResponse:
    """A failed EB/DSD answer (``status`` Failure, one ``rs:Exception``)."""

    version: CsVersion
    exception: CsException

    @property
    def service(self) -> Service:
        """EB or DSD, from the code prefix."""
        return Service.DSD if self.exception.code.startswith("DSD:") else Service.EB

    def as_error(self) -> ServiceRefused:
        """The refusal as a typed error carrying the service's own code."""
        exc = self.exception
        return ServiceRefused(exc.message, code=exc.code, detail=exc.detail)


def build_exception(root: etree._Element, version: CsVersion, exc: CsException) -> None:
    """Append the ``rs:Exception`` of ``exc`` to ``root`` (checks per EB-ERR / DSD-ERR rules)."""
    for name in ("code", "exception_type", "message", "severity"):
        if not getattr(exc, name):
            raise BuildError(f"exception.{name} is mandatory", field=f"exception.{name}")
    known = {c.value for c in EbErrorCode} | {c.value for c in DsdErrorCode}
    if exc.code not in known:  # R-EB-ERR-016, R-DSD-ERR-C023
        raise BuildError(f"{exc.code!r} is not an EB/DSD error code", field="exception.code")
    listed = next(c for c in [*EbErrorCode, *DsdErrorCode] if c.value == exc.code)
    if exc.exception_type != listed.exception_type:  # R-EB-ERR-010, R-DSD-ERR-C017
        raise BuildError(
            f"{exc.code} travels in {listed.exception_type}, not {exc.exception_type}",
            field="exception.exception_type",
        )
    if version is CsVersion.V2_0 and exc.code == EbErrorCode.INVALID_JURISDICTION_LEVEL.value:
        raise BuildError("EB:ERR:0004 is gone in oots-cs:v2.0", field="exception.code")
    is_0005 = exc.code == DsdErrorCode.ADDITIONAL_INPUT.value
    has_content = bool(
        exc.data_service_evidence_type
        or exc.jurisdiction_determination
        or exc.user_requested_concepts
    )
    if has_content and not is_0005:  # R-DSD-RESP-S009
        raise BuildError("only DSD:ERR:0005 carries slots", field="exception.code")
    if is_0005 and not (exc.jurisdiction_determination or exc.user_requested_concepts):
        raise BuildError(  # R-DSD-RESP-S022
            "DSD:ERR:0005 needs the classification concepts the user must give",
            field="exception.user_requested_concepts",
        )
    if is_0005 and exc.data_service_evidence_type is None:
        raise BuildError(  # R-DSD-RESP-S013 in DSD-ERR-S
            "DSD:ERR:0005 names the evidence type it is about",
            field="exception.data_service_evidence_type",
        )
    el = etree.SubElement(root, q(NS.RS, "Exception"))
    el.set(XSI_TYPE, exc.exception_type)
    el.set("severity", exc.severity)
    el.set("message", exc.message)
    if exc.detail is not None:
        el.set("detail", exc.detail)
    el.set("code", exc.code)
    if exc.data_service_evidence_type is not None:
        check_exception_evidence_type(exc.data_service_evidence_type)
        payload = build_data_service_evidence_type(
            exc.data_service_evidence_type, version, "exception.data_service_evidence_type"
        )
        add_any_slot(el, "DataServiceEvidenceType", payload)
    if exc.jurisdiction_determination is not None:
        jd = build_jurisdiction_determination(
            None, exc.jurisdiction_determination, version, "exception.jurisdiction_determination"
        )
        add_any_slot(el, "JurisdictionDetermination", jd)
    if exc.user_requested_concepts:
        add_collection_slot(
            el,
            "UserRequestedClassificationConcepts",
            [
                build_information_concept(
                    None, "EvidenceProviderClassification", c, f"exception.concepts[{i}]"
                )
                for i, c in enumerate(exc.user_requested_concepts)
            ],
            collection_type=exc.concepts_collection_type,
        )


def parse_exception(el: etree._Element) -> CsException:
    """Read one ``rs:Exception`` of an EB/DSD answer."""
    code = el.get("code")
    if not code:
        raise ResponseRejected("rs:Exception has no code", field="rs:Exception/@code")
    kind = xsi_type(el)
    if kind is None or kind.startswith("{"):
        raise ResponseRejected("rs:Exception has no RegRep xsi:type", field="rs:Exception")
    slots = CsSlotReader(el, where="rs:Exception")
    slots.refuse_others(
        (
            "DataServiceEvidenceType",
            "JurisdictionDetermination",
            "UserRequestedClassificationConcepts",
        )
    )
    dset = slots.any("DataServiceEvidenceType", required=False)
    jd = slots.any("JurisdictionDetermination", required=False)
    concepts = slots.collection("UserRequestedClassificationConcepts", required=False)
    return CsException(
        code=code,
        exception_type=f"rs:{kind}",
        message=el.get("message", ""),
        severity=el.get("severity", CommonServicesURI.SEVERITY_ERROR),
        detail=el.get("detail"),
        data_service_evidence_type=None if dset is None else parse_data_service_evidence_type(dset),
        jurisdiction_determination=None if jd is None else parse_jurisdiction_determination(jd),
        user_requested_concepts=()
        if concepts is None
        else tuple(parse_information_concept(c) for c in concepts[0]),
        concepts_collection_type=(
            CommonServicesURI.COLLECTION_SET if concepts is None else concepts[1]
        ),
    )
