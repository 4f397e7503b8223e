"""The DSD:ERR:0005 round trip: what extra input the DSD needs, and the follow-up query.

TDD 3.1.4 §4.4.3: when the evidence providers of an evidence type can only be told apart
with information from the user, the DSD answers ``DSD:ERR:0005`` (severity
``...:DSDErrorResponse:AdditionalInput``) with the slots

* ``DataServiceEvidenceType`` (the evidence type concerned),
* ``UserRequestedClassificationConcepts`` (the ``sdg:EvidenceProviderClassification``
  concepts the user must give a value for), and, in v1.0 only,
* ``JurisdictionDetermination`` (which jurisdiction level of the user is needed).

The requester asks the user, then repeats the query with the answers
(:meth:`AdditionalInputRequest.follow_up`). The DSD side checks an incoming query with
:meth:`AdditionalInputRequest.missing_from` and builds the error with
:meth:`AdditionalInputRequest.to_error`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from gateway.evidence.common_services.error_responses import CsException, ErrorResponse
from gateway.evidence.common_services.errors import BuildError, DsdErrorCode, ResponseRejected
from gateway.evidence.common_services.model import (
    CsVersion,
    DataServiceEvidenceType,
    InformationConcept,
    Jurisdiction,
    JurisdictionDetermination,
    ValueKind,
)
from gateway.evidence.common_services.queries import DataServicesQuery

__all__ = ["AdditionalInputRequest"]

_NUTS_LEVELS = frozenset({"NUTS1", "NUTS2", "NUTS3"})


@dataclass(frozen=True, slots=True)
class AdditionalInputRequest:
    """What a DSD:ERR:0005 asks the user for."""

    version: CsVersion
    concepts: tuple[InformationConcept, ...]
    evidence_type: DataServiceEvidenceType | None = None
    jurisdiction_determination: JurisdictionDetermination | None = None
    """*v1.0 only*."""

    @classmethod
    def from_response(cls, response: ErrorResponse) -> AdditionalInputRequest:
        """Read the request out of a parsed DSD:ERR:0005 answer."""
        exc = response.exception
        if exc.code != DsdErrorCode.ADDITIONAL_INPUT.value:
            raise ResponseRejected(
                f"{exc.code} is not a request for additional input", field="exception.code"
            )
        if not exc.user_requested_concepts and exc.jurisdiction_determination is None:
            raise ResponseRejected(  # R-DSD-RESP-S022
                "DSD:ERR:0005 names nothing to ask the user",
                field="UserRequestedClassificationConcepts",
            )
        return cls(
            version=response.version,
            concepts=exc.user_requested_concepts,
            evidence_type=exc.data_service_evidence_type,
            jurisdiction_determination=exc.jurisdiction_determination,
        )

    @property
    def concept_ids(self) -> tuple[str, ...]:
        """The identifiers the user's values are keyed by, in the order asked."""
        return tuple(c.identifier.value for c in self.concepts)

    def to_error(self, detail: str | None = None) -> ErrorResponse:
        """The DSD:ERR:0005 answer carrying this request (DSD side, e.g. the mock DSD)."""
        base = CsException.for_code(
            DsdErrorCode.ADDITIONAL_INPUT, detail=detail, version=self.version
        )
        exception = dataclasses.replace(
            base,
            data_service_evidence_type=self.evidence_type,
            jurisdiction_determination=self.jurisdiction_determination,
            user_requested_concepts=self.concepts,
        )
        return ErrorResponse(version=self.version, exception=exception)

    def follow_up(
        self,
        query: DataServicesQuery,
        values: Mapping[str, str],
        *,
        jurisdiction: Jurisdiction | None = None,
    ) -> DataServicesQuery:
        """``query`` repeated with the user's ``values`` (concept id -> value).

        Every requested concept needs a value and no other key is accepted; where the
        concept lists its supported values, the value must be one of them. For a v1.0
        jurisdiction determination, ``jurisdiction`` gives the user's NUTS or LAU code.
        """
        if query.version is not self.version:
            raise BuildError("the follow-up must use the version of the error", field="version")
        unknown = sorted(set(values) - set(self.concept_ids))
        if unknown:
            raise BuildError(f"no concept {unknown[0]!r} was requested", field=unknown[0])
        answers: list[tuple[str, str]] = []
        for concept in self.concepts:
            cid = concept.identifier.value
            value = values.get(cid)
            if not value:
                raise BuildError(f"the user gave no value for {cid!r}", field=cid)
            _check_supported(concept, value)
            answers.append((cid, value))
        l2 = l3 = context = None
        jd = self.jurisdiction_determination
        if jd is not None:
            context = jd.context_id
            if jd.level in _NUTS_LEVELS:
                l2 = jurisdiction.admin_unit_level_2 if jurisdiction else None
                if not l2:
                    raise BuildError(f"{jd.level} code needed", field="jurisdiction_admin_l2")
            elif jd.level == "LAU":
                l3 = jurisdiction.admin_unit_level_3 if jurisdiction else None
                if not l3:
                    raise BuildError("LAU code needed", field="jurisdiction_admin_l3")
        return dataclasses.replace(
            query,
            classification_values=tuple(answers),
            jurisdiction_admin_l2=l2 or query.jurisdiction_admin_l2,
            jurisdiction_admin_l3=l3 or query.jurisdiction_admin_l3,
            jurisdiction_context_id=context or query.jurisdiction_context_id,
        )

    def missing_from(self, query: DataServicesQuery) -> tuple[str, ...]:
        """Concept ids (and jurisdiction parameters) ``query`` still lacks (DSD side)."""
        given = dict(query.classification_values)
        missing = [cid for cid in self.concept_ids if not given.get(cid)]
        jd = self.jurisdiction_determination
        if jd is not None:
            if query.jurisdiction_context_id != jd.context_id:
                missing.append("jurisdiction-context-id")
            if jd.level in _NUTS_LEVELS and not query.jurisdiction_admin_l2:
                missing.append("jurisdiction-admin-l2")
            if jd.level == "LAU" and not query.jurisdiction_admin_l3:
                missing.append("jurisdiction-admin-l3")
        return tuple(missing)


def _check_supported(concept: InformationConcept, value: str) -> None:
    supported = concept.supported_value
    if supported is None:
        return
    cid = concept.identifier.value
    if supported.kind is ValueKind.STRING and value not in supported.values:
        raise BuildError(f"{value!r} is not a supported value of {cid!r}", field=cid)
    if supported.kind is ValueKind.BOOLEAN and value not in ("true", "false"):
        raise BuildError(f"{cid!r} takes true or false", field=cid)
    if supported.kind is ValueKind.DATE:
        try:
            dt.date.fromisoformat(value)
        except ValueError as exc:
            raise BuildError(f"{cid!r} takes an xsd:date", field=cid) from exc
