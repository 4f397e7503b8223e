"""The code lists a receiver of ``nachricht.reg.0400003`` must hold itself.

The register module declares its codes as XÖV type 3 (``xoev-code.xsd``: ``code`` only,
no ``name``; REGISTER-MESSAGES.md: "a receiver must hold the code lists separately"), so
court names, role names, legal forms and statuses come from the kit's lists:
``GDS.Gerichte`` 3.7 and ``GDS.Rollenbezeichnung`` 3.6 (XRepository JSON: ``spalten``,
``daten``), XUnternehmen ``Rechtsformen`` 2.2 (JSON, short name column) and
``REG.Status_Rechtstraeger`` 2.0 (genericode). Unknown codes stay codes (newer list
versions appear: KNOWN-DEFECTS, XJustiz).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gateway.errors import ConfigurationError
from gateway.xml._parse import parse_xml

__all__ = ["CODE_LIST_FILES", "RegisterCodeLists", "load_register_code_lists"]

CODE_LIST_FILES = {
    "courts": "de/xjustiz/codelists/json/GDS.Gerichte_3.7.json",
    "roles": "de/xjustiz/codelists/json/GDS.Rollenbezeichnung_3.6.json",
    "legal_forms": "de/xjustiz/codelists/json/Rechtsformen_2.2.json",
    "statuses": "de/xjustiz/codelists/REG.Status_Rechtstraeger_2.0.xml",
}
"""Kit paths (relative to ``Settings.shared_dir``), read at start-up."""


@dataclass(frozen=True, slots=True)
class RegisterCodeLists:
    """code -> display name, per list."""

    courts: Mapping[str, str] = field(default_factory=dict)
    roles: Mapping[str, str] = field(default_factory=dict)
    legal_forms: Mapping[str, str] = field(default_factory=dict)
    statuses: Mapping[str, str] = field(default_factory=dict)


def _xrepository_json(data: bytes, name_column: str) -> dict[str, str]:
    doc = json.loads(data)
    columns = [c["spaltennameTechnisch"] for c in doc["spalten"]]
    code_at, name_at = 0, columns.index(name_column)
    return {str(row[code_at]): str(row[name_at]).strip() for row in doc["daten"]}


def _genericode(data: bytes) -> dict[str, str]:
    root = parse_xml(data, what="genericode list")
    out: dict[str, str] = {}
    for row in root.iter("{*}Row"):
        values = [v.findtext("{*}SimpleValue") or "" for v in row.iter("{*}Value")]
        if len(values) >= 2:
            out[values[0]] = values[1]
    return out


def parse_register_code_lists(files: Mapping[str, bytes]) -> RegisterCodeLists:
    """Build the lists from the kit files' bytes (keys of :data:`CODE_LIST_FILES`)."""
    try:
        return RegisterCodeLists(
            courts=_xrepository_json(files["courts"], "wert"),
            roles=_xrepository_json(files["roles"], "wert"),
            legal_forms=_xrepository_json(files["legal_forms"], "Bezeichnung-kurz"),
            statuses=_genericode(files["statuses"]))
    except (KeyError, ValueError, IndexError) as exc:
        raise ConfigurationError(f"register code lists unreadable: {exc}") from exc


def load_register_code_lists(shared_dir: Path) -> RegisterCodeLists:
    """Read the lists from the reference kit (start-up I/O)."""
    try:
        files = {k: (shared_dir / p).read_bytes() for k, p in CODE_LIST_FILES.items()}
    except OSError as exc:
        raise ConfigurationError(f"register code lists missing: {exc}") from exc
    return parse_register_code_lists(files)
