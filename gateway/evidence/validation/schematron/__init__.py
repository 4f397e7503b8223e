"""Our Schematron implementation: expansion, compilation to XSLT 3.0, execution in Saxon-HE."""

from gateway.evidence.validation.schematron.compiler import COMPILER_VERSION, compile_expanded
from gateway.evidence.validation.schematron.expand import expand
from gateway.evidence.validation.schematron.runner import CompiledRules, RawFinding, compile_rules

__all__ = [
    "COMPILER_VERSION",
    "CompiledRules",
    "RawFinding",
    "compile_expanded",
    "compile_rules",
    "expand",
]
