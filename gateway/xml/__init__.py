"""Hardened XML handling: the single parse entry point and serialisation helpers."""

from gateway.xml._parse import (
    DEFAULT_LIMITS,
    TRUSTED_FILE_LIMITS,
    ParseLimits,
    parse_xml,
    parse_xml_file,
)

__all__ = ["DEFAULT_LIMITS", "TRUSTED_FILE_LIMITS", "ParseLimits", "parse_xml", "parse_xml_file"]
