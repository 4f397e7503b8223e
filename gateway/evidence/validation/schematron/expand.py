"""Schematron pre-processing: ``sch:include``/``sch:extends href``, abstract rules and
abstract patterns, in the order ISO/IEC 19757-3 describes them (§5.4.3 include, §5.4.1 abstract
patterns, §5.4.2 abstract rules). Works on an lxml tree parsed by the hardened parser.
"""

from __future__ import annotations

import copy
import hashlib
import re
from pathlib import Path

from lxml import etree

from gateway.errors import Origin, SchemaKitError, XmlRejected
from gateway.namespaces import NS
from gateway.xml import parse_xml_file

__all__ = ["Expanded", "S", "expand"]

S = f"{{{NS.SCH}}}"
_MAX_INCLUDE_DEPTH = 16
# Attributes whose XPath may refer to abstract-pattern parameters.
_PARAM_ATTRIBUTES = ("context", "test", "select", "value", "path", "subject")


class Expanded:
    """A self-contained schema element plus the files (and hashes) it was built from."""

    def __init__(self, schema: etree._Element, sources: dict[str, str], path: Path) -> None:
        self.schema = schema
        self.sources = sources
        self.path = path
        """The top-level .sch file (base for relative references)."""


def _load(path: Path, sources: dict[str, str]) -> etree._Element:
    try:
        data = path.read_bytes()
        root = parse_xml_file(path, origin=Origin.LOCAL)
    except (OSError, XmlRejected) as exc:
        raise SchemaKitError(f"cannot read Schematron file {path}: {exc}") from exc
    sources[str(path)] = hashlib.sha256(data).hexdigest()
    return root


def _resolve_includes(el: etree._Element, base: Path, sources: dict[str, str], depth: int) -> None:
    if depth > _MAX_INCLUDE_DEPTH:
        raise SchemaKitError(f"sch:include nested deeper than {_MAX_INCLUDE_DEPTH} in {base}")
    for inc in list(el.iter(f"{S}include", f"{S}extends")):
        href = inc.get("href")
        if not href:
            continue
        target_path = (base.parent / href.split("#", 1)[0]).resolve()
        included = _load(target_path, sources)
        _resolve_includes(included, target_path, sources, depth + 1)
        parent = inc.getparent()
        assert parent is not None
        index = parent.index(inc)
        if inc.tag == f"{S}extends" or included.tag == f"{S}schema":
            # extends href: the referenced rule's children; an included schema: its content.
            replacement = [c for c in included if c.tag != f"{S}title"]
        else:
            replacement = [included]
        tail = inc.tail
        parent.remove(inc)
        for offset, node in enumerate(replacement):
            parent.insert(index + offset, node)
        if replacement:
            replacement[-1].tail = tail


def _expand_abstract_rules(schema: etree._Element) -> None:
    abstract = {r.get("id"): r for r in schema.iter(f"{S}rule") if r.get("abstract") == "true"}
    for _ in range(_MAX_INCLUDE_DEPTH):
        pending = list(schema.iter(f"{S}extends"))
        if not pending:
            break
        for ext in pending:
            rule = abstract.get(ext.get("rule"))
            if rule is None:
                raise SchemaKitError(
                    f"sch:extends refers to unknown abstract rule {ext.get('rule')!r}"
                )
            parent = ext.getparent()
            assert parent is not None
            index = parent.index(ext)
            parent.remove(ext)
            for offset, child in enumerate(c for c in rule if c.tag != f"{S}title"):
                parent.insert(index + offset, copy.deepcopy(child))
    for rule in abstract.values():
        parent = rule.getparent()
        if parent is not None:
            parent.remove(rule)


def _substitute(text: str, params: dict[str, str]) -> str:
    if not params:
        return text
    names = sorted(params, key=len, reverse=True)
    pattern = re.compile(r"\$(" + "|".join(re.escape(n) for n in names) + r")(?![\w.-])")
    return pattern.sub(lambda m: params[m.group(1)], text)


def _expand_abstract_patterns(schema: etree._Element) -> None:
    abstract = {p.get("id"): p for p in schema.iter(f"{S}pattern") if p.get("abstract") == "true"}
    for instance in [p for p in schema.iter(f"{S}pattern") if p.get("is-a")]:
        template = abstract.get(instance.get("is-a"))
        if template is None:
            raise SchemaKitError(f"pattern is-a={instance.get('is-a')!r}: no such abstract pattern")
        params = {p.get("name", ""): p.get("value", "") for p in instance.iter(f"{S}param")}
        for child in list(instance):
            instance.remove(child)
        for child in template:
            clone = copy.deepcopy(child)
            for node in clone.iter():
                for attr in _PARAM_ATTRIBUTES:
                    value = node.get(attr)
                    if value is not None:
                        node.set(attr, _substitute(value, params))
            instance.append(clone)
        del instance.attrib["is-a"]
    for pattern in abstract.values():
        parent = pattern.getparent()
        if parent is not None:
            parent.remove(pattern)


def expand(path: Path) -> Expanded:
    """Load ``path`` and return the fully expanded ``sch:schema`` element."""
    sources: dict[str, str] = {}
    root = _load(path, sources)
    if root.tag != f"{S}schema":
        raise SchemaKitError(f"{path} is not an ISO Schematron schema (root {root.tag})")
    _resolve_includes(root, path, sources, 0)
    _expand_abstract_rules(root)
    _expand_abstract_patterns(root)
    return Expanded(root, sources, path)
