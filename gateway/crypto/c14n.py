"""Exclusive XML Canonicalization 1.0 (``xml-exc-c14n#``) of an element, via libxml2.

The element is canonicalized as a document subset in its own document context:
namespaces declared on ancestors are rendered only where visibly used (Exc-C14N §3)
and the ``InclusiveNamespaces PrefixList`` prefixes are treated as in inclusive C14N.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from gateway.crypto import CryptoFailure

__all__ = ["exc_c14n"]


def exc_c14n(element: etree._Element, inclusive_prefixes: Sequence[str] = ()) -> bytes:
    """Exclusive C14N without comments of ``element`` and its descendants."""
    try:
        return etree.tostring(
            element,
            method="c14n",
            exclusive=True,
            with_comments=False,
            inclusive_ns_prefixes=list(inclusive_prefixes) or None,
        )
    except (etree.C14NError, ValueError, TypeError) as exc:
        raise CryptoFailure(f"exclusive canonicalization failed: {exc}") from exc
