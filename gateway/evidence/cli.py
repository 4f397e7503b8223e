"""``oots-gateway`` commands of the evidence layer.

* ``schemas install [--from DIR]``: install the schema kits (``gateway.kits``).
* ``validate FILE... [--format text|json]``: judge files; exit 0 only if every file is valid
  (informational findings do not fail), 1 otherwise.
* ``demo``: until the end-to-end demo exists, validate every official v1.0 sample and print a
  report table and a summary (ebMS headers and evidence payloads are listed as skipped).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from gateway.errors import XmlRejected
from gateway.evidence.validation import MessageKind, Report, Validator, detect
from gateway.evidence.validator_factory import build_validator
from gateway.kits import install_kits
from gateway.settings import Settings
from gateway.xml import parse_xml

__all__ = ["register"]

_SKIPPED = {
    MessageKind.EBMS_HEADER: "skipped: ebMS header (not an EDM payload)",
    MessageKind.NOT_EDM: "skipped: evidence payload (not an EDM message)",
}


def register(sub: Any) -> None:
    """Add ``schemas``, ``validate`` and ``demo`` to ``sub`` (argparse sub-parsers)."""
    schemas = sub.add_parser("schemas", help="manage the OOTS schema kits")
    schemas_sub = schemas.add_subparsers(dest="schemas_command", metavar="ACTION", required=True)
    install = schemas_sub.add_parser("install", help="install kits, verifying sha256 pins")
    install.add_argument(
        "--from",
        dest="from_dir",
        type=Path,
        metavar="DIR",
        help="an official OOTS-EDM package (checkout or OOTS-EDM folder)",
    )
    install.set_defaults(func=_cmd_install)

    validate = sub.add_parser("validate", help="validate OOTS EDM messages (XSD + Schematron)")
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.set_defaults(func=_cmd_validate)

    demo = sub.add_parser("demo", help="validate the official v1.0 samples and print a report")
    demo.set_defaults(func=_cmd_demo)


def _cmd_install(args: argparse.Namespace, settings: Settings) -> int:
    for result in install_kits(settings, from_dir=args.from_dir):
        state = "installed" if result.changed else "up to date"
        print(
            f"{result.kit} ({result.specification}): {state}, {result.files} files"
            f" verified -> {result.target}"
        )
    return 0


def _judge(validator: Validator, path: Path) -> tuple[Report | None, str | None]:
    try:
        return validator.validate(path.read_bytes()), None
    except OSError as exc:
        return None, f"cannot read file: {exc.strerror or exc}"
    except XmlRejected as exc:
        return None, exc.message


def _print_report(out: TextIO, name: str, report: Report) -> None:
    verdict = "valid" if report.valid else "INVALID"
    rules = " + ".join(report.rule_sets) or "-"
    print(
        f"{name}: {verdict} ({report.kind.value}, {report.version or 'no SpecificationIdentifier'}"
        f", kit {report.kit or '-'}, rules {rules})",
        file=out,
    )
    for f in report.findings:
        print(
            f"  {f.severity.value.upper():7} {f.rule_id or '(no id)'} [{f.rule_set or f.source}]"
            f" at {f.location}",
            file=out,
        )
        print(f"          {f.message}", file=out)
        if f.known_defect:
            print(f"          known defect: {f.known_defect}", file=out)


def _cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    validator = build_validator(settings)
    results: list[dict[str, Any]] = []
    all_valid = True
    for path in args.files:
        report, error = _judge(validator, path)
        valid = report is not None and report.valid
        all_valid &= valid
        if args.format == "json":
            entry: dict[str, Any] = {"file": str(path)}
            entry.update(report.to_dict() if report else {"valid": False, "error": error})
            results.append(entry)
        elif report is None:
            print(f"{path}: INVALID ({error})")
        else:
            _print_report(sys.stdout, str(path), report)
    if args.format == "json":
        json.dump({"valid": all_valid, "files": results}, sys.stdout, indent=2)
        print()
    return 0 if all_valid else 1


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    del args
    validator = build_validator(settings)
    kit = validator.kit_for("oots-edm:v1.0")
    if kit is None:  # pragma: no cover - the default kit always exists once installed
        print("the oots-edm:v1.0 kit is not installed; run `oots-gateway schemas install`")
        return 2
    samples = sorted(kit.sample_files)
    print(
        f"Validating the {len(samples)} official samples of {kit.name}"
        f" (XSD + official Schematron, own compiler on Saxon-HE)\n"
    )
    counts = {"pass": 0, "fail": 0, "skipped": 0}
    width = 62
    print(f"{'sample':{width}}  {'kind':27} {'rule sets':24} verdict")
    print("-" * (width + 70))
    for path in samples:
        name = path.relative_to(kit.root / "samples").as_posix()
        short = name if len(name) <= width else "..." + name[-(width - 3) :]
        kind, _ = detect(parse_xml(path.read_bytes(), what=name))
        if not kind.is_edm:
            counts["skipped"] += 1
            print(f"{short:{width}}  {kind.value:27} {'-':24} {_SKIPPED[kind]}")
            continue
        report = validator.validate(path.read_bytes())
        counts["pass" if report.valid else "fail"] += 1
        verdict = "pass" if report.valid else "FAIL: " + ", ".join(report.failing_rule_ids)
        if report.info_rule_ids:
            verdict += f" (info only: {', '.join(report.info_rule_ids)})"
        print(f"{short:{width}}  {kind.value:27} {' + '.join(report.rule_sets):24} {verdict}")
        for f in report.findings:
            if f.known_defect:
                print(f"{'':{width}}  known defect on {f.rule_id}: {f.known_defect}")
    validated = counts["pass"] + counts["fail"]
    print(
        f"\nSummary: {validated} EDM messages validated: {counts['pass']} pass,"
        f" {counts['fail']} fail; {counts['skipped']} skipped (ebMS headers, evidence payloads)."
    )
    print("RESULTS.md of the kit expects 33 pass and 2 fail (R-EDM-REQ-C067, GR vs EL).")
    return 0
