"""Validate XGewerbeanzeige messages: the official XSD when installed, else the project schema.

Project schema: ``schemas/xgewerbe/xgewerbeanzeige-anmeldung.xsd`` (2.2 namespace; reused for 2.0
and 2.1 by substituting the namespace in memory, see the schema's header). Official schema: the
copy ``oots-gateway schemas install --from DIR`` puts under
``var/schemas/xgewerbeanzeige/xgewerbeanzeige-<v>/``
(:mod:`gateway.gewerbe.install`). Either way the project checks of :mod:`gateway.gewerbe.checks`
run as well.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from lxml import etree

from gateway.errors import Origin, SchemaKitError, XmlRejected
from gateway.gewerbe.checks import RuleFailure, check_anmeldung
from gateway.gewerbe.errors import MessageInvalid
from gateway.gewerbe.install import installed_official
from gateway.settings import Settings, project_root
from gateway.xml import parse_xml, parse_xml_file

__all__ = ["PROJECT_SCHEMA", "Report", "Validator", "load_validator", "message_version"]

PROJECT_SCHEMA = "schemas/xgewerbe/xgewerbeanzeige-anmeldung.xsd"
_NS_PREFIX = "http://www.xgewerbeanzeige.de/spezifikation/"
_VERSION = re.compile(r"^http://www\.xgewerbeanzeige\.de/spezifikation/(\d+\.\d+)$")
PROJECT_VERSIONS = ("2.0", "2.1", "2.2")


@dataclass(frozen=True, slots=True)
class Report:
    """Outcome of one validation."""

    schema: str
    """``project:<path>`` or ``official:<path>``."""
    version: str
    xsd_errors: tuple[str, ...]
    rule_failures: tuple[RuleFailure, ...]

    @property
    def valid(self) -> bool:
        """True when neither the XSD nor a project rule failed."""
        return not self.xsd_errors and not self.rule_failures

    def raise_for_invalid(self) -> None:
        """Raise :class:`MessageInvalid` listing every problem."""
        if self.valid:
            return
        lines = [*self.xsd_errors, *(f"{f.rule} at {f.location}: {f.message}"
                                     for f in self.rule_failures)]
        raise MessageInvalid(f"XGewerbeanzeige {self.version} message invalid ({self.schema})",
                             detail="; ".join(lines))


def message_version(root: etree._Element) -> str:
    """The XGewerbeanzeige version from the root namespace, or raise :class:`MessageInvalid`."""
    match = _VERSION.match(etree.QName(root).namespace or "")
    if match is None:
        raise MessageInvalid(f"not an XGewerbeanzeige message (root {root.tag})")
    return match.group(1)


class Validator:
    """Validates messages of one or more versions with the schema in use for each."""

    def __init__(self, schemas: dict[str, tuple[str, etree.XMLSchema]]) -> None:
        self._schemas = schemas

    @property
    def versions(self) -> tuple[str, ...]:
        """Versions this validator can judge."""
        return tuple(sorted(self._schemas))

    def schema_in_use(self, version: str) -> str:
        """``project:...`` or ``official:...`` for ``version``."""
        return self._schemas[version][0]

    def validate(self, xml: bytes) -> Report:
        """Parse (hardened) and validate; unparsable input raises ``XmlRejected``."""
        root = parse_xml(xml, origin=Origin.REMOTE, what="XGewerbeanzeige message")
        version = message_version(root)
        if version not in self._schemas:
            raise MessageInvalid(f"XGewerbeanzeige {version} is not covered",
                                 detail=f"covered: {', '.join(self.versions)}")
        label, schema = self._schemas[version]
        ok = schema.validate(root)
        log: list[Any] = [] if ok else list(cast(Any, schema.error_log))
        errors = tuple(f"line {e.line}: {e.message}" for e in log)
        return Report(label, version, errors, check_anmeldung(root))


def _project_schema_path(settings: Settings | None) -> Path:
    configured = settings.section("gewerbe").get("project_schema") if settings else None
    if configured:
        return Path(str(configured))
    root = project_root()
    if root is None:
        raise SchemaKitError("cannot locate the project XGewerbeanzeige schema; "
                             "set [gewerbe] project_schema")
    return root / PROJECT_SCHEMA


@functools.cache
def _project_schema(path: Path, version: str) -> etree.XMLSchema:
    text = path.read_bytes().replace((_NS_PREFIX + "2.2").encode(),
                                     (_NS_PREFIX + version).encode())
    try:
        return etree.XMLSchema(parse_xml(text, origin=Origin.LOCAL, what=str(path)).getroottree())
    except (etree.XMLSchemaParseError, XmlRejected) as exc:
        raise SchemaKitError(f"project schema {path} does not load: {exc}") from exc


def _official_schema(entry: Path) -> etree.XMLSchema:
    try:
        return etree.XMLSchema(parse_xml_file(entry, origin=Origin.LOCAL).getroottree())
    except (etree.XMLSchemaParseError, XmlRejected) as exc:
        raise SchemaKitError(f"installed XGewerbeanzeige schema {entry} does not load: {exc}"
                             ) from exc


def load_validator(settings: Settings | None) -> Validator:
    """Official schemas where installed (verified), the project schema for the other versions."""
    schemas: dict[str, tuple[str, etree.XMLSchema]] = {}
    path = _project_schema_path(settings)
    for version in PROJECT_VERSIONS:
        schemas[version] = (f"project:{path}", _project_schema(path, version))
    if settings is not None:
        for version, entry in installed_official(settings).items():
            schemas[version] = (f"official:{entry}", _official_schema(entry))
    return Validator(schemas)
