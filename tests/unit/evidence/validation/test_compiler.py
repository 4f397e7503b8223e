"""Our Schematron compiler on small rule files written at run time (one feature each)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.errors import SchemaKitError
from gateway.evidence.validation import Severity
from gateway.evidence.validation.schematron import COMPILER_VERSION, RawFinding, compile_rules

SCH = 'xmlns:sch="http://purl.oclc.org/dsdl/schematron"'
DOC = """<?xml version="1.0"?>
<o:order xmlns:o="urn:example:order" xmlns:xml="http://www.w3.org/XML/1998/namespace"
         id="o-1" currency="EUR">
  <o:line sku="A1" qty="2" price="10"/>
  <o:line sku="B2" qty="0" price="5" xml:lang="de"/>
  <o:note>rush</o:note>
</o:order>
"""


def run(
    tmp_path: Path,
    body: str,
    *,
    binding: str | None = 'queryBinding="xslt2"',
    files: dict[str, str] | None = None,
) -> tuple[RawFinding, ...]:
    for name, content in (files or {}).items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    sch = tmp_path / "rules.sch"
    sch.write_text(
        f"<sch:schema {SCH} {binding or ''}>"
        '<sch:ns prefix="o" uri="urn:example:order"/>'
        f"{body}</sch:schema>",
        encoding="utf-8",
    )
    return compile_rules(sch, tmp_path / "cache").run(DOC)


def ids(findings: tuple[RawFinding, ...]) -> list[str | None]:
    return [f.rule_id for f in findings]


def test_assert_and_report_with_value_of_and_name(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        """
      <sch:pattern><sch:rule context="o:line">
        <sch:assert id="A-QTY" test="@qty > 0">line <sch:value-of select="@sku"/> of
          <sch:name/> has quantity <sch:value-of select="@qty"/></sch:assert>
        <sch:report id="R-EXPENSIVE" test="@price >= 10">expensive
          <sch:emph>item</sch:emph></sch:report>
      </sch:rule></sch:pattern>""",
    )
    assert [(f.kind, f.rule_id) for f in found] == [("report", "R-EXPENSIVE"), ("assert", "A-QTY")]
    assert found[0].message == "expensive item"
    assert found[1].message == "line B2 of o:line has quantity 0"
    assert found[1].location == "/o:order[1]/o:line[2]"


def test_attribute_contexts_run(tmp_path: Path) -> None:
    """The classic skeleton never visits attributes (KNOWN-DEFECTS item 8); we do."""
    found = run(
        tmp_path,
        """
      <sch:pattern><sch:rule context="o:line/@qty">
        <sch:assert id="ATTR-QTY" test=". > 0">qty <sch:value-of select="."/></sch:assert>
      </sch:rule></sch:pattern>
      <sch:pattern><sch:rule context="o:line/@xml:lang">
        <sch:assert id="ATTR-LANG" test=". = upper-case(.)">lang
          <sch:value-of select="."/></sch:assert>
      </sch:rule></sch:pattern>""",
    )
    assert ids(found) == ["ATTR-QTY", "ATTR-LANG"]
    assert found[0].location == "/o:order[1]/o:line[2]/@qty"
    assert found[1].location == "/o:order[1]/o:line[2]/@xml:lang"


def test_first_matching_rule_per_pattern_wins(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        """
      <sch:pattern>
        <sch:rule context="o:line[@sku='B2']">
          <sch:assert id="FIRST" test="false()">1</sch:assert>
          </sch:rule>
        <sch:rule context="o:line"><sch:assert id="SECOND" test="false()">2</sch:assert></sch:rule>
      </sch:pattern>
      <sch:pattern>
        <sch:rule context="o:line">
          <sch:assert id="OTHER-PATTERN" test="false()">3</sch:assert>
          </sch:rule>
      </sch:pattern>""",
    )
    # line 1 only matches SECOND; line 2 matches FIRST (SECOND shadowed); both match the 2nd pattern
    assert sorted(ids(found)) == ["FIRST", "OTHER-PATTERN", "OTHER-PATTERN", "SECOND"]
    assert [f.location for f in found if f.rule_id == "FIRST"] == ["/o:order[1]/o:line[2]"]
    assert [f.location for f in found if f.rule_id == "SECOND"] == ["/o:order[1]/o:line[1]"]


def test_lets_at_every_level_including_after_an_assert(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        """
      <sch:let name="currency" value="/o:order/@currency"/>
      <sch:pattern>
        <sch:let name="lines" value="count(//o:line)"/>
        <sch:rule context="o:order">
          <sch:assert id="LET-AFTER" test="$total = 25">total <sch:value-of select="$total"/>
            in <sch:value-of select="$currency"/> over <sch:value-of select="$lines"/></sch:assert>
          <sch:let name="total" value="sum(o:line/(@qty * @price))"/>
        </sch:rule>
      </sch:pattern>""",
    )
    assert ids(found) == ["LET-AFTER"]
    assert found[0].message == "total 20 in EUR over 2"


def test_schema_let_is_usable_in_a_rule_context(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        """<sch:let name="free" value="0"/>
      <sch:pattern><sch:rule context="o:line[@qty = $free]">
        <sch:report id="FREE" test="true()">free line</sch:report>
      </sch:rule></sch:pattern>""",
    )
    assert [(f.rule_id, f.location) for f in found] == [("FREE", "/o:order[1]/o:line[2]")]


def test_abstract_patterns_and_rules(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        """
      <sch:pattern abstract="true" id="positive">
        <sch:rule context="$element">
          <sch:assert id="POS" test="$value > 0">not positive</sch:assert>
          </sch:rule>
      </sch:pattern>
      <sch:pattern is-a="positive" id="qty-positive">
        <sch:param name="element" value="o:line"/><sch:param name="value" value="@qty"/>
      </sch:pattern>
      <sch:pattern>
        <sch:rule abstract="true" id="has-sku">
          <sch:assert id="SKU" test="@sku = 'A1'">sku</sch:assert>
          </sch:rule>
        <sch:rule context="o:line"><sch:extends rule="has-sku"/></sch:rule>
      </sch:pattern>""",
    )
    assert [(f.rule_id, f.pattern, f.location) for f in found] == [
        ("POS", "qty-positive", "/o:order[1]/o:line[2]"),
        ("SKU", "pattern-2", "/o:order[1]/o:line[2]"),
    ]


def test_include_and_extends_href(tmp_path: Path) -> None:
    files = {
        "inc-pattern.sch": f'<sch:pattern {SCH} id="included"><sch:rule context="o:note">'
        '<sch:assert id="INC" test=". = \'normal\'">note</sch:assert></sch:rule></sch:pattern>',
        "inc-rule.sch": f'<sch:rule {SCH} abstract="true">'
        '<sch:assert id="EXT" test="@currency = \'USD\'">currency</sch:assert></sch:rule>',
    }
    found = run(
        tmp_path,
        """<sch:include href="inc-pattern.sch"/>
      <sch:pattern>
        <sch:rule context="o:order">
        <sch:extends href="inc-rule.sch"/>
        </sch:rule></sch:pattern>""",
        files=files,
    )
    assert ids(found) == ["INC", "EXT"]


def test_xslt_functions_declared_in_the_schema_are_available(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        """<sch:ns prefix="f" uri="urn:example:f"/>
      <xsl:function xmlns:xsl="http://www.w3.org/1999/XSL/Transform" name="f:total">
        <xsl:param name="order"/>
        <xsl:sequence select="sum($order/o:line/(@qty * @price))"/>
      </xsl:function>
      <sch:pattern><sch:rule context="o:order">
        <sch:assert id="FN" test="f:total(.) = 25">total
          <sch:value-of select="f:total(.)"/></sch:assert>
      </sch:rule></sch:pattern>""",
    )
    assert [(f.rule_id, f.message) for f in found] == [("FN", "total 20")]


def test_roles_and_flags_map_to_severities(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        """
      <sch:pattern><sch:rule context="o:order">
        <sch:assert id="I" role="info" test="false()">i</sch:assert>
        <sch:assert id="W" role="warning" test="false()">w</sch:assert>
        <sch:assert id="E" role="ERROR" test="false()">e</sch:assert>
        <sch:assert id="F" flag="FATAL" test="false()">f</sch:assert>
        <sch:assert test="false()">no id, no role</sch:assert>
      </sch:rule></sch:pattern>""",
    )
    got = [(f.rule_id, Severity.from_declared(f.role, f.flag)) for f in found]
    assert got == [
        ("I", Severity.INFO),
        ("W", Severity.WARNING),
        ("E", Severity.ERROR),
        ("F", Severity.FATAL),
        (None, Severity.ERROR),
    ]


def test_rule_role_is_inherited_but_not_the_rule_id(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        """<sch:pattern><sch:rule id="RULE-1" role="warning" context="o:order">
        <sch:assert test="false()">no id of its own</sch:assert>
      </sch:rule></sch:pattern>""",
    )
    assert [(f.rule_id, f.role) for f in found] == [(None, "warning")]


def test_missing_query_binding_is_compiled_as_xslt2(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        """<sch:pattern><sch:rule context="o:line">
        <sch:assert id="X1" test="string-length(@sku) = 3">xpath 1.0 only</sch:assert>
      </sch:rule></sch:pattern>""",
        binding=None,
    )
    assert ids(found) == ["X1", "X1"]


def test_unknown_query_binding_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SchemaKitError, match="queryBinding"):
        run(tmp_path, "<sch:pattern/>", binding='queryBinding="exslt"')


def test_dynamic_error_becomes_a_finding_of_that_rule(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        """<sch:ns prefix="xs" uri="http://www.w3.org/2001/XMLSchema"/>
      <sch:pattern><sch:rule context="o:order">
        <sch:assert id="BOOM" test="xs:integer(@id) = 1">cast</sch:assert>
        <sch:assert id="STILL-RUNS" test="false()">next</sch:assert>
      </sch:rule></sch:pattern>""",
    )
    assert [(f.kind, f.rule_id) for f in found] == [("error", "BOOM"), ("assert", "STILL-RUNS")]


def test_error_in_a_rule_let_is_reported_for_each_assertion_of_the_rule(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        """<sch:pattern><sch:rule context="o:order">
        <sch:let name="n" value="local-name(//o:line)"/>
        <sch:assert id="L1" test="$n = 'line'">one</sch:assert>
        <sch:assert id="L2" test="true()">two</sch:assert>
      </sch:rule></sch:pattern>
      <sch:pattern><sch:rule context="o:order">
        <sch:assert id="NEXT-PATTERN" test="false()">still runs</sch:assert>
      </sch:rule></sch:pattern>""",
    )
    assert [(f.kind, f.rule_id) for f in found] == [
        ("error", "L1"),
        ("error", "L2"),
        ("assert", "NEXT-PATTERN"),
    ]
    assert "XPTY0004" in found[0].message


def test_compiled_xslt_is_cached_on_disk_and_invalidated_by_includes(tmp_path: Path) -> None:
    files = {
        "inc.sch": f'<sch:pattern {SCH}><sch:rule context="o:note">'
        '<sch:assert id="V1" test="false()">v1</sch:assert></sch:rule></sch:pattern>'
    }
    assert ids(run(tmp_path, '<sch:include href="inc.sch"/>', files=files)) == ["V1"]
    cached = list((tmp_path / "cache" / "schematron").glob(f"rules-*-{COMPILER_VERSION}.xsl"))
    assert len(cached) == 1
    (tmp_path / "inc.sch").write_text(files["inc.sch"].replace("V1", "V2"), encoding="utf-8")
    sch = tmp_path / "rules.sch"
    assert ids(compile_rules(sch, tmp_path / "cache").run(DOC)) == ["V2"]
