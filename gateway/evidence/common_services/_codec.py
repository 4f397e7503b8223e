"""Shared pieces of the EB/DSD SDG codecs: error context, version guards, jurisdiction.

Builders write children in XSD sequence order (``SDG-GenericMetadataProfile-v1.0.0.xsd``;
for v2.0 the order the acceptance captures show) and refuse, naming the field, content
the target version does not have. Parsers refuse undeclared children (nothing is dropped
silently) and raise :class:`ResponseRejected` naming the element at fault.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from gateway.errors import EvidenceError
from gateway.evidence.common_services.errors import BuildError, ResponseRejected
from gateway.evidence.common_services.model import Code, CsVersion, Jurisdiction
from gateway.evidence.edm._sdg import SdgContext, SdgElement, Text, parse_text, sdg, sub_text

__all__ = [
    "CS_CONTEXT",
    "build_jurisdiction",
    "need",
    "only_in",
    "parse_jurisdiction",
    "texts",
]


class _CsContext(SdgContext):
    """Errors of the shared SDG readers become :class:`ResponseRejected`."""

    def error(self, message: str, *, field: str) -> EvidenceError:
        """A :class:`ResponseRejected` naming ``field``."""
        return ResponseRejected(message, field=field)


CS_CONTEXT = _CsContext()
"""Error context for everything read from an EB/DSD response."""


def only_in(version: CsVersion, allowed: CsVersion, present: bool, field: str) -> None:
    """Refuse ``field`` when it is ``present`` but exists only in the ``allowed`` version."""
    if present and version is not allowed:
        raise BuildError(
            f"{field} exists only in {allowed.value} responses, not {version.value}", field=field
        )


def need(value: Sequence[object] | str | None, field: str) -> None:
    """Refuse an empty mandatory ``field``."""
    if not value:
        raise BuildError(f"{field} is mandatory", field=field)


def texts(r: SdgElement, name: str) -> tuple[Text, ...]:
    """Every multilingual child ``name`` of ``r``."""
    return tuple(parse_text(e) for e in r.all(name))


def build_jurisdiction(
    parent: etree._Element, j: Jurisdiction, version: CsVersion, field: str
) -> None:
    """Append ``sdg:Jurisdiction``."""
    need(j.admin_unit_level_1, f"{field}.admin_unit_level_1")
    only_in(version, CsVersion.V2_0, bool(j.additional), f"{field}.additional")
    el = etree.SubElement(parent, sdg("Jurisdiction"))
    sub_text(el, "AdminUnitLevel1", j.admin_unit_level_1)
    sub_text(el, "AdminUnitLevel2", j.admin_unit_level_2)
    sub_text(el, "AdminUnitLevel3", j.admin_unit_level_3)
    for code in j.additional:
        extra = etree.SubElement(el, sdg("AdditionalJurisdictionClassification"))
        if code.list_id is not None:
            extra.set("listID", code.list_id)
        extra.text = code.value


_JURISDICTION = (
    "AdminUnitLevel1",
    "AdminUnitLevel2",
    "AdminUnitLevel3",
    "AdditionalJurisdictionClassification",
)


def parse_jurisdiction(element: etree._Element) -> Jurisdiction:
    """Read an ``sdg:Jurisdiction`` (with v2.0 additional classifications)."""
    r = SdgElement(element, _JURISDICTION, CS_CONTEXT)
    return Jurisdiction(
        admin_unit_level_1=r.text("AdminUnitLevel1"),
        admin_unit_level_2=r.opt_text("AdminUnitLevel2"),
        admin_unit_level_3=r.opt_text("AdminUnitLevel3"),
        additional=tuple(
            Code(value=(e.text or "").strip(), list_id=e.get("listID"))
            for e in r.all("AdditionalJurisdictionClassification")
        ),
    )
