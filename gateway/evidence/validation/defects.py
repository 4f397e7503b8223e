"""Known defects of the official EDM 1.0 rule files, handled explicitly (never by skipping).

Every item of ``../shared/oots-edm-1.0/KNOWN-DEFECTS.md`` that changes a verdict or the way the
files are processed (items 1-8 and 12) has an entry here and in ``docs/validation.md``. The
policy is the same for all: **the official rule runs as written and its verdict stands**; where a
rule is known to fire wrongly, its finding carries a ``known_defect`` annotation so an operator
can tell a rule defect from a bad message; where a rule can never fire, the entry says so, and
the tests prove the behaviour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gateway.evidence.validation.model import Finding

__all__ = ["KNOWN_DEFECTS", "KnownDefect", "annotate"]


@dataclass(frozen=True, slots=True)
class KnownDefect:
    """One known defect and how the engine handles it."""

    item: int
    """Number in KNOWN-DEFECTS.md."""
    kit: str
    rule_ids: tuple[str, ...]
    effect: str
    """``false-error``, ``false-pass``, ``tooling`` or ``processing``."""
    summary: str
    handling: str
    message_pattern: str | None = None
    """When set, only findings whose message matches are annotated."""

    def matches(self, finding: Finding, kit: str | None) -> bool:
        """True when this defect explains ``finding``."""
        if kit != self.kit or finding.rule_id not in self.rule_ids:
            return False
        return (
            self.message_pattern is None
            or re.search(self.message_pattern, finding.message) is not None
        )


_K = "oots-edm-1.0"
KNOWN_DEFECTS: tuple[KnownDefect, ...] = (
    KnownDefect(
        1,
        _K,
        ("R-DSD-RESP-C009", "R-DSD-SUB-C007", "R-EDM-REQ-C033", "R-EDM-RESP-C023"),
        "false-error",
        "media-type list carries '<TAB>image/svg+xml', so image/svg+xml is rejected",
        "reported as the rule says, annotated",
        r"'image/svg\+xml'",
    ),
    KnownDefect(
        2,
        _K,
        ("R-EDM-ERR-C008",),
        "false-error",
        "error-provider classification list reads 'ERRP','IPEP': IP and EP are rejected",
        "reported as the rule says, annotated",
        r"'(IP|EP)'",
    ),
    KnownDefect(
        3,
        _K,
        ("R-EDM-ERR-C020", "R-DSD-ERR-C002", "R-DSD-ERR-C008", "R-DSD-ERR-C012", "R-DSD-ERR-C014"),
        "false-error",
        "language codes matched upper case only: BCP 47 'en', 'nl' are rejected",
        "reported as the rule says, annotated",
        r"'[a-z]{2,3}'",
    ),
    KnownDefect(
        4,
        _K,
        ("R-EDM-REQ-C067",),
        "false-error",
        "official legal-person samples use 'GR'; the country list only has 'EL' for Greece",
        "reported as the rule says (the samples fail, as RESULTS.md records), annotated",
        r"'GR'",
    ),
    KnownDefect(
        5,
        _K,
        ("R-EDM-ERR-C014",),
        "false-pass",
        "severity test lacks the list delimiters: almost any substring (e.g. 'Error') passes",
        "rule runs as written; values outside the list that are not substrings still fire",
    ),
    KnownDefect(
        6,
        _K,
        (
            "R-LCM-ERR-009",
            "R-LCM-010",
            "R-LCM-ERR-011",
            "R-LCM-012",
            "R-LCM-ERR-013",
            "R-LCM-014",
            "R-LCM-ERR-015",
            "R-LCM-016",
            "R-LCM-SUC-008",
        ),
        "false-pass",
        "LCM-ERR.sch contexts use unprefixed RegistryResponse (never match), a shadowed "
        "rule, literal comparisons; a let after an assert",
        "rules run as written (inert); the let-after-assert is compiled (lets hoisted)",
    ),
    KnownDefect(
        7,
        _K,
        ("EB-SUB-S014", "EB-SUB-S015", "EB-SUB-S016", "EB-SUB-S017"),
        "false-pass",
        "four EB-SUB-S contexts use unprefixed element names that do not exist",
        "rules run as written (they cannot fire)",
    ),
    KnownDefect(
        8,
        _K,
        (),
        "tooling",
        "the classic ISO skeleton silently skips attribute-context rules (C014, C020, ...)",
        "our compiler offers attributes to every pattern; tests prove C014/C020 fire",
    ),
    # Items numbered from 101 were found by this project, not listed in the kit; they are
    # described in docs/validation.md ("Defects found by the project").
    KnownDefect(
        101,
        _K,
        ("R-EDM-ERR-C022",),
        "false-error",
        "C022 tests count(rim:Slot[@name='PreviewLocation']=1): it compares the URL with the "
        "number 1, an XPath dynamic error (FORG0001) whenever the severity is exactly "
        "...:PreviewRequired; no correct v1.0 EDM:ERR:0002 response can pass",
        "reported as the rule says (could not be evaluated), annotated",
        r"FORG0001",
    ),
    KnownDefect(
        12,
        _K,
        (),
        "processing",
        "DSD-ERR-S.sch and EB-ERR.sch declare no queryBinding",
        "compiled as xslt2 (they use only XPath 1.0); the installed files are unchanged",
    ),
)


def annotate(finding: Finding, kit: str | None) -> Finding:
    """``finding`` with its ``known_defect`` annotation set when a false-error defect applies."""
    for defect in KNOWN_DEFECTS:
        if defect.effect == "false-error" and defect.matches(finding, kit):
            where = "KNOWN-DEFECTS item" if defect.item < 100 else "project-found defect"
            note = f"{where} {defect.item}: {defect.summary}"
            return Finding(
                finding.rule_id,
                finding.severity,
                finding.source,
                finding.rule_set,
                finding.location,
                finding.message,
                finding.role,
                note,
            )
    return finding
