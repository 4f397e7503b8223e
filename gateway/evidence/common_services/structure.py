"""Structural rules the builders enforce before serialising an EB/DSD answer.

Each check cites the official v1.0 rule (``oots-edm-1.0/sch``) it implements. The 7
``oots-cs:v2.0`` acceptance captures satisfy the same shapes, so the EB and DSD rules
apply to both versions unless marked *v1.0*; the 2.0.1 rule files are not in the kit.
"""

from __future__ import annotations

from gateway.evidence.common_services.errors import BuildError
from gateway.evidence.common_services.model import CsVersion, DataServiceEvidenceType, Requirement

__all__ = ["check_data_services", "check_exception_evidence_type", "check_requirements"]

_STRUCTURED_FORMATS = frozenset({"application/xml", "application/json"})


def _fail(rule: str, message: str, field: str) -> BuildError:
    return BuildError(f"{rule}: {message}", field=field)


def check_requirements(
    objects: tuple[tuple[str, Requirement], ...], *, evidence_types: bool
) -> None:
    """EB-REQ-S / EB-EVI-S: frameworks with procedure and jurisdiction; typed lists."""
    family = "R-EB-EVI" if evidence_types else "R-EB-REQ"
    if not objects:  # an empty result is EB:ERR:0001, never an empty success
        raise _fail(f"{family}-S018", "a successful answer holds a registry object", "objects")
    for i, (_, req) in enumerate(objects):
        field = f"objects[{i}]"
        if not req.reference_frameworks:
            raise _fail(f"{family}-S017", "a requirement needs a reference framework", field)
        for k, rf in enumerate(req.reference_frameworks):
            rf_field = f"{field}.reference_frameworks[{k}]"
            if not rf.related_to:
                raise _fail(f"{family}-S020", "a framework names its SDGR procedure", rf_field)
            if rf.jurisdiction is None:
                raise _fail(f"{family}-S021", "a framework needs a jurisdiction", rf_field)
        if evidence_types:
            if not req.evidence_type_lists:
                raise _fail("R-EB-EVI-S016", "an evidence types answer lists types", field)
            for k, etl in enumerate(req.evidence_type_lists):
                if not etl.evidence_types:
                    raise _fail(
                        "R-EB-EVI-S015",
                        "an evidence type list needs an evidence type",
                        f"{field}.evidence_type_lists[{k}]",
                    )
        elif req.evidence_type_lists:
            raise _fail("R-EB-REQ-S016", "a requirements answer lists no evidence types", field)


def _check_distributions(dset: DataServiceEvidenceType, field: str) -> None:
    for k, d in enumerate(dset.distributions):
        d_field = f"{field}.distributions[{k}]"
        if d.conforms_to is None and d.format in _STRUCTURED_FORMATS:
            raise _fail("R-DSD-RESP-C039a", "structured formats name ConformsTo", d_field)
        if d.conforms_to is None and d.transformation is not None:
            raise _fail("R-DSD-RESP-C040", "a transformation needs ConformsTo", d_field)


def check_data_services(
    objects: tuple[tuple[str, DataServiceEvidenceType], ...], version: CsVersion
) -> None:
    """DSD-RESP-S / DSD-RESP-C structure of a successful DSD answer."""
    if not objects:  # an empty result is DSD:ERR:0001, never an empty success
        raise _fail("R-DSD-RESP-S0015", "a successful answer holds a registry object", "objects")
    if version is CsVersion.V1_0 and len(objects) != 1:
        raise _fail("R-DSD-RESP-S0015", "a v1.0 DSD answer holds one registry object", "objects")
    for i, (_, dset) in enumerate(objects):
        field = f"objects[{i}]"
        if not dset.access_services:
            raise _fail("R-DSD-RESP-S013", "a data service needs an access service", field)
        _check_distributions(dset, field)
        with_values = sum(
            1
            for a in dset.access_services
            for c in a.publisher.classification_concepts
            if c.supported_value is not None
        )
        if with_values < len(dset.provider_classifications):
            raise _fail(
                "R-DSD-RESP-S012",
                "each provider classification needs publisher concepts with supported values",
                f"{field}.provider_classifications",
            )
        for k, a in enumerate(dset.access_services):
            for m, c in enumerate(a.publisher.classification_concepts):
                if not c.type or c.supported_value is None:
                    raise _fail(
                        "R-DSD-RESP-C024/C028",
                        "a publisher classification concept needs a Type and supported values",
                        f"{field}.access_services[{k}].publisher.classification_concepts[{m}]",
                    )
        for k, c in enumerate(dset.provider_classifications):
            if not c.type:
                raise _fail(
                    "R-DSD-RESP-C030",
                    "a provider classification needs a Type",
                    f"{field}.provider_classifications[{k}].type",
                )


def check_exception_evidence_type(dset: DataServiceEvidenceType) -> None:
    """R-EDM-REQ-S021 (in DSD-ERR-S): the DSD:ERR:0005 evidence type is a bare description."""
    field = "exception.data_service_evidence_type"
    if dset.access_services or dset.jurisdiction_determination or dset.provider_classifications:
        raise _fail(
            "R-EDM-REQ-S021",
            "the evidence type of DSD:ERR:0005 carries no access service, jurisdiction "
            "determination or provider classification",
            field,
        )
    _check_distributions(dset, field)
