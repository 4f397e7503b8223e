"""SDG Generic Metadata Profile building blocks (namespace ``http://data.europa.eu/p4s``).

Types follow ``SDG-GenericMetadataProfile-v1.0.0.xsd`` (kit ``oots-edm-1.0/xsd/sdg``);
the v2.0.1 profile keeps these shapes (TDD 2.0.1 README, "What changed", item 9).

- :class:`Text` is ``sdg:MultilingualStringType`` (``sdg:Name``/``Title``/``Description``,
  attribute ``lang`` -- not ``xml:lang``).
- :class:`Identifier` is ``sdg:IdentifierType`` (attribute ``schemeID``).
- :class:`Address`, :class:`Jurisdiction`, :class:`Agent` follow ``AddressType``,
  ``JurisdictionType`` and ``AgentType``.

Each type has a ``build_*`` function (model -> lxml element, children in XSD sequence
order) and a ``parse_*`` function (element -> model). Parsers read children by name,
refuse elements the type does not declare (so nothing is silently dropped) and raise
:class:`~gateway.errors.EvidenceError` through an :class:`SdgContext`, which carries the
EDM code to answer with. Text between child elements of element-only content is
ignored (KNOWN-DEFECTS 13 of the 2.0 kit: comma-joined ``sdg:Title``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from lxml import etree

from gateway.errors import EdmErrorCode, EvidenceError, Origin
from gateway.evidence.edm._regrep import child_elements, q, text_of
from gateway.namespaces import NS

__all__ = [
    "Address",
    "Agent",
    "Identifier",
    "Jurisdiction",
    "SdgContext",
    "SdgElement",
    "Text",
    "build_address",
    "build_agent",
    "build_identifier",
    "build_jurisdiction",
    "build_text",
    "build_texts",
    "parse_address",
    "parse_agent",
    "parse_identifier",
    "parse_jurisdiction",
    "parse_text",
    "sdg",
    "sub_text",
]


def sdg(local: str) -> str:
    """Clark name of an SDG element."""
    return q(NS.SDG, local)


@dataclass(frozen=True, slots=True)
class SdgContext:
    """Where errors go: the EDM code to answer with and who is at fault."""

    code: EdmErrorCode = EdmErrorCode.INVALID_REQUEST
    origin: Origin = Origin.REMOTE

    def error(self, message: str, *, field: str) -> EvidenceError:
        """A typed error naming ``field``."""
        return EvidenceError(message, edm_code=self.code, origin=self.origin, field=field)


class SdgElement:
    """The SDG children of one element, grouped by local name, in document order."""

    def __init__(self, element: etree._Element, allowed: Sequence[str], ctx: SdgContext) -> None:
        self.element = element
        self.ctx = ctx
        self.path = etree.QName(element).localname
        self._children: dict[str, list[etree._Element]] = {name: [] for name in allowed}
        for child in child_elements(element):
            qn = etree.QName(child)
            if qn.namespace != NS.SDG or qn.localname not in self._children:
                raise ctx.error(
                    f"sdg:{self.path} does not allow element {child.tag}",
                    field=f"{self.path}/{qn.localname}",
                )
            self._children[qn.localname].append(child)

    def field(self, name: str) -> str:
        """``Parent/Child`` path used in error messages."""
        return f"{self.path}/{name}"

    def all(self, name: str) -> list[etree._Element]:
        """Every child called ``name``."""
        return self._children[name]

    def one(self, name: str) -> etree._Element:
        """Exactly one child called ``name``."""
        found = self._children[name]
        if len(found) != 1:
            raise self.ctx.error(
                f"sdg:{self.path} needs exactly one sdg:{name}, found {len(found)}",
                field=self.field(name),
            )
        return found[0]

    def opt(self, name: str) -> etree._Element | None:
        """At most one child called ``name``."""
        found = self._children[name]
        if len(found) > 1:
            raise self.ctx.error(
                f"sdg:{self.path} allows one sdg:{name}, found {len(found)}",
                field=self.field(name),
            )
        return found[0] if found else None

    def text(self, name: str) -> str:
        """Text of the mandatory child ``name`` (must not be empty)."""
        value = text_of(self.one(name))
        if not value:
            raise self.ctx.error(f"sdg:{self.path}/sdg:{name} is empty", field=self.field(name))
        return value

    def opt_text(self, name: str) -> str | None:
        """Text of the optional child ``name``."""
        el = self.opt(name)
        return None if el is None else text_of(el)

    def texts(self, name: str) -> tuple[str, ...]:
        """Texts of every child ``name``."""
        return tuple(text_of(el) for el in self.all(name))

    def date(self, name: str, *, required: bool = True) -> date | None:
        """An ``xsd:date`` child (``YYYY-MM-DD``)."""
        el = self.one(name) if required else self.opt(name)
        if el is None:
            return None
        raw = text_of(el)
        try:
            return date.fromisoformat(raw)
        except ValueError as exc:
            raise self.ctx.error(
                f"sdg:{self.path}/sdg:{name} is not an xsd:date: {raw!r}", field=self.field(name)
            ) from exc


def sub_text(parent: etree._Element, local: str, value: str | None) -> etree._Element | None:
    """Append ``<sdg:local>value</sdg:local>`` unless ``value`` is None."""
    if value is None:
        return None
    el = etree.SubElement(parent, sdg(local))
    el.text = value
    return el


# ---------------------------------------------------------------------------
# MultilingualStringType and IdentifierType
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """``sdg:MultilingualStringType``: a text and its optional ``lang`` code."""

    value: str
    lang: str | None = None


def build_text(parent: etree._Element, local: str, text: Text) -> etree._Element:
    """Append ``<sdg:local lang=...>value</sdg:local>``."""
    el = etree.SubElement(parent, sdg(local))
    if text.lang is not None:
        el.set("lang", text.lang)
    el.text = text.value
    return el


def parse_text(element: etree._Element) -> Text:
    """Read a multilingual string (surrounding whitespace removed)."""
    return Text(value=text_of(element), lang=element.get("lang"))


def build_texts(parent: etree._Element, local: str, texts: Iterable[Text]) -> None:
    """Append one element per text."""
    for t in texts:
        build_text(parent, local, t)


@dataclass(frozen=True, slots=True)
class Identifier:
    """``sdg:IdentifierType``: an identifier and its optional ``schemeID``."""

    value: str
    scheme_id: str | None = None


def build_identifier(parent: etree._Element, local: str, ident: Identifier) -> etree._Element:
    """Append ``<sdg:local schemeID=...>value</sdg:local>``."""
    el = etree.SubElement(parent, sdg(local))
    if ident.scheme_id is not None:
        el.set("schemeID", ident.scheme_id)
    el.text = ident.value
    return el


def parse_identifier(element: etree._Element) -> Identifier:
    """Read an identifier (``xs:normalizedString``: surrounding whitespace removed)."""
    return Identifier(value=text_of(element), scheme_id=element.get("schemeID"))


# ---------------------------------------------------------------------------
# AddressType, JurisdictionType, AgentType
# ---------------------------------------------------------------------------

_ADDRESS = (
    "FullAddress",
    "LocatorDesignator",
    "PostCode",
    "PostCityName",
    "Thoroughfare",
    "AdminUnitLevel1",
    "AdminUnitLevel2",
)


@dataclass(frozen=True, slots=True)
class Address:
    """``sdg:AddressType``; ``admin_unit_level_1`` is the ISO 3166-1 country code."""

    admin_unit_level_1: str
    full_address: str | None = None
    locator_designator: str | None = None
    post_code: str | None = None
    post_city_name: str | None = None
    thoroughfare: str | None = None
    admin_unit_level_2: str | None = None
    """NUTS code."""


def build_address(parent: etree._Element, local: str, address: Address) -> etree._Element:
    """Append an address element; children in XSD sequence order."""
    el = etree.SubElement(parent, sdg(local))
    sub_text(el, "FullAddress", address.full_address)
    sub_text(el, "LocatorDesignator", address.locator_designator)
    sub_text(el, "PostCode", address.post_code)
    sub_text(el, "PostCityName", address.post_city_name)
    sub_text(el, "Thoroughfare", address.thoroughfare)
    sub_text(el, "AdminUnitLevel1", address.admin_unit_level_1)
    sub_text(el, "AdminUnitLevel2", address.admin_unit_level_2)
    return el


def parse_address(element: etree._Element, ctx: SdgContext) -> Address:
    """Read an ``sdg:AddressType`` element."""
    r = SdgElement(element, _ADDRESS, ctx)
    return Address(
        full_address=r.opt_text("FullAddress"),
        locator_designator=r.opt_text("LocatorDesignator"),
        post_code=r.opt_text("PostCode"),
        post_city_name=r.opt_text("PostCityName"),
        thoroughfare=r.opt_text("Thoroughfare"),
        admin_unit_level_1=r.text("AdminUnitLevel1"),
        admin_unit_level_2=r.opt_text("AdminUnitLevel2"),
    )


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """``sdg:JurisdictionType``: country, optional NUTS and LAU codes."""

    admin_unit_level_1: str
    admin_unit_level_2: str | None = None
    admin_unit_level_3: str | None = None


def build_jurisdiction(parent: etree._Element, local: str, j: Jurisdiction) -> etree._Element:
    """Append a jurisdiction element."""
    el = etree.SubElement(parent, sdg(local))
    sub_text(el, "AdminUnitLevel1", j.admin_unit_level_1)
    sub_text(el, "AdminUnitLevel2", j.admin_unit_level_2)
    sub_text(el, "AdminUnitLevel3", j.admin_unit_level_3)
    return el


def parse_jurisdiction(element: etree._Element, ctx: SdgContext) -> Jurisdiction:
    """Read an ``sdg:JurisdictionType`` element."""
    r = SdgElement(element, ("AdminUnitLevel1", "AdminUnitLevel2", "AdminUnitLevel3"), ctx)
    return Jurisdiction(
        admin_unit_level_1=r.text("AdminUnitLevel1"),
        admin_unit_level_2=r.opt_text("AdminUnitLevel2"),
        admin_unit_level_3=r.opt_text("AdminUnitLevel3"),
    )


_AGENT = ("Identifier", "Name", "Address", "Jurisdiction", "Classification")


@dataclass(frozen=True, slots=True)
class Agent:
    """``sdg:AgentType``: an evidence requester, provider, error provider or platform.

    ``classification`` is a code of the OOTS ``AgentClassification`` list
    (``ER``, ``EP``, ``IP``, ``ERRP``).
    """

    identifier: Identifier
    names: tuple[Text, ...]
    address: Address | None = None
    jurisdiction: Jurisdiction | None = None
    classification: str | None = None


def build_agent(
    parent: etree._Element | None, agent: Agent, local: str = "Agent"
) -> etree._Element:
    """Build ``sdg:Agent`` (or another ``AgentType`` element), appended when a parent is given."""
    el = etree.Element(sdg(local)) if parent is None else etree.SubElement(parent, sdg(local))
    build_identifier(el, "Identifier", agent.identifier)
    build_texts(el, "Name", agent.names)
    if agent.address is not None:
        build_address(el, "Address", agent.address)
    if agent.jurisdiction is not None:
        build_jurisdiction(el, "Jurisdiction", agent.jurisdiction)
    sub_text(el, "Classification", agent.classification)
    return el


def parse_agent(element: etree._Element, ctx: SdgContext) -> Agent:
    """Read an ``sdg:AgentType`` element."""
    r = SdgElement(element, _AGENT, ctx)
    names = tuple(parse_text(n) for n in r.all("Name"))
    if not names:
        raise ctx.error(f"sdg:{r.path} needs at least one sdg:Name", field=r.field("Name"))
    address = r.opt("Address")
    jurisdiction = r.opt("Jurisdiction")
    return Agent(
        identifier=parse_identifier(r.one("Identifier")),
        names=names,
        address=None if address is None else parse_address(address, ctx),
        jurisdiction=None if jurisdiction is None else parse_jurisdiction(jurisdiction, ctx),
        classification=r.opt_text("Classification"),
    )
