"""OOTS EDM validation engine: XSD (lxml, offline) + official Schematron (our compiler, Saxon-HE).

::

    from gateway.evidence.validation import Validator, Report, Finding, MessageKind, Severity
    v = Validator.from_settings(settings)
    report = v.validate(data)                       # kind + version detected
    report.valid, report.kind, report.version, report.findings
"""

from gateway.evidence.validation.defects import KNOWN_DEFECTS, KnownDefect
from gateway.evidence.validation.detect import RULE_SETS, detect
from gateway.evidence.validation.engine import DEFAULT_SPECIFICATION, Validator
from gateway.evidence.validation.model import (
    Finding,
    FindingSource,
    MessageKind,
    ProjectChecker,
    Report,
    Severity,
)

__all__ = [
    "DEFAULT_SPECIFICATION",
    "KNOWN_DEFECTS",
    "RULE_SETS",
    "Finding",
    "FindingSource",
    "KnownDefect",
    "MessageKind",
    "ProjectChecker",
    "Report",
    "Severity",
    "Validator",
    "detect",
]
