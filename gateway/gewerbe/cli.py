"""``oots-gateway gewerbe ...``: check XGewerbeanzeige messages and the mapping tables.

* ``gewerbe validate FILE...``: validate with the schema in use (official when installed, else
  the project schema) plus the project rules; exit 0 only if every file is valid.
* ``gewerbe route AGS``: the competent Gewerbeamt for a municipality key.
* ``gewerbe legal-form COUNTRY FORM``: the legal-form mapping, or "unmapped".
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gateway.errors import GatewayError
from gateway.gewerbe.mappings import LegalFormCodeList, legal_form
from gateway.gewerbe.models import LegalForm
from gateway.gewerbe.routing import route
from gateway.gewerbe.schema import load_validator
from gateway.settings import Settings

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``gewerbe`` and its actions to ``sub`` (argparse sub-parsers)."""
    parser = sub.add_parser("gewerbe", help="XGewerbeanzeige messages and mapping tables")
    actions = parser.add_subparsers(dest="gewerbe_command", metavar="ACTION", required=True)
    validate = actions.add_parser("validate", help="validate XGewerbeanzeige messages")
    validate.add_argument("files", nargs="+", type=Path)
    validate.set_defaults(func=_cmd_validate)
    where = actions.add_parser("route", help="the Gewerbeamt competent for an AGS")
    where.add_argument("ags")
    where.set_defaults(func=_cmd_route)
    form = actions.add_parser("legal-form", help="look up a legal-form mapping")
    form.add_argument("country")
    form.add_argument("form")
    form.set_defaults(func=_cmd_legal_form)


def _cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    validator = load_validator(settings)
    failed = 0
    for path in args.files:
        try:
            report = validator.validate(path.read_bytes())
        except OSError as exc:
            print(f"{path}: cannot read: {exc.strerror or exc}")
            failed += 1
            continue
        except GatewayError as exc:
            print(f"{path}: refused: {exc}")
            failed += 1
            continue
        state = "valid" if report.valid else "INVALID"
        print(f"{path}: {state} (XGewerbeanzeige {report.version}, {report.schema})")
        for error in report.xsd_errors:
            print(f"  xsd: {error}")
        for rule in report.rule_failures:
            print(f"  {rule.rule} at {rule.location}: {rule.message}")
        failed += not report.valid
    return 1 if failed else 0


def _cmd_route(args: argparse.Namespace, settings: Settings) -> int:
    amt = route(args.ags)
    print(f"{amt.ags}: {amt.behoerdenname}, {amt.strasse} {amt.hausnr}, {amt.plz} {amt.ort}")
    return 0


def _cmd_legal_form(args: argparse.Namespace, settings: Settings) -> int:
    entry = legal_form(LegalForm(args.form, args.country))
    xga5 = entry.xga5_code or "unmapped"
    print(f"{entry.country} {entry.source_form} ({entry.label}): XUnternehmen "
          f"{entry.code(LegalFormCodeList.XUNTERNEHMEN_2_2)} '{entry.xunternehmen_label}', "
          f"XGewerbeanzeige v5 {xga5}\n  basis: {entry.basis}")
    return 0
