"""EB and DSD queries as HTTP GET requests: render for the client, parse for the mock services.

TDD 3.6.2 / 3.1.4 §4.2 / 3.2.4 §4.1: every query is
``GET <base>/rest/search?queryId=<urn>(&<name>=<value>)*`` with
``Accept: application/x-ebrs+xml`` (RegRep 4 REST binding); ``oots-cs:v2.0`` answers are
asked for with ``Accept-Version: oots-cs:v2.0`` (README items 12-13). The query ids are
the same in both versions.

Parameters (README item 12; v1.0 from the 1.x query schemes):

* EB requirements: ``procedure-id``, ``country-code`` (both optional), v2.0
  ``return-incomplete``, v1.0 ``jurisdiction-admin-l2`` / ``-l3``;
* EB evidence types: ``requirement-id`` (mandatory), ``country-code``, v1.0
  ``jurisdiction-admin-l2`` / ``-l3``;
* DSD data services: ``evidence-type-classification`` and ``country-code`` (mandatory),
  ``specification`` (e.g. ``oots-edm:v2.0``), v1.0 ``jurisdiction-admin-l2`` / ``-l3`` /
  ``jurisdiction-context-id``, and the user-provided classification values.
  *Assumption* (the kit has no 3.1.4 text): each user value travels as a parameter named
  by the ``EvidenceProviderClassification`` identifier the DSD:ERR:0005 asked for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import parse_qsl, quote, urlencode

from gateway.evidence.common_services.errors import (
    BuildError,
    DsdErrorCode,
    EbErrorCode,
    QueryRejected,
)
from gateway.evidence.common_services.model import CsVersion, Service
from gateway.namespaces import CommonServicesURI

__all__ = [
    "DataServicesQuery",
    "EvidenceTypesQuery",
    "HttpQuery",
    "Query",
    "RequirementsQuery",
    "parse_query",
]

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_PROCEDURE = re.compile(r"^[A-Z0-9]{1,10}$")
_SPECIFICATION = re.compile(r"^oots-edm:v\d+\.\d+$")
_MAX_PARAMS = 64


@dataclass(frozen=True, slots=True)
class HttpQuery:
    """One ``GET <base>/rest/search?...`` request: parameters and headers, in order."""

    params: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    path: ClassVar[str] = "rest/search"

    @property
    def query_string(self) -> str:
        """The URL query (percent-encoded, ``queryId`` first)."""
        return urlencode(self.params, quote_via=quote, safe="")

    def url(self, base_url: str) -> str:
        """The full URL below ``base_url`` (the resolved NAPTR value, TDD 3.4)."""
        return f"{base_url.rstrip('/')}/{self.path}?{self.query_string}"


def _headers(version: CsVersion) -> tuple[tuple[str, str], ...]:
    headers = [("Accept", CommonServicesURI.MEDIA_TYPE)]
    if version is CsVersion.V2_0:
        headers.append(("Accept-Version", CommonServicesURI.CS_V2))
    return tuple(headers)


def _check(value: str | None, pattern: re.Pattern[str], field: str) -> None:
    if value is not None and not pattern.match(value):
        raise BuildError(f"{field} {value!r} is malformed", field=field)


def _v1_only(version: CsVersion, value: object, field: str) -> None:
    if value is not None and version is not CsVersion.V1_0:
        raise BuildError(f"{field} exists only in v1.0 queries", field=field)


@dataclass(frozen=True, slots=True)
class RequirementsQuery:
    """EB "requirements by procedure and jurisdiction" (TDD 3.2.4 §4.2); no filter = all."""

    version: CsVersion = CsVersion.V2_0
    procedure_id: str | None = None
    country_code: str | None = None
    return_incomplete: bool | None = None
    """*v2.0 only*."""
    jurisdiction_admin_l2: str | None = None
    """*v1.0 only* (NUTS)."""
    jurisdiction_admin_l3: str | None = None
    """*v1.0 only* (LAU)."""

    def to_http(self) -> HttpQuery:
        """The GET request for this query."""
        _check(self.procedure_id, _PROCEDURE, "procedure_id")
        _check(self.country_code, _COUNTRY, "country_code")
        _v1_only(self.version, self.jurisdiction_admin_l2, "jurisdiction_admin_l2")
        _v1_only(self.version, self.jurisdiction_admin_l3, "jurisdiction_admin_l3")
        if self.return_incomplete is not None and self.version is not CsVersion.V2_0:
            raise BuildError("return_incomplete exists only in v2.0", field="return_incomplete")
        params = [("queryId", CommonServicesURI.EB_REQUIREMENTS_QUERY)]
        _add(params, "procedure-id", self.procedure_id)
        _add(params, "country-code", self.country_code)
        _add(params, "jurisdiction-admin-l2", self.jurisdiction_admin_l2)
        _add(params, "jurisdiction-admin-l3", self.jurisdiction_admin_l3)
        if self.return_incomplete is not None:
            _add(params, "return-incomplete", "true" if self.return_incomplete else "false")
        return HttpQuery(tuple(params), _headers(self.version))


@dataclass(frozen=True, slots=True)
class EvidenceTypesQuery:
    """EB "evidence types by requirement and jurisdiction" (TDD 3.2.4 §4.3)."""

    requirement_id: str
    version: CsVersion = CsVersion.V2_0
    country_code: str | None = None
    jurisdiction_admin_l2: str | None = None
    """*v1.0 only*."""
    jurisdiction_admin_l3: str | None = None
    """*v1.0 only*."""

    def to_http(self) -> HttpQuery:
        """The GET request for this query."""
        if not self.requirement_id:
            raise BuildError("requirement_id is mandatory", field="requirement_id")
        _check(self.country_code, _COUNTRY, "country_code")
        _v1_only(self.version, self.jurisdiction_admin_l2, "jurisdiction_admin_l2")
        _v1_only(self.version, self.jurisdiction_admin_l3, "jurisdiction_admin_l3")
        params = [("queryId", CommonServicesURI.EB_EVIDENCE_TYPES_QUERY)]
        _add(params, "requirement-id", self.requirement_id)
        _add(params, "country-code", self.country_code)
        _add(params, "jurisdiction-admin-l2", self.jurisdiction_admin_l2)
        _add(params, "jurisdiction-admin-l3", self.jurisdiction_admin_l3)
        return HttpQuery(tuple(params), _headers(self.version))


_DSD_RESERVED = frozenset(
    {
        "queryId",
        "evidence-type-classification",
        "country-code",
        "specification",
        "jurisdiction-admin-l2",
        "jurisdiction-admin-l3",
        "jurisdiction-context-id",
    }
)


@dataclass(frozen=True, slots=True)
class DataServicesQuery:
    """DSD "data services by evidence type and jurisdiction" (TDD 3.1.4 §4.2).

    ``classification_values`` are the user's answers to a DSD:ERR:0005, as
    (classification concept identifier, value) pairs in the order asked.
    """

    evidence_type_classification: str
    country_code: str
    version: CsVersion = CsVersion.V2_0
    specification: str | None = None
    classification_values: tuple[tuple[str, str], ...] = ()
    jurisdiction_admin_l2: str | None = None
    """*v1.0 only*."""
    jurisdiction_admin_l3: str | None = None
    """*v1.0 only*."""
    jurisdiction_context_id: str | None = None
    """*v1.0 only*: the ``JurisdictionContextId`` the jurisdiction answers."""

    def to_http(self) -> HttpQuery:
        """The GET request for this query."""
        if not self.evidence_type_classification:
            raise BuildError("evidence_type_classification is mandatory", field="evidence_type")
        _check(self.country_code, _COUNTRY, "country_code")
        _check(self.specification, _SPECIFICATION, "specification")
        _v1_only(self.version, self.jurisdiction_admin_l2, "jurisdiction_admin_l2")
        _v1_only(self.version, self.jurisdiction_admin_l3, "jurisdiction_admin_l3")
        _v1_only(self.version, self.jurisdiction_context_id, "jurisdiction_context_id")
        params = [("queryId", CommonServicesURI.DSD_DATA_SERVICES_QUERY)]
        _add(params, "evidence-type-classification", self.evidence_type_classification)
        _add(params, "country-code", self.country_code)
        _add(params, "specification", self.specification)
        _add(params, "jurisdiction-admin-l2", self.jurisdiction_admin_l2)
        _add(params, "jurisdiction-admin-l3", self.jurisdiction_admin_l3)
        _add(params, "jurisdiction-context-id", self.jurisdiction_context_id)
        seen: set[str] = set()
        for concept, value in self.classification_values:
            if not concept or concept in _DSD_RESERVED or concept in seen or not value:
                raise BuildError(f"bad classification value for {concept!r}", field=concept)
            seen.add(concept)
            params.append((concept, value))
        return HttpQuery(tuple(params), _headers(self.version))


Query = RequirementsQuery | EvidenceTypesQuery | DataServicesQuery
"""Any EB/DSD query."""


def _add(params: list[tuple[str, str]], name: str, value: str | None) -> None:
    if value is not None:
        params.append((name, value))


# ---------------------------------------------------------------------------
# Parsing (service side: the mock Evidence Broker and DSD)
# ---------------------------------------------------------------------------


class _Params:
    """The single-valued, non-empty parameters of one query string."""

    def __init__(self, query_string: str, service: Service) -> None:
        self.invalid = (
            EbErrorCode.INVALID_PARAMETERS
            if service is Service.EB
            else DsdErrorCode.INVALID_PARAMETERS
        )
        try:
            pairs = parse_qsl(
                query_string,
                keep_blank_values=True,
                strict_parsing=True,
                max_num_fields=_MAX_PARAMS,
            )
        except ValueError as exc:
            raise QueryRejected(f"malformed query: {exc}", error_code=self.invalid) from exc
        self.values: dict[str, str] = {}
        self.order: list[str] = []
        for name, value in pairs:
            if name in self.values:  # RegRep REST binding: single-valued parameters
                raise QueryRejected(f"{name} given twice", error_code=self.invalid, field=name)
            if not value:
                raise QueryRejected(f"{name} is empty", error_code=self.invalid, field=name)
            self.values[name] = value
            self.order.append(name)

    def take(
        self,
        name: str,
        *,
        required: bool = False,
        pattern: re.Pattern[str] | None = None,
        code: EbErrorCode | DsdErrorCode | None = None,
    ) -> str | None:
        """Remove and return parameter ``name``, checking presence and ``pattern``."""
        value = self.values.pop(name, None)
        if value is None:
            if required:
                raise QueryRejected(f"{name} is mandatory", error_code=self.invalid, field=name)
            return None
        if pattern is not None and not pattern.match(value):
            raise QueryRejected(
                f"{name} {value!r} is invalid", error_code=code or self.invalid, field=name
            )
        return value

    def refuse_rest(self) -> None:
        """Refuse the first parameter nobody took."""
        if self.values:
            name = next(n for n in self.order if n in self.values)
            raise QueryRejected(f"unknown parameter {name}", error_code=self.invalid, field=name)


def _version(headers: Mapping[str, str], invalid: EbErrorCode | DsdErrorCode) -> CsVersion:
    values = [v.strip() for k, v in headers.items() if k.lower() == "accept-version"]
    if not values:
        return CsVersion.V1_0  # TDD 3.6.2: without the header the answer is v1.0
    if values != [CommonServicesURI.CS_V2]:
        raise QueryRejected(f"unsupported Accept-Version {values}", error_code=invalid)
    return CsVersion.V2_0


def parse_query(query_string: str, headers: Mapping[str, str], *, service: Service) -> Query:
    """Read the query a client sent to ``service`` (raises :class:`QueryRejected`)."""
    p = _Params(query_string, service)
    version = _version(headers, p.invalid)
    query_id = p.take("queryId", required=True)
    v1 = version is CsVersion.V1_0
    if service is Service.EB and query_id == CommonServicesURI.EB_REQUIREMENTS_QUERY:
        procedure = p.take("procedure-id", pattern=_PROCEDURE, code=EbErrorCode.INVALID_PROCEDURE)
        country = p.take("country-code", pattern=_COUNTRY, code=EbErrorCode.INVALID_COUNTRY)
        l2 = p.take("jurisdiction-admin-l2") if v1 else None
        l3 = p.take("jurisdiction-admin-l3") if v1 else None
        incomplete = (
            None if v1 else p.take("return-incomplete", pattern=re.compile("^(true|false)$"))
        )
        p.refuse_rest()
        return RequirementsQuery(
            version,
            procedure,
            country,
            None if incomplete is None else incomplete == "true",
            l2,
            l3,
        )
    if service is Service.EB and query_id == CommonServicesURI.EB_EVIDENCE_TYPES_QUERY:
        requirement = p.take("requirement-id", required=True)
        assert requirement is not None
        country = p.take("country-code", pattern=_COUNTRY, code=EbErrorCode.INVALID_COUNTRY)
        l2 = p.take("jurisdiction-admin-l2") if v1 else None
        l3 = p.take("jurisdiction-admin-l3") if v1 else None
        p.refuse_rest()
        return EvidenceTypesQuery(requirement, version, country, l2, l3)
    if service is Service.DSD and query_id == CommonServicesURI.DSD_DATA_SERVICES_QUERY:
        classification = p.take("evidence-type-classification", required=True)
        country = p.take("country-code", required=True, pattern=_COUNTRY)
        assert classification is not None and country is not None
        spec = p.take("specification", pattern=_SPECIFICATION)
        l2 = p.take("jurisdiction-admin-l2") if v1 else None
        l3 = p.take("jurisdiction-admin-l3") if v1 else None
        context = p.take("jurisdiction-context-id") if v1 else None
        for name in p.values:  # the v1.0 jurisdiction parameters are gone in v2.0 (item 8)
            if name in _DSD_RESERVED:
                raise QueryRejected(
                    f"{name} is not a v2.0 parameter", error_code=p.invalid, field=name
                )
        values = tuple((name, p.values[name]) for name in p.order if name in p.values)
        return DataServicesQuery(classification, country, version, spec, values, l2, l3, context)
    unknown = EbErrorCode.UNKNOWN_QUERY if service is Service.EB else DsdErrorCode.UNKNOWN_QUERY
    raise QueryRejected(f"unknown queryId {query_id!r}", error_code=unknown, field="queryId")
