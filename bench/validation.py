"""Validation benchmark: per message kind, XSD and Schematron time per message (rules
precompiled), each as a ratio to a plain lxml parse of the same bytes in the same run.

Timings are medians over repeated runs of one official v1.0 sample per kind. ``schematron_ms``
is the engine's whole Schematron step for the kind's rule sets (serialise, Saxon parse and
transform, read the result); ``xsd_ms`` validates an already parsed tree; ``validate_ms`` is
``Validator.validate(bytes)`` end to end (hardened parse, detection, XSD, Schematron).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from lxml import etree

from gateway.evidence.validation import RULE_SETS, MessageKind, Validator, detect
from gateway.evidence.validation.schematron import CompiledRules
from gateway.evidence.validation.xsd import load_schema
from gateway.kits import install_kits
from gateway.kits.driver import FULL_DRIVER
from gateway.settings import Settings
from gateway.xml import parse_xml

__all__ = ["run"]

MIN_SECONDS = 0.25
MIN_ROUNDS = 5


def _median_ms(action: Callable[[], object]) -> float:
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < MIN_ROUNDS or time.perf_counter() - started < MIN_SECONDS:
        t0 = time.perf_counter()
        action()
        samples.append(time.perf_counter() - t0)
        if len(samples) >= 2000:
            break
    return statistics.median(samples) * 1000.0


def _plain_lxml_parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    parser.feed(data)
    return parser.close()


def _schematron(root: etree._Element, rules: list[CompiledRules]) -> None:
    text = etree.tostring(root.getroottree(), encoding="unicode")
    for r in rules:
        r.run(text)


def _one_sample_per_kind(samples: list[Path]) -> dict[MessageKind, Path]:
    chosen: dict[MessageKind, Path] = {}
    for path in sorted(samples):
        kind, _ = detect(parse_xml(path.read_bytes()))
        if kind.is_edm and kind not in chosen:
            chosen[kind] = path
    return chosen


def run() -> dict[str, Any]:
    """Measure and return the per-kind timings (see the module docstring)."""
    settings = Settings.load()
    install_kits(settings)
    validator = Validator.from_settings(settings)
    kit = validator.kit_for("oots-edm:v1.0")
    assert kit is not None
    t0 = time.perf_counter()
    validator.precompile()
    precompile_s = time.perf_counter() - t0
    schema = load_schema(kit.path(FULL_DRIVER), f"{kit.name} XSD")
    kinds: dict[str, Any] = {}
    for kind, path in _one_sample_per_kind(list(kit.sample_files)).items():
        data = path.read_bytes()
        root = parse_xml(data)
        rules = [r for r in (validator.rules(kit, n) for n in RULE_SETS[kind]) if r is not None]

        parse_ms = _median_ms(partial(_plain_lxml_parse, data))
        xsd_ms = _median_ms(partial(schema.validate, root))
        sch_ms = _median_ms(partial(_schematron, root, rules))
        validate_ms = _median_ms(partial(validator.validate, data))
        kinds[kind.value] = {
            "sample": path.name,
            "bytes": len(data),
            "rule_sets": list(RULE_SETS[kind]),
            "lxml_parse_ms": round(parse_ms, 4),
            "xsd_ms": round(xsd_ms, 4),
            "xsd_ratio_to_parse": round(xsd_ms / parse_ms, 2),
            "schematron_ms": round(sch_ms, 4),
            "schematron_ratio_to_parse": round(sch_ms / parse_ms, 2),
            "validate_ms": round(validate_ms, 4),
            "validate_ratio_to_parse": round(validate_ms / parse_ms, 2),
        }
    return {
        "kit": kit.name,
        "precompile_all_rule_sets_s": round(precompile_s, 3),
        "per_kind": kinds,
    }
