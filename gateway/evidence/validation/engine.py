"""The validation engine: kind/version detection, kit choice, XSD, Schematron, project rules.

Pure with respect to its inputs: bytes in, a frozen :class:`Report` out. The installed kits
and the compile cache directory are given at construction (:meth:`Validator.from_settings`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from gateway.errors import SchemaKitError
from gateway.evidence.validation.defects import annotate
from gateway.evidence.validation.detect import RULE_SETS, detect
from gateway.evidence.validation.model import (
    Finding,
    MessageKind,
    ProjectChecker,
    Report,
    Severity,
)
from gateway.evidence.validation.schematron import CompiledRules, RawFinding, compile_rules
from gateway.evidence.validation.xsd import load_schema
from gateway.kits.driver import FULL_DRIVER, REGREP_DRIVER
from gateway.kits.installed import InstalledKit, load_installed
from gateway.kits.manifest import load_manifests, manifest_dir
from gateway.settings import Settings
from gateway.xml import DEFAULT_LIMITS, ParseLimits, parse_xml

__all__ = ["DEFAULT_SPECIFICATION", "Validator"]

DEFAULT_SPECIFICATION = "oots-edm:v1.0"
"""Kit used for messages without a SpecificationIdentifier (EDM 1.0 Common Services, LCM) or
with an unknown one (whose official rules then report the wrong identifier, e.g. C001)."""


def _project(rule_id: str, severity: Severity, message: str, rule_set: str = "gateway") -> Finding:
    return Finding(rule_id, severity, "project", rule_set, "/", message, None)


class Validator:
    """Validates OOTS EDM messages against installed kits (thread-safe, caches compiled rules)."""

    def __init__(
        self,
        kits: Sequence[InstalledKit],
        *,
        cache_dir: Path,
        known_specifications: Sequence[str] = (),
        require_official_rules: bool = False,
        limits: ParseLimits = DEFAULT_LIMITS,
    ) -> None:
        if not kits:
            raise SchemaKitError(
                "no schema kit installed", detail="run `oots-gateway schemas install`"
            )
        self._kits = tuple(kits)
        self._by_spec = {spec: kit for kit in self._kits for spec in kit.specifications}
        self._known = frozenset(known_specifications) | frozenset(self._by_spec)
        self._default = self._by_spec.get(DEFAULT_SPECIFICATION, self._kits[0])
        self._cache_dir = cache_dir
        self._strict = require_official_rules
        self._limits = limits
        self._rules: dict[tuple[str, str], CompiledRules] = {}
        self._project: dict[tuple[MessageKind, str | None], list[ProjectChecker]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Validator:
        """Load (and verify) the installed kits; rules compile lazily on first use."""
        kits = load_installed(settings.schemas_dir)
        known = [s for m in load_manifests(manifest_dir(settings)) for s in m.specifications]
        options = settings.section("validation")
        return cls(
            kits,
            cache_dir=settings.cache_dir,
            known_specifications=known,
            require_official_rules=bool(options.get("require_official_rules", False)),
        )

    @property
    def kits(self) -> tuple[InstalledKit, ...]:
        """The installed kits this validator uses."""
        return self._kits

    def register_project_rules(
        self, kind: MessageKind, version: str | None, checker: ProjectChecker
    ) -> None:
        """Add project checks for ``kind`` at ``version`` (``None``: every version)."""
        with self._lock:
            self._project.setdefault((kind, version), []).append(checker)

    def kit_for(self, version: str | None) -> InstalledKit | None:
        """The kit judging ``version``; None when it is a known line whose kit is not installed."""
        if version in self._by_spec:
            return self._by_spec[version]
        if version is not None and version in self._known:
            return None
        return self._default

    def rules(self, kit: InstalledKit, rule_set: str) -> CompiledRules | None:
        """The compiled rule set (None when the kit lacks it)."""
        key = (kit.name, rule_set)
        with self._lock:
            cached = self._rules.get(key)
        if cached is None:
            path = kit.root / "sch" / f"{rule_set}.sch"
            if not path.is_file():
                return None
            cached = compile_rules(path, self._cache_dir)
            with self._lock:
                self._rules[key] = cached
        return cached

    def precompile(self) -> None:
        """Compile every rule set of every installed kit now (benchmarks, warm start)."""
        for kit in self._kits:
            for names in RULE_SETS.values():
                for name in names:
                    self.rules(kit, name)

    def validate(self, data: bytes, *, kind: MessageKind | None = None) -> Report:
        """Parse ``data`` with the hardened parser (``XmlRejected`` on refusal) and judge it."""
        return self.validate_tree(parse_xml(data, limits=self._limits, what="message"), kind=kind)

    def validate_tree(self, root: etree._Element, *, kind: MessageKind | None = None) -> Report:
        """Judge an already parsed message."""
        detected, version = detect(root)
        kind = kind or detected
        if not kind.is_edm:
            return Report(
                kind,
                version,
                (
                    _project(
                        "GW:NOT-EDM", Severity.ERROR, f"not an OOTS EDM message ({kind.value})"
                    ),
                ),
            )
        findings: list[Finding] = []
        kit = self.kit_for(version)
        rule_sets = RULE_SETS[kind]
        if kit is None:
            findings.append(
                _project(
                    "GW:KIT-MISSING",
                    Severity.ERROR if self._strict else Severity.INFO,
                    f"the official rules for {version} are not installed"
                    " (oots-gateway schemas install --from DIR);"
                    " only the RegRep 4.0 schemas and project rules were applied",
                )
            )
            findings += load_schema(
                self._default.path(REGREP_DRIVER), f"{self._default.name} RegRep XSD"
            ).validate(root)
            rule_sets = ()
        else:
            findings += load_schema(kit.path(FULL_DRIVER), f"{kit.name} XSD").validate(root)
            text = etree.tostring(root.getroottree(), encoding="unicode")
            for name in rule_sets:
                rules = self.rules(kit, name)
                if rules is None:
                    findings.append(
                        _project(
                            "GW:RULESET-MISSING",
                            Severity.ERROR,
                            f"kit {kit.name} has no rule set {name}",
                        )
                    )
                    continue
                findings += (annotate(_finding(raw, name), kit.name) for raw in rules.run(text))
        with self._lock:
            checkers = [
                *self._project.get((kind, None), ()),
                *self._project.get((kind, version), ()),
            ]
        for checker in checkers:
            findings += checker(root)
        return Report(kind, version, tuple(findings), kit.name if kit else None, rule_sets)


def _finding(raw: RawFinding, rule_set: str) -> Finding:
    if raw.kind == "error":
        return Finding(
            raw.rule_id,
            Severity.ERROR,
            "schematron",
            rule_set,
            raw.location,
            f"rule could not be evaluated: {raw.message}",
            None,
        )
    return Finding(
        rule_id=raw.rule_id,
        severity=Severity.from_declared(raw.role, raw.flag),
        source="schematron",
        rule_set=rule_set,
        location=raw.location,
        message=raw.message,
        role=raw.role or raw.flag,
    )
