"""Compile Schematron files (cached on disk and in memory) and run them in Saxon-HE.

* The generated XSLT text is cached under ``<cache_dir>/schematron/`` keyed by the .sch file's
  sha256 and :data:`COMPILER_VERSION`; the cache entry records the sha256 of every included file
  and is ignored when any of them changed.
* The compiled Saxon executable is kept in memory per process (one ``PySaxonProcessor``).
* Saxon's output is parsed with :func:`gateway.xml.parse_xml` into raw findings.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from gateway.errors import Origin, SchemaKitError, XmlRejected
from gateway.evidence.validation.schematron.compiler import (
    COMPILER_VERSION,
    RESULT_NS,
    compile_expanded,
)
from gateway.evidence.validation.schematron.expand import expand
from gateway.xml import ParseLimits, parse_xml

__all__ = ["RUN_FAILED", "CompiledRules", "RawFinding", "compile_rules"]

_R = f"{{{RESULT_NS}}}"
RUN_FAILED = "GW:SCHEMATRON-RUN-FAILED"
"""Rule id of the finding reported when a rule file cannot run on a document at all."""
_RESULT_LIMITS = ParseLimits(max_bytes=256 * 1024 * 1024, max_depth=8)


@dataclass(frozen=True, slots=True)
class RawFinding:
    """One fired assertion/report (or a dynamic error) as the generated XSLT reports it."""

    kind: str
    """``assert``, ``report`` or ``error`` (an XPath error while evaluating the rule)."""
    rule_id: str | None
    role: str | None
    flag: str | None
    location: str
    message: str
    pattern: str | None
    context: str | None


_PROCESSOR: Any = None
_PROCESSOR_LOCK = threading.Lock()
_EXECUTABLES: dict[str, CompiledRules] = {}


def _processor() -> Any:
    global _PROCESSOR
    with _PROCESSOR_LOCK:
        if _PROCESSOR is None:
            from saxonche import PySaxonProcessor

            _PROCESSOR = PySaxonProcessor(license=False)
        return _PROCESSOR


class CompiledRules:
    """One rule file compiled to a Saxon executable; :meth:`run` is thread-safe."""

    def __init__(self, label: str, xslt: str) -> None:
        self.label = label
        self.xslt = xslt
        proc = _processor()
        try:
            self._exe = proc.new_xslt30_processor().compile_stylesheet(stylesheet_text=xslt)
        except Exception as exc:  # saxonche raises PySaxonApiError (an Exception)
            raise SchemaKitError(f"Saxon cannot compile the rules of {label}: {exc}") from exc
        self._lock = threading.Lock()

    def run(self, document_text: str) -> tuple[RawFinding, ...]:
        """Run the rules on a serialised document (already accepted by the hardened parser)."""
        proc = _processor()
        with self._lock:
            try:
                node = proc.parse_xml(xml_text=document_text)
                out = self._exe.transform_to_string(xdm_node=node)
            except Exception as exc:  # an error outside every xsl:try: report, do not crash
                return (
                    RawFinding(
                        "error",
                        RUN_FAILED,
                        None,
                        None,
                        "/",
                        f"{self.label} could not run: {exc}".strip(),
                        None,
                        None,
                    ),
                )
        if out is None:
            raise SchemaKitError(f"Saxon returned nothing for {self.label}")
        try:
            result = parse_xml(
                out.encode("utf-8"),
                limits=_RESULT_LIMITS,
                origin=Origin.LOCAL,
                what=f"{self.label} result",
            )
        except XmlRejected as exc:
            raise SchemaKitError(f"unreadable result from {self.label}: {exc.message}") from exc
        return tuple(_raw(el) for el in result if isinstance(el.tag, str))


def _text(el: etree._Element) -> str:
    return " ".join("".join(str(t) for t in el.itertext()).split())


def _raw(el: etree._Element) -> RawFinding:
    message_el = el.find(f"{_R}message")
    message = _text(message_el if message_el is not None else el)
    return RawFinding(
        kind=el.get("kind", "error") if el.tag == f"{_R}finding" else "error",
        rule_id=el.get("id"),
        role=el.get("role"),
        flag=el.get("flag"),
        location=el.get("location", ""),
        message=message,
        pattern=el.get("pattern"),
        context=el.get("context"),
    )


def _cached_xslt(sch: Path, cache_dir: Path) -> str:
    digest = hashlib.sha256(sch.read_bytes()).hexdigest()
    entry = cache_dir / "schematron" / f"{sch.stem}-{digest[:24]}-{COMPILER_VERSION}.xsl"
    sources_file = entry.with_suffix(".sources.json")
    if entry.is_file() and sources_file.is_file():
        try:
            sources = json.loads(sources_file.read_text(encoding="utf-8"))
            if all(
                Path(p).is_file() and hashlib.sha256(Path(p).read_bytes()).hexdigest() == h
                for p, h in sources.items()
            ):
                return entry.read_text(encoding="utf-8")
        except (OSError, ValueError):
            pass
    expanded = expand(sch)
    xslt = compile_expanded(expanded, label=sch.stem)
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_suffix(".tmp")
        tmp.write_text(xslt, encoding="utf-8")
        tmp.replace(entry)
        sources_file.write_text(json.dumps(expanded.sources, indent=1), encoding="utf-8")
    except OSError:
        pass  # a read-only cache only costs compile time
    return xslt


def compile_rules(sch: Path, cache_dir: Path) -> CompiledRules:
    """The compiled rules of one .sch file (from the memory cache, the disk cache, or fresh)."""
    try:
        xslt = _cached_xslt(sch, cache_dir)
    except OSError as exc:
        raise SchemaKitError(f"cannot read {sch}: {exc}") from exc
    key = hashlib.sha256(xslt.encode("utf-8")).hexdigest()
    with _PROCESSOR_LOCK:
        cached = _EXECUTABLES.get(key)
    if cached is None:
        cached = CompiledRules(sch.stem, xslt)
        with _PROCESSOR_LOCK:
            _EXECUTABLES.setdefault(key, cached)
    return cached
