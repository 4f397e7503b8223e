"""Choose the EDM version of an evidence request from what the data service announces.

TDD 3.1.4: each ``sdg:AccessService`` of a DSD answer lists in ``sdg:ConformsTo`` the
exchange specifications it serves (``oots-edm:v1.0``, ``oots-edm:v2.0``); 4.7 §2.6.2: a
receiver supporting several versions accepts each. We send the highest version both sides
support; when there is none, the exchange cannot happen (:class:`NoCommonVersion`).
:class:`EdmVersion` is the EDM layer's own enum (``gateway.evidence.edm.versions``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from gateway.evidence.common_services.errors import NoCommonVersion
from gateway.evidence.common_services.model import AccessService
from gateway.evidence.edm.versions import EdmVersion

__all__ = ["SUPPORTED_EDM_VERSIONS", "EdmVersion", "choose_edm_version", "choose_for_service"]

_TOKEN = re.compile(r"^oots-edm:v(\d+)\.(\d+)$")

SUPPORTED_EDM_VERSIONS: frozenset[EdmVersion] = frozenset(EdmVersion)
"""What the gateway can send: ``oots-edm:v1.0`` (mandatory line) and ``oots-edm:v2.0``."""


def _number(version: EdmVersion) -> tuple[int, int]:
    match = _TOKEN.match(version.value)
    if match is None:  # EdmVersion values are oots-edm:vX.Y
        raise NoCommonVersion(f"unordered version {version.value!r}")
    return int(match.group(1)), int(match.group(2))


def choose_edm_version(
    conforms_to: Iterable[str],
    supported: Iterable[EdmVersion] = SUPPORTED_EDM_VERSIONS,
) -> EdmVersion:
    """The highest version in both ``conforms_to`` and ``supported``.

    Values other than ``oots-edm:vX.Y`` (for example data-model URIs) are ignored;
    versions we do not know (``oots-edm:v1.2``) can never be chosen.
    """
    announced = [value.strip() for value in conforms_to]
    ours = {v.value: v for v in supported}
    common = [ours[value] for value in announced if value in ours]
    if not common:
        raise NoCommonVersion(
            f"the data service announces {announced or 'nothing'}; "
            f"we send {sorted(ours) or 'nothing'}",
            field="ConformsTo",
        )
    return max(common, key=_number)


def choose_for_service(
    service: AccessService, supported: Iterable[EdmVersion] = SUPPORTED_EDM_VERSIONS
) -> EdmVersion:
    """:func:`choose_edm_version` for one access service of a DSD answer."""
    try:
        return choose_edm_version(service.conforms_to, supported)
    except NoCommonVersion as exc:
        raise NoCommonVersion(
            f"access service {service.identifier.value}: {exc.message}", field="ConformsTo"
        ) from exc
