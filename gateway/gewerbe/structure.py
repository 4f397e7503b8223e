"""Element-by-element comparison of a message with the KoSIT test messages' structure.

Paths use local names from the root (the root itself is ``*``, since root names and namespaces
differ between versions). :func:`compare` reports, for a message we built:

* ``unknown``: elements at a path no reference message has;
* ``order``: children in an order that some reference contradicts (``a before b`` where the
  references only have b before a);
* ``omitted``: paths every reference has but the message lacks.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass

from lxml import etree

__all__ = ["Comparison", "compare", "paths"]


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _walk(element: etree._Element, path: str) -> Iterable[tuple[str, etree._Element]]:
    yield path, element
    for child in element:
        if isinstance(child.tag, str):
            yield from _walk(child, f"{path}/{_local(child)}")


def paths(root: etree._Element) -> set[str]:
    """Every element path of a message."""
    return {p for p, _ in _walk(root, "*")}


def _precedence(root: etree._Element) -> set[tuple[str, str, str]]:
    """``(path, a, b)``: at ``path`` a child ``a`` comes before a child ``b``."""
    pairs: set[tuple[str, str, str]] = set()
    for path, element in _walk(root, "*"):
        names = [_local(c) for c in element if isinstance(c.tag, str)]
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if a != b:
                    pairs.add((path, a, b))
    return pairs


@dataclass(frozen=True, slots=True)
class Comparison:
    """Result of :func:`compare`."""

    unknown: tuple[str, ...]
    order: tuple[str, ...]
    omitted: tuple[str, ...]

    @property
    def matches(self) -> bool:
        """No unknown element and no order conflict."""
        return not self.unknown and not self.order


def _as_22(reference: etree._Element) -> etree._Element:
    """2.0/2.1 write ``nationSchluessel`` as text, 2.2 as a code: read the text as the code.

    This is the one version difference the project schema documents for the elements we emit.
    """
    copy = deepcopy(reference)
    for element in copy.iter():
        if (isinstance(element.tag, str) and _local(element) == "nationSchluessel"
                and len(element) == 0 and (element.text or "").strip()):
            etree.SubElement(element, "code").text = (element.text or "").strip()
            element.text = None
    return copy


def compare(message: etree._Element, references: Iterable[etree._Element]) -> Comparison:
    """Compare ``message`` with the ``references`` (parsed KoSIT test messages)."""
    refs = [_as_22(r) for r in references]
    known: set[str] = set().union(*(paths(r) for r in refs))
    common: set[str] = set.intersection(*(paths(r) for r in refs))
    before: set[tuple[str, str, str]] = set().union(*(_precedence(r) for r in refs))
    ours = paths(message)
    conflicts = sorted(f"{p}: {a} before {b}" for p, a, b in _precedence(message)
                       if (p, b, a) in before and (p, a, b) not in before)
    return Comparison(tuple(sorted(ours - known)), tuple(conflicts),
                      tuple(sorted(common - ours)))
