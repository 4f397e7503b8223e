"""Typed results of the validation engine: message kinds, severities, findings, reports."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from lxml import etree

__all__ = ["Finding", "FindingSource", "MessageKind", "ProjectChecker", "Report", "Severity"]

FindingSource = Literal["xsd", "schematron", "project"]


class MessageKind(enum.Enum):
    """What a document is, as told by its root element and content (docs/validation.md)."""

    EVIDENCE_REQUEST = "evidence-request"
    EVIDENCE_RESPONSE = "evidence-response"
    EVIDENCE_ERROR_RESPONSE = "evidence-error-response"
    DSD_RESPONSE = "dsd-response"
    DSD_ERROR_RESPONSE = "dsd-error-response"
    EB_REQUIREMENTS_RESPONSE = "eb-requirements-response"
    EB_EVIDENCE_TYPES_RESPONSE = "eb-evidence-types-response"
    EB_ERROR_RESPONSE = "eb-error-response"
    LCM_SUBMIT_DSD = "lcm-submit-dsd"
    LCM_SUBMIT_EB = "lcm-submit-eb"
    LCM_SUCCESS_RESPONSE = "lcm-success-response"
    LCM_ERROR_RESPONSE = "lcm-error-response"
    EBMS_HEADER = "ebms-header"
    """An ``eb:Messaging`` header: not an EDM payload, no EDM rule set applies."""
    NOT_EDM = "not-edm"
    """Anything else (e.g. an evidence payload): no EDM rule set applies."""

    @property
    def is_edm(self) -> bool:
        """True for the kinds the EDM rule sets judge."""
        return self not in (MessageKind.EBMS_HEADER, MessageKind.NOT_EDM)


class Severity(enum.Enum):
    """Finding severity. Only :attr:`INFO` leaves a message valid."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    FATAL = "fatal"

    @property
    def fails(self) -> bool:
        """True when a finding of this severity makes the message invalid."""
        return self is not Severity.INFO

    @classmethod
    def from_declared(cls, role: str | None, flag: str | None) -> Severity:
        """Map a rule's ``role``/``flag`` (info, warning, error, ERROR, FATAL, ...) to a severity.

        The official files put the severity in ``role`` or ``flag`` with inconsistent case
        (KNOWN-DEFECTS item 18); an assertion without either is an error.
        """
        for declared in (role, flag):
            if not declared:
                continue
            value = declared.strip().lower()
            if value in ("info", "information", "informational", "notice"):
                return cls.INFO
            if value in ("warning", "warn"):
                return cls.WARNING
            if value == "fatal":
                return cls.FATAL
            if value == "error":
                return cls.ERROR
        return cls.ERROR


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem (or notice) found in a message."""

    rule_id: str | None
    """Rule id as declared (``R-EDM-REQ-C067``), libxml2 error type for XSD, or ``GW:...``."""
    severity: Severity
    source: FindingSource
    rule_set: str | None
    """``EDM-REQ-C`` for Schematron, ``<kit> XSD`` for schema errors, checker name for project."""
    location: str
    message: str
    role: str | None
    """The rule's declared ``role`` (or ``flag`` when it has no role)."""
    known_defect: str | None = None
    """Annotation when the official rule is known to be wrong here (see defects table)."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "source": self.source,
            "rule_set": self.rule_set,
            "location": self.location,
            "message": self.message,
            "role": self.role,
            "known_defect": self.known_defect,
        }


@dataclass(frozen=True, slots=True)
class Report:
    """The verdict on one message."""

    kind: MessageKind
    version: str | None
    """The ``SpecificationIdentifier`` found (``oots-edm:v1.0``, ``oots-cs:v2.0``) or None."""
    findings: tuple[Finding, ...]
    kit: str | None = None
    """The installed kit whose rules were applied."""
    rule_sets: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """False iff any finding is not informational (XSD errors included)."""
        return not any(f.severity.fails for f in self.findings)

    @property
    def valid_except_known_defects(self) -> bool:
        """True when every failing finding is explained by a known defect of the official rules.

        Use it where a message must be judged on its merits despite a documented rule defect
        (``defects.py``); :attr:`valid` stays the official verdict.
        """
        return not any(f.severity.fails and not f.known_defect for f in self.findings)

    @property
    def failing_rule_ids(self) -> tuple[str, ...]:
        """Ids of the failing findings, document order, without duplicates (``(no id)``)."""
        return _ids(f for f in self.findings if f.severity.fails)

    @property
    def info_rule_ids(self) -> tuple[str, ...]:
        """Ids of the informational findings, document order, without duplicates."""
        return _ids(f for f in self.findings if not f.severity.fails)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "valid": self.valid,
            "valid_except_known_defects": self.valid_except_known_defects,
            "kind": self.kind.value,
            "version": self.version,
            "kit": self.kit,
            "rule_sets": list(self.rule_sets),
            "findings": [f.to_dict() for f in self.findings],
        }


def _ids(findings: Iterable[Finding]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for f in findings:
        seen.setdefault(f.rule_id or "(no id)", None)
    return tuple(seen)


ProjectChecker = Callable[[etree._Element], Iterable[Finding]]
"""A project rule set: receives the parsed message root, yields findings (source "project")."""
