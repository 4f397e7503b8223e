"""Our own ISO Schematron -> XSLT 3.0 compiler (no SchXslt, no ISO skeleton).

Semantics implemented (ISO/IEC 19757-3:2016, §5 and §6):

* ``sch:ns`` become namespace declarations of the stylesheet.
* ``sch:let`` at schema level become global variables (context: the document; usable in rule
  contexts too); pattern-level lets are evaluated once with the document node as context and
  handed to the pattern's rule templates as tunnel parameters; rule-level lets become local
  variables, all hoisted to the top of the rule in document order, so a let written after an
  assertion (LCM-ERR.sch line 87, KNOWN-DEFECTS item 6) is still in scope.
* Each pattern is an XSLT mode. Every node of the document -- the document node, elements,
  text, comments, processing instructions *and attributes* -- is offered to every pattern, and
  the rules of a pattern are templates of descending priority, so only the first matching rule
  fires for a node (§6.5). Attribute contexts such as ``rs:Exception/@severity`` therefore run;
  the classic skeleton silently skips them (KNOWN-DEFECTS item 8).
* ``assert`` emits when its test is false, ``report`` when it is true; ``value-of`` and ``name``
  in messages, ``diagnostics`` references, ``id``, ``role`` and ``flag`` are carried into the
  result. Each assertion, each rule (its lets) and each pattern runs in ``xsl:try``, so that a
  dynamic XPath error becomes a finding of the rule concerned instead of aborting the run.
* Top-level XSLT declarations in the schema (``xsl:function``, ``xsl:key``, ``xsl:include``)
  are copied into the stylesheet, as Schematron with ``queryBinding="xslt2"`` allows.
* ``sch:phase`` is not evaluated: all patterns are active (``#ALL``).
* Files without ``queryBinding`` (DSD-ERR-S.sch, EB-ERR.sch; KNOWN-DEFECTS item 12) are compiled
  like ``xslt2``; they use only XPath 1.0 expressions, whose meaning does not change.

The output is a small result vocabulary in :data:`RESULT_NS` (``gwr:finding`` elements), read
by :mod:`gateway.evidence.validation.schematron.runner`.
"""

from __future__ import annotations

import copy

from lxml import etree

from gateway.errors import SchemaKitError
from gateway.evidence.validation.schematron.expand import Expanded, S
from gateway.namespaces import NS

__all__ = ["COMPILER_VERSION", "RESULT_NS", "compile_expanded"]

COMPILER_VERSION = "gw-sch-7"
"""Changes whenever the generated XSLT changes; part of the on-disk cache key."""
RESULT_NS = "urn:x-oots-gateway:schematron-result"
_X = f"{{{NS.XSL}}}"
_R = f"{{{RESULT_NS}}}"
_QUERY_BINDINGS = {None, "", "xslt", "xslt2", "xslt3", "xpath2", "xpath3", "xpath31"}
_ALL_NODES = "gwr-nodes"

_PATH_FUNCTION = (
    "if ($n instance of document-node()) then '/' else string-join(("
    "for $a in $n/ancestor-or-self::node()[not(. instance of document-node())] return "
    "if ($a instance of attribute()) then concat('/@', name($a)) "
    "else if ($a instance of element()) then concat('/', name($a), '[', "
    "count($a/preceding-sibling::*[node-name(.) eq node-name($a)]) + 1, ']') "
    "else if ($a instance of text()) then '/text()' "
    "else if ($a instance of comment()) then '/comment()' else '/node()'), '')"
)


def _x(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, _X + tag)
    for key, value in attrs.items():
        el.set(key.rstrip("_").replace("__", "-"), value)
    return el


def _avt(value: str) -> str:
    """Escape a literal for an attribute value template."""
    return value.replace("{", "{{").replace("}", "}}")


def _lets(scope: etree._Element) -> list[etree._Element]:
    return [c for c in scope if c.tag == f"{S}let"]


def _emit_variable(parent: etree._Element, let: etree._Element) -> None:
    name = let.get("name")
    if not name:
        raise SchemaKitError("sch:let without a name")
    var = _x(parent, "variable", name=name)
    if let.get("value") is not None:
        var.set("select", let.get("value", ""))
    else:  # let with element content (ISO 2016 §5.4.5)
        for child in let:
            var.append(copy.deepcopy(child))


def _message(
    parent: etree._Element, assertion: etree._Element, diagnostics: dict[str, etree._Element]
) -> None:
    def walk(node: etree._Element, out: etree._Element) -> None:
        if node.text:
            _x(out, "text").text = node.text
        for child in node:
            if child.tag == f"{S}value-of":
                _x(out, "value-of", select=child.get("select", "."))
            elif child.tag == f"{S}name":
                path = child.get("path")
                _x(out, "value-of", select=f"name({path})" if path else "name(.)")
            elif isinstance(child.tag, str):
                walk(child, out)  # emph, dir, span, foreign elements: their text
            if child.tail:
                _x(out, "text").text = child.tail

    message = etree.SubElement(parent, _R + "message")
    walk(assertion, message)
    for ref in (assertion.get("diagnostics") or "").split():
        diagnostic = diagnostics.get(ref)
        if diagnostic is not None:
            _x(message, "text").text = " "
            walk(diagnostic, message)


def _assertion(
    template: etree._Element,
    assertion: etree._Element,
    rule: etree._Element,
    pattern_label: str,
    diagnostics: dict[str, etree._Element],
) -> None:
    test = assertion.get("test")
    if test is None:
        raise SchemaKitError(f"sch:{etree.QName(assertion).localname} without a test")
    is_assert = assertion.tag == f"{S}assert"
    attempt = _x(template, "try")
    condition = _x(attempt, "if", test=f"not({test})" if is_assert else f"({test})")
    finding = etree.SubElement(condition, _R + "finding")
    finding.set("kind", "assert" if is_assert else "report")
    finding.set("pattern", _avt(pattern_label))
    finding.set("context", _avt(rule.get("context", "")))
    for attr in ("id", "role", "flag"):
        # role and flag may be declared on the rule for all its assertions; ids never inherit
        value = assertion.get(attr) or (rule.get(attr) if attr != "id" else None)
        if value is not None:
            finding.set(attr, _avt(value))
    finding.set("location", "{gwr:path(.)}")
    _message(finding, assertion, diagnostics)
    _catch(attempt, [assertion.get("id")])


def compile_expanded(expanded: Expanded, *, label: str) -> str:
    """Generate the XSLT 3.0 text for an expanded schema."""
    schema = expanded.schema
    binding = schema.get("queryBinding")
    if binding not in _QUERY_BINDINGS:
        raise SchemaKitError(f"{label}: queryBinding {binding!r} is not supported")
    nsmap: dict[str, str] = {
        "xsl": NS.XSL,
        "gwr": RESULT_NS,
        "err": "http://www.w3.org/2005/xqt-errors",
    }
    for ns in schema.iter(f"{S}ns"):
        prefix, uri = ns.get("prefix"), ns.get("uri")
        if not prefix or uri is None or prefix in ("xsl", "gwr", "err"):
            raise SchemaKitError(f"{label}: unusable sch:ns prefix={prefix!r} uri={uri!r}")
        nsmap[prefix] = uri
    sheet = etree.Element(_X + "stylesheet", nsmap=nsmap)
    sheet.set("version", "3.0")
    sheet.set("exclude-result-prefixes", "#all")
    _x(sheet, "output", method="xml", encoding="UTF-8", indent="no")
    func = _x(sheet, "function", name="gwr:path")
    _x(func, "param", name="n")
    _x(func, "sequence", select=_PATH_FUNCTION)
    diagnostics = {d.get("id", ""): d for d in schema.iter(f"{S}diagnostic")}
    _copy_foreign_xslt(schema, sheet, expanded)

    for let in _lets(schema):  # global: usable in rule contexts too; context = the document
        _emit_variable(sheet, let)
    root_template = _x(sheet, "template", match="/")
    _x(root_template, "variable", name=_ALL_NODES, select="(/ | //node() | //@*)")
    result = etree.SubElement(root_template, _R + "result")
    result.set("schema", label)

    for index, pattern in enumerate(schema.iter(f"{S}pattern"), start=1):
        mode = f"gwr:p{index}"
        pattern_label = pattern.get("id") or f"pattern-{index}"
        scope = _x(_x(result, "for-each", select="."), "try")
        for let in _lets(pattern):
            _emit_variable(scope, let)
        visible = list(dict.fromkeys(let.get("name", "") for let in _lets(pattern)))
        apply = _x(scope, "apply-templates", select=f"${_ALL_NODES}", mode=mode)
        for name in visible:
            _x(apply, "with-param", name=name, select=f"${name}", tunnel="yes")
        _catch(scope, [None])
        _x(sheet, "template", match="/ | node() | @*", mode=mode, priority="-1000")
        rules = [r for r in pattern if r.tag == f"{S}rule"]
        for position, rule in enumerate(rules):
            context = rule.get("context")
            if not context:
                raise SchemaKitError(f"{label}: sch:rule without context in {pattern_label}")
            template = _x(
                sheet, "template", match=context, mode=mode, priority=str(len(rules) - position)
            )
            for name in visible:
                _x(template, "param", name=name, tunnel="yes")
            # An error in a rule-level let (e.g. local-name(/node()) on a document with a
            # leading comment) is reported against every assertion of the rule.
            body = _x(template, "try")
            for let in _lets(rule):
                _emit_variable(body, let)
            assertions = [a for a in rule if a.tag in (f"{S}assert", f"{S}report")]
            for assertion in assertions:
                _assertion(body, assertion, rule, pattern_label, diagnostics)
            _catch(body, [a.get("id") for a in assertions] or [None])
    return etree.tostring(sheet, encoding="unicode")


def _copy_foreign_xslt(schema: etree._Element, sheet: etree._Element, expanded: Expanded) -> None:
    """Copy top-level XSLT declarations of the schema (``xsl:function``, ``xsl:key``,
    ``xsl:include``/``xsl:import`` with hrefs made absolute) into the stylesheet."""
    for child in schema:
        if not isinstance(child.tag, str) or not child.tag.startswith(_X):
            continue
        clone = copy.deepcopy(child)
        href = clone.get("href")
        if href is not None and "://" not in href:
            clone.set("href", (expanded.path.parent / href).resolve().as_uri())
        if clone.tag == f"{_X}import":
            sheet.insert(0, clone)  # xsl:import must come first
        else:
            sheet.append(clone)


def _catch(attempt: etree._Element, rule_ids: list[str | None]) -> None:
    """``xsl:catch`` reporting a dynamic error once per affected rule id."""
    catch = _x(attempt, "catch")
    for rule_id in rule_ids:
        error = etree.SubElement(catch, _R + "error")
        if rule_id:
            error.set("id", _avt(rule_id))
        error.set("location", "{gwr:path(.)}")
        _x(error, "value-of", select="$err:code, $err:description", separator=": ")
