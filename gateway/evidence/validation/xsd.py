"""XSD validation with lxml against an installed kit's wrapper schema, offline.

The lxml ``XMLSchema`` objects are cached per process (keyed by the driver file and its
content), so each schema set is compiled once.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any, cast

from lxml import etree

from gateway.errors import Origin, SchemaKitError, XmlRejected
from gateway.evidence.validation.model import Finding, Severity
from gateway.xml import parse_xml_file

__all__ = ["XsdSchema", "load_schema"]


class XsdSchema:
    """A compiled schema set; :meth:`validate` returns findings (empty when valid)."""

    def __init__(self, schema: etree.XMLSchema, label: str) -> None:
        self._schema = schema
        self._lock = threading.Lock()
        self.label = label

    def validate(self, root: etree._Element) -> tuple[Finding, ...]:
        """Validate a parsed document; every libxml2 error becomes an ERROR finding."""
        with self._lock:
            self._schema.validate(root.getroottree())
            errors: list[Any] = list(cast(Any, self._schema.error_log))
        return tuple(
            Finding(
                rule_id=e.type_name,
                severity=Severity.ERROR,
                source="xsd",
                rule_set=self.label,
                location=f"line {e.line}" + (f" {e.path}" if e.path else ""),
                message=e.message,
                role=None,
            )
            for e in errors
        )


_CACHE: dict[tuple[str, str], XsdSchema] = {}
_CACHE_LOCK = threading.Lock()


def load_schema(driver: Path, label: str) -> XsdSchema:
    """The compiled schema for a wrapper ``driver`` (compiled once per process)."""
    try:
        digest = hashlib.sha256(driver.read_bytes()).hexdigest()
    except OSError as exc:
        raise SchemaKitError(f"schema driver {driver} missing; run `schemas install`") from exc
    key = (str(driver), digest)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is None:
            try:
                tree = parse_xml_file(driver, origin=Origin.LOCAL).getroottree()
                cached = XsdSchema(etree.XMLSchema(tree), label)
            except (etree.XMLSchemaParseError, XmlRejected) as exc:
                raise SchemaKitError(f"cannot load schemas of {label}: {exc}") from exc
            _CACHE[key] = cached
    return cached
